import { existsSync, readFileSync } from 'node:fs';
import {
  checkCommitments,
  CompactRange,
  createNoteVerifier,
  hashLeaf,
  open,
  openCheckpoint,
  toLeafEnvelope,
  verifyConsistency,
} from '@docket/core';
import type { Checkpoint, LeafEnvelope, NoteVerifier } from '@docket/core';
import { DocketError } from '@docket/protocol';
import type { ErrorCode, Issue } from '@docket/protocol';
import type { EntryWithContent, LedgerStore } from '@docket/store';
import { dataDirPaths, readLogVkey, readMasterKey } from './data-dir.js';
import { LedgerError } from './errors.js';
import { KeyRing } from './keyring.js';
import { openLedgerStore } from './open-store.js';
import { pgUrlOf } from './options.js';
import { proveConsistency } from './store-proofs.js';

/** Options of {@link auditDataDir}. */
export interface AuditOptions {
  /** The log's vkey to trust; default: the data dir's own `log.vkey` (pin it for a real audit). */
  readonly vkey?: string;
  /** A checkpoint (signed note) obtained earlier; the log must not be behind or forked from it. */
  readonly trustedCheckpoint?: string;
  /** Skip decrypting content and recomputing commitments (structure and signatures only). */
  readonly skipContent?: boolean;
  /** Called now and then with the number of entries checked so far. */
  readonly onProgress?: (checked: number, total: number) => void;
  /** The log's PostgreSQL URL (default: `DOCKET_PG_URL`, else the data directory's SQLite file). */
  readonly pgUrl?: string;
  /** The PostgreSQL schema of the log (default `docket`). */
  readonly pgSchema?: string;
}

/** What a full audit found. */
export interface AuditReport {
  readonly ok: boolean;
  readonly issues: Issue[];
  readonly origin: string;
  readonly vkey: string;
  /** Where the trusted key came from. */
  readonly vkeySource: 'option' | 'data-dir';
  readonly entries: number;
  readonly treeSize: number;
  readonly checkpoints: number;
  readonly commitmentsChecked: number;
  /** Ids of decisions whose subject was erased (content unreadable by design). */
  readonly erased: string[];
  readonly tombstones: number;
  /** Producer reports (`docket.producer/v1`) in the log. */
  readonly producerReports: number;
  /** Missing producer seqs that a producer report explains (dropped, given up on, rejected). */
  readonly explainedSeqs: number;
  readonly durationMs: number;
}

const err = (code: ErrorCode, message: string, where?: string): Issue =>
  where === undefined
    ? { code, message, severity: 'error' }
    : { code, message, where, severity: 'error' };

interface SignedCheckpoint extends Checkpoint {
  readonly seq: number;
}

/** The `[producer id, [from, to]]` gaps a producer report's stored content names. */
function reportedGaps(content: Uint8Array | null): [string, [number, number]][] {
  if (content === null) return [];
  try {
    const { fields } = JSON.parse(Buffer.from(content).toString('utf8')) as {
      fields?: { producer?: { id?: unknown }; gaps?: unknown };
    };
    const id = fields?.producer?.id;
    if (typeof id !== 'string' || !Array.isArray(fields?.gaps)) return [];
    return (fields.gaps as unknown[])
      .filter(
        (g): g is [number, number] =>
          Array.isArray(g) && typeof g[0] === 'number' && typeof g[1] === 'number',
      )
      .map((g) => [id, g]);
  } catch {
    return []; // unreadable content is the commitments check's to report
  }
}

/**
 * Full audit of a data directory (`docket verify --data`): rebuilds every root from the stored
 * leaves, checks every checkpoint's signature and the consistency of consecutive checkpoints,
 * detects missing, inserted, reordered and changed entries, truncation and rollback, recomputes
 * every commitment that was not erased, and reports gaps in each producer's sequence.
 *
 * @example
 * const report = await auditDataDir('.docket', { vkey });
 * if (!report.ok) console.log(report.issues);
 */
