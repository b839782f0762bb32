import { DocketError } from '@docket/protocol';
import type {
  IntakeRequest,
  IntakeRow,
  IntakeStatus,
  LedgerStore,
  SequencedBatch,
  SequencerLease,
  SharedLogStore,
} from '@docket/store';
import { EntryPool } from './entry-pool.js';
import { ENTRY_KINDS } from './entry-types.js';
import type { AdmitContext, EntryBody, EntryKind } from './entry-types.js';
import { eraseSubject } from './erasure.js';
import type { EraseRequest } from './erasure.js';
import { LedgerError } from './errors.js';
import { toErrorOutcome } from './intake-codec.js';
import type {
  ErasedSubject,
  IntakeBody,
  IntakeOutcome,
  IntakeSealer,
  Settled,
} from './intake-codec.js';
import { checkPublished, checkPublishedRoot, checkStoredTree } from './open-checks.js';
import { publishNewerCheckpoint, readPublishedCheckpoint } from './published-checkpoint.js';
import { admitContext } from './sequencer.js';
import type { LogParts, Sequencer } from './sequencer.js';

/** How often a replica tries to take the lease, its holder checks it, and waiters poll. */
const TICK_MS = 250;
/** Settled rows whose writer never collected them (it died) are deleted after this long. */
const PURGE_AFTER_MS = 15 * 60_000;
/** At most this many requests per intake statement. */
const SEND_MAX = 1000;

/** A write this process submitted, waiting to be sequenced. */
interface Waiter {
  readonly request: IntakeRequest;
  /** An append (its id becomes an entry's id); else an erasure (answered through its outcome). */
  readonly append: boolean;
  /** This process inserted the intake row now there (so it collects the row's outcome). */
  owned: boolean;
  /** Written to the intake (else still in the outbox). */
  sent: boolean;
  /** The entry an append makes (type, and the decision an event is about); none for erasures. */
  readonly identity: { readonly type: string; readonly ref: string | undefined } | undefined;
  readonly promise: Promise<Settled>;
  readonly resolve: (settled: Settled) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Errors that say this process may not (or no longer) sequence from the state it has: the
 * request stays in the intake, for the next term (after a reload) or the next sequencer.
 */
const RETRY = new Set([
  'STORE_CONFLICT',
  'STORE_LEASE_LOST',
  'STORE_CLOSED',
  'NOT_SEQUENCER',
  'LEDGER_CLOSED',
  'CHECKPOINT_NOT_CONSISTENT',
]);
const isRetry = (error: unknown): boolean => error instanceof DocketError && RETRY.has(error.code);
/** Any store error: the state in memory may be stale (a commit whose answer was lost). */
const isStoreError = (error: unknown): boolean =>
  error instanceof DocketError && error.code.startsWith('STORE_');

/** Errors after which this process must not sequence the log at all (see `open-checks.ts`). */
const PERMANENT = new Set([
  'STORE_CORRUPT',
  'STORE_TRUNCATED',
  'STORE_BEHIND_CHECKPOINT',
  'STORE_FORKED',
  'LOG_KEY_MISMATCH',
]);

/**
 * One replica's part in a shared log (several processes on one PostgreSQL log, see
 * `docs/decisions/0005-replicas.md`):
 *
 * - as a **writer**, it seals each write into the intake (one statement per burst of writes) and
 *   waits until the sequencer has made it an entry or settled it, answering as the single-process
 *   ledger would (`accepted`/`duplicate` and the index, or the error);
 * - as a **candidate**, it tries every 250 ms to take the log's sequencer lease;
 * - as the **sequencer**, while it holds the lease, it takes intake rows in arrival order and
 *   admits them through the ledger's normal path; each batch commits only while the lease is
 *   held, and deletes the rows it made entries in the same transaction.
 *
 * @example
 * const shared = new SharedSequencer(parts, store, await store.openSequencerLease(), sealer);
 * await shared.start();
 * const { status, index } = await shared.append(record.id, { kind: 'decision', record });
 */
export class SharedSequencer implements Sequencer {
  readonly pool: EntryPool;
  readonly #parts: LogParts;
  readonly #ctx: AdmitContext;
  readonly #store: LedgerStore & SharedLogStore;
  readonly #lease: SequencerLease;
  readonly #sealer: IntakeSealer;
  readonly #roundSize: number;
  readonly #waiters = new Map<string, Waiter>();
  #outbox: Waiter[] = [];
  #sending: Promise<void> | undefined;
  #checking: Promise<void> | undefined;
  #recheck = false;
  #ticker: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  /** The sequencing loop, while this process holds the lease and sequences. */
  #loop: Promise<void> | undefined;
  #wake: (() => void) | undefined;
  #woken = false;
  /** No more sequencing (closing, with nothing of ours left to drain). */
  #stopped = false;
  /**
   * The current term resumed from the store and the lease not lost since: batches commit only
   * then, so a round left over from a lost term can't commit in the next one.
   */
  #resumed = false;
  #failed: DocketError | undefined;
  #knownSize = 0;
  #lastPurge = 0;

