/**
 * Bit arithmetic on tree indices and sizes, which are JS numbers up to 2^53 − 1. JavaScript's
 * bitwise operators truncate to 32 bits, so these helpers use division instead; `Math.clz32` is
 * only ever given values below 2^32. Internal to the module.
 */

const TWO_POW_32 = 2 ** 32;

/** Whether `n` is a valid tree index or size: a safe non-negative integer. */
export function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** Number of bits needed to write `n` (Go's `bits.Len64`): 0 for 0, 1 for 1, 3 for 4 … */
export function bitLength(n: number): number {
  const high = Math.floor(n / TWO_POW_32);
  return high > 0 ? 64 - Math.clz32(high) : 32 - Math.clz32(n);
}

/** Number of one bits in `n` (Go's `bits.OnesCount64`). */
export function popCount(n: number): number {
  let count = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) count += rest % 2;
  return count;
}

/** Number of zero bits below the lowest one bit of `n > 0` (Go's `bits.TrailingZeros64`). */
export function trailingZeros(n: number): number {
  let count = 0;
  for (let rest = n; rest > 0 && rest % 2 === 0; rest /= 2) count++;
  return count;
}

/** The largest power of two strictly less than `n >= 2`: RFC 6962 §2.1's split point `k`. */
export function splitPoint(n: number): number {
  return 2 ** (bitLength(n - 1) - 1);
}
