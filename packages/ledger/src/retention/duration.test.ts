import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cutoffOf, isShorter, parseDuration } from './duration.js';

test('parseDuration reads days, weeks, months and years', () => {
  assert.deepEqual(parseDuration('30d'), { count: 30, unit: 'd' });
  assert.deepEqual(parseDuration('12w'), { count: 12, unit: 'w' });
  assert.deepEqual(parseDuration('6mo'), { count: 6, unit: 'mo' });
  assert.deepEqual(parseDuration(' 6y '), { count: 6, unit: 'y' });
});

test('parseDuration refuses what is no duration with RETENTION_INVALID', () => {
  for (const bad of ['', '0d', '-3d', '6m', '6 mo', '1.5y', 'forever', '6mo1d']) {
    assert.throws(() => parseDuration(bad), { code: 'RETENTION_INVALID' }, bad);
  }
});

test('cutoffOf counts calendar months and clamps to the month end', () => {
  const at = (s: string) => new Date(s);
  assert.equal(
    cutoffOf(at('2026-03-31T12:00:00Z'), parseDuration('1mo')).toISOString(),
    '2026-02-28T12:00:00.000Z',
  );
  assert.equal(
    cutoffOf(at('2026-07-15T00:00:00Z'), parseDuration('6mo')).toISOString(),
    '2026-01-15T00:00:00.000Z',
  );
  assert.equal(
    cutoffOf(at('2028-02-29T00:00:00Z'), parseDuration('1y')).toISOString(),
    '2027-02-28T00:00:00.000Z',
  );
  assert.equal(
    cutoffOf(at('2026-01-10T00:00:00Z'), parseDuration('2w')).toISOString(),
    '2025-12-27T00:00:00.000Z',
  );
});

test('isShorter compares durations as of a date', () => {
  const now = new Date('2026-03-01T00:00:00Z');
  assert.equal(isShorter(parseDuration('30d'), parseDuration('6mo'), now), true);
  assert.equal(isShorter(parseDuration('6y'), parseDuration('6mo'), now), false);
  // February has 28 days: one month back from 1 March is shorter than 30 days back.
  assert.equal(isShorter(parseDuration('1mo'), parseDuration('30d'), now), true);
});
