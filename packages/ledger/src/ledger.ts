import { existsSync } from 'node:fs';
import {
  CompactRange,
  createBundle,
  createCommitments,
  createNoteSigner,
  createNoteVerifier,
  ENTRY_TYPES,
  hashLeaf,
  open,
  openCheckpoint,
  parseLeafEnvelope,
  seal,
  toLeafBytes,
} from '@docket/core';
import type {
  Checkpoint,
  DisclosedField,
  EvidenceBundle,
  LeafEnvelope,
  NoteSigner,
  NoteVerifier,
} from '@docket/core';
import { assertDecision, assertProducerReport, createUuidV7, DocketError } from '@docket/protocol';
import type { DecisionRecord, InclusionProof, JsonValue, ProducerReport } from '@docket/protocol';
import { isSharedLogStore } from '@docket/store';
import type {
  CheckpointRow,
  EntryWithContent,
  LedgerStore,
  SearchQuery,
  SearchRow,
  SequencedBatch,
  SharedLogStore,
  SubjectKeyRow,
  TreeState,
} from '@docket/store';
import { CheckpointSigner } from './checkpoint-signer.js';
import {
  dataDirPaths,
  generateMasterKey,
  readLogKey,
  readMasterKey,
  writeFileDurable,
  writeLogKey,
} from './data-dir.js';
import type { DataDirPaths } from './data-dir.js';
import { LedgerError } from './errors.js';
import { IntakeSealer } from './intake-codec.js';
import type { IntakeBody, Settled } from './intake-codec.js';
import { KeyRing } from './keyring.js';
import type { DataKey } from './keyring.js';
import { openLedgerStore } from './open-store.js';
import { resolveLedgerOptions } from './options.js';
import type { LedgerOptions, ResolvedLedgerOptions } from './options.js';
import { publishNewerCheckpoint, readPublishedCheckpoint } from './published-checkpoint.js';
import { SharedSequencer } from './shared-sequencer.js';
import { nodeKey, proveConsistency, proveInclusion, storeRootAt } from './store-proofs.js';

/** What happened to one appended decision. */
export interface AppendResult {
  readonly status: 'accepted' | 'duplicate';
  readonly id: string;
  /** Leaf index in the log (for a duplicate: the original's). */
  readonly index: number;
}

/** Proof that a decision is in the log: index, inclusion proof and the signed checkpoint. */
export interface Receipt {
  readonly id: string;
  readonly index: number;
  readonly treeSize: number;
  /** Base64 RFC 6962 leaf hash. */
  readonly leafHash: string;
  /** Base64 inclusion proof hashes, leaf sibling first. */
  readonly proof: string[];
  /** The C2SP signed checkpoint the proof leads to. */
  readonly checkpoint: string;
}

/** One entry read back: its envelope and, unless erased, its fields. */
export interface ReadEntry {
  readonly index: number;
  readonly envelope: LeafEnvelope;
  /** Committed fields (null when the subject's key was erased). */
  readonly fields: Record<string, JsonValue> | null;
  readonly salts: Record<string, string> | null;
  readonly erased: boolean;
}

/** A new fact about a decision (see {@link Ledger.appendEvent}). */
export interface EventInput {
  /** Idempotency key (UUIDv7); made by the ledger when absent. */
  readonly id?: string;
  /** When it happened (RFC 3339); now when absent. */
  readonly ts?: string;
  /** What is recorded: `kind` (effect, override, outcome…) and its details. */
  readonly fields: Record<string, JsonValue>;
}

/** Filters of {@link Ledger.search}: as {@link SearchQuery}, with the subject's own id. */
export type DecisionQuery = Omit<SearchQuery, 'subject'> & { readonly subjectId?: string };

/** Inclusion proof of an entry: a wire shape, declared once in `@docket/protocol`. */
export type { InclusionProof };

/** Result of {@link Ledger.erase}. */
export interface EraseResult {
  readonly subject: string;
  readonly keysDestroyed: number;
  readonly decisions: number;
  /** The tombstone appended, or null when the subject was already erased. */
  readonly tombstone: { id: string; index: number } | null;
}

/** The tombstone that erased a decision's subject (see {@link Ledger.erasureOf}). */
export interface Erasure {
  readonly id: string;
  readonly index: number;
  readonly ts: string;
  readonly reason: string;
}

/** Facts about the log, for `docket log`. */
export interface LogInfo {
  readonly origin: string;
  readonly vkey: string;
  readonly size: number;
  readonly checkpoint: string;
  readonly dataDir: string;
  readonly bytesOnDisk: number;
}

/** Content stored beside a leaf: the committed fields and their salts. */
interface StoredContent {
  readonly fields: Record<string, JsonValue>;
  readonly salts: Record<string, string>;
}

