/**
 * Two-sample statistics for drift (issue 16), dependency-free. Each is checked against SciPy /
 * scikit-learn values in `stats.test.ts`. Distances take per-category counts or raw samples; the
 * p-values use the usual large-sample distributions (χ² for counts, Kolmogorov for KS, normal for
 * the Mann–Whitney AUC).
 */

/** Share of each count in its total (all zeros when the total is zero). */
function shares(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => (total === 0 ? 0 : c / total));
}

/**
 * Jensen–Shannon distance (the square root of the divergence, base 2, so in [0, 1]) between two
 * count vectors over the same categories, as `scipy.spatial.distance.jensenshannon(p, q, 2)`.
 *
 * @example
 * jensenShannon([50, 50], [50, 50]); // 0
 */
export function jensenShannon(p: readonly number[], q: readonly number[]): number {
  const a = shares(p);
  const b = shares(q);
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i] ?? 0;
    const m = (x + y) / 2;
    if (x > 0) d += 0.5 * x * Math.log2(x / m);
    if (y > 0) d += 0.5 * y * Math.log2(y / m);
  }
  return Math.sqrt(Math.max(0, d));
}

/**
 * Population stability index Σ (q − p)·ln(q / p) over categories, a zero share replaced by 0.0001
 * (Evidently's convention). Bands: < 0.1 no change, 0.1–0.25 moderate, > 0.25 major.
 *
 * @example
 * psi([60, 40], [55, 45]); // ≈ 0.0102
 */
export function psi(p: readonly number[], q: readonly number[]): number {
  const a = shares(p).map((x) => (x === 0 ? 0.0001 : x));
  const b = shares(q).map((x) => (x === 0 ? 0.0001 : x));
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (b[i]! - a[i]!) * Math.log(b[i]! / a[i]!);
  return s;
}

/** The PSI band name for a value. */
export function psiBand(value: number): 'none' | 'moderate' | 'major' {
  return value < 0.1 ? 'none' : value <= 0.25 ? 'moderate' : 'major';
}

/** Largest absolute difference between the two sides' category shares (L∞). */
export function maxShareDifference(p: readonly number[], q: readonly number[]): number {
  const a = shares(p);
  const b = shares(q);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - (b[i] ?? 0)));
  return m;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: about 15 significant digits). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * The regularized upper incomplete gamma Q(s, x) = Γ(s, x) / Γ(s) (series below s + 1, Lentz's
 * continued fraction above: Numerical Recipes §6.2).
 */
