/**
 * The Docket client: `capture()` snapshots, validates and enqueues on the caller's path and
 * returns at once; a single background pump batches, sends, retries and spools. Nothing after
 * construction throws into the host: failures go to `onError` and the counters of `stats()`.
 */
import { createUuidV7, DECISION_SCHEMA_V1 } from '@docket/protocol';
import { runDecision } from './context.js';
import type { DecisionInput, DecisionSink, RecordMeta } from './context.js';
import { SdkError, toSdkError } from './errors.js';
import { LossAccount } from './losses.js';
import { resolveOptions } from './options.js';
import type { DocketOptions, ResolvedOptions } from './options.js';
import { activeSpanIds, loadOtelApi } from './otel.js';
import type { OtelApi } from './otel.js';
import { createPreparer } from './prepare.js';
import { DeliveryPump } from './pump.js';
import { BoundedQueue } from './queue.js';
import type { QueuedRecord } from './queue.js';
import { ReceiptBook } from './receipts.js';
import type { Outcome } from './receipts.js';
import { inRunScope } from './run-scope.js';
import { SeqJournal } from './seq-journal.js';
import { createHttpTransport } from './transport/http-transport.js';
import { createLocalTransport } from './transport/local-transport.js';
import type { Transport } from './transport/transport.js';
import type { Receipt } from '@docket/protocol';
import { SDK_NAME, SDK_VERSION } from './version.js';
import { wrapModel, wrapTool } from './replay/wrap.js';
import type { ModelAnswer, ToolWrapOptions } from './replay/wrap.js';

/** The arguments of a wrapped tool (or a model request): a JSON object. */
type ToolArgs = NonNullable<DecisionInput['context']>;

/**
 * Counters since construction (monotonic, except `queued` and `spoolPending`).
 *
 * @example
 * const { dropped, failed } = docket.stats();
 */
export interface DocketStats {
  /** Records accepted by `capture()` (and `record()`) and given a producer seq. */
  readonly captured: number;
  /**
   * Records refused by the background schema check (seq consumed: an explained gap), or that
   * `capture()` could not snapshot (no seq).
   */
  readonly invalid: number;
  /** Records whose redaction failed: dropped before leaving the process (seq consumed: a gap). */
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
  readonly #counts = { captured: 0, closedDrops: 0, errors: 0 };
  #dropping = false;
  readonly #warned = new Set<string>();
  readonly #losses: LossAccount;
  readonly #receipts = new ReceiptBook();
  readonly #pump: DeliveryPump;
  /** With a spool: the reserved seqs, so a successor can report what a crash lost. */
  readonly #journal: SeqJournal | undefined;

