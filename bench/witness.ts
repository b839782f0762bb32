// npm run bench:witness — witnessing (issue 19), in this process: a Docket server and two local
// `docket witness` servers (each its own SQLite database, synchronous=FULL). Prints figures;
// asserts nothing. Options (environment twin, default):
//   --checkpoints N  checkpoints whose cosignature latency is measured (BENCH_CHECKPOINTS, 200):
//                    one decision POSTed (answered once in a signed checkpoint), then
//                    /v1/checkpoint polled every ms until both witnesses' cosignatures are on it;
//                    the latency is from the POST's answer to that (so ≤ 1 ms of polling in it)
//   --count N        decisions ingested per throughput run (BENCH_COUNT, 20000), in POSTs of
//   --batch N        decisions (BENCH_BATCH, 500) with
//   --concurrency N  requests in flight (BENCH_CONCURRENCY, 4)
//   --rounds N       throughput runs with witnessing off and on, alternated (BENCH_ROUNDS, 2)
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import { startWitnessServer } from '@docket/server';
import type { WitnessServer } from '@docket/server';
import type * as ServerSupport from '../tests/support/server.js';
import type { TestServer } from '../tests/support/server.js';
import { fmt, percentile } from './figures.js';

const { values: args } = parseArgs({
  options: {
    checkpoints: { type: 'string' },
    count: { type: 'string' },
    batch: { type: 'string' },
    concurrency: { type: 'string' },
    rounds: { type: 'string' },
  },
});
const intArg = (name: keyof typeof args, env: string, fallback: number): number =>
  Number(args[name] ?? process.env[env] ?? fallback);
const CHECKPOINTS = intArg('checkpoints', 'BENCH_CHECKPOINTS', 200);
const COUNT = intArg('count', 'BENCH_COUNT', 20_000);
const BATCH = intArg('batch', 'BENCH_BATCH', 500);
const CONCURRENCY = intArg('concurrency', 'BENCH_CONCURRENCY', 4);
const ROUNDS = intArg('rounds', 'BENCH_ROUNDS', 2);

// The test suite's in-process server (temp data dir, keys for every role), built beside the tests.
const { api, assertOk, startTestServer } = (await import(
  new URL('../../tests/dist/support/server.js', import.meta.url).href
)) as typeof ServerSupport;

const dirs: string[] = [];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startWitnesses(): Promise<WitnessServer[]> {
  const out: WitnessServer[] = [];
  for (const name of ['bench.witness/w1', 'bench.witness/w2']) {
    const dir = mkdtempSync(join(tmpdir(), 'docket-bench-witness-'));
    dirs.push(dir);
    out.push(await startWitnessServer({ dir, name }));
  }
  return out;
}

/** A server witnessed by `witnesses` (none: witnessing off), each witness told about its log. */
async function startServerWith(witnesses: WitnessServer[]): Promise<TestServer> {
  const server = await startTestServer({
    ledger: { flushIntervalMs: 5 },
    validateResponses: false,
    witnesses: witnesses.map((w, i) => `w${i + 1}=${w.url}+${w.vkey}`),
  });
  const info = assertOk<{ origin: string; vkey: string }>(
    await api(server.url, server.keys.default.auditor).get('/v1/log'),
  );
  for (const w of witnesses) await w.store.addLog(info.origin, [info.vkey]);
  return server;
}

async function cosignatureLatency(): Promise<number[]> {
  const witnesses = await startWitnesses();
  const server = await startServerWith(witnesses);
  const ingest = api(server.url, server.keys.default.ingest);
  const reader = api(server.url, server.keys.default.auditor);
  const latencies: number[] = [];
  try {
    for (let i = 0; i < CHECKPOINTS; i++) {
      assertOk(
        await ingest.post('/v1/decisions', { decisions: [sampleDecision({ id: createUuidV7() })] }),
        200,
      );
      const answered = performance.now();
      for (;;) {
        const note = (await reader.get('/v1/checkpoint')).text;
        const size = Number(note.split('\n')[1]);
        const cosigned = note.split('\n').filter((l) => l.startsWith('\u2014 bench.witness/'));
        if (size >= i + 1 && cosigned.length === 2) break;
        await sleep(1);
      }
      latencies.push(performance.now() - answered);
    }
  } finally {
    await server.close();
    for (const w of witnesses) await w.close();
  }
  return latencies.sort((a, b) => a - b);
}

/** Decisions per second ingested (every POST answered once durable in a signed checkpoint). */
async function throughput(witnessed: boolean): Promise<number> {
  const witnesses = witnessed ? await startWitnesses() : [];
  const server = await startServerWith(witnesses);
  const ingest = api(server.url, server.keys.default.ingest);
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < COUNT) {
          const n = Math.min(BATCH, COUNT - next);
          next += n;
          const decisions = Array.from({ length: n }, () => sampleDecision({ id: createUuidV7() }));
          assertOk(await ingest.post('/v1/decisions', { decisions }), 200);
        }
      }),
    );
    return COUNT / ((performance.now() - started) / 1000);
  } finally {
    await server.close();
    for (const w of witnesses) await w.close();
  }
}

try {
  console.log(
    `bench:witness — node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'})`,
  );
  const latencies = await cosignatureLatency();
  console.log(
    `cosignature latency per checkpoint, 2 local witnesses, ${fmt(latencies.length)} checkpoints: ` +
      `p50 ${fmt(percentile(latencies, 0.5), 1)} ms · p99 ${fmt(percentile(latencies, 0.99), 1)} ms · ` +
      `max ${fmt(latencies.at(-1) ?? 0, 1)} ms`,
  );
  const off: number[] = [];
  const on: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    off.push(await throughput(false));
    on.push(await throughput(true));
  }
  const best = (xs: number[]) => Math.max(...xs);
  console.log(
    `ingest, ${fmt(COUNT)} decisions in POSTs of ${fmt(BATCH)}, ${CONCURRENCY} in flight, best of ${ROUNDS}:`,
  );
  console.log(
    `  witnessing off  ${fmt(best(off))} decisions/s  (runs: ${off.map((x) => fmt(x)).join(', ')})`,
  );
  console.log(
    `  witnessing on   ${fmt(best(on))} decisions/s  (runs: ${on.map((x) => fmt(x)).join(', ')})`,
  );
  console.log(`  on / off        ${fmt((best(on) / best(off)) * 100, 1)} %`);
} finally {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}
