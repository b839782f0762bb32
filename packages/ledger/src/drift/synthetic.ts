import type { DriftFeatures } from './features.js';
import { simHash } from './features.js';
import { mulberry32 } from './stats.js';

/** Changes injected into a synthetic population (all zero: the reference population). */
export interface InjectedChange {
  /** Added to every decision's approval probability (0.05: a 5-point outcome-mix shift). */
  readonly outcomeShift?: number;
  /** Added to every confidence (in units of its standard deviation, 0.1). */
  readonly confidenceShift?: number;
  /** Share of reasoning words replaced by words the reference never uses. */
  readonly reasoningShift?: number;
  /** Moves the inputs only (segment mix and income); the agent's policy stays the same. */
  readonly inputShift?: boolean;
}

const WORDS = [
  'income',
  'debt',
  'ratio',
  'stable',
  'history',
  'score',
  'limit',
  'payment',
  'employment',
  'tenure',
  'collateral',
  'bureau',
  'utilization',
  'delinquency',
  'savings',
  'verified',
  'address',
  'requested',
  'amount',
  'term',
  'rate',
  'policy',
  'threshold',
  'band',
  'risk',
  'low',
  'medium',
  'high',
  'within',
  'exceeds',
];
const NEW_WORDS = ['affordability', 'stress', 'buffer', 'macro', 'volatility', 'override'];
const SEGMENTS = ['retail', 'smb', 'corporate'] as const;

/** A standard normal draw (Box–Muller) from a uniform source. */
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/**
 * A synthetic population of loan decisions' features with known injected changes, for the drift
 * power benchmark and tests: approval depends on the input (segment, income), so an input-only
 * change moves the outcome mix without any change in the agent's behaviour.
 *
 * @example
 * const shifted = createSyntheticPopulation(5_000, 7, { outcomeShift: 0.05 });
 */
export function createSyntheticPopulation(
  n: number,
  seed: number,
  change: InjectedChange = {},
): DriftFeatures[] {
  const random = mulberry32(seed);
  const mix = change.inputShift === true ? [0.3, 0.3, 0.4] : [0.5, 0.3, 0.2];
  const out: DriftFeatures[] = [];
  for (let i = 0; i < n; i++) {
    const u = random();
    const s = u < mix[0]! ? 0 : u < mix[0]! + mix[1]! ? 1 : 2;
    const income = Math.round(60 + (change.inputShift === true ? 10 : 0) + 15 * normal(random));
    const pApprove = Math.min(
      0.98,
      Math.max(0.02, 0.45 + 0.1 * s + 0.004 * (income - 60) + (change.outcomeShift ?? 0)),
    );
    const outcome = random() < pApprove ? 'approve' : 'deny';
    const confidence = 0.75 + 0.1 * normal(random) + 0.1 * (change.confidenceShift ?? 0);
    const terms: Record<string, number> = {};
    for (let k = 0; k < 12; k++) {
      const w =
        random() < (change.reasoningShift ?? 0)
          ? NEW_WORDS[Math.floor(random() * NEW_WORDS.length)]!
          : WORDS[Math.floor(random() * WORDS.length)]!;
      terms[w] = (terms[w] ?? 0) + 1;
    }
    terms[outcome] = 1;
    const tools = random() < 0.3 ? ['credit_bureau', 'fraud_check'] : ['credit_bureau'];
    const segment = SEGMENTS[s];
    out.push({
      outcome,
      confidence: Math.round(confidence * 1000) / 1000,
      alternatives: ['approve', 'deny'],
      tools,
      toolErrors: 0,
      models: ['openai/gpt-4o'],
      rules: ['dti_max', 'min_income'],
      terms,
      reasoningLength: 13,
      reasoningHash: simHash(Object.keys(terms)),
      input: `${seed}:${i}`,
      inputHash: simHash([`segment=${segment}`, `income=${income}`]),
      numeric: { income },
      categorical: { segment },
    });
  }
  return out;
}
