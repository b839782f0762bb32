/**
 * CI gates on a replay run: `flip-rate<=0.02`, `divergence-rate<=0`, `error-rate<0.01`, comma
 * separated; the run fails (exit 1) when one is exceeded.
 */
import { DocketError } from '@docket/protocol';

/** What a gate can bound: the share of replayed decisions that flipped, diverged or failed. */
export type GateMetric = 'flip-rate' | 'divergence-rate' | 'error-rate';

/**
 * One gate: `metric op threshold`.
 *
 * @example
 * const gate: Gate = { metric: 'flip-rate', op: '<=', threshold: 0.02, text: 'flip-rate<=0.02' };
 */
export interface Gate {
  readonly metric: GateMetric;
  readonly op: '<=' | '<';
  readonly threshold: number;
  readonly text: string;
}

const METRICS: readonly GateMetric[] = ['flip-rate', 'divergence-rate', 'error-rate'];

/**
 * Parses `--gate`; a usage error (`USAGE`, where `--gate`) for anything else.
 *
 * @example
 * parseGates('flip-rate<=0.02,divergence-rate<=0'); // two gates
 */
export function parseGates(text: string): Gate[] {
  return text.split(',').map((part) => {
    const m = /^\s*([a-z-]+)\s*(<=|<)\s*([0-9]*\.?[0-9]+)\s*$/.exec(part);
    const metric = m?.[1] as GateMetric | undefined;
    if (m === null || metric === undefined || !METRICS.includes(metric)) {
      throw new DocketError(
        'USAGE',
        `--gate "${part}": expected METRIC<=NUMBER, METRIC one of ${METRICS.join(', ')}`,
        { where: '--gate' },
      );
    }
    const threshold = Number(m[3]);
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new DocketError('USAGE', `--gate "${part}": the threshold is a rate in [0, 1]`, {
        where: '--gate',
      });
    }
    return { metric, op: m[2] as '<=' | '<', threshold, text: part.trim() };
  });
}

/**
 * A gate's verdict on the run's rates.
 *
 * @example
 * const verdicts = checkGates(gates, { 'flip-rate': 0.01, 'divergence-rate': 0, 'error-rate': 0 });
 */
export interface GateVerdict {
  readonly gate: string;
  readonly value: number;
  readonly passed: boolean;
}

/**
 * Checks every gate against the measured rates.
 *
 * @example
 * checkGates(parseGates('flip-rate<=0.02'), rates).every((v) => v.passed);
 */
export function checkGates(
  gates: readonly Gate[],
  rates: Readonly<Record<GateMetric, number>>,
): GateVerdict[] {
  return gates.map((g) => {
    const value = rates[g.metric];
    return {
      gate: g.text,
      value,
      passed: g.op === '<=' ? value <= g.threshold : value < g.threshold,
    };
  });
}
