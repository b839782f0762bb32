/**
 * Submits each log's new checkpoints to the configured witnesses in the background: never on the
 * ingest path, one request at a time per (log, witness), retried with backoff while a witness is
 * down. Cosignatures are kept in the data directory's cosignature store and added to the
 * checkpoint note wherever the server serves it.
 */
import { addSignatureLines, parseCheckpoint, parseNote } from '@docket/core';
import { DocketError } from '@docket/protocol';
import type { CosignatureStore } from '@docket/store';
import { submitCheckpoint } from './witness-client.js';
import type { WitnessConfig } from './witness-client.js';

/**
 * What the pump needs of a log (a `Ledger` has both).
 *
 * @example
 * pump.watch('default', 'decisions', ledger);
 */
export interface WitnessedLedger {
  info(): Promise<{ origin: string; size: number; checkpoint: string }>;
  consistencyProof(from: number, to: number): Promise<string[]>;
}

/**
 * Options of {@link WitnessPump}; durations in milliseconds.
 *
 * @example
 * new WitnessPump({ witnesses, store, intervalMs: 1000 });
 */
export interface WitnessPumpOptions {
  witnesses: readonly WitnessConfig[];
  store: CosignatureStore;
  /** How often each log is checked for a new checkpoint (default 1000). */
  intervalMs?: number;
  /** Time for one add-checkpoint call (default 10,000). */
  timeoutMs?: number;
  /** First retry delay after a failure, doubled up to a minute (default 1000). */
  retryMs?: number;
  log?: (line: Record<string, unknown>) => void;
}

/**
 * One (log, witness) pair's state, as `/metrics` and `docket log` show it.
 *
 * @example
 * for (const s of pump.status()) console.log(s.witness, s.logSize - s.cosignedSize);
 */
export interface WitnessStatus {
  tenant: string;
  log: string;
  witness: string;
  /** Size of the log's latest checkpoint, as last seen. */
  logSize: number;
  /** Largest size this witness cosigned (0 if none). */
  cosignedSize: number;
  /** Failed attempts in a row. */
  failures: number;
  lastError: string | undefined;
}

interface Pair {
  tenant: string;
  log: string;
  ledger: WitnessedLedger;
  witness: WitnessConfig;
  known: number | undefined;
  logSize: number;
  cosignedSize: number;
  failures: number;
  notBefore: number;
  busy: boolean;
  lastError: string | undefined;
}

const MAX_BACKOFF_MS = 60_000;
/** 409 answers in a row before a round gives up (a witness racing with another submitter). */
const MAX_CONFLICTS = 3;

/**
 * The background witnessing of every watched log.
 *
 * @example
 * const pump = new WitnessPump({ witnesses, store });
 * pump.watch('default', 'decisions', ledger);
 * const note = await pump.cosigned(checkpointNote);
 */
export class WitnessPump {
  readonly #witnesses: readonly WitnessConfig[];
  readonly #store: CosignatureStore;
  readonly #timeoutMs: number;
  readonly #retryMs: number;
  readonly #log: (line: Record<string, unknown>) => void;
  readonly #pairs: Pair[] = [];
  readonly #timer: NodeJS.Timeout;
  readonly #running = new Set<Promise<void>>();
  #closed = false;

