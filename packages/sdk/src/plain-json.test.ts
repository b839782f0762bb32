import { deepEqual } from 'node:assert';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isPlainJson } from './plain-json.js';

test('plain JSON data is recognized; anything JSON.stringify would change is not', () => {
  assert.equal(isPlainJson({ a: [1, 'x', null, true, { b: -0.5 }] }), true);
  assert.equal(isPlainJson(Object.assign(Object.create(null) as object, { a: 1 })), true);
  for (const [i, value] of [
    { at: new Date() },
    { n: Number.NaN },
    { n: Number.POSITIVE_INFINITY },
    { u: undefined },
    [1, , 3], // eslint-disable-line no-sparse-arrays
    { f: () => 1 },
    { b: 1n },
    { m: new Map() },
    { toJSON: () => 'x' },
    undefined,
  ].entries()) {
    assert.equal(isPlainJson(value), false, `case ${i}`);
  }
});

test('whenever isPlainJson holds, a JSON round trip gives back an equal value', () => {
  fc.assert(
    fc.property(fc.anything(), (value) => {
      if (!isPlainJson(value)) return;
      const text = JSON.stringify(value);
      const back: unknown = JSON.parse(text);
      // Loose equality only for -0, which JSON writes as 0 (no schema tells them apart).
      deepEqual(back, value);
      assert.equal(JSON.stringify(back), text);
    }),
    { numRuns: 2000 },
  );
});