interface PoolItem {
  readonly type: string;
  readonly id: string;
  readonly ts: string;
  readonly ref: string | undefined;
  readonly search: Omit<SearchRow, 'index'> | undefined;
  readonly producer: { id: string; seq: number } | undefined;
  readonly subject: string | undefined;
  readonly kid: string | undefined;
  readonly commitments: Record<string, string>;
  readonly content: Buffer;
  readonly resolve: (index: number) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Opens (creating when asked) a ledger in a data directory: loads its keys, checks that the store
 * is not behind or forked from its last signed checkpoint, and starts the sequencer. With
 * `shared`, several processes open the same PostgreSQL log: each accepts writes, and the one
 * holding the log's sequencer lease sequences them (see `docs/decisions/0005-replicas.md`).
 *
 * @example
 * const ledger = await openLedger({ dataDir: '.docket' });
 * const { index } = await ledger.append(sampleDecision());
 * await ledger.close();
 */
export async function openLedger(options: LedgerOptions): Promise<Ledger> {
  const resolved = resolveLedgerOptions(options);
  const paths = dataDirPaths(resolved.dataDir);
  const store = await openLedgerStore(paths, resolved.pgUrl, {
    mustExist: !resolved.create,
    pgSchema: resolved.pgSchema,
  });
  try {
    if ((await store.getMeta('origin')) === undefined) {
      // A new log: make its keys, unless the data directory or the environment has them.
      const logKeyFromEnv =
        resolved.environmentLogKey && process.env['DOCKET_LOG_KEY'] !== undefined;
      if (!existsSync(paths.logKey) && !logKeyFromEnv) {
        writeLogKey(paths.dir, resolved.origin);
      }
      if (!existsSync(paths.masterKey) && process.env['DOCKET_MASTER_KEY'] === undefined) {
        generateMasterKey(paths.dir);
      }
    }
    const signer = createNoteSigner(
      readLogKey(paths.dir, { environment: resolved.environmentLogKey }),
    );
    const master = readMasterKey(paths.dir);
    const ring = new KeyRing(master);
    const ledger = new Ledger(resolved, paths, store, signer, ring);
    if (resolved.shared) {
      if (!isSharedLogStore(store)) {
        throw new LedgerError('OPTION_INVALID', `a ${store.kind} store can't be shared`, {
          where: 'shared',
        });
      }
      await ledger.startShared(store, new IntakeSealer(master, signer.name));
    } else {
      await ledger.start();
    }
    return ledger;
  } catch (err) {
    await store.close();
    throw err;
  }
}

/**
 * The ledger service: admits decisions into a pool, and a single sequencer flushes the pool
 * (every `flushIntervalMs` or `flushMaxEntries`), assigning indices, extending the Merkle tree,
 * signing one checkpoint and committing it all durably before anyone is told "accepted".
 * On a shared log, writes go through the database's intake to whichever process sequences.
 *
 * @example
 * const ledger = await openLedger({ dataDir: '.docket' });
 * const receipt = await ledger.receipt((await ledger.append(record)).id);
 */
export class Ledger {
  readonly origin: string;
  readonly vkey: string;
  readonly #options: ResolvedLedgerOptions;
  readonly #paths: DataDirPaths;
  readonly #store: LedgerStore;
  readonly #noteSigner: NoteSigner;
  readonly #verifier: NoteVerifier;
  readonly #ring: KeyRing;
  #signer!: CheckpointSigner;
  #range = new CompactRange();
  #pool: PoolItem[] = [];
  /** Ids admitted but not yet durable → their index (and whether this admission was the first). */
  readonly #pending = new Map<string, Promise<{ index: number; fresh: boolean }>>();
  readonly #dataKeys = new Map<string, Promise<DataKey>>();
  /** Data keys created but not yet written: they go into the batch of their first entry. */
  readonly #unpersistedKeys = new Map<string, SubjectKeyRow>();
  readonly #subjectLocks = new Map<string, Promise<unknown>>();
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #chain: Promise<void> = Promise.resolve();
  #closed = false;
  /** Set when another writer took the log over: nothing more can be appended through this one. */
  #failed: DocketError | undefined;
  /** On a shared log: the intake, the lease and the sequencing loop (else undefined). */
  #shared: SharedSequencer | undefined;

  /** @internal use {@link openLedger}. */
  constructor(
    options: ResolvedLedgerOptions,
    paths: DataDirPaths,
    store: LedgerStore,
    signer: NoteSigner,
    ring: KeyRing,
  ) {
    this.#options = options;
    this.#paths = paths;
    this.#store = store;
    this.#noteSigner = signer;
    this.#verifier = createNoteVerifier(signer.vkey);
    this.#ring = ring;
    this.origin = signer.name;
    this.vkey = signer.vkey;
  }

  /** @internal Loads state, checks it against the last checkpoint, signs the first one if new. */
  async start(): Promise<void> {
    const store = this.#store;
    await this.#checkLogKey();
    const tree = await store.treeState();
    const latest = await store.latestCheckpoint();
    const last = this.#loadState(tree, latest);
    await this.#checkAgainstStateFile(last);
    if (latest === undefined) await this.#flushOnce(true);
  }

