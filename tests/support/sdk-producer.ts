/**
 * A host process using the SDK, for tests that kill or signal it. Configured by the JSON in
 * DOCKET_PRODUCER (see {@link ProducerConfig}); prints JSON lines on stdout:
 * `{"ids":[…]}` once it has captured, `{"flushed":true|false}` after `flush()` when asked.
 * Modes: `flush-then-hang` (flush, print, then stay alive to be killed), `end` (return and let
 * the process end: the SDK's beforeExit handler delivers), `hang` (stay alive: for SIGTERM),
 * `stream` (capture `count` decisions every 10 ms until killed, printing `{"captured":[[id, seq],
 * …]}` after each round: for SIGKILL at random moments).
 */
import { createDocket } from '@docket/sdk';

/** What the test asks of the producer. */
export interface ProducerConfig {
  readonly mode: 'flush-then-hang' | 'end' | 'hang' | 'stream';
  readonly count: number;
  readonly url?: string;
  readonly apiKey?: string;
  readonly dataDir?: string;
  readonly spoolDir?: string;
  readonly producerId?: string;
  readonly flushIntervalMs?: number;
  readonly maxAttempts?: number;
  /** flush()'s timeout in `flush-then-hang` (default 60 s). */
  readonly flushTimeoutMs?: number;
}

const config = JSON.parse(process.env['DOCKET_PRODUCER'] ?? '{}') as ProducerConfig;
const docket = createDocket({
  ...(config.url === undefined ? {} : { url: config.url, apiKey: config.apiKey! }),
  ...(config.dataDir === undefined ? {} : { dataDir: config.dataDir }),
  ...(config.spoolDir === undefined ? {} : { spoolDir: config.spoolDir }),
  ...(config.producerId === undefined ? {} : { producerId: config.producerId }),
  flushIntervalMs: config.flushIntervalMs ?? 50,
  maxAttempts: config.maxAttempts ?? 2,
  retryBaseMs: 20,
  retryMaxMs: 200,
  requestTimeoutMs: 2000,
  onError: (e) => process.stderr.write(`${e.code}: ${e.message}\n`),
  env: {},
});

const decisionOf = (i: number) => ({
  agent: { id: 'producer-process', version: '1.0.0' },
  goal: `host process decision ${i}`,
  context: { i, pid: process.pid },
  outcome: { action: i % 3 === 0 ? 'refer' : 'approve' },
});

if (config.mode === 'stream') {
  // Seqs are handed out in capture order, one per capture (a drop also consumes its seq).
  let seq = 0;
  setInterval(() => {
    const captured: [string, number][] = [];
    for (let i = 0; i < config.count; i++, seq++)
      captured.push([docket.capture(decisionOf(seq)), seq]);
    process.stdout.write(`${JSON.stringify({ producer: docket.producerId, captured })}\n`);
  }, 10);
}

const ids: string[] = [];
for (let i = 0; config.mode !== 'stream' && i < config.count; i++) {
  ids.push(
    docket.capture({
      agent: { id: 'producer-process', version: '1.0.0' },
      goal: `host process decision ${i}`,
      context: { i, pid: process.pid },
      outcome: { action: i % 3 === 0 ? 'refer' : 'approve' },
    }),
  );
}
process.stdout.write(`${JSON.stringify({ ids })}\n`);

if (config.mode === 'flush-then-hang') {
  const flushed = await docket.flush(config.flushTimeoutMs ?? 60_000);
  process.stdout.write(`${JSON.stringify({ flushed })}\n`);
}
if (config.mode !== 'end') setInterval(() => undefined, 60_000);