  constructor(
    parts: LogParts,
    store: LedgerStore & SharedLogStore,
    lease: SequencerLease,
    sealer: IntakeSealer,
  ) {
    this.#parts = parts;
    this.pool = new EntryPool(
      store,
      parts.noteSigner,
      parts.verifier,
      parts.ring,
      parts.options,
      this,
    );
    this.#ctx = admitContext(parts, this.pool);
    this.#store = store;
    this.#lease = lease;
    this.#sealer = sealer;
    this.#roundSize = parts.options.flushMaxEntries;
    lease.onNotice((notice) => {
      if (notice.size !== undefined) this.noteSize(notice.size);
      if (notice.kind === 'intake') this.#wakeLoop();
      else if (this.#waiters.size > 0) this.#scheduleCheck();
    });
    // Stop at once: the term ends (no new round, no commit from this process), and a batch
    // already on its way to the database is refused there by the fence.
    lease.onLost(() => {
      this.#resumed = false;
      this.#wakeLoop();
    });
  }

  /** Whether this process sequences the log right now. */
  get sequencing(): boolean {
    return this.#lease.held && this.#resumed;
  }

  /** The largest tree size this process has seen committed (its own batches, or notices). */
  get knownSize(): number {
    return this.#knownSize;
  }

  /** Writes of this process not answered yet. */
  get waiting(): number {
    return this.#waiters.size;
  }

  /** Set when this process must never sequence this log (a bad store): every write fails. */
  get failed(): DocketError | undefined {
    return this.#failed;
  }

  noteSize(size: number): void {
    if (size > this.#knownSize) this.#knownSize = size;
  }

  /**
   * Checks the store as a local start does (without writing), then competes for the sequencer
   * lease: tries it once (sequencing at once if it is free), then keeps trying every tick. A new
   * log gets its first checkpoint from its first sequencer; this waits for it, so that every read
   * finds a signed checkpoint.
   */
  async start(): Promise<void> {
    const { paths, verifier } = this.#parts;
    const store = this.#store;
    try {
      // The published file first, the store after: any replica may publish meanwhile, and only a
      // checkpoint already committed, so the store read second is never behind the file.
      const published = readPublishedCheckpoint(paths.checkpoint, verifier);
      // One snapshot: another replica may extend the log meanwhile.
      const last = await store.readSnapshot(async () => {
        const loaded = this.pool.load(
          await store.treeState(),
          await store.latestCheckpoint(),
          paths.db,
        );
        if (loaded !== undefined) await checkStoredTree(store, loaded, paths);
        return loaded;
      });
      checkPublished(published, last, paths);
      await checkPublishedRoot(store, published, paths);
      await this.#tick();
      this.#ticker = setInterval(() => {
        void this.#tick();
      }, TICK_MS);
      while ((await store.latestCheckpoint()) === undefined) {
        if (this.#failed !== undefined) throw this.#failed;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } catch (error) {
      await this.abort(error);
      throw error;
    }
  }

  /** Hands an append to the sequencer through the intake and waits for its index. */
  async append(
    id: string,
    body: EntryBody,
  ): Promise<{ status: 'accepted' | 'duplicate'; index: number }> {
    const settled = await this.#submit(id, body);
    if ('erased' in settled) throw new LedgerError('INTAKE_INVALID', `${id} is not an append`);
    return settled;
  }

  /** Hands an erasure to the sequencer (it alone creates and caches data keys). */
  async erase(request: EraseRequest): Promise<ErasedSubject> {
    const settled = await this.#submit(`erase:${request.tombstoneId}`, {
      kind: 'erase',
      ...request,
    });
    if (!('erased' in settled)) throw new LedgerError('INTAKE_INVALID', 'not an erasure result');
    return settled.erased;
  }

  /** Resolves once every write this process submitted so far is settled. */
  flush(): Promise<void> {
    return this.drain();
  }

