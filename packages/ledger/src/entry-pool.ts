import {
  CompactRange,
  createCommitments,
  hashLeaf,
  openCheckpoint,
  seal,
  toLeafBytes,
} from '@docket/core';
import type { Checkpoint, LeafEnvelope, NoteSigner, NoteVerifier } from '@docket/core';
import type { JsonValue } from '@docket/protocol';
import type {
  CheckpointRow,
  EntryWithContent,
  FacetRow,
  LedgerStore,
  OutcomeUpdateRow,
  SearchRow,
  SequencedBatch,
  SubjectKeyRow,
  TreeState,
} from '@docket/store';
import { CheckpointSigner } from './checkpoint-signer.js';
import { LedgerError } from './errors.js';
import type { DataKey, KeyRing } from './keyring.js';
import type { ResolvedLedgerOptions } from './options.js';
import { nodeKey, proveConsistency } from './store-proofs.js';

/** Content stored beside a leaf: the committed fields and their salts. */
export interface StoredContent {
  readonly fields: Record<string, JsonValue>;
  readonly salts: Record<string, string>;
}

/** One entry to sequence, as an admit function hands it to the pool. */
export interface PoolEntry {
  readonly type: string;
  readonly id: string;
  readonly ts: string;
  /** The producer's id and seq, in clear in the envelope. */
  readonly producer?: { id: string; seq: number } | undefined;
  /** The subject's pseudonym, in clear in the envelope. */
  readonly subject?: string | undefined;
  /** The subject's data key: the content is sealed under it (else stored in clear). */
  readonly key?: DataKey | undefined;
  /** The entry this one is about (an event's decision). */
  readonly ref?: string | undefined;
  /** The row the entry is searched by (decisions only). */
  readonly search?: Omit<SearchRow, 'index'> | undefined;
  /** The decision's facets, or the outcome update an event carries (facet-columns.ts). */
  readonly facets?: Omit<FacetRow, 'index'> | undefined;
  readonly update?: Omit<OutcomeUpdateRow, 'index'> | undefined;
  readonly fields: Record<string, JsonValue>;
  /** A purge receipt's leaves: their content goes in the batch that writes the receipt. */
  readonly purge?: readonly number[] | undefined;
}

/** Where a flush's batch goes: the sequencer commits it and publishes its checkpoint. */
export interface BatchSink {
  /** Commits the batch durably (atomically), or throws (nothing of it was acknowledged). */
  commit(batch: SequencedBatch): Promise<void>;
  /** Writes the `checkpoint` file after a durable commit. */
  publish(note: string, size: number): void;
}