  /**
   * @internal Starts on a shared log: checks the store as {@link start} does (without writing),
   * then competes for the sequencer lease. A new log gets its first checkpoint from its first
   * sequencer; this waits for it, so that every read finds a signed checkpoint.
   */
  async startShared(store: LedgerStore & SharedLogStore, sealer: IntakeSealer): Promise<void> {
    await this.#checkLogKey();
    // The published file first, the store after: any replica may publish meanwhile, and only a
    // checkpoint already committed, so the store read second is never behind the file.
    const published = readPublishedCheckpoint(this.#paths.checkpoint, this.#verifier);
    const { tree, latest } = await store.readSnapshot(async () => ({
      tree: await store.treeState(),
      latest: await store.latestCheckpoint(),
    }));
    this.#checkPublished(published, this.#loadState(tree, latest));
    await this.#checkPublishedRoot(published);
    const shared = new SharedSequencer(
      store,
      await store.openSequencerLease(),
      sealer,
      {
        resume: () => this.#resumeSequencing(store),
        admit: (id, body) => this.#admitIntake(id, body),
        fail: (error) => {
          this.#failed = error;
        },
      },
      this.#options.flushMaxEntries,
    );
    this.#shared = shared;
    try {
      await shared.start();
      while ((await store.latestCheckpoint()) === undefined) {
        if (this.#failed !== undefined) throw this.#failed;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } catch (error) {
      await shared.abort(error);
      throw error;
    }
  }

  /** Records the log's origin and vkey in a new store; `LOG_KEY_MISMATCH` for another log's. */
  async #checkLogKey(): Promise<void> {
    const store = this.#store;
    const origin = await store.getMeta('origin');
    if (origin === undefined) {
      await store.setMeta('origin', this.origin);
      await store.setMeta('vkey', this.vkey);
    } else if (origin !== this.origin || (await store.getMeta('vkey')) !== this.vkey) {
      throw new LedgerError(
        'LOG_KEY_MISMATCH',
        `the log key (${this.vkey}) is not the key of log "${origin}" in this store`,
        { where: this.#paths.logKey },
      );
    }
  }

  /**
   * Takes the stored tree and latest checkpoint as the state to extend (`STORE_CORRUPT` when they
   * disagree), with a signer that only signs extensions of that checkpoint; returns it.
   */
  #loadState(tree: TreeState, latest: CheckpointRow | undefined): Checkpoint | undefined {
    this.#range = new CompactRange(tree.size, tree.edge);
    let last: Checkpoint | undefined;
    if (latest !== undefined) {
      last = openCheckpoint(latest.note, this.#verifier).checkpoint;
      if (last.size !== tree.size || !Buffer.from(last.root).equals(this.#range.root())) {
        throw new LedgerError(
          'STORE_CORRUPT',
          `the stored tree (size ${tree.size}) does not match the latest checkpoint (size ${last.size}); run \`docket verify\``,
          { where: this.#paths.db },
        );
      }
    }
    this.#signer = new CheckpointSigner(this.#noteSigner, this.origin, last);
    return last;
  }

  /**
   * Shared log, on taking the sequencer lease: reloads the state another process may have
   * extended since, drops what an earlier term left (pool, cached data keys: a subject may have
   * been erased meanwhile), and checks and publishes as {@link start} does. Runs between flushes.
   */
  #resumeSequencing(store: LedgerStore & SharedLogStore): Promise<void> {
    const run = this.#chain.then(async () => {
      this.#abandonPool();
      this.#dataKeys.clear();
      this.#unpersistedKeys.clear();
      const published = readPublishedCheckpoint(this.#paths.checkpoint, this.#verifier);
      const { tree, checkpoint } = await store.loadSequencerState();
      const last = this.#loadState(tree, checkpoint);
      this.#checkPublished(published, last);
      await this.#checkPublishedRoot(published);
      this.#shared?.noteSize(tree.size);
      if (checkpoint === undefined) await this.#flushOnce(true);
      else this.#publish(checkpoint.note, checkpoint.size);
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Rejects what waits in the pool (its requests stay in the intake for the next term). */
  #abandonPool(): void {
    const items = this.#pool;
    this.#pool = [];
    const error = new LedgerError('NOT_SEQUENCER', 'the sequencer lease changed hands');
    for (const item of items) item.reject(error);
  }

  /** Writes the `checkpoint` file after a durable flush (shared log: only ever forward). */
  #publish(note: string, size: number): void {
    if (this.#shared === undefined) writeFileDurable(this.#paths.checkpoint, note);
    else publishNewerCheckpoint(this.#paths.checkpoint, note, size, this.#verifier);
  }

  /** `STORE_BEHIND_CHECKPOINT` when the store holds less than the published checkpoint. */
  #checkPublished(published: Checkpoint | undefined, last: Checkpoint | undefined): void {
    const size = last?.size ?? 0;
    if (published !== undefined && published.size > size) {
      throw new LedgerError(
        'STORE_BEHIND_CHECKPOINT',
        `the store holds ${size} entries but this log already published a checkpoint of size ${published.size}; refusing to start (restore the store, never re-sign)`,
        { where: this.#paths.db },
      );
    }
  }

  /** `STORE_FORKED` when the store's tree at the published size has another root. */
  async #checkPublishedRoot(published: Checkpoint | undefined): Promise<void> {
    if (published !== undefined && published.size > 0) {
      const root = await storeRootAt(this.#store, published.size);
      if (!root.equals(published.root)) {
        throw new LedgerError(
          'STORE_FORKED',
          `the store's tree at size ${published.size} differs from the published checkpoint; refusing to start`,
          { where: this.#paths.db },
        );
      }
    }
  }

  /**
   * Refuses to start when the store is behind, or forked from, the last checkpoint this log
   * published (the `checkpoint` file written after every durable flush).
   */
  async #checkAgainstStateFile(last: Checkpoint | undefined): Promise<void> {
    const published = readPublishedCheckpoint(this.#paths.checkpoint, this.#verifier);
    if (published === undefined) return;
    this.#checkPublished(published, last);
    await this.#checkPublishedRoot(published);
    if (last !== undefined && published.size < last.size) {
      writeFileDurable(this.#paths.checkpoint, (await this.#store.latestCheckpoint())!.note);
    }
  }

  /**
   * Number of entries in the log (sequenced and durable). On a shared log, the largest size this
   * process has seen (its own batches, other replicas' notices): {@link info} reads the store.
   */
  get size(): number {
    return Math.max(this.#range.size, this.#shared?.knownSize ?? 0);
  }

  /**
   * Appends one decision record. Resolves once it is durable in the log (or was already there);
   * rejects with `DecisionInvalidError` (all schema problems) for an invalid record.
   *
   * @example
   * const { status, index } = await ledger.append(record);
   */
  async append(record: unknown): Promise<AppendResult> {
    this.#assertOpen();
    assertDecision(record);
    if (this.#shared !== undefined) return this.#submit(record.id, { kind: 'decision', record });
    return this.#admitOnce(record.id, () => this.#admitDecision(record));
  }

  /**
   * Appends a later fact about a decision (downstream effect, human override, outcome update) as
   * a `docket.event/v1` entry linked to it, encrypted like the decision when it has a subject.
   * Idempotent by `id`; `DECISION_NOT_FOUND` when the decision is not in the log.
   *
   * @example
   * await ledger.appendEvent(decisionId, { fields: { kind: 'override', actor: 'j.doe', reason: 'manual review' } });
   */
  async appendEvent(decisionId: string, event: EventInput): Promise<AppendResult> {
    this.#assertOpen();
    const id = event.id ?? createUuidV7();
    const ts = event.ts ?? new Date().toISOString();
    if (this.#shared !== undefined) {
      return this.#submit(id, { kind: 'event', decisionId, ts, fields: event.fields });
    }
    return this.#admitOnce(id, () => this.#admitEvent(id, decisionId, ts, event.fields));
  }

  async #admitEvent(
    id: string,
    decisionId: string,
    ts: string,
    fields: Record<string, JsonValue>,
  ): Promise<{ index: number; fresh: boolean }> {
    const earlier = await this.#earlier(id, ENTRY_TYPES.event, decisionId);
    if (earlier !== undefined) return { index: earlier, fresh: false };
    await this.#pending.get(decisionId);
    const decision = await this.#requireEntry(decisionId);
    if (decision.type !== ENTRY_TYPES.decision) {
      throw new LedgerError('DECISION_NOT_FOUND', `entry ${decisionId} is not a decision`, {
        where: decisionId,
      });
    }
    const subject = decision.subject ?? undefined;
    const index = await this.#enqueue({
      type: ENTRY_TYPES.event,
      id,
      ts,
      producer: undefined,
      subject,
      key: subject === undefined ? undefined : await this.#dataKey(subject),
      ref: decisionId,
      search: undefined,
      fields: { ...fields, decision: decisionId },
    });
    return { index, fresh: true };
  }

  /**
   * Appends one access record (`docket.access/v1`: who read, exported or erased what, and why).
   * Used on a tenant's access log, a ledger of its own.
   *
   * @example
   * await accessLog.appendAccess({ actor: 'key_1', action: 'read', target: id, purpose: 'audit' });
   */
  async appendAccess(fields: Record<string, JsonValue>): Promise<AppendResult> {
    this.#assertOpen();
    const id = createUuidV7();
    const ts = new Date().toISOString();
    if (this.#shared !== undefined) return this.#submit(id, { kind: 'access', ts, fields });
    return this.#admitOnce(id, () => this.#admitAccess(id, ts, fields));
  }

  async #admitAccess(
    id: string,
    ts: string,
    fields: Record<string, JsonValue>,
  ): Promise<{ index: number; fresh: boolean }> {
    // A fresh id each time (an intake row leaves the intake with its entry): never a duplicate.
    return { index: await this.#enqueuePlain(ENTRY_TYPES.access, id, ts, fields), fresh: true };
  }

  /**
   * Appends a producer's report of records it took from its host but never delivered
   * (`docket.producer-report/v1`, entry type `docket.producer/v1`), so a gap in the producer's
   * seqs is explained in the log. Idempotent by the report's id; `REPORT_INVALID` for a bad one.
   *
   * @example
   * await ledger.appendProducerReport(report); // { status: 'accepted', id, index }
   */
  async appendProducerReport(report: unknown): Promise<AppendResult> {
    this.#assertOpen();
    assertProducerReport(report);
    if (this.#shared !== undefined) return this.#submit(report.id, { kind: 'report', report });
    return this.#admitOnce(report.id, () => this.#admitReport(report));
  }

  async #admitReport(report: ProducerReport): Promise<{ index: number; fresh: boolean }> {
    const earlier = await this.#earlier(report.id, ENTRY_TYPES.producer, undefined);
    if (earlier !== undefined) return { index: earlier, fresh: false };
    const { id, ts, schema: _schema, ...fields } = report;
    const index = await this.#enqueuePlain(
      ENTRY_TYPES.producer,
      id,
      ts,
      fields as unknown as Record<string, JsonValue>,
    );
    return { index, fresh: true };
  }

  /**
   * The index of the entry `id` when it is the same kind of entry (a duplicate); undefined when
   * the id is new; `ID_CONFLICT` when another kind of entry has it.
   */
  async #earlier(id: string, type: string, ref: string | undefined): Promise<number | undefined> {
    const existing = await this.#store.getEntryById(id);
    if (existing === undefined) return undefined;
    if (existing.type === type && (existing.ref ?? undefined) === ref) return existing.index;
    throw new LedgerError(
      'ID_CONFLICT',
      `id ${id} is already used by another entry of this log (index ${existing.index})`,
      { where: 'id' },
    );
  }

  /** Shared log: hands an append to the sequencer through the intake and waits for its index. */
  async #submit(id: string, body: IntakeBody): Promise<AppendResult> {
    const settled = await this.#shared!.submit(id, body);
    if ('erased' in settled) throw new LedgerError('INTAKE_INVALID', `${id} is not an append`);
    return { status: settled.status, id, index: settled.index };
  }

  /**
   * Shared log, on the sequencer: admits a request read from the intake through the same path as
   * a local append (idempotency by id, subject keys, encryption) or erasure.
   */
  async #admitIntake(id: string, body: IntakeBody): Promise<Settled> {
    switch (body.kind) {
      case 'decision':
        assertDecision(body.record);
        if (body.record.id !== id) throw new LedgerError('INTAKE_INVALID', `${id}: id differs`);
        return this.#admitOnce(id, () => this.#admitDecision(body.record));
      case 'event':
        return this.#admitOnce(id, () =>
          this.#admitEvent(id, body.decisionId, body.ts, body.fields),
        );
      case 'access':
        return this.#admitOnce(id, () => this.#admitAccess(id, body.ts, body.fields));
      case 'report':
        assertProducerReport(body.report);
        if (body.report.id !== id) throw new LedgerError('INTAKE_INVALID', `${id}: id differs`);
        return this.#admitOnce(id, () => this.#admitReport(body.report));
      case 'erase':
        return {
          erased: await this.#eraseSubject(
            body.subjectId,
            body.reason,
            body.tombstoneId,
            'this subject',
          ),
        };
    }
  }

  #assertOpen(): void {
    if (this.#closed) throw new LedgerError('LEDGER_CLOSED', 'the ledger is closed');
    if (this.#failed !== undefined) throw this.#failed;
  }

  /**
   * Runs `admit` once per id: a second call while the first is pending (or after it, through the
   * store) gets the original index as a duplicate.
   */
  async #admitOnce(
    id: string,
    admit: () => Promise<{ index: number; fresh: boolean }>,
  ): Promise<AppendResult> {
    // Everything up to the first await runs synchronously, so a second append of the same id
    // always finds the first one in #pending.
    const pending = this.#pending.get(id);
    if (pending !== undefined) return { status: 'duplicate', id, index: (await pending).index };
    const admitted = admit();
    this.#pending.set(id, admitted);
    try {
      const { index, fresh } = await admitted;
      return { status: fresh ? 'accepted' : 'duplicate', id, index };
    } finally {
      this.#pending.delete(id);
    }
  }

  async #admitDecision(record: DecisionRecord): Promise<{ index: number; fresh: boolean }> {
    const existing = (await this.#store.findIndexes([record.id])).get(record.id);
    if (existing !== undefined) return { index: existing, fresh: false };
    const { id, ts, producer, schema: _schema, ...rest } = record;
    // The envelope carries the producer's id and seq in clear; anything more (the SDK's name
    // and version) is committed to like any other field.
    const fields: Record<string, JsonValue> =
      producer !== undefined && Object.keys(producer).some((k) => k !== 'id' && k !== 'seq')
        ? { ...rest, producer }
        : rest;
    let subject: string | undefined;
    let key: DataKey | undefined;
    if (record.subject !== undefined) {
      subject = this.#ring.pseudonymize(record.subject.id);
      key = await this.#dataKey(subject);
    }
    const index = await this.#enqueue({
      type: ENTRY_TYPES.decision,
      id,
      ts,
      producer: producer === undefined ? undefined : { id: producer.id, seq: producer.seq },
      subject,
      key,
      ref: undefined,
      search: toSearchColumns(record, subject),
      fields,
    });
    return { index, fresh: true };
  }

