/**
 * The Docket client: `capture()` snapshots, validates and enqueues on the caller's path and
 * returns at once; a single background pump batches, sends, retries and spools. Nothing after
 * construction throws into the host: failures go to `onError` and the counters of `stats()`.
 */
import {
  checkDecision,
  createUuidV7,
  DECISION_SCHEMA_V1,
  PRODUCER_REPORT_SCHEMA_V1,
} from '@docket/protocol';
import type { ProducerLosses, ProducerReport, Receipt } from '@docket/protocol';
import { runDecision } from './context.js';
import type { DecisionInput, DecisionSink, RecordMeta } from './context.js';
import { SdkError, toSdkError } from './errors.js';
import { resolveOptions } from './options.js';
import type { DocketOptions, ResolvedOptions } from './options.js';
import { activeSpanIds, loadOtelApi } from './otel.js';
import type { OtelApi } from './otel.js';
import { isPlainJson } from './plain-json.js';
import { BoundedQueue } from './queue.js';
import { inRunScope } from './run-scope.js';
import type { QueuedRecord } from './queue.js';
import { Spool } from './spool.js';
import { createHttpTransport } from './transport/http-transport.js';
import { createLocalTransport } from './transport/local-transport.js';
import type { Batch, ItemResult, SendResult, Transport } from './transport/transport.js';
import { SDK_NAME, SDK_VERSION } from './version.js';

/**
 * Counters since construction (monotonic, except `queued` and `spoolPending`).
 *
 * @example
 * const { dropped, failed } = docket.stats();
 */
export interface DocketStats {
  /** Records accepted by `capture()` (and `record()`) and given a producer seq. */
  readonly captured: number;
  /** Records refused by `capture()` as invalid (no seq consumed). */
  readonly invalid: number;
  /** Records whose redaction failed: dropped before leaving the process (no seq consumed). */
  readonly redactionFailed: number;
  /** Records dropped because the queue was full or the client closed (seq consumed: a gap). */
  readonly dropped: number;
  /** Records the ledger accepted. */
  readonly accepted: number;
  /** Records the ledger already had (a retry of a delivered batch). */
  readonly duplicates: number;
  /** Records the ledger rejected (reported through `onError`). */
  readonly rejected: number;
  /** Records given up on: a final refusal of their batch, or no spool at the shutdown deadline. */
  readonly failed: number;
  /** Delivery attempts that failed and were retried. */
  readonly retries: number;
  /** Batches written to the spool. */
  readonly spooled: number;
  /** Records in memory now. */
  readonly queued: number;
  /** Batches in the spool now. */
  readonly spoolPending: number;
  /** Calls of `onError`. */
  readonly errors: number;
  /** Producer reports (losses, `docket.producer-report/v1`) the ledger has recorded. */
  readonly reports: number;
}

/** A decision's receipt: a wire shape, declared once in `@docket/protocol`. */
export type { Receipt };

/**
 * What `receipt()` resolves to (it never rejects).
 *
 * @example
 * const r = await docket.receipt(id); if (r.ok) save(r.receipt); else console.warn(r.error.code);
 */
export type ReceiptResult =
  | { readonly ok: true; readonly receipt: Receipt }
  | { readonly ok: false; readonly error: SdkError };

type Outcome = { ok: true; index: number } | { ok: false; error: SdkError };

/** Ids whose index is remembered for `receipt()` (oldest forgotten first). */
const MAX_KNOWN = 100_000;

/**
 * The client. Make one with {@link createDocket}.
 *
 * @example
 * const docket = createDocket({ url: 'http://127.0.0.1:7420', apiKey: process.env.DOCKET_API_KEY });
 * const id = docket.capture({ agent: { id: 'underwriter', version: '2.3.1' }, outcome: { action: 'approve' } });
 */
