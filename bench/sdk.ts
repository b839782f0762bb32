// npm run bench:sdk — the SDK's figures; prints, asserts nothing. Three parts:
//  1. caller-side cost of capture() for a ~2 KB decision, interleaved in the same run with a bare
//     JSON.stringify of the same record (the floor for taking a snapshot) and an OpenTelemetry
//     span carrying the same attributes (BatchSpanProcessor, no-op exporter); also with the
//     redaction detectors, in local mode (embedded ledger in a worker thread), and while the
//     background sender delivers at full speed to a real `docket serve`; warm-up excluded; then
//     the first capture() of a fresh process (child processes);
//  2. delivered throughput from this process to a local `docket serve` (a child process on a
//     temporary data dir, SQLite) and to local mode: capture → durable, decisions/s;
//  3. memory of the queue at 10,000 pending decisions (heap growth, after GC).
// Knobs (env): BENCH_CAPTURES (100000), BENCH_DELIVER (20000), BENCH_PARTS (1,2,3: which parts).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Attributes } from '@opentelemetry/api';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ExportResultCode } from '@opentelemetry/core';
import { createDocket } from '@docket/sdk';
import type { DecisionInput, Docket, Transport } from '@docket/sdk';
import { sampleDecision } from '@docket/protocol';
import { fmt, percentile } from './figures.js';

const CAPTURES = Number(process.env['BENCH_CAPTURES'] ?? 100_000);
const DELIVER = Number(process.env['BENCH_DELIVER'] ?? 20_000);
const PARTS = new Set((process.env['BENCH_PARTS'] ?? '1,2,3').split(','));
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The sample decision trimmed to about 2 KB of JSON, without the SDK-made fields. */
function twoKbDecision(): DecisionInput {
  const {
    id: _id,
    schema: _schema,
    ts: _ts,
    producer: _producer,
    llm: _llm,
    lineage: _lineage,
    human: _human,
    policy: _policy,
    tags: _tags,
    metadata: _metadata,
    ...rest
  } = sampleDecision();
  return rest;
}

/** The decision as span attributes: dotted keys, primitive values, other arrays as JSON text. */
function toAttributes(value: unknown, prefix = 'docket', out: Attributes = {}): Attributes {
  if (value === null || value === undefined) return out;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
    out[prefix] = value;
  } else if (Array.isArray(value)) {
    const primitive = value.every((v) => typeof v === 'string');
    out[prefix] = primitive ? value : JSON.stringify(value);
  } else {
    for (const [k, v] of Object.entries(value)) toAttributes(v, `${prefix}.${k}`, out);
  }
  return out;
}

const nullTransport: Transport = {
  send: (batch) =>
    Promise.resolve({
      ok: true,
      results: batch.ids.map((id, position) => ({
        status: 'accepted' as const,
        position,
        id,
        index: position,
      })),
    }),
  proof: () => Promise.reject(new Error('not in the benchmark')),
};

const noopExporter: SpanExporter = {
  export: (_spans: ReadableSpan[], done) => {
    done({ code: ExportResultCode.SUCCESS });
  },
  shutdown: () => Promise.resolve(),
};

const timed = (fn: () => void): number => {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1000;
};

const summary = (label: string, times: number[]): string => {
  times.sort((a, b) => a - b);
  const at = (q: number) => fmt(percentile(times, q), 2).padStart(7);
  return `${label.padEnd(44)} p50 ${at(0.5)} µs  p99 ${at(0.99)} µs  p99.9 ${at(0.999)} µs  max ${fmt(times.at(-1)!, 2)} µs`;
};

