import type { DriftFeatures } from './features.js';
import { hammingHex } from './features.js';
import {
  benjaminiHochberg,
  chiSquare,
  chiSquareSf,
  domainClassifier,
  jensenShannon,
  ksTwoSample,
  maxShareDifference,
  mulberry32,
  psi,
  psiBand,
  wassersteinNormed,
} from './stats.js';
import type { SeparatingTerm } from './stats.js';

/** A signal's verdict; `insufficient-data` when either side has too few values to judge. */
export type DriftVerdict = 'drift' | 'no-drift' | 'insufficient-data';

/**
 * What a signal is about: the agent's `output` (its decisions, marginally), its `behaviour` (its
 * outcome for the same kind of input) or its `input` (the context it was given).
 */
export type SignalKind = 'output' | 'behaviour' | 'input';

/** One row of a drift report. */
export interface DriftSignal {
  readonly signal: string;
  readonly kind: SignalKind;
  readonly test: 'chi-square' | 'ks' | 'domain-classifier' | 'stratified-chi-square';
  /** The effect size the verdict requires (`minEffect`): share change, W/σ or AUC. */
  readonly effect: number;
  readonly minEffect: number;
  readonly p: number;
  /** The Benjamini–Hochberg adjusted p-value over every signal of the report. */
  readonly q: number;
  readonly verdict: DriftVerdict;
  readonly baselineCount: number;
  readonly currentCount: number;
  /** Jensen–Shannon distance, PSI and its band (categorical signals). */
  readonly js?: number;
  readonly psi?: number;
  readonly psiBand?: 'none' | 'moderate' | 'major';
  /** KS statistic (numeric signals). */
  readonly ks?: number;
  /** Shares per category on each side (categorical signals), largest first. */
  readonly categories?: readonly { name: string; baseline: number; current: number }[];
  /** Reasoning: the most separating terms. */
  readonly terms?: readonly SeparatingTerm[];
  /** Why the verdict is `insufficient-data`. */
  readonly reason?: string;
}

/** Options of {@link createDriftReport}. */
export interface DriftOptions {
  /** False-discovery rate for the Benjamini–Hochberg correction (default 0.01). */
  readonly alpha?: number;
  /** Fewest values per side for a verdict (default 30). */
  readonly minSamples?: number;
  /** Smallest share change of a category that counts as drift (default 0.02: 2 points). */
  readonly minShareChange?: number;
  /** Smallest normalized Wasserstein distance that counts as drift (default 0.1). */
  readonly minWasserstein?: number;
  /** Smallest domain-classifier AUC that counts as drift (default 0.55, Evidently's). */
  readonly minAuc?: number;
  /** Most decisions per side the reasoning classifier reads (a seeded sample; default 20,000). */
  readonly classifierSample?: number;
  readonly seed?: number;
}

/** A drift report between two populations of one agent. */
export interface DriftReport {
  readonly baselineCount: number;
  readonly currentCount: number;
  readonly signals: readonly DriftSignal[];
  /** Did the agent's response to the same kind of input change (outcome within input strata)? */
  readonly behaviour: DriftVerdict;
  /** Did the inputs change (any context field)? */
  readonly input: DriftVerdict;
  /** Did any signal drift? */
  readonly overall: DriftVerdict;
  /** Decisions of the current side whose exact input the baseline also has, and how many flipped. */
  readonly pairs: { readonly matched: number; readonly flipped: number };
  readonly options: Required<DriftOptions>;
  /** Plain-language notes (one side much smaller, samples taken). */
  readonly notes: readonly string[];
}

const DEFAULTS: Required<DriftOptions> = {
  alpha: 0.01,
  minSamples: 30,
  minShareChange: 0.02,
  minWasserstein: 0.1,
  minAuc: 0.55,
  classifierSample: 20_000,
  seed: 42,
};

/** Most categories a categorical signal keeps (the rest are counted as `(other)`). */
const MAX_CATEGORIES = 20;
/** Most context fields tested for input drift, per kind. */
const MAX_INPUT_FIELDS = 12;

type Pending = Omit<DriftSignal, 'q' | 'verdict'> & { readonly passes: boolean };