export async function auditDataDir(dir: string, options: AuditOptions = {}): Promise<AuditReport> {
  const paths = dataDirPaths(dir);
  const store = await openLedgerStore(paths, pgUrlOf(options.pgUrl), {
    mustExist: true,
    readonly: true,
    pgSchema: options.pgSchema,
  });
  try {
    const vkey = options.vkey ?? readLogVkey(dir);
    const verifier = createNoteVerifier(vkey);
    let ring: KeyRing | undefined;
    if (options.skipContent !== true) ring = new KeyRing(readMasterKeyForAudit(dir));
    // The published checkpoint is read before the snapshot starts, so it can't be newer than it.
    const trusted = [
      options.trustedCheckpoint,
      existsSync(paths.checkpoint) ? readFileSync(paths.checkpoint, 'utf8') : undefined,
    ];
    // One snapshot for the whole audit, so a writer committing meanwhile can't make the
    // checkpoints look newer than the entries.
    return await store.readSnapshot(() =>
      auditStore(store, {
        verifier,
        vkey,
        vkeySource: options.vkey === undefined ? 'data-dir' : 'option',
        trusted: trusted.filter((t): t is string => t !== undefined),
        ring,
        onProgress: options.onProgress,
      }),
    );
  } finally {
    await store.close();
  }
}

/** The master key, or an error that tells the auditor how to go on without it. */
function readMasterKeyForAudit(dir: string): Buffer {
  try {
    return readMasterKey(dir);
  } catch (cause) {
    if (!(cause instanceof LedgerError)) throw cause;
    throw new LedgerError(
      cause.code,
      `${cause.message}; to audit without it (roots, signatures, structure), use --no-content`,
      { where: cause.where, cause },
    );
  }
}

interface AuditContext {
  readonly verifier: NoteVerifier;
  readonly vkey: string;
  readonly vkeySource: 'option' | 'data-dir';
  readonly trusted: readonly string[];
  readonly ring: KeyRing | undefined;
  readonly onProgress: ((checked: number, total: number) => void) | undefined;
}