/** Part 1: capture(), a bare stringify and a span, interleaved, so all see the same machine state. */
async function callerCost(server: { url: string; key: string }): Promise<void> {
  const decision = twoKbDecision();
  const attributes = toAttributes(decision);
  // The same record capture() snapshots: the decision with the fields the SDK adds.
  const record = {
    ...decision,
    id: '01890a5d-ac96-774b-bcce-b302099a8057',
    schema: 'docket.decision/v1',
    ts: new Date().toISOString(),
  };
  console.log(
    `\n1. caller cost, ${JSON.stringify(decision).length} B decision (${Object.keys(attributes).length} span attributes), ${CAPTURES.toLocaleString('en-US')} each, interleaved`,
  );
  const provider = new BasicTracerProvider({
    spanProcessors: [
      new BatchSpanProcessor(noopExporter, { maxQueueSize: 100_000, scheduledDelayMillis: 1000 }),
    ],
  });
  const tracer = provider.getTracer('bench');
  const make = (extra: object) =>
    createDocket({
      handleExit: false,
      maxQueue: CAPTURES + 10_000,
      flushIntervalMs: 1000,
      env: {},
      otel: false,
      onError: (e) => {
        console.error(e.code, e.message);
      },
      ...extra,
    });
  const localDir = mkdtempSync(join(tmpdir(), 'docket-bench-sdk-local-'));
  const clients: [string, Docket][] = [
    ['capture()', make({ transport: nullTransport })],
    ['capture() + redaction detectors', make({ transport: nullTransport, redact: {} })],
    ['capture(), local mode (worker ledger)', make({ dataDir: localDir })],
    [
      'capture(), delivering to docket serve',
      make({ url: server.url, apiKey: server.key, maxBatch: 1000, flushIntervalMs: 20 }),
    ],
  ];
  const times = new Map<string, number[]>([
    ['stringify', []],
    ['span', []],
    ...clients.map(([label]) => [label, []] as [string, number[]]),
  ]);
  const span = () => {
    tracer.startSpan('agent.decision', { attributes }).end();
  };
  let sink = 0;
  const stringify = () => {
    sink += JSON.stringify(record).length;
  };
  for (let i = 0; i < 2000; i++) {
    stringify();
    span();
    for (const [, d] of clients) d.capture(decision);
  }
  const steps: [string, () => void][] = [
    ['stringify', stringify],
    ['span', span],
    ...clients.map(([label, d]): [string, () => void] => [label, () => d.capture(decision)]),
  ];
  for (let i = 0; i < CAPTURES; i++) {
    // Who goes first rotates, so that no step always follows the span's allocations or the
    // pause below.
    for (let k = 0; k < steps.length; k++) {
      const [label, fn] = steps[(i + k) % steps.length]!;
      times.get(label)!.push(timed(fn));
    }
    // Let the pumps and the span processor run now and then, as they would between agent calls.
    if (i % 200 === 199) await new Promise((r) => setImmediate(r));
  }
  console.log(summary('bare JSON.stringify of the same record', times.get('stringify')!));
  console.log(summary('OpenTelemetry span, same attributes', times.get('span')!));
  for (const [label] of clients) console.log(summary(label, times.get(label)!));
  const p = (label: string, q: number) => percentile(times.get(label)!, q);
  for (const label of ['capture()', 'capture(), delivering to docket serve']) {
    console.log(
      `${label}: p50 − stringify p50 ${fmt(p(label, 0.5) - p('stringify', 0.5), 2)} µs (aim ≤ 2); ` +
        `p99 / span p99 ${fmt(p(label, 0.99) / p('span', 0.99), 2)}×, ` +
        `p99.9 / span p99.9 ${fmt(p(label, 0.999) / p('span', 0.999), 2)}× (aim ≤ 1)`,
    );
  }
  if (sink === 0) console.log('');
  for (const [, d] of clients) await d.shutdown(120_000);
  await provider.shutdown();
  rmSync(localDir, { recursive: true, force: true });
}

