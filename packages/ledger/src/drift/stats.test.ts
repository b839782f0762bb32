import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SCIPY } from './scipy-fixtures.js';
import {
  benjaminiHochberg,
  chiSquare,
  chiSquareSf,
  domainClassifier,
  jensenShannon,
  kolmogorovSf,
  ksTwoSample,
  logGamma,
  mulberry32,
  psi,
  psiBand,
  rocAuc,
  wassersteinNormed,
} from './stats.js';

/** |actual − expected| within `rel` of expected (or `abs` near zero). */
function near(actual: number, expected: number, rel = 1e-9, abs = 1e-12, what = ''): void {
  assert.ok(Number.isFinite(actual), `${what} is ${actual}`);
  assert.ok(
    Math.abs(actual - expected) <= Math.max(abs, rel * Math.abs(expected)),
    `${what}: ${actual} vs SciPy ${expected}`,
  );
}

test('Jensen–Shannon distance, PSI and the χ² test match SciPy on 2×k tables', () => {
  for (const c of SCIPY.categorical) {
    near(jensenShannon(c.p, c.q), c.js, 1e-9, 1e-12, `js ${c.p.join()}`);
    near(psi(c.p, c.q), c.psi, 1e-9, 1e-12, `psi ${c.p.join()}`);
    const chi = chiSquare(c.p, c.q);
    near(chi.statistic, c.chi2, 1e-9, 1e-12, `chi2 ${c.p.join()}`);
    near(chi.p, c.chi2p, 1e-7, 1e-15, `chi2 p ${c.p.join()}`);
    assert.equal(chi.df, c.df);
  }
});

test('χ² survival and ln Γ match SciPy, deep in the tail too', () => {
  for (const c of SCIPY.chi2sf) near(chiSquareSf(c.x, c.df), c.sf, 1e-8, 1e-15, `chi2 ${c.x}`);
  for (const c of SCIPY.lgamma) near(logGamma(c.x), c.v, 1e-10, 1e-12, `lgamma ${c.x}`);
});

test('KS statistic, its asymptotic p-value and normalized Wasserstein match SciPy', () => {
  for (const c of SCIPY.kolmogorov) near(kolmogorovSf(c.x), c.sf, 1e-8, 1e-12, `K ${c.x}`);
  for (const c of SCIPY.numeric) {
    const a = Float64Array.from(c.a);
    const b = Float64Array.from(c.b);
    const ks = ksTwoSample(a, b);
    near(ks.statistic, c.ks, 1e-12, 1e-12, 'D');
    near(ks.p, c.ksp, 1e-7, 1e-12, 'KS p');
    near(wassersteinNormed(a, b), c.wn, 1e-9, 1e-12, 'W/σ');
  }
});

test('Benjamini–Hochberg q-values and ROC AUC match SciPy / scikit-learn', () => {
  benjaminiHochberg(SCIPY.bh.p).forEach((q, i) => {
    near(q, SCIPY.bh.q[i]!, 1e-12, 1e-15, 'q');
  });
  const labels = SCIPY.auc.labels.map((l) => (l === 1 ? 1 : 0));
  near(rocAuc(SCIPY.auc.scores, labels).statistic, SCIPY.auc.auc, 1e-12, 1e-12, 'auc');
});

test('PSI bands: < 0.1 none, 0.1–0.25 moderate, > 0.25 major', () => {
  assert.deepEqual([0.05, 0.1, 0.25, 0.26].map(psiBand), ['none', 'moderate', 'moderate', 'major']);
});

test('edge cases give finite answers: empty sides, one category, identical samples', () => {
  assert.deepEqual(chiSquare([10], [12]), { statistic: 0, p: 1, df: 0 });
  assert.deepEqual(chiSquare([0, 0], [3, 4]), { statistic: 0, p: 1, df: 0 });
  assert.equal(jensenShannon([0, 0], [0, 0]), 0);
  assert.equal(ksTwoSample(new Float64Array(), new Float64Array([1])).p, 1);
  const same = Float64Array.from([0.5, 0.5, 0.5]);
  assert.equal(wassersteinNormed(same, Float64Array.from(same)), 0);
  assert.equal(rocAuc([1, 2], [1, 1]).statistic, 0.5);
});

/** Documents of `n` reasoning texts over a vocabulary; `shift` words appear only in the current side. */
function docs(n: number, seed: number, extra?: string): Record<string, number>[] {
  const r = mulberry32(seed);
  const words = ['income', 'debt', 'ratio', 'stable', 'history', 'score', 'limit', 'ok'];
  return Array.from({ length: n }, () => {
    const d: Record<string, number> = {};
    for (let k = 0; k < 8; k++) {
      const w = words[Math.floor(r() * words.length)]!;
      d[w] = (d[w] ?? 0) + 1;
    }
    if (extra !== undefined && r() < 0.5) d[extra] = (d[extra] ?? 0) + 1;
    return d;
  });
}

test('the domain classifier: AUC near 0.5 on one population, high with the separating term named', () => {
  const null0 = domainClassifier(docs(400, 1), docs(400, 2));
  assert.ok(Math.abs(null0.statistic - 0.5) < 0.05, `null AUC ${null0.statistic}`);
  assert.ok(null0.p > 0.01, `null p ${null0.p}`);
  const shifted = domainClassifier(docs(400, 3), docs(400, 4, 'manual_review'));
  assert.ok(shifted.statistic > 0.7, `AUC ${shifted.statistic}`);
  assert.ok(shifted.p < 1e-6);
  assert.equal(shifted.terms[0]?.term, 'manual_review');
  assert.ok(shifted.terms.every((t, i) => i > 0 || t.logRatio > 0));
});
