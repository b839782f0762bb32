/**
 * The producer report (`docket.producer-report/v1`): what a producer (an SDK instance) says about
 * records it took from its host but never delivered — dropped on a full queue, given up after a
 * final refusal, refused by its own redaction or validation. Each report covers the losses since
 * the previous one; `reportSeq` numbers them, so a missing report is itself visible. With the
 * `gaps` (inclusive ranges of producer seqs that will never arrive), an auditor can tell an
 * explained gap in a producer's sequence from a silent one.
 */
import { ProtocolError } from '../errors.js';
import type { Issue } from '../errors.js';
import { isUuidV7 } from '../uuid/index.js';

/** Schema id of a producer report. */
export const PRODUCER_REPORT_SCHEMA_V1 = 'docket.producer-report/v1';

/** Loss counters of one report, since the previous report of the same producer. */
export interface ProducerLosses {
  /** Seq assigned, then dropped: the queue was full. */
  readonly dropped: number;
  /** Seq assigned, delivered, refused by the ledger as invalid. */
  readonly rejected: number;
  /** Seq assigned, given up: a final refusal of its batch, or no spool at the shutdown deadline. */
  readonly failed: number;
  /**
   * The producer's redaction failed, so the record never left the process (the TypeScript SDK
   * redacts in the background, after the seq is assigned: the seq is in `gaps`).
   */
  readonly redactionFailed: number;
  /**
   * Refused by the producer's own schema check (in the background in the TypeScript SDK: seq in
   * `gaps`), or a record the producer could not snapshot (no seq).
   */
  readonly invalid: number;
  /**
   * Seqs a producer reserved (on disk, before using them) and never accounted for: it died
   * (SIGKILL, power loss) with them in memory. Reported by the successor that adopted its spool
   * directory, under the dead producer's id. An upper bound: it includes reserved seqs the dead
   * producer never used. Optional (absent means 0), so older readers keep accepting reports.
   */
  readonly crash?: number;
}

/**
 * One producer report.
 *
 * @example
 * const report: ProducerReport = {
 *   schema: PRODUCER_REPORT_SCHEMA_V1, id, ts: new Date().toISOString(),
 *   producer: { id: 'worker-1', sdk: '@docket/sdk@0.1.0' }, reportSeq: 0,
 *   losses: { dropped: 12, rejected: 0, failed: 0, redactionFailed: 0, invalid: 0 },
 *   gaps: [[100, 111]], reasons: { QUEUE_FULL: 12 },
 * };
 */
export interface ProducerReport {
  readonly schema: typeof PRODUCER_REPORT_SCHEMA_V1;
  /** UUIDv7; the idempotency key (a retried report is a duplicate). */
  readonly id: string;
  /** RFC 3339 time the report was made. */
  readonly ts: string;
  readonly producer: { readonly id: string; readonly sdk?: string };
  /** 0 for the producer's first report, then +1 each report. */
  readonly reportSeq: number;
  readonly losses: ProducerLosses;
  /** Inclusive ranges `[from, to]` of producer seqs lost in this period, ascending. */
  readonly gaps: readonly (readonly [number, number])[];
  /** Records lost per error code (QUEUE_FULL, SHUTDOWN_DEADLINE, DECISION_INVALID, …). */
  readonly reasons: Readonly<Record<string, number>>;
}

const LOSS_KEYS = ['dropped', 'rejected', 'failed', 'redactionFailed', 'invalid'] as const;
const OPTIONAL_LOSS_KEYS = ['crash'] as const;
const TOP_KEYS = new Set([
  'schema',
  'id',
  'ts',
  'producer',
  'reportSeq',
  'losses',
  'gaps',
  'reasons',
]);
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_GAPS = 10_000;

const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every problem of `value` as a producer report (empty when it is one), with JSON paths.
 *
 * @example
 * const issues = checkProducerReport(JSON.parse(text)); // [] or [{ code, message, where }]
 */
