/**
 * The statistics of a replay run: the Wilson score interval of a rate (flip rate), and McNemar's
 * test on paired right/wrong grades (recorded vs replayed outcome of the same decisions).
 */

/**
 * A rate with its Wilson score interval (95% by default).
 *
 * @example
 * const { rate, low, high } = wilson(3, 200); // 0.015, 0.0051, 0.0432
 */
export interface RateInterval {
  readonly k: number;
  readonly n: number;
  readonly rate: number;
  readonly low: number;
  readonly high: number;
}

/**
 * The Wilson score interval of k successes in n trials (Wilson 1927; z = 1.96 for 95%). It
 * stays inside [0, 1] and is sensible at k = 0, where the normal approximation collapses to 0.
 * n = 0 gives rate 0 and the whole interval [0, 1].
 *
 * @example
 * wilson(0, 300).high; // 0.0126: zero flips in 300 still allows up to 1.3%
 */
export function wilson(k: number, n: number, z = 1.96): RateInterval {
  if (n === 0) return { k, n, rate: 0, low: 0, high: 1 };
  const p = k / n;
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denominator;
  return { k, n, rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * McNemar's test on paired grades: `b` decisions right before and wrong after (regressions),
 * `c` wrong before and right after (improvements). Exact two-sided binomial p-value when
 * b + c < 25, else the chi-square statistic with continuity correction (1 degree of freedom).
 *
 * @example
 * mcnemar(12, 3).pValue; // 0.035: more regressions than chance explains
 */
export interface McNemar {
  readonly regressions: number;
  readonly improvements: number;
  readonly statistic: number;
  readonly pValue: number;
  readonly method: 'exact' | 'chi-square';
}

/**
 * See {@link McNemar}.
 *
 * @example
 * const test = mcnemar(regressions, improvements);
 */
export function mcnemar(b: number, c: number): McNemar {
  const n = b + c;
  if (n === 0) {
    return { regressions: b, improvements: c, statistic: 0, pValue: 1, method: 'exact' };
  }
  if (n < 25) {
    // Two-sided exact: twice the smaller binomial tail at p = 1/2, capped at 1.
    const k = Math.min(b, c);
    let tail = 0;
    for (let i = 0; i <= k; i++) tail += binomial(n, i);
    tail /= 2 ** n;
    return {
      regressions: b,
      improvements: c,
      statistic: k,
      pValue: Math.min(1, 2 * tail),
      method: 'exact',
    };
  }
  const statistic = (Math.abs(b - c) - 1) ** 2 / n;
  return {
    regressions: b,
    improvements: c,
    statistic,
    pValue: erfc(Math.sqrt(statistic / 2)),
    method: 'chi-square',
  };
}

function binomial(n: number, k: number): number {
  let result = 1;
  for (let i = 1; i <= k; i++) result = (result * (n - k + i)) / i;
  return result;
}

/** Complementary error function (Numerical Recipes' erfcc, relative error < 1.2e-7). */
function erfc(x: number): number {
  const t = 1 / (1 + 0.5 * Math.abs(x));
  const y =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? y : 2 - y;
}
