import {
  checkCommitments,
  CompactRange,
  createNoteVerifier,
  ENTRY_TYPES,
  hashLeaf,
  openCheckpoint,
  parseLeafEnvelope,
} from '@docket/core';
import type { Checkpoint, NoteVerifier } from '@docket/core';
import { checkProducerSeqs, reportedGapsOf } from '@docket/ledger';
import type { ExplainedGap, ReportedGap } from '@docket/ledger';
import { DocketError } from '@docket/protocol';
import type { EntriesPage, ErrorCode, Issue, LogView } from '@docket/protocol';
import type { ApiClient } from './api-client.js';

/** The audit of one log of a remote server. */
export interface RemoteLogReport {
  readonly tenant: string;
  readonly kind: 'decisions' | 'access';
  readonly ok: boolean;
  readonly issues: Issue[];
  readonly origin: string;
  readonly vkey: string;
  /** `option`: the key the auditor brought; `server`: the one the server announced (weaker). */
  readonly vkeySource: 'option' | 'server';
  readonly treeSize: number;
  readonly entries: number;
  readonly commitmentsChecked: number;
  readonly erased: number;
  /** Producer reports (`docket.producer/v1`) among the audited entries. */
  readonly producerReports: number;
  /** Missing producer seqs that a producer report explains. */
  readonly explainedSeqs: number;
  /** The explained gaps, as `docket verify --data` lists them (at most MAX_EXPLAINED_GAPS). */
  readonly explainedGaps: ExplainedGap[];
  readonly explainedGapsNotListed: number;
}

/** Options of {@link auditRemote}. */
export interface RemoteAuditOptions {
  /** The decision log's vkey the auditor trusts (else the server's, reported as such). */
  readonly vkey?: string | undefined;
  /** A checkpoint of the decision log the auditor kept: the log must extend it. */
  readonly trustedCheckpoint?: string | undefined;
  readonly pageSize?: number;
  readonly onProgress?: (kind: string, done: number, total: number) => void;
}

const err = (code: ErrorCode, message: string, where?: string): Issue => ({
  code,
  message,
  severity: 'error',
  ...(where === undefined ? {} : { where }),
});

/**
 * Audits a tenant's logs through the API (`docket verify --url`): downloads every leaf and its
 * content, rebuilds the RFC 6962 tree, checks the signed checkpoint, recomputes every salted
 * commitment that was not erased and, given a checkpoint the auditor kept, checks the log
 * extends it. Needs an auditor or admin key. Covers the decision log and the access log.
 *
 * @example
 * const { ok, logs } = await auditRemote(new ApiClient({ url, apiKey }), { vkey });
 */
export async function auditRemote(
  client: ApiClient,
  options: RemoteAuditOptions = {},
): Promise<{ ok: boolean; logs: RemoteLogReport[] }> {
  const info = await client.json<LogView & { tenant: string; access: LogView }>('/v1/log');
  const logs = [
    await auditLog(client, info.tenant, 'decisions', info, options.vkey, options),
    await auditLog(client, info.tenant, 'access', info.access, undefined, {
      ...options,
      trustedCheckpoint: undefined,
    }),
  ];
  return { ok: logs.every((l) => l.ok), logs };
}

