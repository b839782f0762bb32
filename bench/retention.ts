// npm run bench:retention — issue 18's figures on one in-process SQLite log: bulk export of every
// decision to JSON Lines (with and without proofs) and CSV (records/s, peak RSS over the run), then
// a retention purge of every decision's content (records/s) while a writer keeps appending (its
// rate during the purge vs before). Prints figures; asserts nothing. Options (environment twin,
// default):
//   --count N   decisions in the log (BENCH_RETENTION_COUNT, 100000; the figure is 1000000)
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportText, openLedger } from '@docket/ledger';
import type { Ledger } from '@docket/ledger';
import { fmt } from './figures.js';
import { intOptions, twoKbDecision } from './workload.js';

const { ints } = intOptions({
  count: { env: 'BENCH_RETENTION_COUNT', fallback: 100_000, min: 1000 },
});
const COUNT = ints.count;
const OLD = new Date(Date.now() - 400 * 86_400_000).toISOString();

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
const mib = (bytes: number): string => `${fmt(bytes / 1024 / 1024)} MiB`;

async function fill(ledger: Ledger): Promise<void> {
  const started = performance.now();
  const window: Promise<unknown>[] = [];
  for (let i = 0; i < COUNT; i++) {
    window.push(ledger.append({ ...twoKbDecision(i), ts: OLD }));
    if (window.length >= 20_000) await Promise.all(window.splice(0));
    if (i > 0 && i % 100_000 === 0)
      console.error(`  filled ${fmt(i)} (${fmt(i / ((performance.now() - started) / 1000))}/s)`);
  }
  await Promise.all(window);
}

/** Exports every decision to a file; records/s and the RSS peak during the export. */
async function exportRun(
  ledger: Ledger,
  file: string,
  format: 'jsonl' | 'csv',
  withProofs: boolean,
): Promise<{ rate: number; peak: number; records: number }> {
  const out = createWriteStream(file);
  const write = async (text: string): Promise<void> => {
    if (!out.write(text))
      await new Promise<void>((resolve) =>
        out.once('drain', () => {
          resolve();
        }),
      );
  };
  peakRss = process.memoryUsage().rss;
  const started = performance.now();
  let records = 0;
  let buffer = '';
  for await (const chunk of exportText(
    (async function* counted() {
      for await (const line of ledger.exportRecords({}, { withProofs })) {
        if ('id' in line) records++;
        yield line;
      }
    })(),
    format,
  )) {
    buffer += chunk;
    if (buffer.length > 256 * 1024) {
      await write(buffer);
      buffer = '';
    }
  }
  await write(buffer);
  await new Promise<void>((resolve) =>
    out.end(() => {
      resolve();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { rate: records / seconds, peak: peakRss, records };
}

/** Appends for `ms` with 8 writers of batches: decisions/s. */
async function writeFor(ledger: Ledger, ms: number, offset: number): Promise<number> {
  const until = performance.now() + ms;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async (_, w) => {
      let i = offset + w * 1_000_000;
      while (performance.now() < until) {
        await Promise.all(
          Array.from({ length: 50 }, () =>
            ledger.append({ ...twoKbDecision(i++), ts: new Date().toISOString() }),
          ),
        );
        done += 50;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}

const dir = mkdtempSync(join(tmpdir(), 'docket-bench-retention-'));
try {
  const ledger = await openLedger({ dataDir: join(dir, 'log'), create: true });
  console.log(`bench:retention — ${fmt(COUNT)} decisions of ~2 KB, SQLite, in-process`);
  await fill(ledger);
  await ledger.flush();
  const baseRss = process.memoryUsage().rss;
  console.log(`\nbulk export of every decision (RSS before: ${mib(baseRss)})`);
  for (const [format, proofs] of [
    ['jsonl', false],
    ['jsonl', true],
    ['csv', false],
  ] as const) {
    const r = await exportRun(ledger, join(dir, `out.${format}`), format, proofs);
    console.log(
      `  ${format}${proofs ? ' --with-proofs' : ''}`.padEnd(24) +
        `${fmt(r.rate)} records/s   peak RSS ${mib(r.peak)}   (${fmt(r.records)} records)`,
    );
    rmSync(join(dir, `out.${format}`), { force: true });
  }

  console.log('\npurge of every decision’s content (policy max 30d; decisions 400 days old)');
  await ledger.setRetention({ max: '30d', basis: 'bench' });
  const before = await writeFor(ledger, 3000, 10_000_000);
  const purgeStarted = performance.now();
  const state = { writing: true };
  let during = 0;
  const writer = (async () => {
    let rounds = 0;
    let sum = 0;
    while (state.writing) {
      sum += await writeFor(ledger, 1000, 20_000_000 + rounds * 100_000);
      rounds++;
    }
    during = rounds === 0 ? 0 : sum / rounds;
  })();
  const report = await ledger.purge({ batchSize: 1000 });
  const purgeSeconds = (performance.now() - purgeStarted) / 1000;
  state.writing = false;
  await writer;
  console.log(
    `  purged ${fmt(report.purgedDecisions)} decisions (${fmt(report.purgedEntries)} entries) in ${fmt(purgeSeconds, 1)} s: ${fmt(report.purgedDecisions / purgeSeconds)} records/s, ${fmt(report.batches.length)} receipts`,
  );
  console.log(
    `  ingest meanwhile: ${fmt(during)} decisions/s (before the purge: ${fmt(before)}/s, ${fmt((100 * during) / Math.max(1, before))}%)`,
  );
  console.log(
    '\naims (issue 18): purge ≥ 20,000 records/s; export ≥ 50,000 records/s, memory flat',
  );
  await ledger.close();
} finally {
  clearInterval(sampler);
  rmSync(dir, { recursive: true, force: true });
}