  /** Enqueues an entry without producer, subject (content in clear), link or search text. */
  #enqueuePlain(
    type: string,
    id: string,
    ts: string,
    fields: Record<string, JsonValue>,
  ): Promise<number> {
    return this.#enqueue({
      type,
      id,
      ts,
      producer: undefined,
      subject: undefined,
      key: undefined,
      ref: undefined,
      search: undefined,
      fields,
    });
  }

  #enqueue(entry: {
    type: string;
    id: string;
    ts: string;
    producer: { id: string; seq: number } | undefined;
    subject: string | undefined;
    key: DataKey | undefined;
    ref: string | undefined;
    search: Omit<SearchRow, 'index'> | undefined;
    fields: Record<string, JsonValue>;
  }): Promise<number> {
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
        ref: entry.ref,
        search: entry.search,
        producer: entry.producer,
        subject: entry.subject,
        kid: entry.key?.kid,
        commitments,
        content,
        resolve,
        reject,
      });
      if (this.#pool.length >= this.#options.flushMaxEntries) {
        // A full pool flushes on the next turn of the event loop, never inside this call: with a
        // synchronous store, a busy producer would otherwise chain flushes in microtasks forever
        // and starve timers and I/O (an HTTP server, an audit's snapshot).
        this.#immediate ??= setImmediate(() => {
          this.#immediate = undefined;
          void this.#flushPool().catch(() => undefined);
        });
      } else {
        this.#timer ??= setTimeout(() => {
          void this.#flushPool().catch(() => undefined);
        }, this.#options.flushIntervalMs);
      }
    });
  }

  /** The subject's current data key, created on first use; waits while the subject is being erased. */
  async #dataKey(subject: string): Promise<DataKey> {
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

  /**
   * Sequences everything admitted so far and waits until it is durable. Flushes run one at a
   * time; a failed flush rejects its entries (nothing of it was acknowledged) and the log goes on.
   * On a shared log: waits until every write made through this process is settled.
   *
   * @example
   * await ledger.flush();
   */
  async flush(): Promise<void> {
    if (this.#shared !== undefined) await this.#shared.drain();
    else await this.#flushPool();
  }

  /** Flushes the pool (the sequencer's own, on a shared log), one flush at a time. */
  #flushPool(): Promise<void> {
    const run = this.#chain.then(() => this.#flushOnce(false));
    this.#chain = run.catch(() => undefined);
    return run;
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
    const range = new CompactRange(this.#range.size, this.#range.edge);
    const overlay = new Map<string, Uint8Array>();
    const nodes = [];
    const entries: EntryWithContent[] = [];
    const search: SearchRow[] = [];
    const subjectKeys: SubjectKeyRow[] = [];
    const started = performance.now();
    for (const item of items) {
      const envelope: LeafEnvelope = {
        type: item.type,
        index: range.size,
        id: item.id,
        ts: item.ts,
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
      const newKey = item.kid === undefined ? undefined : this.#unpersistedKeys.get(item.kid);
      if (newKey !== undefined) {
        subjectKeys.push(newKey);
        this.#unpersistedKeys.delete(newKey.kid);
      }
    }
    try {
      const checkpoint: Checkpoint = {
        origin: this.origin,
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
        checkpoint: {
          size: checkpoint.size,
          root: checkpoint.root,
          note,
          createdAt: new Date().toISOString(),
        },
        tree: { size: range.size, edge: range.edge },
      };
      // Shared log: committed only under the sequencer lease, consuming the intake rows.
      await (this.#shared === undefined
        ? this.#store.appendBatch(batch)
        : this.#shared.commit(batch));
      this.#signer.commit(checkpoint);
      this.#range = range;
      this.#publish(note, checkpoint.size);
    } catch (err) {
      for (const row of subjectKeys) this.#unpersistedKeys.set(row.kid, row);
      // Another process extended the log: this one's view of the tree is stale for good (on a
      // shared log, the next sequencing term reloads it instead).
      if (err instanceof DocketError && err.code === 'STORE_CONFLICT' && this.#shared === undefined)
        this.#failed = err;
      for (const item of items) item.reject(err);
      throw err;
    }
    entries.forEach((e, i) => {
      items[i]!.resolve(e.index);
    });
    this.#options.onFlush?.({ entries: entries.length, ms: performance.now() - started });
  }

  /**
   * A receipt for a decision: its index, an inclusion proof and the latest signed checkpoint.
   * Waits for the decision to be sequenced if it is still in the pool.
   *
   * @example
   * const receipt = await ledger.receipt(id);
   */
  async receipt(id: string): Promise<Receipt> {
    await this.#pending.get(id);
    await this.#shared?.settled(id);
    const entry = await this.#requireEntry(id);
    const { size, note, proof } = await this.#inclusion(entry.index);
    return {
      id,
      index: entry.index,
      treeSize: size,
      leafHash: hashLeaf(entry.leaf).toString('base64'),
      proof: proof.map((h) => h.toString('base64')),
      checkpoint: note,
    };
  }

  /** The inclusion proof of `index` in the tree of the latest signed checkpoint. */
  async #inclusion(index: number): Promise<{ size: number; note: string; proof: Buffer[] }> {
    const latest = (await this.#store.latestCheckpoint())!;
    const proof = await proveInclusion(this.#store, index, latest.size);
    return { size: latest.size, note: latest.note, proof };
  }

  async #requireEntry(id: string): Promise<EntryWithContent> {
    const entry = await this.#store.getEntryById(id);
    if (entry === undefined) {
      throw new LedgerError('DECISION_NOT_FOUND', `no entry with id ${id} in this log`, {
        where: id,
      });
    }
    return entry;
  }

  /**
   * Reads an entry back: the envelope, and the fields unless the subject was erased.
   *
   * @example
   * const { fields, erased } = await ledger.read(id);
   */
  async read(id: string): Promise<ReadEntry> {
    await this.#pending.get(id);
    await this.#shared?.settled(id);
    return this.#open(await this.#requireEntry(id));
  }

  async #open(entry: EntryWithContent): Promise<ReadEntry> {
    const envelope = parseLeafEnvelope(entry.leaf, `leaf ${entry.index}`);
    let bytes = entry.content;
    if (bytes !== null && entry.kid !== null) {
      const row = (await this.#store.getSubjectKeys([entry.kid])).get(entry.kid);
      const key = row === undefined ? null : this.#ring.unwrap(row);
      bytes = key === null ? null : open(key.key, bytes, Buffer.from(entry.id, 'utf8'));
    }
    if (bytes === null)
      return { index: entry.index, envelope, fields: null, salts: null, erased: true };
    const content = JSON.parse(Buffer.from(bytes).toString('utf8')) as StoredContent;
    return {
      index: entry.index,
      envelope,
      fields: content.fields,
      salts: content.salts,
      erased: false,
    };
  }

  /**
   * The events linked to a decision (effects, overrides, outcome updates), oldest first.
   *
   * @example
   * const events = await ledger.events(decisionId);
   */
  async events(decisionId: string): Promise<ReadEntry[]> {
    const rows = await this.#store.entriesByRef(decisionId);
    return Promise.all(rows.map((row) => this.#open(row)));
  }

  /**
   * Decisions matching every filter, newest first (at most `limit`, before index `before`).
   *
   * @example
   * const page = await ledger.search({ agentId: 'loan-approver', limit: 50 });
   */
  async search(query: DecisionQuery): Promise<ReadEntry[]> {
    const { subjectId, ...rest } = query;
    const rows = await this.#store.searchEntries({
      ...rest,
      ...(subjectId === undefined ? {} : { subject: this.#ring.pseudonymize(subjectId) }),
    });
    return Promise.all(rows.map((row) => this.#open(row)));
  }

  /**
   * Entries in index order from `from` (at most `limit`), each with its leaf bytes and, unless
   * erased, its content: what a remote audit needs to recompute the tree and the commitments.
   *
   * @example
   * for (const { leaf, entry } of await ledger.entries(0, 1000)) check(leaf, entry);
   */
  async entries(from: number, limit: number): Promise<{ leaf: Uint8Array; entry: ReadEntry }[]> {
    const out: { leaf: Uint8Array; entry: ReadEntry }[] = [];
    for await (const batch of this.#store.scanEntries({
      from,
      batchSize: limit,
      withContent: true,
    })) {
      for (const row of batch) out.push({ leaf: row.leaf, entry: await this.#open(row) });
      break;
    }
    return out;
  }

  /**
   * Inclusion proof of an entry in the tree of `size` entries (default: the latest checkpoint's).
   * `SIZE_INVALID` when `size` is not above the index or beyond the latest checkpoint.
   *
   * @example
   * const { hashes, checkpoint } = await ledger.inclusionProof(id);
   */
  async inclusionProof(id: string, size?: number): Promise<InclusionProof> {
    await this.#pending.get(id);
    await this.#shared?.settled(id);
    const entry = await this.#requireEntry(id);
    const latest = (await this.#store.latestCheckpoint())!;
    const treeSize = size ?? latest.size;
    if (!Number.isSafeInteger(treeSize) || treeSize <= entry.index || treeSize > latest.size) {
      throw new LedgerError(
        'SIZE_INVALID',
        `size must be above the entry's index ${entry.index} and at most the signed size ${latest.size}`,
        { where: 'size' },
      );
    }
    const proof = await proveInclusion(this.#store, entry.index, treeSize);
    return {
      index: entry.index,
      treeSize,
      leafHash: hashLeaf(entry.leaf).toString('base64'),
      hashes: proof.map((h) => h.toString('base64')),
      checkpoint: treeSize === latest.size ? latest.note : null,
    };
  }

  /**
   * The erasure that made decision `id` unreadable: the first tombstone of its subject after it
   * (id, index, time, reason), or null when the decision has no subject or was not erased.
   *
   * @example
   * const erasure = await ledger.erasureOf(id); // { id, index, ts, reason } | null
   */
  async erasureOf(id: string): Promise<Erasure | null> {
    const entry = await this.#requireEntry(id);
    if (entry.subject === null) return null;
    const tombstone = (await this.#store.entriesBySubject(entry.subject))
      .filter((e) => e.type === ENTRY_TYPES.tombstone && e.index > entry.index)
      .sort((a, b) => a.index - b.index)[0];
    if (tombstone === undefined) return null;
    const read = await this.#open(await this.#requireEntry(tombstone.id));
    const reason = read.fields?.['reason'];
    return {
      id: tombstone.id,
      index: tombstone.index,
      ts: read.envelope.ts,
      reason: typeof reason === 'string' ? reason : '',
    };
  }

  /**
   * Consistency proof between two tree sizes (RFC 9162 §2.1.4), base64 hashes;
   * `SIZE_INVALID` unless 0 < from ≤ to ≤ the latest signed size.
   *
   * @example
   * const hashes = await ledger.consistencyProof(100, 200);
   */
  async consistencyProof(from: number, to: number): Promise<string[]> {
    const latest = (await this.#store.latestCheckpoint())!;
    if (!(from > 0 && from <= to && to <= latest.size)) {
      throw new LedgerError(
        'SIZE_INVALID',
        `need 0 < from ≤ to ≤ ${latest.size} (the latest signed size), got from=${from} to=${to}`,
        { where: 'from' },
      );
    }
    const proof = await proveConsistency(this.#store, from, to);
    return proof.map((h) => h.toString('base64'));
  }

  /**
   * Entries waiting (in the pool; on a shared log, this process's writes not yet answered too),
   * the sequenced size (see {@link size}), and whether this process sequences the log.
   *
   * @example
   * const { poolDepth, size, sequencer } = ledger.stats();
   */
  stats(): { readonly poolDepth: number; readonly size: number; readonly sequencer: boolean } {
    return {
      poolDepth: this.#pool.length + (this.#shared?.waiting ?? 0),
      size: this.size,
      sequencer: this.#shared?.sequencing ?? true,
    };
  }

  /**
   * An evidence bundle for one entry, disclosing the named fields (none by default) with their
   * salts. Throws `FIELD_UNKNOWN` for a field the entry doesn't commit to.
   *
   * @example
   * const bundle = await ledger.exportBundle(id, ['outcome', 'reasoning']);
   */
  async exportBundle(id: string, disclose: readonly string[] = []): Promise<EvidenceBundle> {
    const entry = await this.read(id);
    const known = Object.keys(entry.envelope.commitments);
    const disclosed: Record<string, DisclosedField> = {};
    for (const name of disclose) {
      if (!known.includes(name)) {
        throw new LedgerError(
          'FIELD_UNKNOWN',
          `entry ${id} has no field "${name}"; it has: ${known.join(', ')}`,
          { where: '--disclose' },
        );
      }
      if (entry.fields === null || entry.salts === null) {
        throw new LedgerError(
          'CONTENT_ERASED',
          `entry ${id} was erased: its fields can no longer be disclosed`,
          { where: '--disclose' },
        );
      }
      disclosed[name] = { value: entry.fields[name] ?? null, salt: entry.salts[name] ?? '' };
    }
    const { note, proof } = await this.#inclusion(entry.index);
    return createBundle({
      origin: this.origin,
      vkey: this.vkey,
      envelope: entry.envelope,
      disclosed,
      erased: entry.erased,
      index: entry.index,
      hashes: proof,
      checkpoint: note,
    });
  }

  /**
   * Erases a subject (GDPR Art. 17): destroys every data key of the subject, then appends a
   * tombstone. Their content becomes unreadable; every leaf, proof and checkpoint still verifies.
   *
   * @example
   * await ledger.erase('cust-42', 'data subject request #1234');
   */
  async erase(subjectId: string, reason: string): Promise<EraseResult> {
    if (reason.trim() === '')
      throw new LedgerError('REASON_REQUIRED', 'an erasure needs a reason', { where: '--reason' });
    const tombstoneId = createUuidV7();
    if (this.#shared === undefined) {
      return this.#eraseSubject(subjectId, reason, tombstoneId, `subject "${subjectId}"`);
    }
    // Shared log: the sequencer erases (it alone creates and caches data keys).
    this.#assertOpen();
    const settled = await this.#shared.submit(`erase:${tombstoneId}`, {
      kind: 'erase',
      subjectId,
      reason,
      tombstoneId,
    });
    if (!('erased' in settled)) throw new LedgerError('INTAKE_INVALID', 'not an erasure result');
    return settled.erased;
  }

  /**
   * Destroys the subject's keys, forgets its cached data key, and appends the tombstone `id`.
   * `named` names the subject in errors (never its id on a shared log: errors go into the intake).
   */
  async #eraseSubject(
    subjectId: string,
    reason: string,
    id: string,
    named: string,
  ): Promise<EraseResult> {
    const pseudonym = this.#ring.pseudonymize(subjectId);
    const work = (async () => {
      await this.#flushPool();
      const decisions = (await this.#store.entriesBySubject(pseudonym)).filter(
        (e) => e.type === ENTRY_TYPES.decision,
      );
      if (decisions.length === 0) {
        throw new LedgerError('SUBJECT_NOT_FOUND', `no decisions about ${named} in this log`, {
          where: '--subject',
        });
      }
      const now = new Date().toISOString();
      const kids = [...new Set(decisions.map((e) => e.kid).filter((k): k is string => k !== null))];
      this.#dataKeys.delete(pseudonym);
      const destroyed = await this.#store.eraseSubjectKeys(pseudonym, now);
      if (destroyed === 0)
        return {
          subject: pseudonym,
          keysDestroyed: 0,
          decisions: decisions.length,
          tombstone: null,
        };
      const index = await this.#enqueue({
        type: ENTRY_TYPES.tombstone,
        id,
        ts: now,
        producer: undefined,
        subject: pseudonym,
        key: undefined,
        ref: undefined,
        search: undefined,
        fields: { reason, keys: kids, decisions: decisions.length },
      });
      await this.#flushPool();
      return {
        subject: pseudonym,
        keysDestroyed: destroyed,
        decisions: decisions.length,
        tombstone: { id, index },
      };
    })();
    this.#subjectLocks.set(
      pseudonym,
      work.catch(() => undefined),
    );
    try {
      return await work;
    } finally {
      this.#subjectLocks.delete(pseudonym);
    }
  }

  /**
   * Origin, size, vkey and latest checkpoint.
   *
   * @example
   * const { size, checkpoint } = await ledger.info();
   */
  async info(): Promise<LogInfo> {
    const latest = await this.#store.latestCheckpoint();
    // Shared log: the store's size (another process may be sequencing), the checkpoint's.
    if (latest !== undefined) this.#shared?.noteSize(latest.size);
    return {
      origin: this.origin,
      vkey: this.vkey,
      size: this.#shared === undefined ? this.#range.size : (latest?.size ?? 0),
      checkpoint: latest?.note ?? '',
      dataDir: this.#paths.dir,
      bytesOnDisk: await this.#store.sizeOnDisk(),
    };
  }

  /**
   * Flushes what is pending and closes the store. Idempotent. On a shared log, also gives up the
   * sequencer lease once this process's writes are answered.
   *
   * @example
   * await ledger.close();
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      // Shared log: answer this process's writes (sequencing them if no one else does), then
      // stop sequencing and give the lease up to another replica.
      await this.#shared?.close();
      // Appends accepted before close may still be on their way into the pool (waiting for a
      // subject key): flush until every one of them is durable.
      await this.#flushPool();
      while (this.#pending.size > 0) {
        await new Promise((resolve) => setImmediate(resolve));
        await this.#flushPool();
      }
    } finally {
      await this.#chain;
      await this.#store.close();
    }
  }
}

/** The columns a decision is searched by; text is its goal and reasoning. */
function toSearchColumns(
  record: DecisionRecord,
  subject: string | undefined,
): Omit<SearchRow, 'index'> {
  const reasoning = record.reasoning;
  const steps =
    reasoning === undefined
      ? []
      : typeof reasoning === 'string'
        ? [reasoning]
        : reasoning.map((step) => (typeof step === 'string' ? step : step.text));
  return {
    agentId: record.agent.id,
    agentVersion: record.agent.version,
    subject: subject ?? null,
    action: record.outcome.action,
    ts: toSortableUtc(record.ts),
    runId: record.correlation?.orchestrator?.runId ?? null,
    text: [record.goal ?? '', ...steps].join('\n'),
  };
}

/**
 * An RFC 3339 time as UTC with milliseconds, so text order is time order. A leap second
 * (`23:59:60`, valid RFC 3339, which `Date` can't represent) sorts as the minute's last millisecond.
 */
function toSortableUtc(ts: string): string {
  const time = Date.parse(ts.replace(/:60(\.\d+)?(?=[Zz+-])/, ':59.999'));
  return new Date(time).toISOString();
}