export class Docket implements DecisionSink {
  readonly producerId: string;
  readonly #options: ResolvedOptions;
  readonly #transport: Transport;
  readonly #queue: BoundedQueue<QueuedRecord>;
  readonly #otel: OtelApi | null;
  readonly #sdk = `${SDK_NAME}@${SDK_VERSION}`;
  #seq = 0;
  readonly #counts = {
    captured: 0,
    invalid: 0,
    redactionFailed: 0,
    dropped: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    failed: 0,
    retries: 0,
    spooled: 0,
    errors: 0,
    reports: 0,
  };
  // Losses since the last producer report; the next batch carries them to the ledger.
  #losses: { -readonly [K in keyof ProducerLosses]: number } = emptyLosses();
  #lostSeqs: number[] = [];
  #lossReasons: Record<string, number> = {};
  #lossPending = false;
  #reportSeq = 0;
  #dropping = false;
  readonly #warned = new Set<string>();

  // Delivery state: one pump at a time; `#held` is the batch being delivered from memory.
  #held: Batch | undefined;
  #pumping: Promise<void> | undefined;
  #again = false;
  #timer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;
  #attempt = 0;
  #notBefore = 0;
  readonly #abort = new AbortController();
  #spool: Promise<Spool | undefined> | undefined;
  #spoolPending = 0;
  /** The last delivery attempt failed (and may be retried): the spool then counts as done. */
  #failing = false;
  #idleWaiters: (() => void)[] = [];

  // Closing.
  #closed = false;
  #deadline = Number.POSITIVE_INFINITY;
  #stopping = false;
  #shutdown: Promise<boolean> | undefined;
  readonly #onBeforeExit: () => void;
  readonly #onSigterm: () => void;

  // Receipts.
  readonly #pendingIds = new Set<string>();
  readonly #known = new Map<string, number>();
  readonly #waiters = new Map<string, ((outcome: Outcome) => void)[]>();

  constructor(options: DocketOptions = {}) {
    this.#options = resolveOptions(options);
    const o = this.#options;
    this.producerId = o.producerId;
    this.#queue = new BoundedQueue(o.maxQueue);
    this.#transport =
      o.transport ??
      (o.url === undefined
        ? createLocalTransport({ dataDir: o.dataDir!, ledgerUrl: o.ledgerUrl! })
        : createHttpTransport({
            url: o.url,
            apiKey: o.apiKey!,
            readKey: o.readKey,
            gzip: o.gzip,
            requestTimeoutMs: o.requestTimeoutMs,
            userAgent: this.#sdk,
          }));
    this.#otel = o.otel ? loadOtelApi() : null;
    if (o.spoolDir !== undefined) {
      const dir = o.spoolDir;
      this.#spool = Spool.open(dir, o.producerId, (e) => {
        this.report(e);
      }).then(
        (spool) => {
          this.#spoolPending = spool.pending;
          if (spool.pending > 0) this.#schedule(0);
          return spool;
        },
        (error: unknown) => {
          this.report(
            toSdkError('SPOOL_IO', error, `cannot open the spool in ${dir}; spooling is off`),
          );
          return undefined;
        },
      );
    }
    // beforeExit: the host has nothing left to do; shut down (deliver or spool within the
    // deadline) once, so a server that stays away cannot keep re-arming the event.
    this.#onBeforeExit = () => {
      void this.shutdown();
    };
    this.#onSigterm = () => {
      void this.shutdown().then(() => {
        // We replaced the default action of SIGTERM; with no other listener, restore it.
        if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM');
      });
    };
    if (o.handleExit) {
      process.on('beforeExit', this.#onBeforeExit);
      process.on('SIGTERM', this.#onSigterm);
    }
  }

  /**
   * Validates and snapshots `decision`, gives it a UUIDv7 (unless it has an `id`) and the next
   * producer seq, enqueues it and returns its id. Never throws and never waits: an invalid record
   * or a full queue is reported through `onError` and counted.
   *
   * @example
   * const id = docket.capture({ agent: { id: 'underwriter', version: '2.3.1' }, outcome: { action: 'approve' } });
   */
  capture(decision: DecisionInput): string {
    let id = '';
    try {
      const given = (decision as { id?: unknown } | null)?.id;
      id = typeof given === 'string' ? given : createUuidV7();
      if (this.#closed) {
        this.#counts.dropped++;
        this.report(new SdkError('CLOSED', `capture() after shutdown(): decision ${id} dropped`));
        return id;
      }
      const { producer: _ignored, ...rest } = inRunScope(decision) as DecisionInput & {
        producer?: unknown;
      };
      const span = this.#otel === null ? undefined : activeSpanIds(this.#otel);
      const correlation = span === undefined ? rest.correlation : { ...span, ...rest.correlation };
      const record = {
        ...rest,
        id,
        schema: DECISION_SCHEMA_V1,
        ts: rest.ts ?? new Date().toISOString(),
        ...(correlation === undefined ? {} : { correlation }),
      };
      let redacted: unknown = record;
      const redact = this.#options.redact;
      if (redact !== undefined) {
        try {
          redacted = redact(record as unknown as Parameters<typeof redact>[0]);
        } catch (error) {
          // Fail closed: a record that could not be redacted never leaves the process.
          this.#lose('redactionFailed', 'REDACTION_FAILED');
          this.report(toSdkError('REDACTION_FAILED', error, `decision ${id} dropped`));
          return id;
        }
      }
      // The snapshot: from here on the caller's objects are out of reach.
      const json = JSON.stringify(redacted);
      if (this.#options.validate) {
        // Plain data is checked as it is (it serializes unchanged); anything else as serialized.
        const checked = checkDecision(isPlainJson(redacted) ? redacted : JSON.parse(json));
        if (!checked.ok) {
          this.#lose('invalid', 'DECISION_INVALID');
          const first = checked.issues[0];
          this.report(
            new SdkError(
              'DECISION_INVALID',
              `decision ${id} not captured: ${first?.code ?? ''} ${first?.message ?? ''}${checked.issues.length > 1 ? ` (and ${checked.issues.length - 1} more)` : ''}`,
              { where: first?.where },
            ),
          );
          return id;
        }
      }
      const seq = this.#seq++;
      const producer = { id: this.producerId, seq, sdk: this.#sdk };
      const full = `${json.slice(0, -1)},"producer":${JSON.stringify(producer)}}`;
      if (!this.#queue.push({ id, seq, json: full })) {
        this.#lose('dropped', 'QUEUE_FULL', [seq]);
        if (!this.#dropping) {
          this.#dropping = true;
          this.report(
            new SdkError(
              'QUEUE_FULL',
              `queue full (${this.#options.maxQueue}): dropping from seq ${seq}`,
            ),
          );
        }
        return id;
      }
      this.#dropping = false;
      this.#counts.captured++;
      this.#pendingIds.add(id);
      if (this.#options.immediate || this.#queue.size >= this.#options.maxBatch) {
        this.#schedule(0);
        // While the spool is being worked off (or the server fails), a full batch wakes the pump.
        if (this.#spoolPending > 0 || this.#failing) this.#wake?.();
      } else {
        this.#schedule(this.#options.flushIntervalMs);
      }
    } catch (error) {
      this.#lose('invalid', 'CAPTURE_FAILED');
      this.report(toSdkError('CAPTURE_FAILED', error, 'capture() could not snapshot the decision'));
    }
    return id;
  }

  /**
   * Runs `fn` inside a decision context (see `consider`, `reason`, `tool`, `llm`, `decide`) and
   * captures the decision when it settles. Returns `fn`'s result unchanged; rethrows its error
   * unchanged after recording it in the decision.
   *
   * @example
   * const answer = await docket.record({ agent: { id: 'underwriter', version: '2.3.1' } }, async () => {
   *   consider({ action: 'decline', score: 0.1 });
   *   decide('approve', 0.9);
   *   return 'approved';
   * });
   */
  record<T>(meta: RecordMeta, fn: () => T): T {
    return runDecision(this, meta, fn);
  }

  /**
   * Sends everything captured so far; resolves true once it is durable on the server or in the
   * spool, false at the deadline (default `shutdownTimeoutMs`). Never rejects.
   *
   * @example
   * await docket.flush(); // serverless: before the function returns
   */
  async flush(timeoutMs: number = this.#options.shutdownTimeoutMs): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => {
        resolve(false);
      }, timeoutMs);
    });
    // Batches left in the spool (by this process or a dead one) count once it is open.
    const idle = (async () => {
      await this.#spool;
      const waiting = this.#whenIdle();
      this.#schedule(0);
      this.#wake?.();
      await waiting;
      return true as const;
    })();
    const done = await Promise.race([idle, late]);
    clearTimeout(timer);
    return done;
  }

  /**
   * Stops capturing, delivers or spools what is left within `timeoutMs` (default
   * `shutdownTimeoutMs`), closes the spool. Idempotent: later calls return the first call's
   * promise. Resolves true when nothing was lost; never rejects.
   *
   * @example
   * process.on('SIGINT', () => void docket.shutdown(2000).then(() => process.exit(0)));
   */
  shutdown(timeoutMs: number = this.#options.shutdownTimeoutMs): Promise<boolean> {
    this.#shutdown ??= this.#close(timeoutMs);
    return this.#shutdown;
  }

  async #close(timeoutMs: number): Promise<boolean> {
    this.#closed = true;
    process.off('beforeExit', this.#onBeforeExit);
    process.off('SIGTERM', this.#onSigterm);
    this.#deadline = Date.now() + timeoutMs;
    const failedBefore = this.#counts.failed;
    await this.flush(timeoutMs);
    this.#stopping = true;
    this.#abort.abort();
    this.#wake?.();
    clearTimeout(this.#timer);
    await this.#pumping;
    // The pump has stopped: what is still in memory goes to the spool, or is lost and counted.
    await this.#runPump();
    for (let batch = this.#takeBatch(); batch !== undefined; batch = this.#takeBatch()) {
      this.#giveUp(
        batch,
        new SdkError('SHUTDOWN_DEADLINE', 'not delivered before the shutdown deadline'),
      );
      this.#held = undefined;
    }
    const spool = await this.#spool;
    await spool?.close();
    await this.#transport.close?.().catch((error: unknown) => {
      this.report(toSdkError('CLOSE_FAILED', error, 'closing the transport'));
    });
    for (const [id] of this.#waiters) {
      this.#settle(id, {
        ok: false,
        error: new SdkError('CLOSED', `shut down before ${id} was delivered`),
      });
    }
    return this.#counts.failed === failedBefore && this.#queue.size === 0;
  }

  /**
   * Waits until decision `id` is sequenced, then fetches its inclusion proof and checkpoint.
   * Proofs are read with `readKey` (a reader key; an ingest key may not read proofs) or else
   * `apiKey`. Resolves `{ ok: false, error }` on failure or after `timeoutMs` (default 30 s).
   *
   * @example
   * const result = await docket.receipt(id);
   * if (result.ok) console.log(result.receipt.index, result.receipt.checkpoint);
   */
  async receipt(id: string, options: { readonly timeoutMs?: number } = {}): Promise<ReceiptResult> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    try {
      let index = this.#known.get(id);
      if (index === undefined && this.#pendingIds.has(id)) {
        let timer: NodeJS.Timeout | undefined;
        const outcome = await Promise.race([
          new Promise<Outcome>((resolve) => {
            const list = this.#waiters.get(id) ?? [];
            list.push(resolve);
            this.#waiters.set(id, list);
            this.#schedule(0);
          }),
          new Promise<Outcome>((resolve) => {
            timer = setTimeout(() => {
              resolve({
                ok: false,
                error: new SdkError(
                  'RECEIPT_TIMEOUT',
                  `${id} not sequenced within ${timeoutMs} ms`,
                ),
              });
            }, timeoutMs);
          }),
        ]);
        clearTimeout(timer);
        if (!outcome.ok) return outcome;
        index = outcome.index;
      }
      const result = await this.#transport.proof(id, AbortSignal.timeout(timeoutMs));
      if (!result.ok) return result;
      if (index !== undefined && result.proof.index !== index) {
        return {
          ok: false,
          error: new SdkError(
            'RECEIPT_MISMATCH',
            `proof of ${id} is for index ${result.proof.index}, expected ${index}`,
          ),
        };
      }
      return { ok: true, receipt: { id, ...result.proof } };
    } catch (error) {
      return { ok: false, error: toSdkError('RECEIPT_FAILED', error) };
    }
  }

  /**
   * The counters (see {@link DocketStats}).
   *
   * @example
   * if (docket.stats().dropped > 0) alert('decisions dropped');
   */
  stats(): DocketStats {
    return { ...this.#counts, queued: this.#queue.size, spoolPending: this.#spoolPending };
  }

  /** Passes `error` to `onError` (whose own errors are ignored) and counts it. */
  report(error: SdkError): void {
    this.#counts.errors++;
    const hook = this.#options.onError;
    if (hook === undefined) {
      // Without a hook, one process warning per code: visible, never fatal, never a flood.
      if (!this.#warned.has(error.code)) {
        this.#warned.add(error.code);
        process.emitWarning(`${error.code}: ${error.message}`, {
          code: error.code,
          type: 'DocketWarning',
        });
      }
      return;
    }
    try {
      hook(error);
    } catch {
      // onError must not throw; if it does, the host still must not see it.
    }
  }

  // ---- delivery ----

  /** Runs the pump in `ms` (0: on the next turn); an earlier schedule wins. */
  #schedule(ms: number): void {
    if (this.#stopping) return;
    if (ms > 0 && this.#timer !== undefined) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.#runPump();
    }, ms);
    this.#timer.unref();
  }

  #runPump(): Promise<void> {
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
        this.report(toSdkError('INTERNAL', error, 'delivery loop'));
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
      this.#queue.size === 0 &&
      this.#held === undefined &&
      !this.#lossPending &&
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
   * Takes the next batch from memory: up to maxBatch records and maxBatchBytes, and the losses
   * since the last producer report, as a report, when there are any.
   */
  #takeBatch(): Batch | undefined {
    if (this.#held !== undefined) return this.#held;
    const ids: string[] = [];
    const seqs: number[] = [];
    const records: string[] = [];
    let bytes = 0;
    for (let next = this.#queue.peek(); next !== undefined; next = this.#queue.peek()) {
      if (ids.length >= this.#options.maxBatch) break;
      if (ids.length > 0 && bytes + next.json.length > this.#options.maxBatchBytes) break;
      this.#queue.shift();
      ids.push(next.id);
      seqs.push(next.seq);
      records.push(next.json);
      bytes += next.json.length + 1;
    }
    const report = this.#takeReport();
    if (ids.length === 0 && report === undefined) return undefined;
    this.#held = { ids, seqs, records, ...(report === undefined ? {} : { reports: [report] }) };
    return this.#held;
  }

  /** Counts a loss; it reaches the ledger in the next producer report. */
  #lose(kind: keyof ProducerLosses, code: string, seqs: readonly number[] = []): void {
    const n = seqs.length === 0 ? 1 : seqs.length;
    this.#counts[kind] += n;
    this.#losses[kind] += n;
    this.#lossReasons[code] = (this.#lossReasons[code] ?? 0) + n;
    for (const seq of seqs) if (seq >= 0) this.#lostSeqs.push(seq);
    if (!this.#lossPending) {
      this.#lossPending = true;
      this.#schedule(this.#options.flushIntervalMs);
    }
  }

  /** The pending losses as a `docket.producer-report/v1` (JSON), or undefined when none. */
  #takeReport(): string | undefined {
    if (!this.#lossPending) return undefined;
    const report: ProducerReport = {
      schema: PRODUCER_REPORT_SCHEMA_V1,
      id: createUuidV7(),
      ts: new Date().toISOString(),
      producer: { id: this.producerId, sdk: this.#sdk },
      reportSeq: this.#reportSeq++,
      losses: this.#losses,
      gaps: toRanges(this.#lostSeqs),
      reasons: this.#lossReasons,
    };
    this.#losses = emptyLosses();
    this.#lostSeqs = [];
    this.#lossReasons = {};
    this.#lossPending = false;
    return JSON.stringify(report);
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

  /** Exponential backoff with full jitter, at least Retry-After, at most retryMaxMs. */
  #backoff(attempt: number, retryAfterMs: number | undefined): number {
    const { retryBaseMs, retryMaxMs } = this.#options;
    const ceiling = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempt, 30));
    const jittered = ceiling / 2 + Math.random() * (ceiling / 2);
    return Math.min(Math.max(jittered, retryAfterMs ?? 0), Math.max(retryMaxMs, retryAfterMs ?? 0));
  }

  async #send(batch: Batch): Promise<SendResult> {
    const result = await this.#transport
      .send(batch, this.#abort.signal)
      .catch((error: unknown): SendResult => ({
        ok: false,
        retryable: true,
        error: toSdkError('SEND_FAILED', error),
      }));
    if (result.ok) {
      this.#applyResults(batch, result.results);
      for (const item of result.reportResults ?? []) {
        if (item.status === 'rejected') {
          this.report(
            new SdkError(
              'REPORT_REJECTED',
              `producer report rejected by the ledger: ${item.code ?? ''} ${item.message ?? ''}`,
            ),
          );
        } else {
          this.#counts.reports++;
        }
      }
    }
    return result;
  }

  #applyResults(batch: Batch, results: readonly ItemResult[]): void {
    batch.ids.forEach((id, position) => {
      const item = results[position];
      if (item !== undefined && item.status !== 'rejected' && item.index !== undefined) {
        if (item.status === 'accepted') this.#counts.accepted++;
        else this.#counts.duplicates++;
        this.#known.set(id, item.index);
        if (this.#known.size > MAX_KNOWN) this.#known.delete(this.#known.keys().next().value!);
        this.#settle(id, { ok: true, index: item.index });
      } else {
        this.#lose('rejected', item?.code ?? 'REJECTED', [batch.seqs[position] ?? -1]);
        const error = new SdkError(
          item?.code ?? 'REJECTED',
          `decision ${id} rejected by the ledger: ${item?.message ?? 'no result'}`,
        );
        this.report(error);
        this.#settle(id, { ok: false, error });
      }
    });
  }

  #giveUp(batch: Batch, error: SdkError): void {
    if (batch.ids.length > 0) this.#lose('failed', error.code, batch.seqs);
    this.report(
      new SdkError(error.code, `${batch.ids.length} decisions lost: ${error.message}`, {
        cause: error,
      }),
    );
    for (const id of batch.ids) this.#settle(id, { ok: false, error });
  }

  #settle(id: string, outcome: Outcome): void {
    this.#pendingIds.delete(id);
    const list = this.#waiters.get(id);
    if (list === undefined) return;
    this.#waiters.delete(id);
    for (const resolve of list) resolve(outcome);
  }

  /** Appends `batch` to the spool; false when there is no usable spool. */
  async #toSpool(batch: Batch): Promise<boolean> {
    const spool = await this.#spool;
    if (spool === undefined) return false;
    try {
      await spool.append(batch);
      this.#counts.spooled++;
      this.#spoolPending = spool.pending;
      return true;
    } catch (error) {
      this.report(toSdkError('SPOOL_IO', error, 'cannot append to the spool'));
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
          this.report(toSdkError('SPOOL_IO', error, 'cannot read the spool'));
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
        this.#counts.retries++;
        if (this.#attempt === 0) this.report(result.error);
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
      this.#counts.retries++;
      const attempt = this.#attempt++;
      if (attempt + 1 >= this.#options.maxAttempts && (await this.#toSpool(batch))) {
        this.#report1(result.error, 'spooling');
        this.#held = undefined;
        this.#failing = true;
        this.#notBefore = Date.now() + this.#backoff(attempt, result.retryAfterMs);
        continue;
      }
      if (attempt === 0) this.report(result.error);
      await this.#wait(this.#backoff(attempt, result.retryAfterMs));
    }
  }

  #report1(error: SdkError, what: string): void {
    this.report(new SdkError(error.code, `${error.message} (${what})`, { cause: error }));
  }
}

const emptyLosses = () => ({ dropped: 0, rejected: 0, failed: 0, redactionFailed: 0, invalid: 0 });

/** Sorted, merged inclusive ranges of `seqs`, e.g. [3, 4, 5, 9] → [[3, 5], [9, 9]]. */
function toRanges(seqs: readonly number[]): [number, number][] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const seq of sorted) {
    const last = ranges.at(-1);
    if (last !== undefined && last[1] + 1 === seq) last[1] = seq;
    else ranges.push([seq, seq]);
  }
  return ranges;
}

/**
 * Makes a Docket client from `options` and env twins. Throws `SdkError` `OPTION_INVALID` (with
 * `where` naming the option) for bad options; nothing it returns throws afterwards.
 *
 * @example
 * const docket = createDocket({ url: 'http://127.0.0.1:7420', apiKey: process.env.DOCKET_API_KEY });
 * docket.capture({ agent: { id: 'underwriter', version: '2.3.1' }, outcome: { action: 'approve' } });
 * await docket.shutdown();
 */
export function createDocket(options?: DocketOptions): Docket {
  return new Docket(options);
}