/** Counts of each side over the union of categories, `(other)` past {@link MAX_CATEGORIES}. */
function countsOf(
  a: readonly string[],
  b: readonly string[],
): { names: string[]; p: number[]; q: number[] } {
  const total = new Map<string, number>();
  for (const x of a) total.set(x, (total.get(x) ?? 0) + 1);
  for (const x of b) total.set(x, (total.get(x) ?? 0) + 1);
  const ranked = [...total].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
  const names = ranked.slice(0, MAX_CATEGORIES).map(([n]) => n);
  if (ranked.length > MAX_CATEGORIES) names.push('(other)');
  const slot = new Map(names.map((n, i) => [n, i]));
  const other = names.length - 1;
  const p = new Array<number>(names.length).fill(0);
  const q = new Array<number>(names.length).fill(0);
  for (const x of a) p[slot.get(x) ?? other]!++;
  for (const x of b) q[slot.get(x) ?? other]!++;
  return { names, p, q };
}

function categorical(
  signal: string,
  kind: SignalKind,
  a: readonly string[],
  b: readonly string[],
  o: Required<DriftOptions>,
): Pending {
  const { names, p, q } = countsOf(a, b);
  const chi = chiSquare(p, q);
  const effect = maxShareDifference(p, q);
  const psiValue = psi(p, q);
  return {
    signal,
    kind,
    test: 'chi-square',
    effect,
    minEffect: o.minShareChange,
    p: chi.p,
    baselineCount: a.length,
    currentCount: b.length,
    js: jensenShannon(p, q),
    psi: psiValue,
    psiBand: psiBand(psiValue),
    categories: names.map((name, i) => ({
      name,
      baseline: a.length === 0 ? 0 : p[i]! / a.length,
      current: b.length === 0 ? 0 : q[i]! / b.length,
    })),
    passes: effect >= o.minShareChange,
  };
}

function numeric(
  signal: string,
  kind: SignalKind,
  a: Float64Array,
  b: Float64Array,
  o: Required<DriftOptions>,
): Pending {
  const ks = ksTwoSample(a, b);
  const effect = wassersteinNormed(a, b);
  return {
    signal,
    kind,
    test: 'ks',
    effect,
    minEffect: o.minWasserstein,
    p: ks.p,
    baselineCount: a.length,
    currentCount: b.length,
    ks: ks.statistic,
    passes: effect >= o.minWasserstein,
  };
}

