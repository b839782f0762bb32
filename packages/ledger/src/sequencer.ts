import type { NoteSigner, NoteVerifier } from '@docket/core';
import { DocketError } from '@docket/protocol';
import type { LedgerStore, SequencedBatch } from '@docket/store';
import { writeFileDurable } from './data-dir.js';
import type { DataDirPaths } from './data-dir.js';
import { EntryPool } from './entry-pool.js';
import type { BatchSink } from './entry-pool.js';
import type { Admission, AdmitContext, EntryBody } from './entry-types.js';
import { eraseSubject } from './erasure.js';
import type { EraseRequest } from './erasure.js';
import type { ErasedSubject } from './intake-codec.js';
import type { KeyRing } from './keyring.js';
import { checkPublished, checkPublishedRoot, checkStoredTree } from './open-checks.js';
import type { ResolvedLedgerOptions } from './options.js';
import { readPublishedCheckpoint } from './published-checkpoint.js';

/** What a sequencer works with: one log's store, keys, options and admission. */
export interface LogParts {
  readonly store: LedgerStore;
  readonly ring: KeyRing;
  readonly noteSigner: NoteSigner;
  readonly verifier: NoteVerifier;
  readonly options: ResolvedLedgerOptions;
  readonly paths: DataDirPaths;
  readonly admission: Admission;
}

/**
 * How a ledger's writes become entries: the local sequencer (one process owns the log) or the
 * shared one (replicas on one PostgreSQL log, one sequencer by a database lease). Both admit
 * every kind of entry through `ENTRY_KINDS` into an {@link EntryPool}, whose batches they commit.
 */
export interface Sequencer extends BatchSink {
  /** The pool this sequencer flushes (on a shared log: used while this process sequences). */
  readonly pool: EntryPool;
  /** Whether this process sequences the log right now. */
  readonly sequencing: boolean;
  /** The largest tree size this process has seen committed by others (0 for a local log). */
  readonly knownSize: number;
  /** Writes of this process handed on and not answered yet (0 for a local log). */
  readonly waiting: number;
  /** Records a tree size seen committed (by a read of the store). */
  noteSize(size: number): void;
  /** Set when nothing more can be appended through this process (another writer took the log). */
  readonly failed: DocketError | undefined;
  /**
   * Loads the stored state, checks it against the published checkpoint, and starts sequencing
   * (signing the first checkpoint of a new log); refuses with a coded error on a bad store.
   */
  start(): Promise<void>;
  /** Appends one entry; resolves once it is durable, with its index (`duplicate`: the original's). */
  append(id: string, body: EntryBody): Promise<{ status: 'accepted' | 'duplicate'; index: number }>;
  /** Erases a subject (on the process that sequences). */
  erase(request: EraseRequest): Promise<ErasedSubject>;
  /** Resolves once this process's write of `id` (if any) is settled, however it ended. */
  settled(id: string): Promise<void>;
  /** Resolves once every write made through this process so far is durable (or refused). */
  flush(): Promise<void>;
  /** Answers this process's writes and stops sequencing. */
  close(): Promise<void>;
}

/**
 * The admit context of a sequencer's pool.
 *
 * @example
 * await parts.admission.admit(admitContext(parts, pool), id, body);
 */
export function admitContext(parts: LogParts, pool: EntryPool): AdmitContext {
  return { store: parts.store, ring: parts.ring, pool, admission: parts.admission };
}

/**
 * The sequencer of a log one process owns (SQLite, or PostgreSQL not shared): admits in process,
 * commits each batch with `appendBatch` (which refuses one that does not extend the stored tree),
 * and writes the `checkpoint` file after each.
 *
 * @example
 * const sequencer = new LocalSequencer(parts);
 * await sequencer.start();
 */
export class LocalSequencer implements Sequencer {
  readonly pool: EntryPool;
  readonly #parts: LogParts;
  readonly #ctx: AdmitContext;
  #failed: DocketError | undefined;

  constructor(parts: LogParts) {
    this.#parts = parts;
    this.pool = new EntryPool(
      parts.store,
      parts.noteSigner,
      parts.verifier,
      parts.ring,
      parts.options,
      this,
    );
    this.#ctx = admitContext(parts, this.pool);
  }

  get sequencing(): boolean {
    return true;
  }

  get knownSize(): number {
    return 0;
  }

  get waiting(): number {
    return 0;
  }

  get failed(): DocketError | undefined {
    return this.#failed;
  }

  noteSize(_size: number): void {
    // The pool's size is the log's: this process alone extends it.
  }

  /**
   * Loads the tree and latest checkpoint, refuses a store behind or forked from the `checkpoint`
   * file, and signs the first checkpoint of a new log.
   */
  async start(): Promise<void> {
    const { store, paths, verifier } = this.#parts;
    const tree = await store.treeState();
    const latest = await store.latestCheckpoint();
    const last = this.pool.load(tree, latest, paths.db);
    if (last !== undefined) await checkStoredTree(store, last, paths);
    const published = readPublishedCheckpoint(paths.checkpoint, verifier);
    if (published !== undefined) {
      checkPublished(published, last, paths);
      await checkPublishedRoot(store, published, paths);
      if (last !== undefined && published.size < last.size) {
        writeFileDurable(paths.checkpoint, (await store.latestCheckpoint())!.note);
      }
    }
    if (latest === undefined) await this.pool.signFirst();
  }

  append(
    id: string,
    body: EntryBody,
  ): Promise<{ status: 'accepted' | 'duplicate'; index: number }> {
    return this.#parts.admission.admit(this.#ctx, id, body);
  }

  erase(request: EraseRequest): Promise<ErasedSubject> {
    return eraseSubject(
      this.#parts.store,
      this.#parts.ring,
      this.pool,
      request,
      `subject "${request.subjectId}"`,
    );
  }

  async settled(_id: string): Promise<void> {
    // Admissions are in process: the ledger waits for them itself.
  }

  flush(): Promise<void> {
    return this.pool.flush();
  }

  async commit(batch: SequencedBatch): Promise<void> {
    try {
      await this.#parts.store.appendBatch(batch);
    } catch (err) {
      // Another process extended the log: this one's view of the tree is stale for good.
      if (err instanceof DocketError && err.code === 'STORE_CONFLICT') this.#failed = err;
      throw err;
    }
  }

  publish(note: string, _size: number): void {
    writeFileDurable(this.#parts.paths.checkpoint, note);
  }

  async close(): Promise<void> {
    // Nothing of its own: the ledger flushes the pool.
  }
}
