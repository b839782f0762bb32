import type { TreeNode } from '@docket/core';
import type {
  DecisionStats,
  FacetFilter,
  FacetRow,
  OutcomeUpdateRow,
  StatsGrouping,
} from './facets.js';
import type { FeatureStore } from './drift-features.js';

/** One log entry as stored: the leaf bytes plus columns that index it. */
export interface EntryRow {
  readonly index: number;
  readonly id: string;
  readonly type: string;
  readonly ts: string;
  /** Subject pseudonym (hex HMAC), or null. */
  readonly subject: string | null;
  readonly producerId: string | null;
  readonly producerSeq: number | null;
  /** Subject data key id when the content is encrypted. */
  readonly kid: string | null;
  /** Id of the entry this one is about (an event's decision), or null. */
  readonly ref: string | null;
  /** RFC 8785 bytes of the leaf envelope: what the Merkle tree hashes. */
  readonly leaf: Uint8Array;
}

/** An entry with its content: plain JSON bytes, or AES-256-GCM bytes when `kid` is set. */
export interface EntryWithContent extends EntryRow {
  readonly content: Uint8Array | null;
}

/** A signed checkpoint as stored. `seq` orders checkpoints by signing time. */
export interface CheckpointRow {
  readonly seq: number;
  readonly size: number;
  readonly root: Uint8Array;
  /** The C2SP signed note, verbatim. */
  readonly note: string;
  readonly createdAt: string;
}

/** A subject's data key, wrapped by the key-encryption key; `wrapped` is null once erased. */
export interface SubjectKeyRow {
  readonly subject: string;
  readonly kid: string;
  readonly wrapped: Uint8Array | null;
  readonly createdAt: string;
  readonly erasedAt: string | null;
}

/** The right edge of the tree: enough to continue appending (see `CompactRange`). */
export interface TreeState {
  readonly size: number;
  readonly edge: readonly Uint8Array[];
}

/**
 * Columns a decision is found by (`GET /v1/decisions?…`). They hold no personal data except
 * `text` (goal and reasoning), which is forgotten when the subject is erased.
 */
export interface SearchRow {
  readonly index: number;
  readonly agentId: string | null;
  readonly agentVersion: string | null;
  /** Subject pseudonym (hex HMAC), or null. */
  readonly subject: string | null;
  readonly action: string | null;
  /** The decision time, as UTC RFC 3339 with milliseconds (so text order is time order). */
  readonly ts: string;
  readonly runId: string | null;
  /** Goal and reasoning, for full-text search. */
  readonly text: string;
}

/**
 * A decision's search row as an audit derives it again from the signed leaf and its content.
 * `content` is the columns derived from the content, or why there are none: `erased` (the
 * subject's key is destroyed, so its text must be forgotten too), `unread` (not decrypted) or
 * `purged` (a retention purge removed the content: no search row may remain).
 */
export interface ExpectedSearchRow {
  readonly index: number;
  readonly subject: string | null;
  readonly ts: string;
  readonly content:
    | Pick<SearchRow, 'agentId' | 'agentVersion' | 'action' | 'runId' | 'text'>
    | 'erased'
    | 'unread'
    | 'purged';
}

/** A stored search row (or full-text row) that differs from the one derived from the log. */
export interface SearchRowProblem {
  readonly index: number;
  readonly problem: 'missing' | 'extra' | 'changed';
  /** For `changed`: the {@link SearchRow} columns that differ (`text`: the full-text index). */
  readonly columns: readonly string[];
}

/** A search over decisions: every given filter must match; newest first, before `before`. */
export interface SearchQuery extends FacetFilter {
  readonly agentId?: string;
  readonly agentVersion?: string;
  readonly subject?: string;
  readonly action?: string;
  /** Inclusive lower bound of `ts` (UTC RFC 3339 with milliseconds). */
  readonly since?: string;
  /** Exclusive upper bound of `ts`. */
  readonly until?: string;
  readonly runId?: string;
  /** Words that must all occur in the goal or reasoning. */
  readonly words?: readonly string[];
  /** Only entries with a smaller index (the cursor). */
  readonly before?: number;
  readonly limit: number;
  /** Order: newest first (default), oldest first, or by confidence (then newest first). */
  readonly sort?: 'newest' | 'oldest' | 'confidence_desc' | 'confidence_asc';
  /** Rows skipped (the cursor of an order other than newest first). */
  readonly offset?: number;
}

/** Counts of the decisions a search would find (no cursor, no limit), by dimension and time. */
export interface StatsQuery
  extends Omit<SearchQuery, 'before' | 'limit' | 'offset' | 'sort'>, StatsGrouping {}

