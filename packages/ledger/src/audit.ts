import { existsSync, readFileSync } from 'node:fs';
import {
  checkCommitments,
  CompactRange,
  createNoteVerifier,
  ENTRY_TYPES,
  hashLeaf,
  open,
  openCheckpoint,
  toLeafEnvelope,
  verifyConsistency,
} from '@docket/core';
import type { Checkpoint, LeafEnvelope, NoteVerifier, TreeNode } from '@docket/core';
import { DocketError } from '@docket/protocol';
import type { ErrorCode, Issue } from '@docket/protocol';
import type { EntryWithContent, ExpectedSearchRow, LedgerStore } from '@docket/store';
import { dataDirPaths, readLogVkey, readMasterKey } from './data-dir.js';
import { LedgerError } from './errors.js';
import { KeyRing } from './keyring.js';
import { openLedgerStore } from './open-store.js';
import { pgUrlOf } from './options.js';
import { toSearchColumns, toSortableUtc } from './search-columns.js';
import type { SearchSource } from './search-columns.js';
import { checkProducerSeqs, reportedGapsOfContent, toRanges } from './producer-seqs.js';
import type { ExplainedGap, ReportedGap } from './producer-seqs.js';
import { PurgeReceipts } from './retention/audit-purges.js';
import { proveConsistency, readStoredNodes } from './store-proofs.js';

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
  /** Entries whose content a retention purge removed, each named by a purge receipt. */
  readonly purged: number;
  readonly tombstones: number;
  /** Producer reports (`docket.producer/v1`) in the log. */
  readonly producerReports: number;
  /** Missing producer seqs that a producer report explains (dropped, given up on, rejected). */
  readonly explainedSeqs: number;
  /**
   * The ranges of a producer's seqs absent from the log that its reports explain, with the loss
   * kind, by producer then seq; at most {@link MAX_EXPLAINED_GAPS}, the rest counted in
   * `explainedGapsNotListed`. A range may run past the producer's last recorded seq (a `crash`
   * report names every reserved seq not accounted for: an upper bound).
   */
  readonly explainedGaps: ExplainedGap[];
  readonly explainedGapsNotListed: number;
  readonly durationMs: number;
}

const err = (code: ErrorCode, message: string, where?: string): Issue =>
  where === undefined
    ? { code, message, severity: 'error' }
    : { code, message, where, severity: 'error' };

interface SignedCheckpoint extends Checkpoint {
  readonly seq: number;
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