/** A seeded sample of at most `n` items (all of them when there are fewer). */
function sample<T>(items: readonly T[], n: number, random: () => number): readonly T[] {
  if (items.length <= n) return items;
  const copy = items.slice();
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

const signature = (xs: readonly string[]): string => (xs.length === 0 ? '(none)' : xs.join('+'));

/** Numbers of one field on each side (decisions without it are skipped). */
function values(
  side: readonly DriftFeatures[],
  get: (f: DriftFeatures) => number | undefined,
): Float64Array {
  const out: number[] = [];
  for (const f of side) {
    const v = get(f);
    if (v !== undefined) out.push(v);
  }
  return Float64Array.from(out);
}

/** The context fields present in at least half of each side, most common first. */
function commonFields(
  a: readonly DriftFeatures[],
  b: readonly DriftFeatures[],
  pick: (f: DriftFeatures) => Readonly<Record<string, unknown>>,
): string[] {
  const count = (side: readonly DriftFeatures[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const f of side) for (const k of Object.keys(pick(f))) m.set(k, (m.get(k) ?? 0) + 1);
    return m;
  };
  const ca = count(a);
  const cb = count(b);
  return [...ca]
    .filter(([k, n]) => n * 2 >= a.length && (cb.get(k) ?? 0) * 2 >= b.length)
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .map(([k]) => k);
}

/**
 * The stratum of each decision: its values of the low-cardinality categorical context fields and
 * the baseline quintile of the main numeric fields, so outcome shares can be compared for "the
 * same kind of input" (a Cochran–Mantel–Haenszel-style stratified test, drift-replay.md §(b)).
 */
function strataOf(
  a: readonly DriftFeatures[],
  b: readonly DriftFeatures[],
): { a: string[]; b: string[]; fields: string[] } {
  const cats = commonFields(a, b, (f) => f.categorical)
    .filter((k) => new Set(a.map((f) => f.categorical[k])).size <= 10)
    .slice(0, 3);
  const nums = commonFields(a, b, (f) => f.numeric)
    .filter((k) => new Set(a.slice(0, 2_000).map((f) => f.numeric[k])).size > 10)
    .slice(0, 2);
  const cuts = nums.map((k) => {
    const v = values(a, (f) => f.numeric[k]).sort();
    return [1, 2, 3, 4].map((i) => v[Math.floor((v.length * i) / 5)] ?? 0);
  });
  const key = (f: DriftFeatures): string =>
    [
      ...cats.map((k) => f.categorical[k] ?? ''),
      ...nums.map((k, i) => {
        const x = f.numeric[k];
        return x === undefined ? '' : String(cuts[i]!.filter((c) => x >= c).length);
      }),
    ].join('\u0000');
  return { a: a.map(key), b: b.map(key), fields: [...cats, ...nums] };
}

function stratified(
  a: readonly DriftFeatures[],
  b: readonly DriftFeatures[],
  o: Required<DriftOptions>,
): Pending {
  const strata = strataOf(a, b);
  const groups = new Map<string, { a: string[]; b: string[] }>();
  strata.a.forEach((s, i) => {
    let g = groups.get(s);
    if (g === undefined) groups.set(s, (g = { a: [], b: [] }));
    g.a.push(a[i]!.outcome);
  });
  strata.b.forEach((s, i) => groups.get(s)?.b.push(b[i]!.outcome));
  let x = 0;
  let df = 0;
  let na = 0;
  let nb = 0;
  // The effect is the outcome shares' change standardized to the baseline's strata (signed per
  // stratum, so noise in thin strata cancels instead of adding up): Σ_s w_s (q_sc − p_sc).
  const change = new Map<string, number>();
  for (const g of groups.values()) {
    // A stratum too thin on either side says nothing about the agent; it is left out.
    if (g.a.length < 5 || g.b.length < 5) continue;
    const { names, p, q } = countsOf(g.a, g.b);
    const chi = chiSquare(p, q);
    x += chi.statistic;
    df += chi.df;
    names.forEach((name, i) => {
      const d = g.a.length * (q[i]! / g.b.length - p[i]! / g.a.length);
      change.set(name, (change.get(name) ?? 0) + d);
    });
    na += g.a.length;
    nb += g.b.length;
  }
  const e = na === 0 ? 0 : Math.max(0, ...[...change.values()].map((d) => Math.abs(d) / na));
  return {
    signal:
      strata.fields.length === 0 ? 'outcome | input' : `outcome | ${strata.fields.join(', ')}`,
    kind: 'behaviour',
    test: 'stratified-chi-square',
    effect: e,
    minEffect: o.minShareChange,
    p: chiSquareSf(x, df),
    baselineCount: na,
    currentCount: nb,
    passes: e >= o.minShareChange,
  };
}

/**
 * Compares two populations of one agent's decisions, signal by signal: categorical (outcome,
 * tools, models, rules) with χ², Jensen–Shannon and PSI; numeric (confidence, outcome value, top
 * alternative score, context numbers) with KS and normalized Wasserstein; reasoning with a
 * lexical domain classifier; behaviour (outcome within input strata) apart from input (context
 * fields). A signal drifts when its Benjamini–Hochberg adjusted p-value is below `alpha` and its
 * effect reaches the minimum; with fewer than `minSamples` values on a side it is
 * `insufficient-data`. Never NaN: every number is finite.
 *
 * @example
 * const report = createDriftReport(baseline.map((r) => r.features), current.map((r) => r.features));
 */
export function createDriftReport(
  baseline: readonly DriftFeatures[],
  current: readonly DriftFeatures[],
  options: DriftOptions = {},
): DriftReport {
  const o: Required<DriftOptions> = { ...DEFAULTS, ...options };
  const a = baseline;
  const b = current;
  const pending: Pending[] = [];
  const notes: string[] = [];
  pending.push(
    categorical(
      'outcome',
      'output',
      a.map((f) => f.outcome),
      b.map((f) => f.outcome),
      o,
    ),
  );
  pending.push(stratified(a, b, o));
  for (const [name, get] of [
    ['tools', (f: DriftFeatures) => signature(f.tools)],
    ['models', (f: DriftFeatures) => signature(f.models)],
    ['rules', (f: DriftFeatures) => signature(f.rules)],
    ['prompt', (f: DriftFeatures) => f.prompt ?? '(none)'],
  ] as const) {
    pending.push(categorical(name, 'output', a.map(get), b.map(get), o));
  }
  for (const [name, get] of [
    ['confidence', (f: DriftFeatures) => f.confidence],
    ['outcome value', (f: DriftFeatures) => f.value],
    ['top alternative score', (f: DriftFeatures) => f.topScore],
    ['reasoning length', (f: DriftFeatures) => f.reasoningLength],
  ] as const) {
    const va = values(a, get);
    const vb = values(b, get);
    if (va.length === 0 && vb.length === 0) continue;
    pending.push(numeric(name, 'output', va, vb, o));
  }
  const random = mulberry32(o.seed);
  const sa = sample(a, o.classifierSample, random);
  const sb = sample(b, o.classifierSample, random);
  if (sa.length < a.length || sb.length < b.length) {
    notes.push(
      `reasoning classifier read a seeded sample of ${sa.length} + ${sb.length} decisions`,
    );
  }
  const dc = domainClassifier(
    sa.map((f) => f.terms),
    sb.map((f) => f.terms),
    { seed: o.seed },
  );
  pending.push({
    signal: 'reasoning',
    kind: 'output',
    test: 'domain-classifier',
    effect: dc.statistic,
    minEffect: o.minAuc,
    p: dc.p,
    baselineCount: sa.length,
    currentCount: sb.length,
    terms: dc.terms,
    passes: dc.statistic >= o.minAuc,
  });
  for (const k of commonFields(a, b, (f) => f.numeric).slice(0, MAX_INPUT_FIELDS)) {
    const get = (f: DriftFeatures): number | undefined => f.numeric[k];
    pending.push(numeric(`input ${k}`, 'input', values(a, get), values(b, get), o));
  }
  for (const k of commonFields(a, b, (f) => f.categorical).slice(0, MAX_INPUT_FIELDS)) {
    const get = (f: DriftFeatures): string => f.categorical[k] ?? '(none)';
    pending.push(categorical(`input ${k}`, 'input', a.map(get), b.map(get), o));
  }
  const small = Math.min(a.length, b.length);
  const large = Math.max(a.length, b.length);
  if (small > 0 && large / small > 20) {
    notes.push(
      `one side is ${Math.round(large / small)}× the other: the smaller side limits power`,
    );
  }
  // BH over the signals that have a verdict to give.
  const judged = pending.filter(
    (s) => s.baselineCount >= o.minSamples && s.currentCount >= o.minSamples,
  );
  const qs = benjaminiHochberg(judged.map((s) => s.p));
  const qOf = new Map(judged.map((s, i) => [s, qs[i]!]));
  const signals: DriftSignal[] = pending.map((row) => {
    const { passes, ...s } = row;
    const q = qOf.get(row);
    const p = finite(s.p, 1);
    if (q === undefined) {
      return {
        ...s,
        p,
        q: 1,
        effect: finite(s.effect, 0),
        verdict: 'insufficient-data',
        reason: `fewer than ${o.minSamples} values on a side (${s.baselineCount} vs ${s.currentCount})`,
      };
    }
    return {
      ...s,
      p,
      q: finite(q, 1),
      effect: finite(s.effect, 0),
      verdict: q < o.alpha && passes ? 'drift' : 'no-drift',
    };
  });
  const combine = (rows: readonly DriftSignal[]): DriftVerdict =>
    rows.some((s) => s.verdict === 'drift')
      ? 'drift'
      : rows.length === 0 || rows.every((s) => s.verdict === 'insufficient-data')
        ? 'insufficient-data'
        : 'no-drift';
  const inputs = new Map<string, string>();
  for (const f of a) inputs.set(f.input, f.outcome);
  let matched = 0;
  let flipped = 0;
  for (const f of b) {
    const before = inputs.get(f.input);
    if (before === undefined) continue;
    matched++;
    if (before !== f.outcome) flipped++;
  }
  return {
    baselineCount: a.length,
    currentCount: b.length,
    signals,
    behaviour: combine(signals.filter((s) => s.kind === 'behaviour')),
    input: combine(signals.filter((s) => s.kind === 'input')),
    overall: combine(signals),
    pairs: { matched, flipped },
    options: o,
    notes,
  };
}

const finite = (x: number, fallback: number): number => (Number.isFinite(x) ? x : fallback);

/** One field that differs between a current decision and its nearest baseline decision. */
export interface FieldDiff {
  readonly field: string;
  readonly baseline: unknown;
  readonly current: unknown;
}

/** A current decision paired with the nearest baseline decision on the same or near input. */
export interface DecisionPair {
  readonly kind: 'same-input-different-outcome' | 'same-outcome-different-reasoning';
  readonly baselineIndex: number;
  readonly currentIndex: number;
  /** Bits between the inputs' SimHashes (0 with `exactInput`). */
  readonly inputDistance: number;
  readonly exactInput: boolean;
  /** Bits between the reasonings' SimHashes (of 64). */
  readonly reasoningDistance: number;
  readonly diff: readonly FieldDiff[];
}

/** A decision's features with its log index (and version), as pairs refer to them. */
export interface IndexedFeatures {
  readonly index: number;
  readonly agentVersion?: string;
  readonly features: DriftFeatures;
}

/** Options of {@link pairDecisions}. */
export interface PairOptions {
  /** Largest input SimHash distance still "near-identical" (default 3 bits). */
  readonly maxInputDistance?: number;
  /** Smallest reasoning SimHash distance that is "different reasoning" (default 16 bits). */
  readonly minReasoningDistance?: number;
  /** Most pairs returned (default 50). */
  readonly limit?: number;
}

const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);