async function auditLog(
  client: ApiClient,
  tenant: string,
  kind: 'decisions' | 'access',
  view: LogView,
  trustedVkey: string | undefined,
  options: RemoteAuditOptions,
): Promise<RemoteLogReport> {
  const issues: Issue[] = [];
  const vkey = trustedVkey ?? view.vkey;
  const report = (extra: Partial<RemoteLogReport>): RemoteLogReport => ({
    tenant,
    kind,
    ok: !issues.some((i) => i.severity !== 'warning'),
    issues,
    origin: view.origin,
    vkey,
    vkeySource: trustedVkey === undefined ? 'server' : 'option',
    treeSize: 0,
    entries: 0,
    commitmentsChecked: 0,
    erased: 0,
    producerReports: 0,
    explainedSeqs: 0,
    explainedGaps: [],
    explainedGapsNotListed: 0,
    ...extra,
  });
  let verifier: NoteVerifier;
  let checkpoint: Checkpoint;
  try {
    verifier = createNoteVerifier(vkey);
    checkpoint = openCheckpoint(view.checkpoint, verifier).checkpoint;
  } catch (error) {
    const code = error instanceof DocketError ? error.code : 'CHECKPOINT_INVALID';
    issues.push(
      err(
        code === 'NOTE_SIGNATURE_INVALID' || code === 'NOTE_UNVERIFIED'
          ? 'CHECKPOINT_SIGNATURE_INVALID'
          : code,
        `the ${kind} log's checkpoint does not verify with ${vkey}: ${(error as Error).message}`,
        'checkpoint',
      ),
    );
    return report({});
  }
  let trusted: Checkpoint | undefined;
  if (options.trustedCheckpoint !== undefined) {
    trusted = openCheckpoint(options.trustedCheckpoint, verifier).checkpoint;
    if (trusted.size > checkpoint.size) {
      issues.push(
        err(
          'CHECKPOINT_ROLLBACK',
          `the server's checkpoint (size ${checkpoint.size}) is older than the one you kept (size ${trusted.size})`,
          'checkpoint',
        ),
      );
    }
  }
  const range = new CompactRange();
  let commitmentsChecked = 0;
  let erased = 0;
  const producers = new Map<string, number[]>();
  const explained = new Map<string, ReportedGap[]>();
  let producerReports = 0;
  let from = 0;
  const pageSize = options.pageSize ?? 5000;
  // Entries beyond the checkpoint may exist (appended since): only its size is audited.
  while (range.size < checkpoint.size) {
    const page = await client.json<EntriesPage>('/v1/entries', {
      log: kind,
      from,
      limit: Math.min(pageSize, checkpoint.size - range.size),
    });
    if (page.entries.length === 0) break;
    for (const e of page.entries) {
      const where = `${kind} leaf ${range.size}`;
      if (e.index !== range.size) {
        issues.push(
          err('ENTRY_MISSING', `expected entry ${range.size}, the server sent ${e.index}`, where),
        );
        return report({ treeSize: checkpoint.size, entries: range.size });
      }
      const leaf = Buffer.from(e.leaf, 'base64');
      try {
        const envelope = parseLeafEnvelope(leaf, where);
        if (envelope.index !== e.index) {
          issues.push(err('ENTRY_REORDERED', `the leaf says index ${envelope.index}`, where));
        }
        if (envelope.producer !== undefined) {
          const seqs = producers.get(envelope.producer.id) ?? [];
          seqs.push(envelope.producer.seq);
          producers.set(envelope.producer.id, seqs);
        }
        if (envelope.type === ENTRY_TYPES.producer) {
          producerReports++;
          for (const [producer, gap] of reportedGapsOf(e.fields)) {
            const gaps = explained.get(producer) ?? [];
            gaps.push(gap);
            explained.set(producer, gaps);
          }
        }
        if (e.erased) erased++;
        else if (e.fields !== null && e.salts !== null) {
          const checked = checkCommitments(envelope.commitments, e.fields, e.salts, where);
          commitmentsChecked += checked.checked;
          issues.push(...checked.issues);
        }
      } catch (error) {
        issues.push(err('LEAF_CHANGED', (error as Error).message, where));
      }
      range.append(hashLeaf(leaf));
      if (
        trusted !== undefined &&
        range.size === trusted.size &&
        !range.root().equals(Buffer.from(trusted.root))
      ) {
        issues.push(
          err(
            'CHECKPOINT_FORK',
            `the log at size ${trusted.size} is not the one your checkpoint signed`,
            where,
          ),
        );
      }
      if (range.size === checkpoint.size) break;
    }
    from = range.size;
    options.onProgress?.(kind, range.size, checkpoint.size);
    if (page.next === null) break;
  }
  if (range.size < checkpoint.size) {
    issues.push(
      err(
        'LOG_TRUNCATED',
        `the checkpoint signs ${checkpoint.size} entries, the server sent ${range.size}`,
        kind,
      ),
    );
  } else if (!range.root().equals(Buffer.from(checkpoint.root))) {
    issues.push(
      err(
        'CHECKPOINT_ROOT_MISMATCH',
        `the leaves do not hash to the signed root of size ${checkpoint.size}`,
        kind,
      ),
    );
  }
  const sequences = checkProducerSeqs(producers, explained);
  issues.push(...sequences.issues);
  return report({
    treeSize: checkpoint.size,
    entries: range.size,
    commitmentsChecked,
    erased,
    producerReports,
    explainedSeqs: sequences.explainedSeqs,
    explainedGaps: sequences.explainedGaps,
    explainedGapsNotListed: sequences.explainedGapsNotListed,
  });
}