interface PoolItem {
  readonly type: string;
  readonly id: string;
  readonly ts: string;
  /** The server's receive time: this process's clock when the entry was admitted. */
  readonly rt: string;
  readonly ref: string | undefined;
  readonly search: Omit<SearchRow, 'index'> | undefined;
  readonly facets: Omit<FacetRow, 'index'> | undefined;
  readonly update: Omit<OutcomeUpdateRow, 'index'> | undefined;
  readonly producer: { id: string; seq: number } | undefined;
  readonly subject: string | undefined;
  readonly kid: string | undefined;
  readonly commitments: Record<string, string>;
  readonly content: Buffer;
  readonly purge: readonly number[] | undefined;
  readonly resolve: (index: number) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The sequencing core of a log, the same for a local and a shared log: the pool of admitted
 * entries, the tree state (a compact range), the checkpoint signer, and the subjects' data keys.
 * A flush assigns indices, extends the tree, signs one checkpoint and hands the batch to its
 * {@link BatchSink}; flushes run one at a time, and {@link serialize} runs other work between them.
 * Group commit is adaptive: an entry admitted while no flush is running flushes on the next turn
 * (a lone request waits for one commit, never for a timer); entries admitted while a flush runs
 * (a busy log) wait for it and go together in the next one, which starts `flushIntervalMs` after
 * the running one began (so checkpoints stay few under load); `flushMaxEntries` entries flush at
 * once.
 *
 * @example
 * const pool = new EntryPool(store, noteSigner, verifier, ring, options, sink);
 * pool.load(await store.treeState(), await store.latestCheckpoint(), paths.db);
 * const index = await pool.enqueue({ type: ENTRY_TYPES.access, id, ts, fields });
 */
export class EntryPool {
  readonly #store: LedgerStore;
  readonly #noteSigner: NoteSigner;
  readonly #verifier: NoteVerifier;
  readonly #ring: KeyRing;
  readonly #options: ResolvedLedgerOptions;
  readonly #sink: BatchSink;
  #signer: CheckpointSigner;
  #range = new CompactRange();
  #pool: PoolItem[] = [];
  readonly #dataKeys = new Map<string, Promise<DataKey>>();
  /** Data keys created but not yet written: they go into the batch of their first entry. */
  readonly #unpersistedKeys = new Map<string, SubjectKeyRow>();
  readonly #subjectLocks = new Map<string, Promise<unknown>>();
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  /** When the last flush with entries began (performance.now()); paces the next one under load. */
  #lastFlushStart = Number.NEGATIVE_INFINITY;
  /** A flush has taken its entries and not ended: new entries wait for it (group commit). */
  #flushing = false;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    store: LedgerStore,
    noteSigner: NoteSigner,
    verifier: NoteVerifier,
    ring: KeyRing,
    options: ResolvedLedgerOptions,
    sink: BatchSink,
  ) {
    this.#store = store;
    this.#noteSigner = noteSigner;
    this.#verifier = verifier;
    this.#ring = ring;
    this.#options = options;
    this.#sink = sink;
    this.#signer = new CheckpointSigner(noteSigner, noteSigner.name, undefined);
  }

  /** Entries sequenced and durable (as far as this process knows). */
  get size(): number {
    return this.#range.size;
  }

  /** Entries admitted, waiting for the next flush. */
  get depth(): number {
    return this.#pool.length;
  }