async function auditStore(store: LedgerStore, ctx: AuditContext): Promise<AuditReport> {
  const started = performance.now();
  const issues: Issue[] = [];
  const origin = (await store.getMeta('origin')) ?? '';

  // 1. Checkpoints: signature, origin, sizes never going back, one root per size.
  const checkpoints: SignedCheckpoint[] = [];
  let count = 0;
  for await (const rows of store.scanCheckpoints()) {
    for (const row of rows) {
      count++;
      const where = `checkpoint #${row.seq}`;
      let cp: Checkpoint;
      try {
        cp = openCheckpoint(row.note, ctx.verifier).checkpoint;
      } catch (e) {
        issues.push(
          err(
            'CHECKPOINT_SIGNATURE_INVALID',
            `checkpoint does not verify under ${ctx.vkey.split('+')[0] ?? ''}: ${e instanceof DocketError ? e.message : String(e)}`,
            where,
          ),
        );
        continue;
      }
      if (cp.origin !== origin)
        issues.push(
          err(
            'CHECKPOINT_ORIGIN_MISMATCH',
            `origin "${cp.origin}" is not this log's ("${origin}")`,
            where,
          ),
        );
      if (cp.size !== row.size || !Buffer.from(cp.root).equals(row.root)) {
        issues.push(
          err(
            'CHECKPOINT_ROW_MISMATCH',
            'the size/root columns differ from the signed note',
            where,
          ),
        );
      }
      const prev = checkpoints[checkpoints.length - 1];
      if (prev !== undefined && cp.size < prev.size) {
        issues.push(
          err(
            'CHECKPOINT_ROLLBACK',
            `checkpoint of size ${cp.size} was stored after one of size ${prev.size}`,
            where,
          ),
        );
      }
      checkpoints.push({ ...cp, seq: row.seq });
    }
  }
  const latestStored = checkpoints.reduce((m, c) => Math.max(m, c.size), 0);

  // 2. Checkpoints published earlier (the data dir's `checkpoint` file, --checkpoint): the store
  //    must not be behind them (a rollback) and must agree with them (no fork).
  const trusted: Checkpoint[] = [];
  for (const note of ctx.trusted) {
    try {
      const cp = openCheckpoint(note, ctx.verifier).checkpoint;
      trusted.push(cp);
      if (cp.size > latestStored) {
        issues.push(
          err(
            'CHECKPOINT_ROLLBACK',
            `the store's latest checkpoint has size ${latestStored}, but the log already published size ${cp.size}: the store was rolled back`,
            'trusted checkpoint',
          ),
        );
      }
    } catch (e) {
      issues.push(
        err(
          'CHECKPOINT_SIGNATURE_INVALID',
          `trusted checkpoint does not verify: ${e instanceof DocketError ? e.message : String(e)}`,
          'trusted checkpoint',
        ),
      );
    }
  }
  const expected = Math.max(latestStored, ...trusted.map((c) => c.size));
  const rootsBySize = new Map<number, { root: Buffer; where: string }>();
  for (const cp of [...checkpoints, ...trusted]) {
    const where = 'seq' in cp ? `checkpoint #${String(cp.seq)}` : 'trusted checkpoint';
    const known = rootsBySize.get(cp.size);
    if (known !== undefined && !known.root.equals(cp.root)) {
      issues.push(
        err(
          'CHECKPOINT_FORK',
          `two signed checkpoints of size ${cp.size} with different roots (${known.where}, ${where})`,
          where,
        ),
      );
    } else {
      rootsBySize.set(cp.size, { root: Buffer.from(cp.root), where });
    }
  }

  // 3. Consistency between consecutive checkpoints, with proofs from the store's nodes (only up to
  //    what the store holds: a published checkpoint beyond it is a rollback, reported above).
  const ordered = [...rootsBySize.entries()]
    .filter(([size]) => size > 0)
    .sort((a, b) => a[0] - b[0]);
  const provable = ordered.filter(([size]) => size <= latestStored);
  for (let i = 1; i < provable.length; i++) {
    const [size1, a] = provable[i - 1]!;
    const [size2, b] = provable[i]!;
    try {
      verifyConsistency(size1, size2, await proveConsistency(store, size1, size2), a.root, b.root);
    } catch (e) {
      issues.push(
        err(
          'CHECKPOINT_INCONSISTENT',
          `no valid consistency proof from size ${size1} to ${size2}: ${e instanceof DocketError ? e.message : String(e)}`,
          b.where,
        ),
      );
    }
  }

  // 4. Entries: rebuild every root in stored order; classify structural damage by the index each
  //    leaf carries; recompute commitments of content not erased.
  const total = await store.countEntries();
  const range = new CompactRange();
  const seen = new Set<number>();
  let maxIndex = -1;
  let firstStructural = Infinity;
  const structural = (index: number, issue: Issue): void => {
    issues.push(issue);
    firstStructural = Math.min(firstStructural, index);
  };
  const sizes = ordered.map(([size]) => size);
  let nextSize = 0;
  let lastChecked = 0;
  const producers = new Map<string, number[]>();
  const erased: string[] = [];
  let tombstones = 0;
  let producerReports = 0;
  /** Producer id → seq ranges its reports say will never arrive. */
  const explained = new Map<string, [number, number][]>();
  let commitmentsChecked = 0;
  const keys = new Map<string, Buffer | null>();
  let checked = 0;

  for await (const batch of store.scanEntries({
    withContent: ctx.ring !== undefined,
    batchSize: 5000,
  })) {
    for (const entry of batch) {
      const position = range.size;
      const where = `entry ${entry.index}`;
      let envelope: LeafEnvelope | undefined;
      try {
        // Parsed, not re-serialized: integrity comes from hashing the stored bytes (the root
        // check); the envelope is read only to classify damage and to open commitments.
        envelope = toLeafEnvelope(JSON.parse(Buffer.from(entry.leaf).toString('utf8')), where);
      } catch (e) {
        structural(
          position,
          err('LEAF_MALFORMED', e instanceof DocketError ? e.message : String(e), where),
        );
      }
      if (envelope !== undefined) {
        const e = envelope.index;
        // A leaf away from its own index: something before it was deleted, inserted or moved.
        if (e !== position) firstStructural = Math.min(firstStructural, position);
        if (seen.has(e) || e >= expected) {
          structural(
            position,
            err(
              'ENTRY_INSERTED',
              seen.has(e)
                ? `a second entry claims index ${e}`
                : `entry index ${e} is beyond the latest signed checkpoint (size ${expected})`,
              where,
            ),
          );
        } else {
          if (e < maxIndex)
            structural(
              position,
              err('ENTRY_REORDERED', `entry ${e} is stored after entry ${maxIndex}`, where),
            );
          seen.add(e);
          maxIndex = Math.max(maxIndex, e);
        }
        if (
          envelope.id !== entry.id ||
          envelope.type !== entry.type ||
          (envelope.subject ?? null) !== entry.subject ||
          (envelope.kid ?? null) !== entry.kid
        ) {
          issues.push(
            err(
              'ENTRY_COLUMNS_MISMATCH',
              'the indexed columns (id, type, subject, kid) differ from the leaf',
              where,
            ),
          );
        }
        if (envelope.producer !== undefined) {
          const list = producers.get(envelope.producer.id) ?? [];
          list.push(envelope.producer.seq);
          producers.set(envelope.producer.id, list);
        }
        if (envelope.type === 'docket.tombstone/v1') tombstones++;
        if (envelope.type === 'docket.producer/v1') {
          producerReports++;
          for (const [producer, gap] of reportedGaps(entry.content)) {
            const list = explained.get(producer) ?? [];
            list.push(gap);
            explained.set(producer, list);
          }
        }
        if (ctx.ring !== undefined) {
          const r = await checkContent(store, ctx.ring, keys, entry, envelope, where);
          issues.push(...r.issues);
          commitmentsChecked += r.checked;
          if (r.erased) erased.push(entry.id);
        }
      }
      range.append(hashLeaf(entry.leaf));
      while (nextSize < sizes.length && sizes[nextSize]! <= range.size) {
        const size = sizes[nextSize]!;
        if (size === range.size) checkRoot(size, lastChecked);
        lastChecked = size;
        nextSize++;
      }
      checked++;
    }
    ctx.onProgress?.(checked, total);
  }

  function checkRoot(size: number, from: number): void {
    const signed = rootsBySize.get(size)!;
    if (range.root().equals(signed.root)) return;
    if (firstStructural < size) {
      issues.push(
        err(
          'CHECKPOINT_ROOT_MISMATCH',
          `the stored entries do not give the root signed at size ${size} (explained by the issues above)`,
          signed.where,
        ),
      );
    } else {
      issues.push(
        err(
          'LEAF_CHANGED',
          `an entry in [${from}, ${size}) was changed: the rebuilt root differs from the one signed at size ${size}`,
          `entries ${from}–${size - 1}`,
        ),
      );
    }
  }

  // 5. What is missing below the store's own latest checkpoint: a tail (truncation) or holes
  //    (deletions). Entries missing beyond it are the rollback reported above.
  const missing: number[] = [];
  for (let i = 0; i < latestStored; i++) if (!seen.has(i)) missing.push(i);
  if (missing.length > 0) {
    const first = missing[0]!;
    if (missing.length === latestStored - first && maxIndex < first) {
      issues.push(
        err(
          'LOG_TRUNCATED',
          `the log ends at ${first} entries but a signed checkpoint covers ${latestStored}`,
          `entries ${first}–${latestStored - 1}`,
        ),
      );
    } else {
      for (const [a, b] of toRanges(missing)) {
        issues.push(
          err(
            'ENTRY_MISSING',
            a === b ? `entry ${a} is missing` : `entries ${a}–${b} are missing`,
            `entries ${a}–${b}`,
          ),
        );
      }
    }
  }

  // 6. Producer sequences: a gap the producer's own reports explain (docket.producer/v1: records
  // it dropped or gave up on) is counted; any other gap is a warning.
  let explainedSeqs = 0;
  for (const [producer, seqs] of producers) {
    seqs.sort((a, b) => a - b);
    const covered = explained.get(producer) ?? [];
    const isExplained = (seq: number) => covered.some(([a, b]) => a <= seq && seq <= b);
    const gaps: number[] = [];
    let repeats = 0;
    for (let i = 1; i <= seqs.length; i++) {
      if (i < seqs.length) {
        for (let s = seqs[i - 1]! + 1; s < seqs[i]! && gaps.length < 1000; s++) {
          if (isExplained(s)) explainedSeqs++;
          else gaps.push(s);
        }
      }
      // One warning per repeated seq (with its count), not one per repeat.
      if (i < seqs.length && seqs[i] === seqs[i - 1]) {
        repeats++;
      } else if (repeats > 0) {
        issues.push({
          code: 'PRODUCER_SEQ_DUPLICATE',
          message: `seq ${seqs[i - 1]!} appears ${repeats + 1} times`,
          where: `producer ${producer}`,
          severity: 'warning',
        });
        repeats = 0;
      }
    }
    for (const [a, b] of toRanges(gaps)) {
      issues.push({
        code: 'PRODUCER_SEQ_GAP',
        message: `${a === b ? `seq ${a} is missing` : `seq ${a}–${b} are missing`}; no report of the producer explains it`,
        where: `producer ${producer}`,
        severity: 'warning',
      });
    }
  }

  return {
    ok: !issues.some((i) => i.severity !== 'warning'),
    issues,
    origin,
    vkey: ctx.vkey,
    vkeySource: ctx.vkeySource,
    entries: checked,
    treeSize: expected,
    checkpoints: count,
    commitmentsChecked,
    erased,
    tombstones,
    producerReports,
    explainedSeqs,
    durationMs: Math.round(performance.now() - started),
  };
}

