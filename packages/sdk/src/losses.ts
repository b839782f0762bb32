/**
 * Loss accounting: every record a producer took from its host and will not deliver is counted
 * here, and the losses since the last report leave as one producer report
 * (`docket.producer-report/v1`) with the next batch.
 */
import { createUuidV7, PRODUCER_REPORT_SCHEMA_V1, toSeqRanges } from '@docket/protocol';
import type { ProducerLosses, ProducerReport } from '@docket/protocol';

/** One kind of loss a live producer counts (`crash` is counted by its successor). */
export type LossKind = Exclude<keyof ProducerLosses, 'crash'>;

type Counts = { -readonly [K in LossKind]: number };

const emptyLosses = (): Counts => ({
  dropped: 0,
  rejected: 0,
  failed: 0,
  redactionFailed: 0,
  invalid: 0,
});

/**
 * The losses of one producer: totals since construction, and the pending ones since the last
 * report.
 *
 * @example
 * const losses = new LossAccount({ id: 'worker-1', sdk: '@docket/sdk@0.1.0' });
 * if (losses.add('dropped', 'QUEUE_FULL', [41])) scheduleDelivery();
 * const report = losses.take(); // JSON of a producer report, or undefined
 */
export class LossAccount {
  readonly #producer: { readonly id: string; readonly sdk: string };
  readonly #totals: Counts = emptyLosses();
  #since: Counts = emptyLosses();
  #seqs: number[] = [];
  #reasons: Record<string, number> = {};
  #pending = false;
  #reportSeq = 0;

  constructor(producer: { readonly id: string; readonly sdk: string }) {
    this.#producer = producer;
  }

  /** Losses since construction, per kind. */
  get totals(): Counts {
    return { ...this.#totals };
  }

  /** Whether losses wait for a report. */
  get pending(): boolean {
    return this.#pending;
  }

  /**
   * Counts a loss of `kind` for `code`: one per seq of `seqs` (negative seqs are counted but not
   * a gap), or one when `seqs` is empty (a record without a seq). True when this made a report
   * pending (the caller then schedules a delivery).
   */
  add(kind: LossKind, code: string, seqs: readonly number[] = []): boolean {
    const n = seqs.length === 0 ? 1 : seqs.length;
    this.#totals[kind] += n;
    this.#since[kind] += n;
    this.#reasons[code] = (this.#reasons[code] ?? 0) + n;
    for (const seq of seqs) if (seq >= 0) this.#seqs.push(seq);
    if (this.#pending) return false;
    this.#pending = true;
    return true;
  }

  /** The pending losses as the JSON of a producer report (then no longer pending), or undefined. */
  take(): string | undefined {
    if (!this.#pending) return undefined;
    const report: ProducerReport = {
      schema: PRODUCER_REPORT_SCHEMA_V1,
      id: createUuidV7(),
      ts: new Date().toISOString(),
      producer: this.#producer,
      reportSeq: this.#reportSeq++,
      losses: this.#since,
      gaps: toSeqRanges(this.#seqs),
      reasons: this.#reasons,
    };
    this.#since = emptyLosses();
    this.#seqs = [];
    this.#reasons = {};
    this.#pending = false;
    return JSON.stringify(report);
  }
}