  /**
   * Takes the stored tree and latest checkpoint as the state to extend (`STORE_CORRUPT` when they
   * disagree), with a signer that only signs extensions of that checkpoint; returns it.
   */
  load(tree: TreeState, latest: CheckpointRow | undefined, where: string): Checkpoint | undefined {
    const range = new CompactRange(tree.size, tree.edge);
    let last: Checkpoint | undefined;
    if (latest !== undefined) {
      last = openCheckpoint(latest.note, this.#verifier).checkpoint;
      if (last.size !== tree.size || !Buffer.from(last.root).equals(range.root())) {
        throw new LedgerError(
          'STORE_CORRUPT',
          `the stored tree (size ${tree.size}) does not match the latest checkpoint (size ${last.size})`,
          { where },
        );
      }
    }
    this.#range = range;
    this.#signer = new CheckpointSigner(this.#noteSigner, this.#noteSigner.name, last);
    return last;
  }

  /**
   * Rejects what waits in the pool with `error` and forgets cached data keys (a subject may have
   * been erased by another process meanwhile). Shared log: on a new sequencing term.
   */
  reset(error: unknown): void {
    const items = this.#pool;
    this.#pool = [];
    for (const item of items) item.reject(error);
    this.#dataKeys.clear();
    this.#unpersistedKeys.clear();
  }

  /** Runs `work` between flushes (never during one). */
  serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(work);
    this.#chain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Flushes the pool, one flush at a time; resolves once its entries are durable. */
  flush(): Promise<void> {
    return this.serialize(() => this.#flushOnce(false));
  }

  /**
   * Signs the first checkpoint of a new log (size 0), durably. Not serialized: for a start, or
   * inside {@link serialize}.
   */
  signFirst(): Promise<void> {
    return this.#flushOnce(true);
  }

  /** Resolves once every flush started so far has ended. */
  async idle(): Promise<void> {
    await this.#chain;
  }

  /**
   * Seals an entry (commitments, salts, content under the subject's key when it has one) into the
   * pool; resolves with its index once its batch is durable.
   */
  enqueue(entry: PoolEntry): Promise<number> {
    const { commitments, salts } = createCommitments(entry.fields);
    const plain = Buffer.from(
      JSON.stringify({ fields: entry.fields, salts } satisfies StoredContent),
      'utf8',
    );
    // Salts are encrypted with the content: once the key is gone, no commitment can be opened.
    const content =
      entry.key === undefined ? plain : seal(entry.key.key, plain, Buffer.from(entry.id, 'utf8'));
    return new Promise<number>((resolve, reject) => {
      this.#pool.push({
        type: entry.type,
        id: entry.id,
        ts: entry.ts,
        rt: new Date().toISOString(),
        ref: entry.ref,
        search: entry.search,
        facets: entry.facets,
        update: entry.update,
        producer: entry.producer,
        subject: entry.subject,
        kid: entry.key?.kid,
        commitments,
        content,
        purge: entry.purge,
        resolve,
        reject,
      });
      if (this.#pool.length >= this.#options.flushMaxEntries) {
        // A full pool flushes on the next turn of the event loop, never inside this call: with a
        // synchronous store, a busy producer would otherwise chain flushes in microtasks forever
        // and starve timers and I/O (an HTTP server, an audit's snapshot).
        this.#immediate ??= setImmediate(() => {
          this.#immediate = undefined;
          void this.flush().catch(() => undefined);
        });
      } else if (!this.#flushing) {
        // Adaptive group commit: nothing in flight, so flush on the next turn (what else is
        // admitted in this turn joins it). While a flush runs, its end schedules the next one.
        this.#schedule(0);
      }
    });
  }

  /** Schedules one flush `wait` ms from now (next turn when ≤ 0), unless one is scheduled. */
  #schedule(wait: number): void {
    if (this.#timer !== undefined || this.#immediate !== undefined) return;
    const flush = () => {
      this.#timer = undefined;
      this.#immediate = undefined;
      void this.flush().catch(() => undefined);
    };
    if (wait <= 0) this.#immediate = setImmediate(flush);
    else this.#timer = setTimeout(flush, wait);
  }

  /**
   * After a flush: entries admitted while it ran (a busy log) go in the next flush, which starts
   * `flushIntervalMs` after this one began, so a busy log signs at most one checkpoint per interval.
   */
  #afterFlush(): void {
    this.#flushing = false;
    if (this.#pool.length === 0) return;
    if (this.#pool.length >= this.#options.flushMaxEntries) this.#schedule(0);
    else this.#schedule(this.#lastFlushStart + this.#options.flushIntervalMs - performance.now());
  }

  /** The subject's current data key, created on first use; waits while the subject is being erased. */
  async dataKey(subject: string): Promise<DataKey> {
    await this.#subjectLocks.get(subject);
    let key = this.#dataKeys.get(subject);
    if (key === undefined) {
      key = (async () => {
        const row = await this.#store.getActiveSubjectKey(subject);
        const existing = row === undefined ? null : this.#ring.unwrap(row);
        if (existing !== null) return existing;
        const created = this.#ring.createDataKey(subject, new Date().toISOString());
        this.#unpersistedKeys.set(created.key.kid, created.row);
        return created.key;
      })();
      this.#dataKeys.set(subject, key);
      key.catch(() => this.#dataKeys.delete(subject));
    }
    return key;
  }

  /** Forgets the subject's cached data key (its keys were destroyed). */
  forgetDataKey(subject: string): void {
    this.#dataKeys.delete(subject);
  }

  /** Runs `work` (an erasure) with the subject locked: its data keys wait until the work ends. */
  async withSubjectLocked<T>(subject: string, work: () => Promise<T>): Promise<T> {
    const running = work();
    this.#subjectLocks.set(
      subject,
      running.catch(() => undefined),
    );
    try {
      return await running;
    } finally {
      this.#subjectLocks.delete(subject);
    }
  }

  async #flushOnce(allowEmpty: boolean): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#immediate !== undefined) {
      clearImmediate(this.#immediate);
      this.#immediate = undefined;
    }
    const items = this.#pool;
    if (items.length === 0 && !allowEmpty) return;
    this.#pool = [];
    this.#lastFlushStart = performance.now();
    this.#flushing = true;
    try {
      await this.#commitItems(items);
    } finally {
      this.#afterFlush();
    }
  }

  /** Sequences `items` (taken from the pool) into one batch, commits it, and answers them. */
  async #commitItems(items: PoolItem[]): Promise<void> {
    const range = new CompactRange(this.#range.size, this.#range.edge);
    const overlay = new Map<string, Uint8Array>();
    const nodes = [];
    const entries: EntryWithContent[] = [];
    const search: SearchRow[] = [];
    const facets: FacetRow[] = [];
    const updates: OutcomeUpdateRow[] = [];
    const subjectKeys: SubjectKeyRow[] = [];
    const purge: number[] = [];
    const started = performance.now();
    for (const item of items) {
      const envelope: LeafEnvelope = {
        type: item.type,
        index: range.size,
        id: item.id,
        ts: item.ts,
        rt: item.rt,
        ...(item.producer === undefined ? {} : { producer: item.producer }),
        ...(item.subject === undefined ? {} : { subject: item.subject }),
        ...(item.kid === undefined ? {} : { kid: item.kid }),
        commitments: item.commitments,
      };
      const leaf = toLeafBytes(envelope);
      for (const node of range.append(hashLeaf(leaf))) {
        nodes.push(node);
        overlay.set(nodeKey(node.level, node.index), node.hash);
      }
      entries.push({
        index: envelope.index,
        id: item.id,
        type: item.type,
        ts: item.ts,
        subject: item.subject ?? null,
        producerId: item.producer?.id ?? null,
        producerSeq: item.producer?.seq ?? null,
        kid: item.kid ?? null,
        ref: item.ref ?? null,
        leaf,
        content: item.content,
      });
      if (item.search !== undefined) search.push({ ...item.search, index: envelope.index });
      if (item.facets !== undefined) facets.push({ ...item.facets, index: envelope.index });
      if (item.update !== undefined) updates.push({ ...item.update, index: envelope.index });
      if (item.purge !== undefined) purge.push(...item.purge);
      const newKey = item.kid === undefined ? undefined : this.#unpersistedKeys.get(item.kid);
      if (newKey !== undefined) {
        subjectKeys.push(newKey);
        this.#unpersistedKeys.delete(newKey.kid);
      }
    }
    try {
      const checkpoint: Checkpoint = {
        origin: this.#noteSigner.name,
        size: range.size,
        root: range.root(),
        extensions: [],
      };
      const last = this.#signer.last;
      const proof =
        last !== undefined && last.size > 0 && range.size > last.size
          ? await proveConsistency(this.#store, last.size, range.size, overlay)
          : [];
      const note = this.#signer.sign(checkpoint, proof);
      const batch: SequencedBatch = {
        previousSize: this.#range.size,
        entries,
        nodes,
        subjectKeys,
        search,
        ...(facets.length === 0 ? {} : { facets }),
        ...(updates.length === 0 ? {} : { updates }),
        checkpoint: {
          size: checkpoint.size,
          root: checkpoint.root,
          note,
          createdAt: new Date().toISOString(),
        },
        tree: { size: range.size, edge: range.edge },
        ...(purge.length === 0 ? {} : { purge }),
      };
      await this.#sink.commit(batch);
      this.#signer.commit(checkpoint);
      this.#range = range;
      this.#sink.publish(note, checkpoint.size);
    } catch (err) {
      for (const row of subjectKeys) this.#unpersistedKeys.set(row.kid, row);
      for (const item of items) item.reject(err);
      throw err;
    }
    entries.forEach((e, i) => {
      items[i]!.resolve(e.index);
    });
    this.#options.onFlush?.({ entries: entries.length, ms: performance.now() - started });
  }
}
