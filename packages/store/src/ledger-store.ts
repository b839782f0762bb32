import type { TreeNode } from '@docket/core';

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

/** A search over decisions: every given filter must match; newest first, before `before`. */
export interface SearchQuery {
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
}

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
  readonly checkpoint: Omit<CheckpointRow, 'seq'>;
  readonly tree: TreeState;
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
export interface LedgerStore {
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
  /** Bytes the store occupies on disk (for benchmarks and `docket log`). */
  sizeOnDisk(): Promise<number>;
  close(): Promise<void>;
}
