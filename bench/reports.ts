// npm run bench:reports — compliance reports over a log of N decisions: generation time and peak
// memory for JSON, HTML and PDF (with the JSON attached), offline verification time, evidence bytes per record at each level.
// Prints figures; asserts nothing. Options (environment twin, default):
//   --n N   decisions in the log (BENCH_REPORT_DECISIONS, 100000)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkComplianceReport,
  createComplianceReport,
  openLedger,
  toReportHtml,
  toReportPdf,
} from '@docket/ledger';
import type { ComplianceReport, Ledger, ReportRequest } from '@docket/ledger';
import { fmt } from './figures.js';
import { intOptions, twoKbDecision } from './workload.js';

const { ints } = intOptions({
  n: { env: 'BENCH_REPORT_DECISIONS', fallback: 100_000, min: 1 },
});
const N = ints.n;

/** Runs `work` while sampling the resident set size; returns its result, seconds and peak MB. */
async function measured<T>(
  work: () => Promise<T> | T,
): Promise<{ value: T; s: number; peakMb: number }> {
  global.gc?.();
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const started = performance.now();
  try {
    const value = await work();
    const s = (performance.now() - started) / 1000;
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, s, peakMb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

async function fill(ledger: Ledger): Promise<void> {
  const window: Promise<unknown>[] = [];
  for (let i = 0; i < N; i++) {
    window.push(ledger.append(twoKbDecision(i)));
    if (window.length >= 20_000) await Promise.all(window.splice(0));
  }
  await Promise.all(window);
  await ledger.flush();
}

async function one(ledger: Ledger, request: ReportRequest, label: string): Promise<void> {
  const gen = await measured(async () => {
    const report = await createComplianceReport(ledger, request, { record: false });
    return { report, text: JSON.stringify(report) };
  });
  const { report, text } = gen.value;
  const html = await measured(() => toReportHtml(report));
  const pdf = await measured(() => toReportPdf(report));
  const check = await measured(() =>
    checkComplianceReport(JSON.parse(text) as ComplianceReport, ledger.vkey),
  );
  const evidenceBytes = Buffer.byteLength(JSON.stringify(report.evidence));
  const population = report.evidence.range.end - report.evidence.range.start;
  console.log(
    `${label.padEnd(34)} generate+JSON ${fmt(gen.s)} s (peak RSS ${fmt(gen.peakMb)} MB, ${fmt(Buffer.byteLength(text) / 2 ** 20)} MB)` +
      ` · HTML ${fmt(html.s)} s · PDF ${fmt(pdf.s)} s (peak RSS ${fmt(pdf.peakMb)} MB, ${fmt(pdf.value.length / 2 ** 20)} MB)` +
      ` · verify ${fmt(check.s)} s (${check.value.ok ? 'ok' : 'FAILED'}, ${check.value.claimsRecomputed} claims re-derived)` +
      ` · evidence ${fmt(evidenceBytes / population)} bytes per record (${report.evidence.leaves.length} leaves)`,
  );
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'docket-bench-reports-'));
  try {
    const ledger = await openLedger({ dataDir: dir, origin: 'bench.docket.local/log' });
    const filled = await measured(() => fill(ledger));
    console.log(`log of ${fmt(N)} decisions appended in ${fmt(filled.s)} s`);
    await one(ledger, { type: 'integrity', evidence: 'full' }, 'integrity, full evidence');
    await one(ledger, { type: 'integrity', evidence: 'cited' }, 'integrity, cited evidence');
    await one(
      ledger,
      { type: 'eu-ai-act-art12', evidence: 'full' },
      'eu-ai-act-art12, full evidence',
    );
    await one(
      ledger,
      { type: 'eu-ai-act-art12', evidence: 'cited' },
      'eu-ai-act-art12, cited evidence',
    );
    await ledger.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
