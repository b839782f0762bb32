/**
 * Which decision the demo makes at each index: the agent, its version and the time, all from the
 * seed and the index alone, so `--count 300` and `--count 1000` agree on the first 300.
 */
import { claimsCase } from './claims-triage.js';
import { clinicalCase } from './clinical-alerts.js';
import { loanCase } from './loan-approval.js';
import { clamp, DemoRandom, demoUuidV7 } from './random.js';
import type { CaseInput, DemoCase } from './scenario.js';
import { MINUTE } from './scenario.js';

/** The demo's default seed. */
export const DEMO_SEED = 'docket-demo-v1';

/** When the demo's first decision was made; later ones follow about every ten minutes. */
const EPOCH = Date.parse('2024-11-04T06:00:00.000Z');

const SCENARIOS: readonly [typeof loanCase, typeof claimsCase, typeof clinicalCase] = [
  loanCase,
  claimsCase,
  clinicalCase,
];

/**
 * The demo decision at `index` for `seed`: always the same one.
 *
 * @example
 * const first = demoCase(DEMO_SEED, 0); // a loan decision by the older agent version
 */
export function demoCase(seed: string, index: number): DemoCase {
  const pick = new DemoRandom(seed, 'pick', index);
  // The first six cover every agent and both versions, so any count from 6 shows them all.
  const scenario: 0 | 1 | 2 =
    index < 6
      ? ((index % 3) as 0 | 1 | 2)
      : pick.weighted([
          [0, 45],
          [1, 30],
          [2, 25],
        ] as const);
  const make = SCENARIOS[scenario];
  // The newer versions roll out over time: 15% of decisions at first, 75% from index 360 on.
  const generation: 0 | 1 =
    index < 6 ? (index < 3 ? 0 : 1) : pick.chance(clamp(0.15 + index / 600, 0.15, 0.75)) ? 1 : 0;
  const ms = EPOCH + index * 10 * MINUTE + pick.int(0, 9 * MINUTE);
  const input: CaseInput = {
    seed,
    index,
    id: demoUuidV7(ms, seed, 'decision', index),
    ms,
    rng: new DemoRandom(seed, 'case', index),
    generation,
  };
  return make(input);
}