/** Everything one flush of the sequencer writes, in one durable transaction. */
export interface SequencedBatch {
  /**
   * The tree size this batch extends. The store commits the batch only if its tree still has
   * exactly this size (compare-and-swap), so a second writer can never interleave and fork.
   */
  readonly previousSize: number;
  readonly entries: readonly EntryWithContent[];
  readonly nodes: readonly TreeNode[];
  readonly subjectKeys: readonly SubjectKeyRow[];
  /** Search columns of the decisions in `entries`. */
  readonly search?: readonly SearchRow[];
  /** Facet columns of the decisions in `entries`. */
  readonly facets?: readonly FacetRow[];
  /** Overrides and outcome updates among the events in `entries`. */
  readonly updates?: readonly OutcomeUpdateRow[];
  readonly checkpoint: Omit<CheckpointRow, 'seq'>;
  readonly tree: TreeState;
  /**
   * Indices of earlier entries whose content a retention purge removes in this same transaction
   * (contents, search and full-text rows): the batch carries their purge receipt, so the content
   * is never gone without its receipt, nor the receipt written while the content remains.
   */
  readonly purge?: readonly number[];
}

/** Coordinates of a complete subtree: level, and index at that level. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/**
 * The storage port. One sequencer writes through `appendBatch`; any number of readers read.
 * Every method is async so SQLite and PostgreSQL adapters share one contract (and one
 * conformance suite). Implementations must make `appendBatch` atomic and durable before it
 * resolves.
 */
