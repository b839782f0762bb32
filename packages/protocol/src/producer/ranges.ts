/** Seq ranges as a producer report's `gaps` carries them. */

/**
 * Sorted, merged inclusive ranges of `seqs` (any order, repeats allowed), the form of a producer
 * report's `gaps`.
 *
 * @example
 * toSeqRanges([9, 3, 4, 5, 4]); // [[3, 5], [9, 9]]
 */
export function toSeqRanges(seqs: Iterable<number>): [number, number][] {
  const sorted = [...new Set(seqs)].sort((a, b) => a - b);
  const ranges: [number, number][] = [];
  for (const seq of sorted) {
    const last = ranges.at(-1);
    if (last !== undefined && last[1] + 1 === seq) last[1] = seq;
    else ranges.push([seq, seq]);
  }
  return ranges;
}
