import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDriftReport, pairDecisions } from './report.js';
import type { DriftReport } from './report.js';
import { createSyntheticPopulation } from './synthetic.js';

const verdictOf = (r: DriftReport, signal: string): string | undefined =>
  r.signals.find((s) => s.signal === signal)?.verdict;

/** Every number anywhere in the report is finite (no NaN, no Infinity). */
function assertFinite(value: unknown, path = 'report'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) {
    value.forEach((v: unknown, i) => {
      assertFinite(v, `${path}[${i}]`);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) assertFinite(v, `${path}.${k}`);
  }
}

test('identical populations: no signal drifts', () => {
  const r = createDriftReport(
    createSyntheticPopulation(3_000, 1),
    createSyntheticPopulation(3_000, 2),
  );
  assert.deepEqual(
    r.signals.filter((s) => s.verdict !== 'no-drift').map((s) => s.signal),
    [],
  );
  assert.equal(r.overall, 'no-drift');
  assertFinite(r);
});

test('a 5-point outcome shift is behaviour drift; the inputs did not change', () => {
  const r = createDriftReport(
    createSyntheticPopulation(5_000, 3),
    createSyntheticPopulation(5_000, 4, { outcomeShift: 0.05 }),
  );
  assert.equal(verdictOf(r, 'outcome'), 'drift');
  assert.equal(r.behaviour, 'drift');
  assert.equal(r.input, 'no-drift');
  const outcome = r.signals.find((s) => s.signal === 'outcome')!;
  assert.ok(outcome.effect > 0.03 && outcome.effect < 0.07, `effect ${outcome.effect}`);
  assert.equal(outcome.psiBand, 'none');
});

test('an input-only change is input drift, not behaviour drift, though the outcome mix moved', () => {
  const r = createDriftReport(
    createSyntheticPopulation(5_000, 5),
    createSyntheticPopulation(5_000, 6, { inputShift: true }),
  );
  assert.equal(r.input, 'drift');
  assert.equal(verdictOf(r, 'outcome'), 'drift');
  assert.equal(r.behaviour, 'no-drift');
});

test('a reasoning change is found by the domain classifier, with the new words named', () => {
  const r = createDriftReport(
    createSyntheticPopulation(2_000, 7),
    createSyntheticPopulation(2_000, 8, { reasoningShift: 0.1 }),
  );
  const s = r.signals.find((x) => x.signal === 'reasoning')!;
  assert.equal(s.verdict, 'drift');
  const newWords = ['affordability', 'stress', 'buffer', 'macro', 'volatility', 'override'];
  assert.ok(newWords.includes(s.terms?.[0]?.term ?? ''), JSON.stringify(s.terms?.[0]));
  assert.equal(verdictOf(r, 'outcome'), 'no-drift');
});

test('a confidence shift drifts on KS and Wasserstein', () => {
  const r = createDriftReport(
    createSyntheticPopulation(2_000, 9),
    createSyntheticPopulation(2_000, 10, { confidenceShift: 0.3 }),
  );
  assert.equal(verdictOf(r, 'confidence'), 'drift');
});

test('small or empty sides: insufficient data, never NaN', () => {
  for (const [na, nb] of [
    [0, 0],
    [0, 500],
    [10, 500],
    [500, 29],
  ] as const) {
    const r = createDriftReport(
      createSyntheticPopulation(na, 11),
      createSyntheticPopulation(nb, 12, { outcomeShift: 0.3 }),
    );
    assert.equal(r.overall, 'insufficient-data', `${na} vs ${nb}`);
    assert.ok(r.signals.every((s) => s.verdict === 'insufficient-data'));
    assertFinite(r);
  }
  const lopsided = createDriftReport(
    createSyntheticPopulation(40, 13),
    createSyntheticPopulation(4_000, 14),
  );
  assert.ok(lopsided.notes.some((n) => n.includes('100×')));
});

/** Every bit of a 16-hex-digit hash flipped. */
const complement = (hex: string): string =>
  [0, 8]
    .map((i) => (~parseInt(hex.slice(i, i + 8), 16) >>> 0).toString(16).padStart(8, '0'))
    .join('');

test('pairs: same input with another outcome first, then same outcome with other reasoning, each with a diff', () => {
  const base = createSyntheticPopulation(50, 15).map((features, index) => ({
    index,
    agentVersion: '1.0.0',
    features,
  }));
  const current = base.map((x, i) => ({
    index: 100 + i,
    agentVersion: '2.0.0',
    features:
      i === 3
        ? { ...x.features, outcome: x.features.outcome === 'approve' ? 'deny' : 'approve' }
        : i === 7
          ? { ...x.features, reasoningHash: complement(x.features.reasoningHash) }
          : x.features,
  }));
  const pairs = pairDecisions(base, current);
  assert.deepEqual(
    pairs.map((p) => [p.kind, p.baselineIndex, p.currentIndex, p.exactInput, p.reasoningDistance]),
    [
      ['same-input-different-outcome', 3, 103, true, 0],
      ['same-outcome-different-reasoning', 7, 107, true, 64],
    ],
  );
  assert.deepEqual(
    pairs[0]?.diff.map((d) => d.field),
    ['agent.version', 'outcome'],
  );
});
