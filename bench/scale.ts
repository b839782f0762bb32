// npm run bench:scale — one in-process log grown 10k → 100k → 1M decisions; at each size, how
// ingest rate, verify rate, proof and read latency and bytes per decision have changed, so cost
// growth is visible. Prints figures; asserts nothing. Options (environment twin, default):
//   --max N      the last size (BENCH_SCALE_MAX, 1000000): the steps are 10k, 100k, 1M up to it
//   --samples N  proofs and reads measured per size, after a tenth as many warm-up ones
//                (BENCH_SCALE_SAMPLES, 5000)
// The ceilings (raw insert, SHA-256) are in bench:ledger; this run is about the slopes.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { auditDataDir, openLedger } from '@docket/ledger';
import type { Ledger } from '@docket/ledger';
import { fmt, percentile } from './figures.js';
import { intOptions, twoKbDecision } from './workload.js';

const { ints } = intOptions({
  max: { env: 'BENCH_SCALE_MAX', fallback: 1_000_000, min: 10_000 },
  samples: { env: 'BENCH_SCALE_SAMPLES', fallback: 5000, min: 10 },
});
const SIZES = [10_000, 100_000, 1_000_000].filter((n) => n <= ints.max);
const SAMPLES = ints.samples;

interface Step {
  readonly size: number;
  readonly appendRate: number;
  readonly verifyRate: number;
  readonly structuralRate: number;
  readonly proof: { p50: number; p99: number };
  readonly read: { p50: number; p99: number };
  readonly bytesPerDecision: number;
}

/** p50 and p99 of `fn` over random ids, in ms, after a tenth as many warm-up calls. */
async function latency(
  ids: readonly string[],
  fn: (id: string) => Promise<unknown>,
): Promise<{ p50: number; p99: number }> {
  const pick = (): string => ids[Math.floor(Math.random() * ids.length)]!;
  for (let k = 0; k < Math.ceil(SAMPLES / 10); k++) await fn(pick());
  const times: number[] = [];
  for (let k = 0; k < SAMPLES; k++) {
    const t = performance.now();
    await fn(pick());
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

async function grow(ledger: Ledger, ids: string[], to: number): Promise<number> {
  const from = ids.length;
  const started = performance.now();
  const window: Promise<unknown>[] = [];
  for (let i = from; i < to; i++) {
    const record = twoKbDecision(i);
    ids.push(record.id);
    window.push(ledger.append(record));
    if (window.length >= 20_000) await Promise.all(window.splice(0));
  }
  await Promise.all(window);
  await ledger.flush();
  return (to - from) / ((performance.now() - started) / 1000);
}

/** Size of ledger.db once a (passive) checkpoint from a second connection has moved the WAL in. */
function bytesOnDisk(dir: string): number {
  const db = new Database(join(dir, 'ledger.db'));
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } finally {
    db.close();
  }
  return statSync(join(dir, 'ledger.db')).size;
}

async function verifyRate(dir: string, skipContent: boolean): Promise<number> {
  const t = performance.now();
  const report = await auditDataDir(dir, { skipContent });
  if (!report.ok) throw new Error(`audit failed: ${JSON.stringify(report.issues.slice(0, 3))}`);
  return report.entries / ((performance.now() - t) / 1000);
}

const us = (ms: number): string => `${fmt(ms * 1000)} µs`;

async function main(): Promise<void> {
  console.log(
    `docket bench:scale — node ${process.version}, ${new Date().toISOString()}; sizes ${SIZES.map((n) => fmt(n)).join(' → ')}, ${fmt(SAMPLES)} proofs and reads per size`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'docket-bench-scale-'));
  const steps: Step[] = [];
  try {
    const ledger = await openLedger({ dataDir: dir, origin: 'bench.docket.local/scale' });
    const ids: string[] = [];
    try {
      for (const size of SIZES) {
        const appendRate = await grow(ledger, ids, size);
        const proof = await latency(ids, (id) => ledger.inclusionProof(id));
        const read = await latency(ids, (id) => ledger.read(id));
        const step: Step = {
          size,
          appendRate,
          verifyRate: await verifyRate(dir, false),
          structuralRate: await verifyRate(dir, true),
          proof,
          read,
          bytesPerDecision: bytesOnDisk(dir) / size,
        };
        steps.push(step);
        console.log(
          `${fmt(size)}: appends ${fmt(step.appendRate)}/s (this step); verify ${fmt(step.verifyRate)} leaves/s, --no-content ${fmt(step.structuralRate)}; proof p50 ${us(proof.p50)} p99 ${us(proof.p99)}; read p50 ${us(read.p50)} p99 ${us(read.p99)}; ${fmt(step.bytesPerDecision)} B/decision (ledger.db after a checkpoint)`,
        );
      }
    } finally {
      await ledger.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const head = [
    'decisions',
    'append/s',
    'verify leaves/s',
    '--no-content leaves/s',
    'proof p50 / p99',
    'read p50 / p99',
    'B/decision',
  ];
  console.log(`\n| ${head.join(' | ')} |\n|${head.map(() => '---|').join('')}`);
  for (const s of steps) {
    console.log(
      `| ${[
        fmt(s.size),
        fmt(s.appendRate),
        fmt(s.verifyRate),
        fmt(s.structuralRate),
        `${us(s.proof.p50)} / ${us(s.proof.p99)}`,
        `${us(s.read.p50)} / ${us(s.read.p99)}`,
        fmt(s.bytesPerDecision),
      ].join(' | ')} |`,
    );
  }
}

await main();
