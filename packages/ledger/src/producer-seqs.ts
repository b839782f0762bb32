/**
 * Producer sequences: each producer numbers its records 0, 1, 2, … (`producer.seq`), and reports
 * what it took but never delivered (`docket.producer/v1` entries: dropped, rejected, given up on,
 * lost in a crash). A missing seq that a report names is an explained gap; any other is warned of.
 * Shared by the full audit of a data directory and the audit through the API (`verify --url`).
 */
import type { Issue } from '@docket/protocol';

/**
 * One range of a producer's seqs absent from the log that a producer report explains.
 *
 * @example
 * { producer: 'worker-1-4711', from: 120, to: 4095, kinds: ['crash'] }
 */
export interface ExplainedGap {
  readonly producer: string;
  readonly from: number;
  readonly to: number;
  /** The loss kinds the explaining report counts (`crash`, `dropped`, `failed`, `rejected`, …). */
  readonly kinds: string[];
}

/** How many explained gap ranges an audit lists; the others are only counted. */
export const MAX_EXPLAINED_GAPS = 1000;

/** A seq range a producer report names, with the loss kinds that report counts. */
export interface ReportedGap {
  readonly from: number;
  readonly to: number;
  readonly kinds: string[];
}

/** The `[producer id, gap]` pairs a producer report's stored content names. */
export function reportedGapsOfContent(content: Uint8Array | null): [string, ReportedGap][] {
  if (content === null) return [];
  try {
    const { fields } = JSON.parse(Buffer.from(content).toString('utf8')) as { fields?: unknown };
    return reportedGapsOf(fields);
  } catch {
    return []; // unreadable content is the commitments check's to report
  }
}

/**
 * The `[producer id, gap]` pairs a producer report's fields name (`producer.id`, `gaps`, and the
 * loss kinds it counts); none when the fields are not a report's.
 *
 * @example
 * reportedGapsOf({ producer: { id: 'w1' }, gaps: [[3, 5]], losses: { crash: 3 } });
 * // [['w1', { from: 3, to: 5, kinds: ['crash'] }]]
 */
export function reportedGapsOf(value: unknown): [string, ReportedGap][] {
  const fields = value as
    { producer?: { id?: unknown } | null; gaps?: unknown; losses?: unknown } | null | undefined;
  {
    const id = fields?.producer?.id;
    if (typeof id !== 'string' || !Array.isArray(fields?.gaps)) return [];
    const losses = fields.losses;
    const kinds =
      typeof losses === 'object' && losses !== null
        ? Object.entries(losses)
            .filter(([, count]) => typeof count === 'number' && count > 0)
            .map(([kind]) => kind)
        : [];
    return (fields.gaps as unknown[])
      .filter(
        (g): g is [number, number] =>
          Array.isArray(g) && typeof g[0] === 'number' && typeof g[1] === 'number',
      )
      .map((g) => [id, { from: g[0], to: g[1], kinds }]);
  }
}

/** What {@link checkProducerSeqs} finds. */
export interface ProducerSeqCheck {
  /** `PRODUCER_SEQ_GAP` (unexplained) and `PRODUCER_SEQ_DUPLICATE` warnings. */
  readonly issues: Issue[];
  /** Missing seqs between recorded ones that a report explains. */
  readonly explainedSeqs: number;
  readonly explainedGaps: ExplainedGap[];
  readonly explainedGapsNotListed: number;
}

/**
 * Checks each producer's recorded seqs (`producers`, sorted in place) against the gaps its
 * reports explain (`explained`): unexplained gaps and repeated seqs are warnings; explained gaps
 * are listed (at most {@link MAX_EXPLAINED_GAPS}).
 *
 * @example
 * checkProducerSeqs(new Map([['w1', [0, 1, 4]]]), new Map([['w1', [{ from: 2, to: 3, kinds: ['dropped'] }]]]));
 */
export function checkProducerSeqs(
  producers: ReadonlyMap<string, number[]>,
  explained: ReadonlyMap<string, readonly ReportedGap[]>,
): ProducerSeqCheck {
  const issues: Issue[] = [];
  let explainedSeqs = 0;
  for (const [producer, seqs] of producers) {
    seqs.sort((a, b) => a - b);
    const covered = explained.get(producer) ?? [];
    const isExplained = (seq: number) => covered.some((g) => g.from <= seq && seq <= g.to);
    const gaps: number[] = [];
    let repeats = 0;
    for (let i = 1; i <= seqs.length; i++) {
      if (i < seqs.length) {
        for (let s = seqs[i - 1]! + 1; s < seqs[i]! && gaps.length < 1000; s++) {
          if (isExplained(s)) explainedSeqs++;
          else gaps.push(s);
        }
      }
      // One warning per repeated seq (with its count), not one per repeat.
      if (i < seqs.length && seqs[i] === seqs[i - 1]) {
        repeats++;
      } else if (repeats > 0) {
        issues.push({
          code: 'PRODUCER_SEQ_DUPLICATE',
          message: `seq ${seqs[i - 1]!} appears ${repeats + 1} times`,
          where: `producer ${producer}`,
          severity: 'warning',
        });
        repeats = 0;
      }
    }
    for (const [a, b] of toRanges(gaps)) {
      issues.push({
        code: 'PRODUCER_SEQ_GAP',
        message: `${a === b ? `seq ${a} is missing` : `seq ${a}–${b} are missing`}; no report of the producer explains it`,
        where: `producer ${producer}`,
        severity: 'warning',
      });
    }
  }

  const gaps = listExplainedGaps(explained, producers);
  return {
    issues,
    explainedSeqs,
    explainedGaps: gaps.listed,
    explainedGapsNotListed: gaps.notListed,
  };
}

/** Sorted numbers as inclusive runs: [1, 2, 3, 7] → [[1, 3], [7, 7]]. */
export function toRanges(sorted: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] === n - 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}

/**
 * The reported gaps minus the seqs the log holds (`recorded`, each list sorted), by producer then
 * seq, the same range and kinds once; the first {@link MAX_EXPLAINED_GAPS} listed, the rest
 * counted.
 */
export function listExplainedGaps(
  reported: ReadonlyMap<string, readonly ReportedGap[]>,
  recorded: ReadonlyMap<string, readonly number[]>,
): { listed: ExplainedGap[]; notListed: number } {
  const listed: ExplainedGap[] = [];
  let notListed = 0;
  for (const producer of [...reported.keys()].sort()) {
    const seqs = recorded.get(producer) ?? [];
    const seen = new Set<string>();
    const gaps = [...(reported.get(producer) ?? [])].sort((x, y) => x.from - y.from || x.to - y.to);
    for (const gap of gaps) {
      // The seqs of the range that did arrive split it (a crash report may over-report).
      let i = lowerBound(seqs, gap.from);
      let from = gap.from;
      const parts: [number, number][] = [];
      for (; i < seqs.length && seqs[i]! <= gap.to; i++) {
        if (seqs[i]! > from) parts.push([from, seqs[i]! - 1]);
        from = seqs[i]! + 1;
      }
      if (from <= gap.to) parts.push([from, gap.to]);
      for (const [a, b] of parts) {
        const key = `${a} ${b} ${gap.kinds.join()}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (listed.length < MAX_EXPLAINED_GAPS)
          listed.push({ producer, from: a, to: b, kinds: gap.kinds });
        else notListed++;
      }
    }
  }
  return { listed, notListed };
}

/** The first index of `sorted` whose value is ≥ `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