  // Closing.
  #closed = false;
  #shutdown: Promise<boolean> | undefined;
  readonly #onBeforeExit: () => void;
  readonly #onSigterm: () => void;

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
            ca: o.ca,
            gzip: o.gzip,
            requestTimeoutMs: o.requestTimeoutMs,
            userAgent: this.#sdk,
          }));
    this.#otel = o.otel ? loadOtelApi() : null;
    const producer = { id: this.producerId, sdk: this.#sdk };
    this.#losses = new LossAccount(producer);
    if (o.spoolDir !== undefined) {
      try {
        this.#journal = SeqJournal.open(o.spoolDir, producer);
      } catch (error) {
        this.report(toSdkError('SPOOL_IO', error, `cannot write the seq journal in ${o.spoolDir}`));
      }
    }
    this.#pump = new DeliveryPump({
      options: o,
      transport: this.#transport,
      queue: this.#queue,
      losses: this.#losses,
      receipts: this.#receipts,
      producerId: this.producerId,
      prepare: createPreparer(o, producer),
      journal: this.#journal,
      report: (error) => {
        this.report(error);
      },
    });
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
    warmCapturePath();
    if (o.handleExit) {
      process.on('beforeExit', this.#onBeforeExit);
      process.on('SIGTERM', this.#onSigterm);
    }
  }

  /**
   * Snapshots `decision` (`JSON.stringify`), gives it a UUIDv7 (unless it has an `id`) and the
   * next producer seq, enqueues it and returns its id. Never throws and never waits. Redaction
   * and the schema check run in the background before anything leaves the process: a record that
   * fails either is a loss with its seq, reported through `onError` (naming its id and the
   * problem) and in the next producer report; a full queue likewise.
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
        this.#counts.closedDrops++;
        this.report(new SdkError('CLOSED', `capture() after shutdown(): decision ${id} dropped`));
        return id;
      }
      const scoped = inRunScope(decision);
      const span = this.#otel === null ? undefined : activeSpanIds(this.#otel);
      // The snapshot: from here on the caller's objects are out of reach. Redaction, the schema
      // check and the producer stamp run in the background (prepare.ts); `producer: undefined`
      // leaves a caller's own producer out of the JSON.
      const json = snapshot(scoped, id, span);
      const seq = this.#seq++;
      this.#journal?.use(seq);
      if (!this.#queue.push({ id, seq, json })) {
        this.#pump.lose('dropped', 'QUEUE_FULL', [seq]);
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
      this.#receipts.track(id);
      if (this.#options.immediate || this.#queue.size >= this.#options.maxBatch) {
        this.#pump.batchFull();
      } else {
        this.#pump.schedule(this.#options.flushIntervalMs);
      }
    } catch (error) {
      this.#pump.lose('invalid', 'CAPTURE_FAILED');
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
   * Wraps a tool so each call is recorded in the current decision (name, args, result or error,
   * duration) and, under `replayDecision`, answered from the recording instead of being made.
   *
   * @example
   * const getReport = docket.tool('credit_bureau.get_report', (args: { id: string }) => bureau.get(args.id));
   */
  tool<A extends ToolArgs, R>(
    name: string,
    fn: (args: A) => Promise<R> | R,
    options?: ToolWrapOptions,
  ): (args: A) => Promise<R> {
    return wrapTool(name, fn, options);
  }

  /**
   * Wraps a model call so each call is recorded in `llm[]` and, under a lockdown replay,
   * answered from the recording.
   *
   * @example
   * const complete = docket.model(async (request) => ({ response: await client.chat.completions.create(request) }));
   */
  model<Q extends ToolArgs>(
    fn: (request: Q) => Promise<ModelAnswer> | ModelAnswer,
  ): (request: Q) => Promise<ModelAnswer> {
    return wrapModel(fn);
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
    const idle = this.#pump.flushed().then(() => true as const);
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
    this.#pump.setDeadline(Date.now() + timeoutMs);
    const failedBefore = this.#losses.totals.failed;
    await this.flush(timeoutMs);
    await this.#pump.stop();
    await this.#transport.close?.().catch((error: unknown) => {
      this.report(toSdkError('CLOSE_FAILED', error, 'closing the transport'));
    });
    this.#receipts.failWaiting(
      (id) => new SdkError('CLOSED', `shut down before ${id} was delivered`),
    );
    return this.#losses.totals.failed === failedBefore && this.#queue.size === 0;
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
      let index = this.#receipts.indexOf(id);
      if (index === undefined && this.#receipts.isPending(id)) {
        let timer: NodeJS.Timeout | undefined;
        const sequenced = this.#receipts.wait(id);
        this.#pump.schedule(0);
        const outcome = await Promise.race([
          sequenced,
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
    const { captured, closedDrops, errors } = this.#counts;
    const losses = this.#losses.totals;
    return {
      ...this.#pump.counts,
      ...losses,
      dropped: losses.dropped + closedDrops,
      captured,
      errors,
      queued: this.#queue.size,
      spoolPending: this.#pump.spoolPending,
    };
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
}

/**
 * Runs once what the first `capture()` of a process would otherwise pay for, inside
 * `createDocket()`: the first timer of the process (Node loads its timer lists then: about
 * 0.7 ms measured), the UUID's random pool, the clock's formatting, the snapshot of a record's
 * shape, and the compilation of the queue and receipt book methods the caller's path runs.
 */
function warmCapturePath(): void {
  clearTimeout(setTimeout(() => undefined, 0));
  const id = createUuidV7();
  const json = snapshot(
    inRunScope({
      agent: { id: 'warm', version: '0' },
      outcome: { action: 'warm' },
      correlation: { sessionId: 'warm' },
    }),
    id,
    undefined,
  );
  const queue = new BoundedQueue<QueuedRecord>(1);
  queue.push({ id, seq: 0, json });
  queue.shift();
  new ReceiptBook().track(id);
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

/**
 * The snapshot of a decision as the JSON of the record: the caller's fields plus `id`, `schema`
 * and `ts` (the caller's string `id` and its `ts` win; a caller's `producer` is left out; the
 * active span's ids join `correlation`). The common case stringifies the caller's object as it
 * is and puts the fields the SDK adds in front, so the caller pays one `JSON.stringify`: a copy
 * of the object first would cost a third more than the stringify itself. Only a decision whose
 * own `schema`, `producer`, non-string `id` or null `ts` must be replaced, or whose `correlation`
 * must be merged with an active span's ids, takes the copy.
 */
function snapshot(
  decision: DecisionInput,
  id: string,
  span: { traceId: string; spanId: string } | undefined,
): string {
  const record = decision as Record<string, unknown>;
  const given = record['id'];
  const ts = record['ts'];
  const schema = record['schema'];
  if (
    (given === undefined || typeof given === 'string') &&
    ts !== null &&
    (schema === undefined || schema === DECISION_SCHEMA_V1) &&
    record['producer'] === undefined &&
    (span === undefined || record['correlation'] === undefined)
  ) {
    // Each field the SDK adds goes in front only when the body lacks it (no duplicate keys: the
    // strict I-JSON profile refuses them).
    let head = given === undefined ? `{"id":${JSON.stringify(id)},` : '{';
    if (schema === undefined) head += `"schema":"${DECISION_SCHEMA_V1}",`;
    if (ts === undefined) head += `"ts":"${isoNow()}",`;
    if (span !== undefined) {
      head += `"correlation":{"traceId":"${span.traceId}","spanId":"${span.spanId}"},`;
    }
    const body = JSON.stringify(decision);
    if (body === '{}') return head.length === 1 ? body : `${head.slice(0, -1)}}`;
    return `${head}${body.slice(1)}`;
  }
  return JSON.stringify({
    ...decision,
    id,
    schema: DECISION_SCHEMA_V1,
    ts: decision.ts ?? isoNow(),
    producer: undefined,
    ...(span === undefined ? {} : { correlation: { ...span, ...decision.correlation } }),
  });
}

let lastIsoMs = Number.NaN;
let lastIso = '';

/**
 * `new Date().toISOString()`, made once per millisecond: captures in the same millisecond share
 * the string (the timestamp has millisecond resolution anyway), which keeps a `Date` and its
 * formatting off most captures.
 */
function isoNow(): string {
  const ms = Date.now();
  if (ms !== lastIsoMs) {
    lastIsoMs = ms;
    lastIso = new Date(ms).toISOString();
  }
  return lastIso;
}
