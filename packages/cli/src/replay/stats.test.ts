import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mcnemar, wilson } from './stats.js';

const close = (a: number, b: number, eps = 1e-4): void => {
  assert.ok(Math.abs(a - b) < eps, `${a} is not ${b}`);
};

test('Wilson 95% interval matches published values', () => {
  // Newcombe (1998), table I: 81/263 → 0.2553–0.3662; 0/10 → 0–0.2775.
  const a = wilson(81, 263);
  close(a.low, 0.2553);
  close(a.high, 0.3662);
  const b = wilson(0, 10);
  assert.equal(b.low, 0);
  close(b.high, 0.2775);
  assert.deepEqual(wilson(0, 0), { k: 0, n: 0, rate: 0, low: 0, high: 1 });
});

test('McNemar: exact for few discordant pairs, chi-square with correction beyond', () => {
  // 10 regressions, 0 improvements: p = 2 / 2^10.
  close(mcnemar(10, 0).pValue, 2 / 1024, 1e-9);
  assert.equal(mcnemar(3, 3).pValue, 1);
  assert.equal(mcnemar(0, 0).pValue, 1);
  // (|30 - 10| - 1)^2 / 40 = 9.025, p = 0.00266.
  const big = mcnemar(30, 10);
  assert.equal(big.method, 'chi-square');
  close(big.statistic, 9.025);
  close(big.pValue, 0.00266, 2e-5);
});
