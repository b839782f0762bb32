import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bitLength, isCount, popCount, splitPoint, trailingZeros } from './bits.js';

// BigInt oracles: exact at any size, unlike 32-bit bitwise operators.
const bigBitLength = (n: number): number => BigInt(n).toString(2).replace(/^0$/, '').length;
const bigPopCount = (n: number): number => BigInt(n).toString(2).replace(/0/g, '').length;
const bigTrailingZeros = (n: number): number => /0*$/.exec(BigInt(n).toString(2))?.[0].length ?? 0;

const samples: number[] = [
  0,
  1,
  2,
  3,
  4,
  5,
  7,
  8,
  255,
  256,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 - 1,
  2 ** 32,
  2 ** 32 + 1,
  2 ** 33 + 6,
  2 ** 40 * 3,
  2 ** 52,
  2 ** 53 - 2,
  Number.MAX_SAFE_INTEGER,
];

describe('bit helpers past 2^32', () => {
  test('bitLength, popCount and trailingZeros agree with BigInt', () => {
    for (const n of samples) {
      assert.equal(bitLength(n), bigBitLength(n), `bitLength(${n})`);
      assert.equal(popCount(n), bigPopCount(n), `popCount(${n})`);
      if (n > 0) assert.equal(trailingZeros(n), bigTrailingZeros(n), `trailingZeros(${n})`);
    }
  });

  test('splitPoint is the largest power of two strictly below n', () => {
    for (const n of samples.filter((s) => s >= 2)) {
      const k = splitPoint(n);
      assert.equal(bigPopCount(k), 1, `splitPoint(${n}) = ${k} is a power of two`);
      assert.ok(k < n && 2 * k >= n, `splitPoint(${n}) = ${k}`);
    }
  });

  test('isCount accepts safe integers >= 0 only', () => {
    for (const n of [0, 1, Number.MAX_SAFE_INTEGER]) assert.equal(isCount(n), true, String(n));
    for (const n of [-1, 0.5, 2 ** 53, 2 ** 64, Number.NaN, Infinity]) {
      assert.equal(isCount(n), false, String(n));
    }
  });
});