export function gammaQ(s: number, x: number): number {
  if (x <= 0) return 1;
  const lead = s * Math.log(x) - x - logGamma(s);
  if (x < s + 1) {
    let term = 1 / s;
    let sum = term;
    for (let k = 1; k < 10_000; k++) {
      term *= x / (s + k);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return Math.max(0, 1 - sum * Math.exp(lead));
  }
  const tiny = 1e-300;
  let b = x + 1 - s;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10_000; i++) {
    const an = -i * (i - s);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.min(1, Math.exp(lead) * h);
}

/** Survival function of χ² with `df` degrees of freedom. */
export function chiSquareSf(x: number, df: number): number {
  return df <= 0 ? 1 : gammaQ(df / 2, x / 2);
}

/** A test's statistic and p-value. */
export interface TestResult {
  readonly statistic: number;
  readonly p: number;
}

/**
 * Pearson's χ² test of homogeneity on a 2×k table of counts (categories empty on both sides are
 * dropped), as `scipy.stats.chi2_contingency(table, correction=False)`.
 *
 * @example
 * chiSquare([60, 40], [55, 45]).p; // ≈ 0.47
 */
export function chiSquare(
  p: readonly number[],
  q: readonly number[],
): TestResult & { readonly df: number } {
  const cols: [number, number][] = [];
  for (let i = 0; i < p.length; i++) {
    const a = p[i]!;
    const b = q[i] ?? 0;
    if (a + b > 0) cols.push([a, b]);
  }
  const n1 = cols.reduce((s, c) => s + c[0], 0);
  const n2 = cols.reduce((s, c) => s + c[1], 0);
  const n = n1 + n2;
  if (cols.length < 2 || n1 === 0 || n2 === 0) return { statistic: 0, p: 1, df: 0 };
  let x = 0;
  for (const [a, b] of cols) {
    const e1 = ((a + b) * n1) / n;
    const e2 = ((a + b) * n2) / n;
    x += (a - e1) ** 2 / e1 + (b - e2) ** 2 / e2;
  }
  const df = cols.length - 1;
  return { statistic: x, p: chiSquareSf(x, df), df };
}

/**
 * Survival function of the Kolmogorov distribution, P(K > x) = 2 Σ (−1)^(k−1) e^(−2k²x²), as
 * `scipy.stats.kstwobign.sf(x)`.
 */
export function kolmogorovSf(x: number): number {
  if (x <= 0) return 1;
  if (x < 0.2) return 1;
  let s = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * x * x);
    s += (k % 2 === 1 ? 1 : -1) * term;
    if (term < 1e-18) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

/**
 * Two-sample Kolmogorov–Smirnov: D = sup |F₁ − F₂| (as `scipy.stats.ks_2samp`) and the asymptotic
 * p-value `kstwobign.sf(D·√(n·m/(n+m)))`. Both samples are sorted in place.
 *
 * @example
 * ksTwoSample(new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6])).statistic; // 1
 */
export function ksTwoSample(a: Float64Array, b: Float64Array): TestResult {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return { statistic: 0, p: 1 };
  a.sort();
  b.sort();
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < n && j < m) {
    const x = Math.min(a[i]!, b[j]!);
    while (i < n && a[i]! <= x) i++;
    while (j < m && b[j]! <= x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const en = Math.sqrt((n * m) / (n + m));
  return { statistic: d, p: kolmogorovSf(d * en) };
}

/**
 * Wasserstein-1 distance between two samples' empirical distributions divided by the first
 * sample's standard deviation (at least 0.001: Evidently's "normed" Wasserstein). Both samples
 * must be sorted (as {@link ksTwoSample} leaves them).
 *
 * @example
 * wassersteinNormed(new Float64Array([0, 1]), new Float64Array([1, 2])); // 2
 */
export function wassersteinNormed(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return 0;
  // ∫|F_a − F_b| dx, walking the merged sorted values.
  let i = 0;
  let j = 0;
  let w = 0;
  let prev = Math.min(a[0]!, b[0]!);
  while (i < n || j < m) {
    const x = j >= m || (i < n && a[i]! <= b[j]!) ? a[i]! : b[j]!;
    w += Math.abs(i / n - j / m) * (x - prev);
    prev = x;
    while (i < n && a[i]! <= x) i++;
    while (j < m && b[j]! <= x) j++;
  }
  let mean = 0;
  for (const x of a) mean += x;
  mean /= n;
  let v = 0;
  for (const x of a) v += (x - mean) ** 2;
  return w / Math.max(Math.sqrt(v / n), 0.001);
}

/**
 * Benjamini–Hochberg adjusted p-values (q-values), in the input order, as
 * `scipy.stats.false_discovery_control(ps, method='bh')`.
 *
 * @example
 * benjaminiHochberg([0.01, 0.04, 0.03]); // [0.03, 0.04, 0.04]
 */
export function benjaminiHochberg(ps: readonly number[]): number[] {
  const m = ps.length;
  const order = ps.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
  const q = new Array<number>(m);
  let running = 1;
  for (let r = m - 1; r >= 0; r--) {
    const [p, i] = order[r]!;
    running = Math.min(running, (p * m) / (r + 1));
    q[i] = running;
  }
  return q;
}

/** Standard normal survival function (Abramowitz–Stegun 7.1.26 via erfc, |error| < 1.5e-7). */
export function normalSf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
    Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/**
 * ROC AUC of scores for labels (1 = current side), ties counted half (the Mann–Whitney U / n₁n₂),
 * as `sklearn.metrics.roc_auc_score`; and the one-sided p-value of AUC > 0.5 under the null
 * (normal approximation, variance (n₁+n₂+1)/(12n₁n₂)).
 *
 * @example
 * rocAuc([0.1, 0.9], [0, 1]).statistic; // 1
 */
export function rocAuc(scores: readonly number[], labels: readonly (0 | 1)[]): TestResult {
  const idx = scores.map((_, i) => i).sort((x, y) => scores[x]! - scores[y]!);
  let n1 = 0;
  let rankSum = 0;
  for (let r = 0; r < idx.length;) {
    let e = r;
    while (e + 1 < idx.length && scores[idx[e + 1]!] === scores[idx[r]!]) e++;
    const rank = (r + e) / 2 + 1;
    for (let k = r; k <= e; k++) {
      if (labels[idx[k]!] === 1) {
        n1++;
        rankSum += rank;
      }
    }
    r = e + 1;
  }
  const n0 = idx.length - n1;
  if (n0 === 0 || n1 === 0) return { statistic: 0.5, p: 1 };
  const auc = (rankSum - (n1 * (n1 + 1)) / 2) / (n0 * n1);
  const sd = Math.sqrt((n0 + n1 + 1) / (12 * n0 * n1));
  return { statistic: auc, p: normalSf((auc - 0.5) / sd) };
}

/** A term that separates the two sides, with its smoothed log ratio (positive: more in current). */
export interface SeparatingTerm {
  readonly term: string;
  readonly logRatio: number;
  readonly baseline: number;
  readonly current: number;
}

/** The result of the lexical domain-classifier test. */
export interface DomainClassifierResult extends TestResult {
  /** The most separating terms, current-leaning first then baseline-leaning. */
  readonly terms: readonly SeparatingTerm[];
}

/** A deterministic PRNG (mulberry32) for fold assignment. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Lexical domain-classifier two-sample test (Lopez-Paz & Oquab 2017): a multinomial naive Bayes on
 * term counts tells baseline (0) from current (1); its out-of-fold scores from `folds`-fold
 * cross-validation (seeded) give a ROC AUC, 0.5 meaning "indistinguishable", with the normal
 * null's one-sided p-value. Sides are balanced by class priors set to ½.
 *
 * @example
 * domainClassifier(baselineTerms, currentTerms).statistic; // AUC
 */
export function domainClassifier(
  baseline: readonly Readonly<Record<string, number>>[],
  current: readonly Readonly<Record<string, number>>[],
  options: { folds?: number; seed?: number; topTerms?: number } = {},
): DomainClassifierResult {
  const folds = options.folds ?? 5;
  const random = mulberry32(options.seed ?? 42);
  const docs = [...baseline.map((d) => [d, 0] as const), ...current.map((d) => [d, 1] as const)];
  const fold = docs.map(() => Math.floor(random() * folds));
  // Term totals per fold and side, so each fold's model is "all counts minus this fold's".
  const vocab = new Map<string, number>();
  for (const [d] of docs)
    for (const t of Object.keys(d)) if (!vocab.has(t)) vocab.set(t, vocab.size);
  const v = vocab.size;
  const perFold = Array.from({ length: folds }, () => [new Float64Array(v), new Float64Array(v)]);
  const totals = [new Float64Array(v), new Float64Array(v)] as const;
  docs.forEach(([d, side], i) => {
    const f = perFold[fold[i]!]!;
    for (const [t, c] of Object.entries(d)) {
      const k = vocab.get(t)!;
      f[side]![k]! += c;
      totals[side][k]! += c;
    }
  });
  const sum = (a: Float64Array): number => a.reduce((s, x) => s + x, 0);
  const scores = new Array<number>(docs.length);
  for (let f = 0; f < folds; f++) {
    const c0 = totals[0].map((x, k) => x - perFold[f]![0]![k]!);
    const c1 = totals[1].map((x, k) => x - perFold[f]![1]![k]!);
    const s0 = sum(c0) + v;
    const s1 = sum(c1) + v;
    const weight = new Float64Array(v);
    for (let k = 0; k < v; k++)
      weight[k] = Math.log((c1[k]! + 1) / s1) - Math.log((c0[k]! + 1) / s0);
    docs.forEach(([d], i) => {
      if (fold[i] !== f) return;
      let s = 0;
      for (const [t, c] of Object.entries(d)) s += c * weight[vocab.get(t)!]!;
      scores[i] = s;
    });
  }
  const auc = rocAuc(
    scores,
    docs.map(([, side]) => side),
  );
  const s0 = sum(totals[0]) + v;
  const s1 = sum(totals[1]) + v;
  const all = [...vocab].map(([term, k]) => ({
    term,
    logRatio: Math.log((totals[1][k]! + 1) / s1) - Math.log((totals[0][k]! + 1) / s0),
    baseline: totals[0][k]!,
    current: totals[1][k]!,
  }));
  // Rank by log ratio weighted by how often the term occurs, so rare terms don't dominate.
  const weight = (t: SeparatingTerm): number =>
    Math.abs(t.logRatio) * Math.log1p(t.baseline + t.current);
  const top = options.topTerms ?? 10;
  const up = all.filter((t) => t.logRatio > 0).sort((a, b) => weight(b) - weight(a));
  const down = all.filter((t) => t.logRatio < 0).sort((a, b) => weight(b) - weight(a));
  return { ...auc, terms: [...up.slice(0, top), ...down.slice(0, top)] };
}