  /** Writes the `checkpoint` file, only ever forward (several processes publish). */
  publish(note: string, size: number): void {
    publishNewerCheckpoint(this.#parts.paths.checkpoint, note, size, this.#parts.verifier);
  }

  /**
   * Submits one write through the intake and resolves once the sequencer has settled it. A second
   * submission of an id this process is still waiting for is answered as a duplicate of it.
   */
  #submit(id: string, body: IntakeBody): Promise<Settled> {
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    const earlier = this.#waiters.get(id);
    if (earlier !== undefined) {
      return earlier.promise.then((s) =>
        'erased' in s ? s : { status: 'duplicate', index: s.index },
      );
    }
    let resolve!: (settled: Settled) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<Settled>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    const waiter: Waiter = {
      request: this.#sealer.seal(id, body),
      append: body.kind !== 'erase',
      identity: entryIdentity(body),
      owned: false,
      sent: false,
      promise,
      resolve: (settled) => {
        if (this.#waiters.get(id) === waiter) this.#waiters.delete(id);
        resolve(settled);
      },
      reject: (error) => {
        if (this.#waiters.get(id) === waiter) this.#waiters.delete(id);
        reject(error);
      },
    };
    this.#waiters.set(id, waiter);
    this.#outbox.push(waiter);
    this.#send();
    return promise;
  }

  /** Resolves once this process's write of `id` (if any) is settled, however it ended. */
  async settled(id: string): Promise<void> {
    await this.#waiters.get(id)?.promise.catch(() => undefined);
  }

  /** Resolves once every write this process submitted so far is settled. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.#waiters.values()].map((w) => w.promise));
  }

  /**
   * Commits a batch of the ledger's sequencer: only while the lease is held, consuming the
   * intake rows of its entries in the same transaction.
   */
  async commit(batch: SequencedBatch): Promise<void> {
    if (!this.#lease.held || !this.#resumed) {
      throw new LedgerError('NOT_SEQUENCER', 'this process does not hold the sequencer lease');
    }
    await this.#store.appendSequencedBatch(
      batch,
      this.#lease,
      batch.entries.map((e) => e.id),
    );
    this.noteSize(batch.tree.size);
  }

  /**
   * Drains this process's writes (still competing for the lease meanwhile, in case no other
   * replica is left to sequence them), then stops sequencing and gives the lease up.
   */
  async close(): Promise<void> {
    await this.drain();
    this.#stopped = true;
    clearInterval(this.#ticker);
    this.#wakeLoop();
    await this.#ticking;
    await this.#loop;
    await this.#lease.close();
  }

  /** Stops at once (a failed start): no drain; pending writes are rejected with `error`. */
  async abort(error: unknown): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#ticker);
    for (const waiter of this.#waiters.values()) waiter.reject(error);
    this.#wakeLoop();
    await this.#ticking?.catch(() => undefined);
    await this.#loop?.catch(() => undefined);
    await this.#lease.close();
  }

  #tick(): Promise<void> {
    this.#ticking ??= this.#tickOnce().finally(() => {
      this.#ticking = undefined;
    });
    return this.#ticking;
  }

