/**
 * The delivery pump: one background loop that takes batches from the queue, sends them, retries
 * with backoff, moves them to the spool while the server is away and works the spool off first
 * (order) once it is back. It never throws: failures go to `report` and the loss account.
 */
import { errorCodeOr, toSeqRanges } from '@docket/protocol';
import type { ProducerReport } from '@docket/protocol';
import { SdkError, toSdkError } from './errors.js';
import type { LossAccount, LossKind } from './losses.js';
import type { ResolvedOptions } from './options.js';
import type { Prepared } from './prepare.js';
import type { BoundedQueue, QueuedRecord } from './queue.js';
import type { ReceiptBook } from './receipts.js';
import { adoptDeadJournals } from './seq-journal.js';
import type { SeqJournal } from './seq-journal.js';
import { Spool } from './spool.js';
import type { Batch, ItemResult, SendResult, Transport } from './transport/transport.js';

/** Delivery counters (monotonic). */
export interface DeliveryCounts {
  accepted: number;
  duplicates: number;
  retries: number;
  spooled: number;
  reports: number;
}

/**
 * What the pump works with: it owns none of these but the spool it opens.
 *
 * @example
 * const pump = new DeliveryPump({ options, transport, queue, losses, receipts, producerId, prepare, report });
 */
export interface PumpParts {
  readonly options: ResolvedOptions;
  readonly transport: Transport;
  readonly queue: BoundedQueue<QueuedRecord>;
  readonly losses: LossAccount;
  readonly receipts: ReceiptBook;
  readonly producerId: string;
  /** Redacts, checks and stamps one snapshot (see `createPreparer`). */
  readonly prepare: (item: QueuedRecord) => Prepared;
  readonly report: (error: SdkError) => void;
  /** With a spool: where the seqs this producer reserved and accounted for are written. */
  readonly journal?: SeqJournal | undefined;
}

/**
 * Exponential backoff with full jitter, at least Retry-After, at most `retryMaxMs`.
 *
 * @example
 * setTimeout(retry, backoffMs(attempt, { retryBaseMs: 100, retryMaxMs: 30_000 }, retryAfterMs));
 */
export function backoffMs(
  attempt: number,
  { retryBaseMs, retryMaxMs }: Pick<ResolvedOptions, 'retryBaseMs' | 'retryMaxMs'>,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempt, 30));
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return Math.min(Math.max(jittered, retryAfterMs ?? 0), Math.max(retryMaxMs, retryAfterMs ?? 0));
}

/**
 * The pump of one client. `schedule()` asks for a run; `flushed()` waits until nothing is in
 * memory; `stop()` ends it (what is left goes to the spool or is counted as failed).
 *
 * @example
 * pump.schedule(0);
 * await pump.flushed();
 * await pump.stop(Date.now() + 5000);
 */
export class DeliveryPump {
  readonly counts: DeliveryCounts = {
    accepted: 0,
    duplicates: 0,
    retries: 0,
    spooled: 0,
    reports: 0,
  };
  readonly #parts: PumpParts;
  readonly #spool: Promise<Spool | undefined> | undefined;
  /** The batch being delivered from memory. */
  #held: Batch | undefined;
  #pumping: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  #attempt = 0;
  #notBefore = 0;
  readonly #abort = new AbortController();
  #spoolPending = 0;
  /** The last delivery attempt failed (and may be retried): the spool then counts as done. */
  #failing = false;
  #idleWaiters: (() => void)[] = [];
  #deadline = Number.POSITIVE_INFINITY;
  #stopping = false;

