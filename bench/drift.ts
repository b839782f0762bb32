// npm run bench:drift — the drift detector's power table (issue 16): synthetic loan populations
// with known injected changes, resampled, detection and false-alarm rates per signal; then the
// time of one drift report over 1,000,000 decisions with features precomputed. Prints figures;
// asserts nothing. Options (environment twin, default):
//   --resamples N   resamples at 5,000 per side (BENCH_DRIFT_RESAMPLES, 50; 500/side: 2N; 50,000/side: N/10)
//   --million N     decisions in the speed figure (BENCH_DRIFT_MILLION, 1000000; 0 skips)
import { parseArgs } from 'node:util';
import { createDriftReport, createSyntheticPopulation, pairDecisions } from '@docket/ledger';
import type { DriftFeatures, DriftReport, InjectedChange } from '@docket/ledger';

const { values } = parseArgs({
  options: { resamples: { type: 'string' }, million: { type: 'string' } },
});
const resamples = Number(values.resamples ?? process.env['BENCH_DRIFT_RESAMPLES'] ?? 50);
const million = Number(values.million ?? process.env['BENCH_DRIFT_MILLION'] ?? 1_000_000);

const SCENARIOS: readonly { name: string; change: InjectedChange; expect: string }[] = [
  { name: 'identical populations', change: {}, expect: 'no alarm' },
  { name: 'outcome mix +5 points', change: { outcomeShift: 0.05 }, expect: 'outcome, behaviour' },
  { name: 'confidence +0.3σ', change: { confidenceShift: 0.3 }, expect: 'confidence' },
  { name: 'reasoning 5% new words', change: { reasoningShift: 0.05 }, expect: 'reasoning' },
  { name: 'input-only change', change: { inputShift: true }, expect: 'input, not behaviour' },
];

const rate = (hits: number, n: number): string => `${((100 * hits) / n).toFixed(0)}%`.padStart(5);
const verdict = (r: DriftReport, signal: string): boolean =>
  r.signals.find((s) => s.signal === signal)?.verdict === 'drift';

console.log('drift power table: share of resamples where each signal says drift');
console.log(
  'size/side  scenario                 n   outcome  behav.  confid.  reason.  input  any-alarm',
);
let seed = 1;
for (const size of [500, 5_000, 50_000]) {
  const runs =
    size === 500
      ? resamples * 2
      : size === 5_000
        ? resamples
        : Math.max(2, Math.round(resamples / 10));
  for (const sc of SCENARIOS) {
    const hits = { outcome: 0, behaviour: 0, confidence: 0, reasoning: 0, input: 0, any: 0 };
    for (let r = 0; r < runs; r++) {
      const rep = createDriftReport(
        createSyntheticPopulation(size, seed++),
        createSyntheticPopulation(size, seed++, sc.change),
        { seed },
      );
      if (verdict(rep, 'outcome')) hits.outcome++;
      if (rep.behaviour === 'drift') hits.behaviour++;
      if (verdict(rep, 'confidence')) hits.confidence++;
      if (verdict(rep, 'reasoning')) hits.reasoning++;
      if (rep.input === 'drift') hits.input++;
      if (rep.overall === 'drift') hits.any++;
    }
    console.log(
      `${String(size).padStart(9)}  ${sc.name.padEnd(23)} ${String(runs).padStart(3)}  ${rate(hits.outcome, runs)}    ${rate(hits.behaviour, runs)}   ${rate(hits.confidence, runs)}    ${rate(hits.reasoning, runs)}    ${rate(hits.input, runs)}  ${rate(hits.any, runs)}   (expected: ${sc.expect})`,
    );
  }
}

if (million > 0) {
  // Features precomputed: 100,000 distinct decisions per side, repeated to reach the total.
  const half = million / 2;
  const grow = (base: DriftFeatures[]): DriftFeatures[] =>
    Array.from({ length: half }, (_, i) => base[i % base.length]!);
  const a = grow(createSyntheticPopulation(Math.min(100_000, half), 1_000_001));
  const b = grow(
    createSyntheticPopulation(Math.min(100_000, half), 1_000_002, { outcomeShift: 0.02 }),
  );
  const t0 = performance.now();
  const report = createDriftReport(a, b);
  const t1 = performance.now();
  const pairs = pairDecisions(
    a.map((features, index) => ({ index, features })),
    b.map((features, index) => ({ index: half + index, features })),
  );
  const t2 = performance.now();
  console.log(
    `\n${million.toLocaleString('en')} decisions (${half.toLocaleString('en')} per side), features precomputed: report ${((t1 - t0) / 1000).toFixed(2)} s (${report.signals.length} signals, outcome ${report.signals[0]?.verdict}), pairs ${((t2 - t1) / 1000).toFixed(2)} s (${pairs.length} listed)`,
  );
}
