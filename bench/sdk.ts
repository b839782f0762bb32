// npm run bench:sdk — caller-side cost of capture() for a ~2 KB decision; prints, asserts nothing.
// The transport answers at once without I/O, so the figures are the caller's path only
// (validate + snapshot + enqueue), plus the same with the default redaction detectors.
// Knobs (env): BENCH_CAPTURES (100000).
import { createDocket } from '@docket/sdk';
import type { DecisionInput, Transport } from '@docket/sdk';
import { sampleDecision } from '@docket/protocol';

const CAPTURES = Number(process.env['BENCH_CAPTURES'] ?? 100_000);
const fmt = (n: number, digits = 2): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

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

async function run(label: string, redact: boolean): Promise<void> {
  const docket = createDocket({
    transport: nullTransport,
    handleExit: false,
    maxQueue: CAPTURES + 1,
    flushIntervalMs: 1000,
    env: {},
    onError: (e) => {
      console.error(e.code, e.message);
    },
    ...(redact ? { redact: {} } : {}),
  });
  const decision = twoKbDecision();
  const bytes = JSON.stringify(decision).length;
  for (let i = 0; i < 2000; i++) docket.capture(decision); // warm-up
  await docket.flush();
  const times: number[] = new Array<number>(CAPTURES);
  for (let i = 0; i < CAPTURES; i++) {
    const start = process.hrtime.bigint();
    docket.capture(decision);
    times[i] = Number(process.hrtime.bigint() - start) / 1000;
    // Let the pump run now and then, as it would between agent calls.
    if (i % 5000 === 4999) await new Promise((r) => setImmediate(r));
  }
  await docket.shutdown();
  times.sort((a, b) => a - b);
  console.log(
    `${label.padEnd(28)} ${bytes} B decision, ${CAPTURES} captures: p50 ${fmt(percentile(times, 0.5))} µs, p99 ${fmt(percentile(times, 0.99))} µs, max ${fmt(times.at(-1)!)} µs`,
  );
}

await run('capture()', false);
await run('capture() + redaction', true);
