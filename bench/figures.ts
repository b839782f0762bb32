// Formatting shared by the benchmark scripts.

/** `n` with thousands separators and exactly `digits` decimals (en-US). */
export const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The `p` quantile (0–1) of ascending `sorted` (nearest rank, clamped to the last). */
export const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