  // 1. Checkpoints: signature, origin, sizes never going back, one root per size, and no
  //    checkpoint missing from the history (`seq` numbers them 1, 2, 3… in signing order).
  const checkpoints: SignedCheckpoint[] = [];
  let count = 0;
  let lastSeq = 0;
  let lastSize = 0;
  for await (const rows of store.scanCheckpoints()) {
    for (const row of rows) {
      count++;
      const where = `checkpoint #${row.seq}`;
      if (row.seq !== lastSeq + 1) {
        const first = lastSeq + 1;
        issues.push(
          err(
            'CHECKPOINT_MISSING',
            `${row.seq - 1 === first ? `checkpoint #${first} is` : `checkpoints #${first}–#${row.seq - 1} are`} missing from the history (signed after size ${lastSize})`,
            `checkpoint #${first}`,
          ),
        );
      }
      lastSeq = row.seq;
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
      lastSize = cp.size;
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
  let rolledBack = false;
  for (const note of ctx.trusted) {
    try {
      const cp = openCheckpoint(note, ctx.verifier).checkpoint;
      trusted.push(cp);
      if (cp.size > latestStored) {
        rolledBack = true;
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
  if (issues.some((i) => i.code === 'CHECKPOINT_ROLLBACK')) rolledBack = true;
  const expected = Math.max(latestStored, ...trusted.map((c) => c.size));
  /** Signed roots by size; `stored`: signed by a checkpoint of the store (else only kept). */
  const rootsBySize = new Map<number, { root: Buffer; where: string; stored: boolean }>();
  for (const cp of [...checkpoints, ...trusted]) {
    const stored = 'seq' in cp;
    const where = stored ? `checkpoint #${String(cp.seq)}` : 'trusted checkpoint';
    const known = rootsBySize.get(cp.size);
    if (known !== undefined && !known.root.equals(cp.root)) {
      issues.push(
        err(
          'CHECKPOINT_FORK',
          `two signed checkpoints of size ${cp.size} with different roots (${known.where}, ${where})`,
          where,
        ),
      );
    } else if (known === undefined) {
      rootsBySize.set(cp.size, { root: Buffer.from(cp.root), where, stored });
    }
  }
  const ordered = [...rootsBySize.entries()]
    .filter(([size]) => size > 0)
    .sort((a, b) => a[0] - b[0]);

  // 3. Entries: rebuild every root in stored order; classify structural damage by the index each
  //    leaf carries; recompute commitments of content not erased; compare every stored tree node,
  //    search row and indexed column with the one derived from the signed leaves.
  const total = await store.countEntries();
  const range = new CompactRange();
  const seen = new Set<number>();
  let maxIndex = -1;
  let firstStructural = Infinity;
  const structural = (index: number, issue: Issue): void => {
    issues.push(issue);
    firstStructural = Math.min(firstStructural, index);
  };
  /** Ranges [from, to) of leaves found changed: what is derived from them can't be judged. */
  const changedRanges: [number, number][] = [];
  const derived = new DerivedIssues();
  const sizes = ordered.map(([size]) => size);
  let nextSize = 0;
  let lastChecked = 0;
  /** Sizes only a kept checkpoint signed whose root the leaves don't give (a fork, or damage). */
  let pendingForks: number[] = [];
  let edgeAtLatest: readonly Buffer[] = [];
  let expectedNodes = 0;
  let searchFrom = Number.MIN_SAFE_INTEGER;
  const producers = new Map<string, number[]>();
  const erased: string[] = [];
  let tombstones = 0;
  let producerReports = 0;
  /** Producer id → seq ranges its reports say will never arrive. */
  const explained = new Map<string, ReportedGap[]>();
  let commitmentsChecked = 0;
  const keys = new Map<string, KeyState>();
  const purges = new PurgeReceipts();
  let checked = 0;

  for await (const batch of store.scanEntries({
    withContent: ctx.ring !== undefined,
    batchSize: 5000,
  })) {
    const nodes: TreeNode[] = [];
    const search: ExpectedSearchRow[] = [];
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
        if (envelope.producer !== undefined) {
          const list = producers.get(envelope.producer.id) ?? [];
          list.push(envelope.producer.seq);
          producers.set(envelope.producer.id, list);
        }
        if (envelope.type === ENTRY_TYPES.tombstone) tombstones++;
        if (envelope.type === ENTRY_TYPES.producer) {
          producerReports++;
          for (const [producer, gap] of reportedGapsOfContent(entry.content)) {
            const list = explained.get(producer) ?? [];
            list.push(gap);
            explained.set(producer, list);
          }
        }
        let fields: Record<string, unknown> | 'erased' | 'unread' | 'purged' = 'unread';
        if (ctx.ring !== undefined) {
          const r = await checkContent(store, ctx.ring, keys, entry, envelope, where);
          issues.push(...r.issues);
          commitmentsChecked += r.checked;
          fields = r.fields;
          if (r.fields === 'erased') erased.push(entry.id);
          if (r.fields === 'purged') purges.contentMissing(entry.index, hashLeaf(entry.leaf));
          if (envelope.type === ENTRY_TYPES.purge) issues.push(...purges.receipt(entry, seen));
        }
        const columns = changedColumns(entry, envelope, fields);
        if (columns.length > 0) {
          derived.add(
            position,
            position + 1,
            err(
              'ENTRY_COLUMNS_MISMATCH',
              `the indexed columns differ from the signed leaf: ${columns.join(', ')}`,
              where,
            ),
          );
        }
        if (envelope.type === ENTRY_TYPES.decision) {
          search.push(expectedSearchRow(entry.index, envelope, fields));
        }
      }
      for (const node of range.append(hashLeaf(entry.leaf))) {
        // Only the complete subtrees of the signed tree are stored; what lies beyond it is the
        // structural checks' to report.
        if ((node.index + 1) * 2 ** node.level <= latestStored) nodes.push(node);
      }
      if (range.size === latestStored) edgeAtLatest = range.edge;
      while (nextSize < sizes.length && sizes[nextSize]! <= range.size) {
        const size = sizes[nextSize]!;
        if (size === range.size) checkRoot(size);
        nextSize++;
      }
      checked++;
    }
    expectedNodes += nodes.length;
    await checkNodes(store, nodes, derived);
    const last = batch[batch.length - 1];
    if (last !== undefined) {
      await checkSearch(store, search, searchFrom, last.index + 1, derived);
      searchFrom = last.index + 1;
    }
    ctx.onProgress?.(checked, total);
  }
  await checkSearch(store, [], searchFrom, Number.MAX_SAFE_INTEGER, derived);
  issues.push(...purges.unexplained());

  function checkRoot(size: number): void {
    const signed = rootsBySize.get(size)!;
    if (range.root().equals(signed.root)) {
      // The leaves up to here are the ones the log signed: a kept checkpoint that disagreed
      // with them at a smaller size signed another tree (the log forked), not changed leaves.
      if (signed.stored) {
        for (const fork of pendingForks) {
          issues.push(
            err(
              'CHECKPOINT_FORK',
              `the checkpoint kept for size ${fork} signs another tree than the one this log's checkpoints extend`,
              'trusted checkpoint',
            ),
          );
        }
        pendingForks = [];
      }
      lastChecked = size;
      return;
    }
    if (!signed.stored && firstStructural >= size) {
      pendingForks.push(size);
      return;
    }
    pendingForks = [];
    changedRanges.push([lastChecked, size]);
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
          `an entry in [${lastChecked}, ${size}) was changed: the rebuilt root differs from the one signed at size ${size}`,
          `entries ${lastChecked}–${size - 1}`,
        ),
      );
    }
    lastChecked = size;
  }