/** Starts `docket serve` on a temp dir; returns its url, an admin key and a stop function. */
async function startServer(dir: string) {
  const child = spawn(
    process.execPath,
    [join(repo, 'packages/cli/bin/docket.js'), 'serve', '--data', dir, '--port', '0', '--json'],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const { url, bootstrapKey } = JSON.parse(line) as { url: string; bootstrapKey: string };
  return {
    url,
    key: bootstrapKey,
    stop: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** Captures `n` decisions as fast as the queue takes them; decisions/s until all are durable. */
async function deliver(docket: Docket, n: number): Promise<number> {
  const decision = twoKbDecision();
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    docket.capture(decision);
    // Keep the queue from overflowing: a producer faster than the ledger waits a little.
    if (docket.stats().queued > 8000) await new Promise((r) => setTimeout(r, 1));
  }
  if (!(await docket.flush(600_000))) throw new Error('flush did not finish');
  const seconds = (performance.now() - start) / 1000;
  const s = docket.stats();
  if (s.accepted !== n || s.dropped + s.failed + s.rejected > 0) {
    throw new Error(`delivered ${s.accepted} of ${n}: ${JSON.stringify(s)}`);
  }
  return n / seconds;
}

/** Part 2: delivered throughput, remote and local. */
async function throughput(): Promise<void> {
  console.log(
    `\n2. delivered throughput, ${DELIVER.toLocaleString('en-US')} decisions, capture → durable`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'docket-bench-sdk-serve-'));
  const server = await startServer(join(dir, 'data'));
  try {
    const remote = createDocket({
      url: server.url,
      apiKey: server.key,
      handleExit: false,
      maxBatch: 1000,
      flushIntervalMs: 20,
      env: {},
      otel: false,
    });
    const rate = await deliver(remote, DELIVER);
    await remote.shutdown();
    console.log(
      `to docket serve (child process, SQLite, HTTP + gzip): ${fmt(rate, 0)} decisions/s (aim ≥ 20,000)`,
    );
    const local = createDocket({
      dataDir: join(dir, 'local'),
      handleExit: false,
      maxBatch: 1000,
      flushIntervalMs: 20,
      env: {},
      otel: false,
    });
    const localRate = await deliver(local, DELIVER);
    await local.shutdown();
    console.log(`local mode (embedded ledger, worker thread): ${fmt(localRate, 0)} decisions/s`);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Part 3: heap held by 10,000 pending decisions (the transport never answers). */
function queueMemory(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    console.log('\n3. queue memory: run with node --expose-gc (npm run bench:sdk does)');
    return;
  }
  const pending = 10_000;
  const stuck: Transport = {
    send: () => new Promise(() => undefined),
    proof: () => Promise.reject(new Error('no')),
  };
  const decision = twoKbDecision();
  gc();
  const before = process.memoryUsage().heapUsed;
  const docket = createDocket({
    transport: stuck,
    handleExit: false,
    maxQueue: pending,
    flushIntervalMs: 3_600_000,
    env: {},
    otel: false,
  });
  for (let i = 0; i < pending; i++) docket.capture(decision);
  gc();
  const after = process.memoryUsage().heapUsed;
  const mib = (after - before) / 2 ** 20;
  console.log(
    `\n3. queue memory: ${pending.toLocaleString('en-US')} pending ${JSON.stringify(decision).length} B decisions hold ${fmt(mib, 1)} MiB of heap (${fmt((after - before) / pending, 0)} heap bytes per pending decision), queued ${docket.stats().queued}`,
  );
  void docket.shutdown(0);
}

/** A fresh process's first capture() (child mode of this script): prints its µs as JSON. */
function firstCaptureChild(): void {
  const created = performance.now();
  const docket = createDocket({
    transport: nullTransport,
    handleExit: false,
    env: {},
    otel: false,
    onError: () => undefined, // shutdown(0) gives up the pending capture: expected here
  });
  const createMs = performance.now() - created;
  const decision = twoKbDecision();
  const captureUs = timed(() => docket.capture(decision));
  console.log(JSON.stringify({ createMs, captureUs }));
  void docket.shutdown(0);
}

/** Part 1b: the first capture() of a process, in `runs` fresh child processes. */
async function firstCapture(runs: number): Promise<void> {
  const results: { createMs: number; captureUs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--first-capture'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    results.push(JSON.parse(line) as { createMs: number; captureUs: number });
    await once(child, 'exit');
  }
  const captures = results.map((r) => r.captureUs).sort((a, b) => a - b);
  const creates = results.map((r) => r.createMs).sort((a, b) => a - b);
  console.log(
    `first capture() of a fresh process (${runs} processes): median ${fmt(percentile(captures, 0.5), 0)} µs, max ${fmt(captures.at(-1)!, 0)} µs (aim ≤ 1,000); createDocket() median ${fmt(percentile(creates, 0.5), 1)} ms`,
  );
}

if (process.argv.includes('--first-capture')) {
  firstCaptureChild();
} else {
  // The machine's load goes with the figures: on a shared machine they move with it.
  const load = () =>
    loadavg()
      .map((l) => fmt(l, 2))
      .join(', ');
  console.log(
    `npm run bench:sdk — Node ${process.version}, ${new Date().toISOString()}, load average ${load()}`,
  );
  if (PARTS.has('1')) {
    const dir = mkdtempSync(join(tmpdir(), 'docket-bench-sdk-caller-'));
    const server = await startServer(join(dir, 'data'));
    try {
      await callerCost(server);
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
    await firstCapture(10);
  }
  if (PARTS.has('2')) await throughput();
  if (PARTS.has('3')) queueMemory();
  console.log(`load average at the end ${load()}`);
  process.exit(0);
}