export function checkProducerReport(value: unknown): Issue[] {
  const issues: Issue[] = [];
  const bad = (where: string, message: string) =>
    issues.push({ code: 'REPORT_INVALID', message, where });
  if (!isObject(value)) {
    bad('$', 'a producer report is an object');
    return issues;
  }
  for (const key of Object.keys(value)) {
    if (!TOP_KEYS.has(key)) bad(`$.${key}`, `unknown property ${key}`);
  }
  if (value.schema !== PRODUCER_REPORT_SCHEMA_V1) {
    bad('$.schema', `schema must be ${PRODUCER_REPORT_SCHEMA_V1}`);
  }
  if (typeof value.id !== 'string' || !isUuidV7(value.id)) bad('$.id', 'id must be a UUIDv7');
  if (
    typeof value.ts !== 'string' ||
    !RFC3339.test(value.ts) ||
    Number.isNaN(Date.parse(value.ts))
  ) {
    bad('$.ts', 'ts must be an RFC 3339 date-time');
  }
  const producer = value.producer;
  if (!isObject(producer) || typeof producer.id !== 'string' || producer.id.length === 0) {
    bad('$.producer.id', 'producer.id must be a non-empty string');
  } else if (
    producer.id.length > 256 ||
    (producer.sdk !== undefined && typeof producer.sdk !== 'string')
  ) {
    bad('$.producer', 'producer.id is at most 256 characters; producer.sdk is a string');
  }
  if (!isCount(value.reportSeq)) bad('$.reportSeq', 'reportSeq must be a non-negative integer');
  const losses = value.losses;
  if (!isObject(losses)) {
    bad('$.losses', 'losses must be an object');
  } else {
    for (const key of LOSS_KEYS) {
      if (!isCount(losses[key])) bad(`$.losses.${key}`, `${key} must be a non-negative integer`);
    }
    for (const key of OPTIONAL_LOSS_KEYS) {
      if (key in losses && !isCount(losses[key]))
        bad(`$.losses.${key}`, `${key} must be a non-negative integer`);
    }
    for (const key of Object.keys(losses)) {
      if (![...LOSS_KEYS, ...OPTIONAL_LOSS_KEYS].includes(key as 'crash'))
        bad(`$.losses.${key}`, `unknown loss ${key}`);
    }
  }
  if (!Array.isArray(value.gaps) || value.gaps.length > MAX_GAPS) {
    bad('$.gaps', `gaps must be an array of at most ${MAX_GAPS} ranges`);
  } else {
    let previous = -1;
    value.gaps.forEach((gap: unknown, i) => {
      const ok =
        Array.isArray(gap) &&
        gap.length === 2 &&
        isCount(gap[0]) &&
        isCount(gap[1]) &&
        gap[0] <= gap[1] &&
        gap[0] > previous;
      if (!ok)
        bad(`$.gaps[${i}]`, 'a gap is [from, to] with from ≤ to, ascending, not overlapping');
      else previous = gap[1] as number;
    });
  }
  if (!isObject(value.reasons) || !Object.values(value.reasons).every(isCount)) {
    bad('$.reasons', 'reasons maps error codes to non-negative integer counts');
  }
  return issues;
}

/**
 * A value that is not a producer report: `REPORT_INVALID`, `where` of the first issue, all issues.
 *
 * @example
 * if (error instanceof ProducerReportInvalidError) console.error(error.issues);
 */
export class ProducerReportInvalidError extends ProtocolError {
  readonly issues: readonly Issue[];

  constructor(issues: readonly Issue[]) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super('REPORT_INVALID', `invalid producer report: ${first?.message ?? 'invalid'}${more}`, {
      where: first?.where,
    });
    this.issues = issues;
  }
}

/**
 * Throws {@link ProducerReportInvalidError} unless `value` is a producer report.
 *
 * @example
 * assertProducerReport(body); // body is a ProducerReport from here on
 */
export function assertProducerReport(value: unknown): asserts value is ProducerReport {
  const issues = checkProducerReport(value);
  if (issues.length > 0) throw new ProducerReportInvalidError(issues);
}