  constructor(options: WitnessPumpOptions) {
    this.#witnesses = options.witnesses;
    this.#store = options.store;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#retryMs = options.retryMs ?? 1000;
    this.#log = options.log ?? (() => undefined);
    this.#timer = setInterval(() => {
      this.poke();
    }, options.intervalMs ?? 1000);
    // The pump never keeps the process alive on its own.
    this.#timer.unref();
  }

  /** Starts witnessing a log (once per tenant and log kind). */
  watch(tenant: string, log: string, ledger: WitnessedLedger): void {
    if (this.#pairs.some((p) => p.tenant === tenant && p.log === log)) return;
    for (const witness of this.#witnesses) {
      this.#pairs.push({
        tenant,
        log,
        ledger,
        witness,
        known: undefined,
        logSize: 0,
        cosignedSize: 0,
        failures: 0,
        notBefore: 0,
        busy: false,
        lastError: undefined,
      });
    }
    this.poke();
  }

  /** Checks every log now (for example after a flush); returns at once. */
  poke(): void {
    if (this.#closed) return;
    for (const pair of this.#pairs) {
      if (pair.busy || Date.now() < pair.notBefore) continue;
      pair.busy = true;
      const run = this.#witness(pair).finally(() => {
        pair.busy = false;
        this.#running.delete(run);
      });
      this.#running.add(run);
    }
  }

  /** Waits for the submissions under way (tests; shutdown). */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.allSettled([...this.#running]);
  }

  /** Each (log, witness) pair's state. */
  status(): WitnessStatus[] {
    return this.#pairs.map((p) => ({
      tenant: p.tenant,
      log: p.log,
      witness: p.witness.label,
      logSize: p.logSize,
      cosignedSize: p.cosignedSize,
      failures: p.failures,
      lastError: p.lastError,
    }));
  }

  /**
   * The checkpoint note with every stored cosignature on it (by the configured witnesses). A note
   * that does not parse, or an empty one, is returned unchanged.
   */
  async cosigned(note: string): Promise<string> {
    if (note === '') return note;
    let origin: string;
    let size: number;
    try {
      ({ origin, size } = parseCheckpoint(parseNote(note).text));
    } catch {
      return note;
    }
    const lines = await this.#store.cosignatures(origin, size);
    const known = this.#witnesses
      .map((w) => lines.get(w.verifier.vkey))
      .filter((l) => l !== undefined);
    return known.length === 0 ? note : addSignatureLines(note, known.join(''));
  }

  /** Stops the timer and waits for submissions under way. Does not close the store. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.settled();
  }

  async #witness(pair: Pair): Promise<void> {
    try {
      const info = await pair.ledger.info();
      pair.logSize = info.size;
      if (info.size === 0 || info.checkpoint === '') return;
      const vkey = pair.witness.verifier.vkey;
      if (pair.known === undefined) {
        const stored = (await this.#store.cosignedSizes(info.origin)).get(vkey);
        pair.known = stored ?? 0;
        pair.cosignedSize = stored ?? 0;
      }
      if (pair.cosignedSize === info.size) return;
      for (let conflicts = 0; ; conflicts++) {
        const oldSize = pair.known;
        if (oldSize > info.size) {
          throw new DocketError(
            'WITNESS_CONFLICT',
            `witness holds size ${oldSize}, above the log's ${info.size}: the log was rolled back`,
          );
        }
        const proof =
          oldSize === 0 || oldSize === info.size
            ? []
            : (await pair.ledger.consistencyProof(oldSize, info.size)).map((h) =>
                Buffer.from(h, 'base64'),
              );
        const outcome = await submitCheckpoint(
          pair.witness,
          { oldSize, proof, note: info.checkpoint },
          this.#timeoutMs,
        );
        if ('line' in outcome) {
          await this.#store.record(info.origin, info.size, vkey, outcome.line);
          pair.known = info.size;
          pair.cosignedSize = info.size;
          pair.failures = 0;
          pair.lastError = undefined;
          return;
        }
        // 409: the witness's size is another (a restart of ours, another submitter): retry from it.
        pair.known = outcome.knownSize;
        if (conflicts + 1 >= MAX_CONFLICTS) {
          throw new DocketError('WITNESS_CONFLICT', `witness answered 409 ${MAX_CONFLICTS} times`);
        }
      }
    } catch (error) {
      pair.failures += 1;
      pair.lastError =
        error instanceof DocketError ? `${error.code}: ${error.message}` : String(error);
      pair.notBefore =
        Date.now() + Math.min(this.#retryMs * 2 ** (pair.failures - 1), MAX_BACKOFF_MS);
      this.#log({
        event: 'witness_failed',
        tenant: pair.tenant,
        log: pair.log,
        witness: pair.witness.label,
        failures: pair.failures,
        error: pair.lastError,
      });
    }
  }
}
