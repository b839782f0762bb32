/**
 * NEWS2, the National Early Warning Score 2 (Royal College of Physicians, 2017): a DETERMINISTIC
 * scoring chart over seven vital signs, used here as the agent's risk model. No network model is
 * called. Pure functions only, so workflow code may import the types.
 */

/** ACVPU: alert, new confusion, voice, pain, unresponsive. */
export type Consciousness = 'A' | 'C' | 'V' | 'P' | 'U';

/** One set of observations from a bedside monitor or an e-obs chart. */
export type Vitals = {
  readonly respirationRate: number;
  readonly spo2: number;
  readonly onSupplementalOxygen: boolean;
  readonly systolicBp: number;
  readonly heartRate: number;
  readonly consciousness: Consciousness;
  /** °C. */
  readonly temperature: number;
};

/** The score per parameter, the aggregate and whether any single parameter scored 3. */
export type News2 = {
  readonly total: number;
  readonly parameters: Readonly<Record<keyof Vitals, number>>;
  readonly redScore: boolean;
  readonly spo2Scale: 1 | 2;
};

const band = (value: number, bands: readonly (readonly [number, number])[]): number => {
  for (const [upTo, score] of bands) if (value <= upTo) return score;
  return bands[bands.length - 1]![1];
};

/** SpO2 scale 2 is for patients with hypercapnic respiratory failure (target 88–92%). */
function spo2Score(spo2: number, onOxygen: boolean, scale: 1 | 2): number {
  if (scale === 1)
    return band(spo2, [
      [91, 3],
      [93, 2],
      [95, 1],
      [Infinity, 0],
    ]);
  if (spo2 <= 87)
    return band(spo2, [
      [83, 3],
      [85, 2],
      [87, 1],
    ]);
  if (spo2 <= 92 || !onOxygen) return 0;
  return band(spo2, [
    [94, 1],
    [96, 2],
    [Infinity, 3],
  ]);
}

/**
 * Scores one set of observations.
 *
 * @example
 * news2({ respirationRate: 24, spo2: 93, onSupplementalOxygen: true, systolicBp: 98, heartRate: 118, consciousness: 'A', temperature: 38.6 }, 1).total; // 11
 */
export function news2(v: Vitals, spo2Scale: 1 | 2): News2 {
  const parameters = {
    respirationRate: band(v.respirationRate, [
      [8, 3],
      [11, 1],
      [20, 0],
      [24, 2],
      [Infinity, 3],
    ]),
    spo2: spo2Score(v.spo2, v.onSupplementalOxygen, spo2Scale),
    onSupplementalOxygen: v.onSupplementalOxygen ? 2 : 0,
    systolicBp: band(v.systolicBp, [
      [90, 3],
      [100, 2],
      [110, 1],
      [219, 0],
      [Infinity, 3],
    ]),
    heartRate: band(v.heartRate, [
      [40, 3],
      [50, 1],
      [90, 0],
      [110, 1],
      [130, 2],
      [Infinity, 3],
    ]),
    consciousness: v.consciousness === 'A' ? 0 : 3,
    temperature: band(v.temperature, [
      [35.0, 3],
      [36.0, 1],
      [38.0, 0],
      [39.0, 1],
      [Infinity, 2],
    ]),
  };
  const scores = Object.values(parameters);
  return {
    total: scores.reduce((a, b) => a + b, 0),
    parameters,
    redScore: scores.some((s) => s === 3),
    spo2Scale,
  };
}