async function checkContent(
  store: LedgerStore,
  ring: KeyRing,
  keys: Map<string, Buffer | null>,
  entry: EntryWithContent,
  envelope: LeafEnvelope,
  where: string,
): Promise<{ issues: Issue[]; checked: number; erased: boolean }> {
  const issues: Issue[] = [];
  if (entry.content === null) {
    return {
      issues: [err('CONTENT_MISSING', 'the content of this entry is missing', where)],
      checked: 0,
      erased: false,
    };
  }
  let bytes: Uint8Array = entry.content;
  if (envelope.kid !== undefined) {
    let key = keys.get(envelope.kid);
    if (key === undefined) {
      const row = (await store.getSubjectKeys([envelope.kid])).get(envelope.kid);
      if (row === undefined)
        return {
          issues: [
            err('KEY_MISSING', `subject key ${envelope.kid} is missing (not erased: gone)`, where),
          ],
          checked: 0,
          erased: false,
        };
      key = ring.unwrap(row)?.key ?? null;
      keys.set(envelope.kid, key);
    }
    if (key === null) return { issues, checked: 0, erased: true };
    try {
      bytes = open(key, bytes, Buffer.from(envelope.id, 'utf8'));
    } catch {
      return {
        issues: [
          err(
            'CONTENT_CHANGED',
            'the encrypted content does not authenticate: it was changed',
            where,
          ),
        ],
        checked: 0,
        erased: false,
      };
    }
  }
  let content: { fields?: Record<string, unknown>; salts?: Record<string, string> };
  try {
    content = JSON.parse(Buffer.from(bytes).toString('utf8')) as typeof content;
  } catch {
    return {
      issues: [err('CONTENT_CHANGED', 'the content is not valid JSON: it was changed', where)],
      checked: 0,
      erased: false,
    };
  }
  const checked = checkCommitments(
    envelope.commitments,
    content.fields ?? {},
    content.salts ?? {},
    where,
  );
  return { issues: [...issues, ...checked.issues], checked: checked.checked, erased: false };
}

function toRanges(sorted: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] === n - 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}