  // 4. What is missing below the store's own latest checkpoint: a tail (truncation) or holes
  //    (deletions). Entries missing beyond it are the rollback reported above.
  const missing: number[] = [];
  for (let i = 0; i < latestStored; i++) if (!seen.has(i)) missing.push(i);
  if (missing.length > 0) {
    firstStructural = Math.min(firstStructural, missing[0]!);
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

  // 5. What is derived from the leaves (tree nodes, tree state, indexed columns, search rows)
  //    must be what the leaves give; issues within damaged leaves are explained by that damage.
  //    Missing entries count as damage from the first one on (later ones may be renumbered), and
  //    so do entries of a rolled-back tail (signed, but not in the store).
  const damaged = (from: number, to: number): boolean =>
    to > firstStructural ||
    changedRanges.some(([a, b]) => from < b && a < to) ||
    (to - from === 1 && from >= 0 && from < expected && !seen.has(from));
  issues.push(...derived.issues(damaged));
  const treeIntact = firstStructural === Infinity && changedRanges.length === 0 && !rolledBack;
  if (treeIntact) {
    const storedNodes = await store.countNodes();
    const extra = storedNodes - (expectedNodes - derived.missingNodes);
    if (extra > 0) {
      issues.push(
        err(
          'NODE_EXTRA',
          `${extra} stored tree nodes are no complete subtree of the signed tree (size ${latestStored})`,
          'nodes',
        ),
      );
    }
    const tree = await store.treeState();
    const edgeOk =
      tree.edge.length === edgeAtLatest.length &&
      tree.edge.every((h, i) => Buffer.from(h).equals(edgeAtLatest[i]!));
    if (tree.size !== latestStored || !edgeOk) {
      issues.push(
        err(
          'TREE_STATE_MISMATCH',
          `the stored tree state (size ${tree.size}, ${tree.edge.length} edge hashes) is not the signed tree's (size ${latestStored}, ${edgeAtLatest.length}); the next append would fail or fork`,
          'meta tree_size, tree_edge',
        ),
      );
    }
  }

  // 6. Consistency between consecutive checkpoints of the store, with proofs from its nodes
  //    (only when every node checked out: else the proofs would only repeat that finding).
  if (!derived.nodeProblems) {
    const provable = ordered.filter(([size, r]) => r.stored && size <= latestStored);
    for (let i = 1; i < provable.length; i++) {
      const [size1, a] = provable[i - 1]!;
      const [size2, b] = provable[i]!;
      try {
        verifyConsistency(
          size1,
          size2,
          await proveConsistency(store, size1, size2),
          a.root,
          b.root,
        );
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
  }

  // 7. Producer sequences: gaps the producer's own reports explain are listed, others warned of.
  const sequences = checkProducerSeqs(producers, explained);
  issues.push(...sequences.issues);

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
    purged: purges.purged,
    tombstones,
    producerReports,
    explainedSeqs: sequences.explainedSeqs,
    explainedGaps: sequences.explainedGaps,
    explainedGapsNotListed: sequences.explainedGapsNotListed,
    durationMs: Math.round(performance.now() - started),
  };
}

/** How many derived issues an audit holds back until it knows which leaves are damaged. */
const MAX_DERIVED_ISSUES = 10_000;

/**
 * Issues about what is derived from leaves (tree nodes, indexed columns, search rows), each with
 * the leaf range it derives from, held until the end of the scan: changed or missing leaves
 * explain them, and which leaves are damaged is only known then. Bounded: past
 * {@link MAX_DERIVED_ISSUES}, only a count is kept.
 */
class DerivedIssues {
  readonly #held: { from: number; to: number; issue: Issue }[] = [];
  #dropped = 0;
  /** Nodes missing from the store (counted apart for the NODE_EXTRA count). */
  missingNodes = 0;
  /** Whether any stored node differed or was missing. */
  nodeProblems = false;

  add(from: number, to: number, issue: Issue): void {
    if (this.#held.length < MAX_DERIVED_ISSUES) this.#held.push({ from, to, issue });
    else this.#dropped++;
  }

  /** The issues not explained by damaged leaves (`damaged(from, to)`), and a count of the rest. */
  issues(damaged: (from: number, to: number) => boolean): Issue[] {
    const out = this.#held.filter((h) => !damaged(h.from, h.to)).map((h) => h.issue);
    if (this.#dropped > 0) {
      out.push(
        err(
          'AUDIT_TRUNCATED',
          `${this.#dropped} more issues about tree nodes, indexed columns or search rows were not kept`,
        ),
      );
    }
    return out;
  }
}

/** Compares the stored tree nodes with the ones rebuilt from the leaves. */
async function checkNodes(
  store: LedgerStore,
  nodes: readonly TreeNode[],
  derived: DerivedIssues,
): Promise<void> {
  if (nodes.length === 0) return;
  const stored = await readStoredNodes(store, nodes);
  nodes.forEach((node, i) => {
    const hash = stored[i];
    if (hash !== undefined && Buffer.from(hash).equals(node.hash)) return;
    derived.nodeProblems = true;
    if (hash === undefined) derived.missingNodes++;
    const from = node.index * 2 ** node.level;
    const to = from + 2 ** node.level;
    derived.add(
      from,
      to,
      err(
        hash === undefined ? 'NODE_MISSING' : 'NODE_CHANGED',
        hash === undefined
          ? `the tree node over entries ${from}–${to - 1} is missing: proofs that need it fail`
          : `the stored tree node over entries ${from}–${to - 1} is not the hash of those entries: proofs built from it are wrong`,
        `node ${node.level}/${node.index}`,
      ),
    );
  });
}

/** Compares the stored search rows of indices in [from, to) with the ones derived. */
async function checkSearch(
  store: LedgerStore,
  expected: readonly ExpectedSearchRow[],
  from: number,
  to: number,
  derived: DerivedIssues,
): Promise<void> {
  for (const p of await store.checkSearchRows(expected, from, to)) {
    const where = `entry ${p.index}`;
    derived.add(
      p.index,
      p.index + 1,
      p.problem === 'missing'
        ? err('SEARCH_ROW_MISSING', 'the decision has no search row: no search finds it', where)
        : p.problem === 'extra'
          ? err(
              'SEARCH_ROW_EXTRA',
              'a search row (or full-text row) that belongs to no decision of the log',
              where,
            )
          : err(
              'SEARCH_ROW_CHANGED',
              `the search row differs from the signed decision in: ${p.columns.join(', ')}`,
              where,
            ),
    );
  }
}

/** The search row of a decision, as far as the audit could read its content. */
function expectedSearchRow(
  index: number,
  envelope: LeafEnvelope,
  fields: Record<string, unknown> | 'erased' | 'unread' | 'purged',
): ExpectedSearchRow {
  // Erasure clears the subject of its decisions' search rows: no lookup by the person remains.
  const subject = fields === 'erased' ? null : (envelope.subject ?? null);
  const row = { index, subject, ts: toSortableUtc(envelope.ts) };
  if (typeof fields !== 'object') return { ...row, content: fields };
  try {
    // The fields passed their commitments, which the ledger made only after validating the
    // record: they have a decision's shape.
    const c = toSearchColumns({ ...fields, ts: envelope.ts } as unknown as SearchSource, undefined);
    return {
      ...row,
      content: {
        agentId: c.agentId,
        agentVersion: c.agentVersion,
        action: c.action,
        runId: c.runId,
        text: c.text,
      },
    };
  } catch {
    return { ...row, content: 'unread' };
  }
}

/** The indexed columns of an entry row that differ from its leaf (and its content, if read). */
function changedColumns(
  entry: EntryWithContent,
  envelope: LeafEnvelope,
  fields: Record<string, unknown> | 'erased' | 'unread' | 'purged',
): string[] {
  const columns: string[] = [];
  if (envelope.id !== entry.id) columns.push('id');
  if (envelope.type !== entry.type) columns.push('type');
  if (envelope.ts !== entry.ts) columns.push('ts');
  if ((envelope.subject ?? null) !== entry.subject) columns.push('subject');
  if ((envelope.kid ?? null) !== entry.kid) columns.push('kid');
  if (
    (envelope.producer?.id ?? null) !== entry.producerId ||
    (envelope.producer?.seq ?? null) !== entry.producerSeq
  )
    columns.push('producer');
  // An event's `ref` is the decision its content names; other entries have none.
  if (envelope.type !== ENTRY_TYPES.event) {
    if (entry.ref !== null) columns.push('ref');
  } else if (typeof fields === 'object' && fields['decision'] !== entry.ref) {
    columns.push('ref');
  }
  return columns;
}

/** A subject key as the audit found it: the key, erased (null), or changed (not authentic). */
type KeyState = Buffer | null | 'changed';

async function checkContent(
  store: LedgerStore,
  ring: KeyRing,
  keys: Map<string, KeyState>,
  entry: EntryWithContent,
  envelope: LeafEnvelope,
  where: string,
): Promise<{
  issues: Issue[];
  checked: number;
  /** The content's fields when every commitment matched; else why they can't be used. */
  fields: Record<string, unknown> | 'erased' | 'unread' | 'purged';
}> {
  const unread = (issues: Issue[]) => ({ issues, checked: 0, fields: 'unread' as const });
  // Missing content is judged against the purge receipts that follow it (see PurgeReceipts).
  if (entry.content === null) return { issues: [], checked: 0, fields: 'purged' };
  let bytes: Uint8Array = entry.content;
  if (envelope.kid !== undefined) {
    let key = keys.get(envelope.kid);
    if (key === undefined) {
      const row = (await store.getSubjectKeys([envelope.kid])).get(envelope.kid);
      if (row === undefined)
        return unread([
          err('KEY_MISSING', `subject key ${envelope.kid} is missing (not erased: gone)`, where),
        ]);
      try {
        key = ring.unwrap(row)?.key ?? null;
      } catch (e) {
        if (!(e instanceof DocketError) || e.code !== 'DECRYPT_FAILED') throw e;
        keys.set(envelope.kid, 'changed');
        // Reported once, for the key: every entry under it is unreadable for that one reason.
        return unread([
          err(
            'KEY_CHANGED',
            `subject key ${envelope.kid} does not authenticate under the master key (its wrapped bytes, subject or kid were changed): the content under it can't be checked`,
            `subject key ${envelope.kid}`,
          ),
        ]);
      }
      keys.set(envelope.kid, key);
    }
    if (key === 'changed') return unread([]);
    if (key === null) return { issues: [], checked: 0, fields: 'erased' };
    try {
      bytes = open(key, bytes, Buffer.from(envelope.id, 'utf8'));
    } catch {
      return unread([
        err(
          'CONTENT_CHANGED',
          'the encrypted content does not authenticate: it was changed',
          where,
        ),
      ]);
    }
  }
  let content: { fields?: Record<string, unknown>; salts?: Record<string, string> };
  try {
    content = JSON.parse(Buffer.from(bytes).toString('utf8')) as typeof content;
  } catch {
    return unread([err('CONTENT_CHANGED', 'the content is not valid JSON: it was changed', where)]);
  }
  const fields = content.fields ?? {};
  const checked = checkCommitments(envelope.commitments, fields, content.salts ?? {}, where);
  return {
    issues: checked.issues,
    checked: checked.checked,
    fields: checked.issues.length === 0 ? fields : 'unread',
  };
}

export { listExplainedGaps, MAX_EXPLAINED_GAPS } from './producer-seqs.js';
export type { ExplainedGap, ReportedGap } from './producer-seqs.js';