export interface LedgerStore extends FeatureStore {
  readonly kind: string;
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  treeState(): Promise<TreeState>;
  /**
   * Writes entries, contents, tree nodes, new subject keys, tree state and checkpoint atomically;
   * throws `STORE_CONFLICT` (writing nothing) when the tree is no longer at `previousSize`.
   */
  appendBatch(batch: SequencedBatch): Promise<void>;
  /** Runs `read` so that every read inside it sees one consistent state of the store. */
  readSnapshot<T>(read: () => Promise<T>): Promise<T>;
  /** Index of each id already in the log (ids not found are absent from the map). */
  findIndexes(ids: readonly string[]): Promise<Map<string, number>>;
  getEntry(index: number): Promise<EntryWithContent | undefined>;
  getEntryById(id: string): Promise<EntryWithContent | undefined>;
  /** Hashes of complete subtrees, in the order asked; throws STORE_NODE_MISSING if one is absent. */
  getNodes(ids: readonly NodeId[]): Promise<Uint8Array[]>;
  latestCheckpoint(): Promise<CheckpointRow | undefined>;
  /** Number of stored tree nodes (an audit compares it with the complete subtrees of the log). */
  countNodes(): Promise<number>;
  /**
   * Compares the stored search rows with indices in [from, to), their full-text index included,
   * with `expected` (the rows of that range an audit derived, ascending); returns every row
   * missing, extra or changed, by index.
   */
  checkSearchRows(
    expected: readonly ExpectedSearchRow[],
    from: number,
    to: number,
  ): Promise<SearchRowProblem[]>;
  /** Checkpoints in signing order, in batches. */
  scanCheckpoints(batchSize?: number): AsyncIterable<CheckpointRow[]>;
  /** Entries in index order (as stored, gaps included), in batches. */
  scanEntries(options?: {
    from?: number;
    batchSize?: number;
    withContent?: boolean;
  }): AsyncIterable<EntryWithContent[]>;
  countEntries(): Promise<number>;
  entriesBySubject(subject: string): Promise<EntryRow[]>;
  /** Entries of one leaf type (policies, holds, purge receipts), in index order, with content. */
  entriesByType(type: string): Promise<EntryWithContent[]>;
  /** Entries whose `ref` is the given id (a decision's events), in index order, with content. */
  entriesByRef(ref: string): Promise<EntryWithContent[]>;
  /** Decisions matching every filter of the query, newest first, with content. */
  searchEntries(query: SearchQuery): Promise<EntryWithContent[]>;
  /** The subject's current (not erased) key, if any. */
  getActiveSubjectKey(subject: string): Promise<SubjectKeyRow | undefined>;
  /** Keys by key id (erased ones included, with `wrapped` null). */
  getSubjectKeys(kids: readonly string[]): Promise<Map<string, SubjectKeyRow>>;
  /**
   * Destroys every key of a subject (overwritten on disk) and forgets the subject's search text;
   * returns how many keys were destroyed.
   */
  eraseSubjectKeys(subject: string, erasedAt: string): Promise<number>;
  // Facets and counts (GET /v1/stats, the decision list's filters): see facets.ts.
  /** Counts of the decisions matching the query's filters, by dimension and time bucket. */
  decisionStats(query: StatsQuery): Promise<DecisionStats>;
  /** Each decision's overrides and outcome updates, in index order (decisions without any absent). */
  outcomeUpdates(decisionIds: readonly string[]): Promise<Map<string, OutcomeUpdateRow[]>>;
  /** Bytes the store occupies on disk (for benchmarks and `docket log`). */
  sizeOnDisk(): Promise<number>;
  // Retention (issue 18): after a purge.
  /**
   * Moves what a purge removed out of the store's files where it can: SQLite checkpoints its WAL
   * into the main file (where `secure_delete` zeroed the freed pages) and truncates it, as erasure
   * does; true when the checkpoint completed (a reader still on an older snapshot keeps the WAL:
   * the next one completes it). PostgreSQL: false, nothing done (dead rows stay on disk until
   * autovacuum, docs/retention.md).
   */
  releasePurged(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * A request a server replica wrote into a shared log's intake, for the log's sequencer to admit.
 * The store keeps it as opaque bytes: the ledger seals the body before it gets here.
 */
export interface IntakeRequest {
  /** Idempotency key: the entry id for an append (one intake row per id). */
  readonly id: string;
  /** What is asked (`decision`, `event`, `access`, `erase`): the ledger defines the kinds. */
  readonly kind: string;
  /** The sealed request (AES-256-GCM): never personal data in clear. */
  readonly body: Uint8Array;
}

/** An intake row waiting for the sequencer, as read back in arrival (`seq`) order. */
export interface IntakeRow extends IntakeRequest {
  readonly seq: number;
  readonly receivedAt: string;
}

/**
 * What became of an intake request that the sequencer settled without a new entry of its own (a
 * duplicate, a refusal, an erasure's result): `outcome` is the ledger's JSON, null while pending.
 * A request that became an entry leaves the intake in the same transaction as its entry.
 */
export interface IntakeStatus {
  readonly id: string;
  readonly outcome: string | null;
}

/** A notification about a shared log: new intake requests, or requests sequenced/settled. */
export interface LogNotice {
  readonly kind: 'intake' | 'settled';
  /** For `settled` after a batch: the tree size it committed. */
  readonly size?: number;
}

/**
 * The right to sequence one log, held by at most one process at a time (a PostgreSQL session
 * advisory lock on a dedicated connection: the database releases it when that connection or its
 * process dies). The same connection carries the log's notifications.
 *
 * @example
 * const lease = await store.openSequencerLease();
 * lease.onLost(() => stopSequencing());
 * if (await lease.tryAcquire()) await sequence();
 * await lease.close();
 */
export interface SequencerLease {
  /** Whether this lease holds the log's sequencer lock, as far as this process knows. */
  readonly held: boolean;
  /**
   * Takes the lock if it is free, without waiting (connecting first, or again after a lost
   * connection); true when held afterwards. Throws `STORE_IO` when the database can't be reached.
   */
  tryAcquire(): Promise<boolean>;
  /** A round trip on the lease's connection; a held lease whose connection broke is lost (false). */
  check(): Promise<boolean>;
  /** Called, once per loss, when a held lease is lost because its connection broke. */
  onLost(listener: () => void): void;
  /** Called for every notification about this log (on any replica, the holder included). */
  onNotice(listener: (notice: LogNotice) => void): void;
  /** Gives the lock up (if held) and closes the connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * Optional capability of a store that several server processes share (the PostgreSQL adapter):
 * the sequencer lease, the intake where any replica writes, and a batch append fenced by the
 * lease that consumes the intake rows it sequenced. See `docs/decisions/0005-replicas.md`.
 *
 * @example
 * if (isSharedLogStore(store)) await store.addIntake([{ id, kind: 'decision', body }]);
 */
export interface SharedLogStore {
  /** A new lease on this log (not acquired yet), on its own connection. */
  openSequencerLease(): Promise<SequencerLease>;
  /**
   * Adds requests (one statement; a request whose id is already in the intake is skipped) and
   * notifies the sequencer; returns the ids inserted.
   */
  addIntake(requests: readonly IntakeRequest[]): Promise<Set<string>>;
  /** Requests not settled yet, oldest first (at most `limit`). */
  pendingIntake(limit: number): Promise<IntakeRow[]>;
  /** The intake rows of these ids that still exist (ids absent from the map have none). */
  intakeStatus(ids: readonly string[]): Promise<Map<string, IntakeStatus>>;
  /** Records the outcome of pending requests (settled ones are left as they are) and notifies. */
  settleIntake(outcomes: readonly IntakeStatus[]): Promise<void>;
  /** Deletes settled rows of these ids (a pending row is never deleted here). */
  deleteIntake(ids: readonly string[]): Promise<void>;
  /** Deletes rows settled before `before` (RFC 3339) whose writer never collected them. */
  purgeIntake(before: string): Promise<number>;
  /**
   * The tree state and latest checkpoint for a sequencer taking over: waits for a batch still
   * being committed by the previous holder, then reads both from one state.
   */
  loadSequencerState(): Promise<{ tree: TreeState; checkpoint: CheckpointRow | undefined }>;
  /**
   * `appendBatch`, committed only while `lease` holds the sequencer lock (else `STORE_LEASE_LOST`,
   * writing nothing); deletes the intake rows of `consumed` in the same transaction and notifies.
   */
  appendSequencedBatch(
    batch: SequencedBatch,
    lease: SequencerLease,
    consumed: readonly string[],
  ): Promise<void>;
}

/**
 * Whether a store offers {@link SharedLogStore} (PostgreSQL does; SQLite, one process, doesn't).
 *
 * @example
 * if (!isSharedLogStore(store)) throw new Error('shared mode needs PostgreSQL');
 */
export function isSharedLogStore(store: LedgerStore): store is LedgerStore & SharedLogStore {
  const s = store as Partial<SharedLogStore>;
  return typeof s.openSequencerLease === 'function' && typeof s.appendSequencedBatch === 'function';
}