  async #tickOnce(): Promise<void> {
    try {
      if (this.#failed === undefined && !this.#stopped) {
        const held = this.#lease.held ? await this.#lease.check() : await this.#lease.tryAcquire();
        if (held && this.#loop === undefined) {
          this.#loop = this.#sequence().finally(() => {
            this.#loop = undefined;
          });
        }
      }
    } catch {
      // The database is unreachable: the next tick tries again.
    }
    // Polling, in case a notification was missed (reconnecting lease connection).
    if (this.#waiters.size > 0) this.#scheduleCheck();
    this.#wakeLoop();
  }

  /** One term as sequencer: resume from the store, then rounds until the lease goes. */
  async #sequence(): Promise<void> {
    this.#resumed = this.#lease.held;
    try {
      await this.#resume();
    } catch (error) {
      this.#resumed = false;
      if (error instanceof DocketError && PERMANENT.has(error.code)) this.#fail(error);
      // Otherwise (the database hiccuped) the next tick starts a new term, resuming again.
      return;
    }
    while (this.#resumed && !this.#stopped && this.#failed === undefined) {
      let rows: IntakeRow[];
      try {
        rows = await this.#store.pendingIntake(this.#roundSize);
      } catch {
        await this.#sleep();
        continue;
      }
      if (rows.length === 0) {
        await this.#sleep();
        continue;
      }
      // A round that hit a store error ends the term: the next one reloads the state first.
      if (!(await this.#round(rows))) break;
      await this.#purge();
    }
    this.#resumed = false;
  }

  /**
   * On taking the lease: reloads the state another process may have extended since, drops what
   * an earlier term left (pool, cached data keys: a subject may have been erased meanwhile), and
   * checks and publishes as a start does. Runs between flushes.
   */
  #resume(): Promise<void> {
    const { paths, verifier } = this.#parts;
    return this.pool.serialize(async () => {
      this.pool.reset(new LedgerError('NOT_SEQUENCER', 'the sequencer lease changed hands'));
      const published = readPublishedCheckpoint(paths.checkpoint, verifier);
      const { tree, checkpoint } = await this.#store.loadSequencerState();
      const last = this.pool.load(tree, checkpoint, paths.db);
      if (last !== undefined) await checkStoredTree(this.#store, last, paths);
      checkPublished(published, last, paths);
      await checkPublishedRoot(this.#store, published, paths);
      this.noteSize(tree.size);
      if (checkpoint === undefined) await this.pool.signFirst();
      else this.publish(checkpoint.note, checkpoint.size);
    });
  }

  /**
   * Admits a request read from the intake through the same path as a local append (its kind's
   * row of `ENTRY_KINDS`: checks, idempotency by id, subject keys, encryption) or erasure.
   */
  async #admit(id: string, body: IntakeBody): Promise<Settled> {
    if (body.kind === 'erase') {
      const { kind: _kind, ...request } = body;
      return {
        erased: await eraseSubject(
          this.#store,
          this.#parts.ring,
          this.pool,
          request,
          'this subject',
        ),
      };
    }
    (ENTRY_KINDS[body.kind] as EntryKind<EntryBody>).check?.(id, body);
    return this.#parts.admission.admit(this.#ctx, id, body);
  }

  /**
   * Admits a run of intake rows in arrival order and records how each ended. An erasure runs
   * alone, after everything before it is durable (its counts and key destruction must see them).
   * A request refused, or whose batch failed to commit (`STORE_IO`), gets its error back, as a
   * single-process append would; one that this process may no longer sequence stays in the
   * intake. Returns false when the term must end (the state is reloaded before the next round).
   */
  async #round(rows: readonly IntakeRow[]): Promise<boolean> {
    const erase = rows.findIndex((r) => r.kind === 'erase');
    const run = erase === 0 ? rows.slice(0, 1) : erase > 0 ? rows.slice(0, erase) : rows;
    // Started in order without waiting in between: the ledger's pool batches them into flushes,
    // and an event admitted after its decision finds the decision pending.
    const results = await Promise.allSettled(
      run.map(async (row) => this.#admit(row.id, this.#sealer.open(row))),
    );
    const outcomes: IntakeStatus[] = [];
    let clean = true;
    results.forEach((result, i) => {
      const id = run[i]!.id;
      let outcome: IntakeOutcome | undefined;
      if (result.status === 'rejected') {
        if (isStoreError(result.reason) || isRetry(result.reason)) clean = false;
        if (!isRetry(result.reason)) outcome = toErrorOutcome(result.reason);
      } else if ('erased' in result.value) {
        outcome = { erased: result.value.erased };
      } else if (result.value.status === 'duplicate') {
        outcome = { status: 'duplicate', index: result.value.index };
      }
      // Accepted: its row left the intake in its batch's transaction.
      if (outcome !== undefined) outcomes.push({ id, outcome: JSON.stringify(outcome) });
    });
    try {
      await this.#store.settleIntake(outcomes);
    } catch {
      return false;
    }
    return clean;
  }

  /** Deletes, now and then, settled rows no writer collected (their writer died). */
  async #purge(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastPurge < PURGE_AFTER_MS / 10) return;
    this.#lastPurge = now;
    await this.#store
      .purgeIntake(new Date(now - PURGE_AFTER_MS).toISOString())
      .catch(() => undefined);
  }

  /** Waits for new intake (a notice), the next tick, or a stop. */
  async #sleep(): Promise<void> {
    if (this.#woken) {
      this.#woken = false;
      return;
    }
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
    this.#woken = false;
  }

  #wakeLoop(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    if (wake === undefined) this.#woken = true;
    else wake();
  }

  #fail(error: DocketError): void {
    this.#failed = error;
    for (const waiter of this.#waiters.values()) waiter.reject(error);
    // Another replica may be able to sequence: this one gives the lease up for good.
    void this.#lease.close();
  }

  /** Writes the outbox to the intake, one statement per burst. */
  #send(): void {
    if (this.#sending !== undefined) return;
    this.#sending = (async () => {
      // Let the writes of this turn of the event loop join the first statement.
      await Promise.resolve();
      while (this.#outbox.length > 0) await this.#sendBatch(this.#outbox.splice(0, SEND_MAX));
    })().finally(() => {
      this.#sending = undefined;
    });
  }

  async #sendBatch(batch: Waiter[]): Promise<void> {
    try {
      // Every request goes through the intake, even an id already in the log: only the
      // sequencer's admission tells a duplicate (same kind) from an ID_CONFLICT (another kind).
      const inserted = await this.#store.addIntake(batch.map((w) => w.request));
      for (const waiter of batch) {
        waiter.owned = inserted.has(waiter.request.id);
        waiter.sent = true;
      }
      if (this.#lease.held) this.#wakeLoop();
    } catch (error) {
      // Not acknowledged: the caller may retry (the id makes a retry a duplicate at worst).
      for (const waiter of batch) if (!waiter.sent) waiter.reject(error);
    }
  }

  #scheduleCheck(): void {
    if (this.#checking !== undefined) {
      this.#recheck = true;
      return;
    }
    this.#checking = (async () => {
      do {
        this.#recheck = false;
        await this.#checkOnce();
        // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- set by notices during the await
      } while (this.#recheck);
    })()
      .catch(() => undefined)
      .finally(() => {
        this.#checking = undefined;
      });
  }

  /**
   * Answers the writes whose requests were settled. The intake is read before the entries: a row
   * leaves the intake only in the transaction that makes its entry (or, settled, when its writer
   * collects it), so a row gone with no entry afterwards was collected by another writer of the
   * same id, or purged: it is submitted again.
   */
  async #checkOnce(): Promise<void> {
    const waiting = [...this.#waiters.values()].filter((w) => w.sent);
    if (waiting.length === 0) return;
    const rows = await this.#store.intakeStatus(waiting.map((w) => w.request.id));
    const gone = waiting.filter((w) => !rows.has(w.request.id));
    const indexes = await this.#store.findIndexes(
      gone.filter((w) => w.append).map((w) => w.request.id),
    );
    const collect: string[] = [];
    const again: Waiter[] = [];
    // Another writer's row or entry of the same id: a duplicate only if it is the same kind of
    // entry (the intake is keyed by id alone), else ID_CONFLICT, as on the sequencer.
    const duplicates: { waiter: Waiter; index: number }[] = [];
    for (const waiter of waiting) {
      const id = waiter.request.id;
      const row = rows.get(id);
      if (row !== undefined) {
        if (row.outcome === null) continue;
        if (waiter.owned) collect.push(id);
        const outcome = JSON.parse(row.outcome) as IntakeOutcome;
        if ('error' in outcome) {
          const { code, message, where } = outcome.error;
          waiter.reject(new LedgerError(code, message, { where }));
        } else if ('erased' in outcome) {
          waiter.resolve({ erased: outcome.erased });
        } else if (waiter.owned) {
          waiter.resolve({ status: 'duplicate', index: outcome.index });
        } else {
          duplicates.push({ waiter, index: outcome.index });
        }
        continue;
      }
      const index = indexes.get(id);
      if (index !== undefined) {
        if (waiter.owned) waiter.resolve({ status: 'accepted', index });
        else duplicates.push({ waiter, index });
      } else {
        waiter.sent = false;
        again.push(waiter);
      }
    }
    for (const { waiter, index } of duplicates) {
      const entry = await this.#store.getEntry(index);
      const wanted = waiter.identity;
      if (
        entry === undefined ||
        wanted === undefined ||
        (entry.type === wanted.type && (entry.ref ?? undefined) === wanted.ref)
      ) {
        waiter.resolve({ status: 'duplicate', index });
      } else {
        waiter.reject(
          new LedgerError(
            'ID_CONFLICT',
            `id ${waiter.request.id} is already used by another entry of this log (index ${index})`,
            { where: 'id' },
          ),
        );
      }
    }
    await this.#store.deleteIntake(collect);
    if (again.length > 0) {
      this.#outbox.push(...again);
      this.#send();
    }
  }
}

/** The type and ref of the entry an append of `body` makes; undefined for an erasure. */
function entryIdentity(
  body: IntakeBody,
): { readonly type: string; readonly ref: string | undefined } | undefined {
  if (body.kind === 'erase') return undefined;
  const kind = ENTRY_KINDS[body.kind] as EntryKind<EntryBody>;
  return { type: kind.type, ref: kind.refOf?.(body) };
}