  constructor(parts: PumpParts) {
    this.#parts = parts;
    const dir = parts.options.spoolDir;
    if (dir !== undefined) {
      this.#spool = Spool.open(dir, parts.producerId, parts.report).then(
        async (spool) => {
          if (parts.journal !== undefined) await this.#adoptCrashed(dir, parts.journal, spool);
          this.#spoolPending = spool.pending;
          if (spool.pending > 0) this.schedule(0);
          return spool;
        },
        (error: unknown) => {
          parts.report(
            toSdkError('SPOOL_IO', error, `cannot open the spool in ${dir}; spooling is off`),
          );
          return undefined;
        },
      );
    }
  }

  /**
   * The `crash` reports of dead producers whose journals are in `dir`: spooled (durable), then
   * their journals removed.
   */
  async #adoptCrashed(dir: string, journal: SeqJournal, spool: Spool): Promise<void> {
    try {
      const { reports, release } = await adoptDeadJournals(dir, journal.path);
      if (reports.length > 0) await spool.append({ ids: [], seqs: [], records: [], reports });
      await release();
    } catch (error) {
      this.#parts.report(toSdkError('SPOOL_IO', error, 'cannot report a dead producer’s seqs'));
    }
  }

  /**
   * Notes in the journal the seqs of `batch` that are accounted for: all of them once spooled;
   * the ones the ledger took once sent (`results`); and the gaps its own reports explain.
   */
  #account(batch: Batch, results?: readonly ItemResult[]): void {
    const journal = this.#parts.journal;
    if (journal === undefined) return;
    const seqs =
      results === undefined
        ? [...batch.seqs]
        : batch.seqs.filter((_, i) => results[i] !== undefined && results[i].status !== 'rejected');
    let reportSeq: number | undefined;
    for (const text of batch.reports ?? []) {
      const report = JSON.parse(text) as ProducerReport;
      if (report.producer.id !== this.#parts.producerId) continue;
      reportSeq = Math.max(reportSeq ?? 0, report.reportSeq);
      for (const [from, to] of report.gaps) for (let s = from; s <= to; s++) seqs.push(s);
    }
    journal.done(toSeqRanges(seqs.filter((s) => s >= 0)), reportSeq);
  }

  /** Batches in the spool now. */
  get spoolPending(): number {
    return this.#spoolPending;
  }

  /** Runs the pump in `ms` (0: on the next turn); an earlier schedule wins. */
  schedule(ms: number): void {
    if (this.#stopping) return;
    if (ms > 0 && this.#timer !== undefined) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#run();
    }, ms);
    this.#timer.unref();
  }

  /** A full batch is waiting: run now, and cut a backoff wait short while degraded. */
  batchFull(): void {
    this.schedule(0);
    // While the spool is being worked off (or the server fails), a full batch wakes the pump.
    if (this.#spoolPending > 0 || this.#failing) this.#wake?.();
  }

  /** Counts a loss and makes sure its report leaves with a batch. */
  lose(kind: LossKind, code: string, seqs: readonly number[] = []): void {
    if (this.#parts.losses.add(kind, code, seqs))
      this.schedule(this.#parts.options.flushIntervalMs);
  }

  /**
   * Resolves once nothing is in memory and the spool is empty or waits for a server that failed
   * (what the spool holds is durable). Batches a dead process left count once the spool is open.
   */
  async flushed(): Promise<void> {
    await this.#spool;
    const waiting = this.#whenIdle();
    this.schedule(0);
    this.#wake?.();
    await waiting;
  }

  /** From `deadline` (ms since the epoch) on, what cannot be sent goes to the spool. */
  setDeadline(deadline: number): void {
    this.#deadline = deadline;
  }

  /**
   * Stops the pump: what is still in memory goes to the spool, or is given up and counted as
   * failed; closes the spool.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#abort.abort();
    this.#wake?.();
    clearTimeout(this.#timer);
    await this.#pumping;
    // The pump has stopped: a last run spools what it can.
    await this.#run();
    for (let batch = this.#takeBatch(); batch !== undefined; batch = this.#takeBatch()) {
      this.#giveUp(
        batch,
        new SdkError('SHUTDOWN_DEADLINE', 'not delivered before the shutdown deadline'),
      );
      this.#held = undefined;
    }
    const spool = await this.#spool;
    await spool?.close();
    // Everything is delivered, spooled or given up and reported: nothing for a successor to find.
    await this.#parts.journal?.close().catch((error: unknown) => {
      this.#parts.report(toSdkError('SPOOL_IO', error, 'closing the seq journal'));
    });
  }

  #run(): Promise<void> {
    if (this.#pumping !== undefined) {
      this.#again = true;
      return this.#pumping;
    }
    this.#pumping = (async () => {
      try {
        do {
          this.#again = false;
          await this.#drain();
        } while (this.#rerun());
      } catch (error) {
        this.#parts.report(toSdkError('INTERNAL', error, 'delivery loop'));
      } finally {
        this.#pumping = undefined;
        this.#checkIdle();
      }
    })();
    return this.#pumping;
  }

  /** Whether a pump request arrived during the last run (read through a call: it changes across awaits). */
  #rerun(): boolean {
    return this.#again && !this.#stopping;
  }

  /**
   * Nothing in memory, and the spool either empty or waiting for a server that failed (what is
   * in the spool is durable; while the server answers, it is delivered first).
   */
  #isIdle(): boolean {
    return (
      this.#parts.queue.size === 0 &&
      this.#held === undefined &&
      !this.#parts.losses.pending &&
      (this.#spoolPending === 0 || this.#failing)
    );
  }

  #whenIdle(): Promise<void> {
    if (this.#isIdle() && this.#pumping === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #checkIdle(): void {
    if (!this.#isIdle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /**
   * Takes the next batch from memory: up to maxBatch records and maxBatchBytes, each prepared
   * (redacted, checked, stamped; one that fails is a loss with its seq), and the losses since the
   * last producer report, as a report, when there are any.
   */
  #takeBatch(): Batch | undefined {
    if (this.#held !== undefined) return this.#held;
    const { queue, options, losses, prepare, receipts, report } = this.#parts;
    const ids: string[] = [];
    const seqs: number[] = [];
    const records: string[] = [];
    let bytes = 0;
    for (let next = queue.peek(); next !== undefined; next = queue.peek()) {
      if (ids.length >= options.maxBatch) break;
      if (ids.length > 0 && bytes + next.json.length > options.maxBatchBytes) break;
      queue.shift();
      let prepared: Prepared;
      try {
        prepared = prepare(next);
      } catch (error) {
        prepared = { ok: false, kind: 'invalid', error: toSdkError('CAPTURE_FAILED', error) };
      }
      if (!prepared.ok) {
        this.lose(prepared.kind, prepared.error.code, [next.seq]);
        report(prepared.error);
        receipts.settle(next.id, { ok: false, error: prepared.error });
        continue;
      }
      ids.push(next.id);
      seqs.push(next.seq);
      records.push(prepared.json);
      bytes += prepared.json.length + 1;
    }
    const lossReport = losses.take();
    if (ids.length === 0 && lossReport === undefined) return undefined;
    this.#held = {
      ids,
      seqs,
      records,
      ...(lossReport === undefined ? {} : { reports: [lossReport] }),
    };
    return this.#held;
  }

  /** Waits `ms` or until woken (by shutdown, flush, or a full batch while degraded). */
  async #wait(ms: number): Promise<void> {
    const until = Math.min(Date.now() + ms, this.#deadline);
    const left = until - Date.now();
    if (left <= 0 || this.#stopping) {
      // Still yield to the event loop: a transport that fails without I/O must not starve timers.
      await new Promise((resolve) => setImmediate(resolve));
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, left);
      timer.unref();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#wake = done;
    });
    this.#wake = undefined;
  }

  #backoff(attempt: number, retryAfterMs: number | undefined): number {
    return backoffMs(attempt, this.#parts.options, retryAfterMs);
  }

  async #send(batch: Batch): Promise<SendResult> {
    const result = await this.#parts.transport
      .send(batch, this.#abort.signal)
      .catch((error: unknown): SendResult => ({
        ok: false,
        retryable: true,
        error: toSdkError('SEND_FAILED', error),
      }));
    if (result.ok) {
      this.#account(batch, result.results);
      this.#applyResults(batch, result.results);
      for (const item of result.reportResults ?? []) {
        if (item.status === 'rejected') {
          this.#parts.report(
            new SdkError(
              'REPORT_REJECTED',
              `producer report rejected by the ledger: ${item.code ?? ''} ${item.message ?? ''}`,
            ),
          );
        } else {
          this.counts.reports++;
        }
      }
    }
    return result;
  }

  #applyResults(batch: Batch, results: readonly ItemResult[]): void {
    const { receipts, report } = this.#parts;
    batch.ids.forEach((id, position) => {
      const item = results[position];
      if (item !== undefined && item.status !== 'rejected' && item.index !== undefined) {
        if (item.status === 'accepted') this.counts.accepted++;
        else this.counts.duplicates++;
        receipts.settle(id, { ok: true, index: item.index });
      } else {
        this.lose('rejected', item?.code ?? 'REJECTED', [batch.seqs[position] ?? -1]);
        const error = new SdkError(
          errorCodeOr(item?.code, 'REJECTED'),
          `decision ${id} rejected by the ledger: ${item?.message ?? 'no result'}`,
        );
        report(error);
        receipts.settle(id, { ok: false, error });
      }
    });
  }

  #giveUp(batch: Batch, error: SdkError): void {
    if (batch.ids.length > 0) this.lose('failed', error.code, batch.seqs);
    this.#parts.report(
      new SdkError(error.code, `${batch.ids.length} decisions lost: ${error.message}`, {
        cause: error,
      }),
    );
    for (const id of batch.ids) this.#parts.receipts.settle(id, { ok: false, error });
  }

  /** Appends `batch` to the spool; false when there is no usable spool. */
  async #toSpool(batch: Batch): Promise<boolean> {
    const spool = await this.#spool;
    if (spool === undefined) return false;
    try {
      await spool.append(batch);
      this.#account(batch);
      this.counts.spooled++;
      this.#spoolPending = spool.pending;
      return true;
    } catch (error) {
      this.#parts.report(toSdkError('SPOOL_IO', error, 'cannot append to the spool'));
      return false;
    }
  }

  /** Moves every record in memory to the spool (while the server is away: keeps order, frees memory). */
  async #memoryToSpool(): Promise<void> {
    for (let batch = this.#takeBatch(); batch !== undefined; batch = this.#takeBatch()) {
      if (!(await this.#toSpool(batch))) return;
      this.#held = undefined;
    }
    this.#checkIdle();
  }

  /** One pump run: spool first (order), then memory; returns when both are empty or stopping. */
  async #drain(): Promise<void> {
    const spool = await this.#spool;
    for (;;) {
      if (spool !== undefined && spool.pending > 0) {
        if (this.#stopping || Date.now() >= this.#deadline) {
          await this.#memoryToSpool();
          return;
        }
        const wait = this.#notBefore - Date.now();
        if (wait > 0) {
          this.#checkIdle();
          await this.#wait(wait);
          await this.#memoryToSpool();
          if (this.#notBefore > Date.now()) continue;
        }
        const head = await spool.head().catch((error: unknown) => {
          this.#parts.report(toSdkError('SPOOL_IO', error, 'cannot read the spool'));
          return undefined;
        });
        if (head === undefined) return;
        const result = await this.#send(head.batch);
        if (result.ok || !result.retryable) {
          if (!result.ok) this.#giveUp(head.batch, result.error);
          await spool.ack(head);
          this.#spoolPending = spool.pending;
          this.#attempt = 0;
          this.#notBefore = 0;
          this.#failing = false;
          continue;
        }
        this.counts.retries++;
        if (this.#attempt === 0) this.#parts.report(result.error);
        this.#failing = true;
        this.#notBefore = Date.now() + this.#backoff(this.#attempt++, result.retryAfterMs);
        await this.#memoryToSpool();
        continue;
      }
      // The pump runs when a batch is due (interval, full, flush, immediate): send all there is.
      const batch = this.#takeBatch();
      if (batch === undefined) return;
      if (this.#stopping || Date.now() >= this.#deadline) {
        // Shutdown past its deadline: to disk if we can, else counted as lost.
        if (!(await this.#toSpool(batch)))
          this.#giveUp(
            batch,
            new SdkError('SHUTDOWN_DEADLINE', 'not delivered before the shutdown deadline'),
          );
        this.#held = undefined;
        continue;
      }
      const result = await this.#send(batch);
      if (result.ok || !result.retryable) {
        if (!result.ok) this.#giveUp(batch, result.error);
        this.#held = undefined;
        this.#attempt = 0;
        this.#failing = false;
        this.#checkIdle();
        continue;
      }
      this.counts.retries++;
      const attempt = this.#attempt++;
      if (attempt + 1 >= this.#parts.options.maxAttempts && (await this.#toSpool(batch))) {
        this.#parts.report(
          new SdkError(result.error.code, `${result.error.message} (spooling)`, {
            cause: result.error,
          }),
        );
        this.#held = undefined;
        this.#failing = true;
        this.#notBefore = Date.now() + this.#backoff(attempt, result.retryAfterMs);
        continue;
      }
      if (attempt === 0) this.#parts.report(result.error);
      await this.#wait(this.#backoff(attempt, result.retryAfterMs));
    }
  }
}