function diffOf(x: IndexedFeatures, y: IndexedFeatures): FieldDiff[] {
  const out: FieldDiff[] = [];
  const f = x.features;
  const g = y.features;
  const add = (field: string, u: unknown, v: unknown): void => {
    if (!same(u, v)) out.push({ field, baseline: u ?? null, current: v ?? null });
  };
  add('agent.version', x.agentVersion, y.agentVersion);
  add('outcome', f.outcome, g.outcome);
  add('outcome.value', f.value, g.value);
  add('confidence', f.confidence, g.confidence);
  add('alternatives', f.alternatives, g.alternatives);
  add('tools', f.tools, g.tools);
  add('models', f.models, g.models);
  add('prompt', f.prompt, g.prompt);
  add('policy', f.policy, g.policy);
  add('rules', f.rules, g.rules);
  for (const k of new Set([...Object.keys(f.numeric), ...Object.keys(g.numeric)])) {
    add(`context.${k}`, f.numeric[k], g.numeric[k]);
  }
  for (const k of new Set([...Object.keys(f.categorical), ...Object.keys(g.categorical)])) {
    add(`context.${k}`, f.categorical[k], g.categorical[k]);
  }
  return out;
}

/**
 * Per-decision drift: for each current decision, the nearest baseline decision on the same input
 * (equal digests) or a near-identical one (input SimHashes within `maxInputDistance` bits, found
 * through four 16-bit LSH bands); returns the "same input, different outcome" pairs, then the
 * "same outcome, different reasoning" ones, each with a field-by-field diff. Ranked: outcome flips
 * first, then by input distance, then by confidence change and reasoning distance.
 *
 * @example
 * const flips = pairDecisions(baseline, current).filter((p) => p.kind === 'same-input-different-outcome');
 */
export function pairDecisions(
  baseline: readonly IndexedFeatures[],
  current: readonly IndexedFeatures[],
  options: PairOptions = {},
): DecisionPair[] {
  const maxInput = options.maxInputDistance ?? 3;
  const minReasoning = options.minReasoningDistance ?? 16;
  const exact = new Map<string, IndexedFeatures>();
  const bands = new Map<string, IndexedFeatures[]>();
  for (const x of baseline) {
    exact.set(x.features.input, x);
    for (let k = 0; k < 4; k++) {
      const key = `${k}:${x.features.inputHash.slice(k * 4, k * 4 + 4)}`;
      let list = bands.get(key);
      if (list === undefined) bands.set(key, (list = []));
      if (list.length < 64) list.push(x);
    }
  }
  const pairs: (DecisionPair & { readonly rank: number[] })[] = [];
  for (const y of current) {
    let best = exact.get(y.features.input);
    let distance = 0;
    if (best === undefined) {
      distance = maxInput + 1;
      for (let k = 0; k < 4; k++) {
        for (const x of bands.get(`${k}:${y.features.inputHash.slice(k * 4, k * 4 + 4)}`) ?? []) {
          const d = hammingHex(x.features.inputHash, y.features.inputHash);
          if (d < distance) {
            distance = d;
            best = x;
          }
        }
      }
    }
    if (best === undefined) continue;
    const reasoningDistance = hammingHex(best.features.reasoningHash, y.features.reasoningHash);
    const flip = best.features.outcome !== y.features.outcome;
    if (!flip && reasoningDistance < minReasoning) continue;
    const dConfidence = Math.abs((best.features.confidence ?? 0) - (y.features.confidence ?? 0));
    pairs.push({
      kind: flip ? 'same-input-different-outcome' : 'same-outcome-different-reasoning',
      baselineIndex: best.index,
      currentIndex: y.index,
      inputDistance: distance,
      exactInput: distance === 0 && best.features.input === y.features.input,
      reasoningDistance,
      diff: diffOf(best, y),
      rank: [flip ? 0 : 1, distance, -dConfidence, -reasoningDistance, y.index],
    });
  }
  pairs.sort((p, q) => {
    for (let i = 0; i < p.rank.length; i++) {
      const d = p.rank[i]! - q.rank[i]!;
      if (d !== 0) return d;
    }
    return 0;
  });
  return pairs.slice(0, options.limit ?? 50).map(({ rank: _rank, ...p }) => p);
}
