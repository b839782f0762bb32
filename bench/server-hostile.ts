// npm run bench:server-hostile — can one client's bodies stall everyone? A server (a child process,
// SQLite in a temporary directory) receives hostile POST /v1/decisions bodies from an ingest key
// while this process probes GET /healthz; prints /healthz latency percentiles with and without
// the hostile load, and how the hostile requests were answered. Asserts nothing. Options
// (environment twin, default); the hostile senders run in a worker thread:
//   --seconds N      length of each phase (BENCH_SECONDS, 10)
//   --senders N      hostile requests in flight (BENCH_SENDERS, 4)
//   --keys N         unknown keys per hostile body (BENCH_KEYS, 200000: about 2.3 MB)
//   --no-limits      shape limits out of reach (as before they existed), for comparison
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { sampleDecision } from '@docket/protocol';
import { fmt, percentile } from './figures.js';

const SERVER = fileURLToPath(new URL('../../packages/server/dist/index.js', import.meta.url));

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string' },
    senders: { type: 'string' },
    keys: { type: 'string' },
    'no-limits': { type: 'boolean' },
  },
});
const intArg = (name: 'seconds' | 'senders' | 'keys', env: string, fallback: number): number => {
  const raw = args[name] ?? process.env[env];
  const n = raw === undefined || raw === '' ? fallback : Number(raw.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be an integer ≥ 1`);
  return n;
};
const SECONDS = intArg('seconds', 'BENCH_SECONDS', 10);
const SENDERS = intArg('senders', 'BENCH_SENDERS', 4);
const KEYS = intArg('keys', 'BENCH_KEYS', 200_000);

interface Answer {
  readonly status: number;
  readonly body: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function call(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: Buffer,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${path}`, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Hostile bodies: unknown keys at the top, unknown keys in one decision, a deep array of items. */
function hostileBodies(): { name: string; bytes: Buffer }[] {
  const unknown = (n: number): string => {
    const parts: string[] = [];
    for (let i = 0; i < n; i++) parts.push(`"k${i}":0`);
    return parts.join(',');
  };
  const decision = JSON.stringify(sampleDecision());
  return [
    {
      name: 'unknown top-level keys',
      bytes: Buffer.from(`{"decisions":[${decision}],${unknown(KEYS)}}`),
    },
    {
      name: 'unknown keys in a decision',
      bytes: Buffer.from(`{"decisions":[${decision.slice(0, -1)},${unknown(KEYS)}}]}`),
    },
    {
      name: 'many small items',
      bytes: Buffer.from(`{"decisions":[${decision}],"x":[${'0,'.repeat(KEYS * 2)}0]}`),
    },
  ];
}

async function startChild(dir: string): Promise<{ url: string; key: string; stop: () => void }> {
  const code = `
    const { startServer } = await import(${JSON.stringify(SERVER)});
    const s = await startServer({ dataDir: ${JSON.stringify(dir)}, port: 0, log: () => {}${
      args['no-limits'] === true ? ', maxBodyObjectKeys: 1e9, maxBodyValues: 1e9' : ''
    } });
    process.stdout.write(JSON.stringify({ url: s.url, key: s.bootstrapKey }) + '\\n');
    process.on('SIGTERM', () => { void s.close().then(() => process.exit(0)); });
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (c: Buffer) => {
      text += c.toString('utf8');
      if (text.includes('\n')) resolve(text.split('\n')[0]!);
    });
    child.once('exit', (code) => {
      reject(new Error(`server exited with ${String(code)}`));
    });
  });
  const { url, key } = JSON.parse(line) as { url: string; key: string };
  return { url, key, stop: () => child.kill('SIGTERM') };
}

async function probe(url: string, until: number): Promise<number[]> {
  const ms: number[] = [];
  while (Date.now() < until) {
    const t = performance.now();
    await call(url, 'GET', '/healthz', {});
    ms.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 5));
  }
  return ms;
}

function line(label: string, ms: number[]): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (p: number): string => fmt(percentile(sorted, p), 1);
  return `${label.padEnd(34)} n=${String(ms.length).padStart(5)}  p50 ${at(0.5)} ms  p99 ${at(0.99)} ms  max ${fmt(sorted.at(-1) ?? 0, 1)} ms`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'docket-bench-hostile-'));
  const server = await startChild(dir);
  try {
    const created = await call(
      server.url,
      'POST',
      '/v1/keys',
      { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
      Buffer.from(JSON.stringify({ role: 'ingest', name: 'hostile' })),
    );
    const ingest = (JSON.parse(created.body) as { key: string }).key;
    const bodies = hostileBodies();
    console.log(
      `bench:server-hostile${args['no-limits'] === true ? ' (no shape limits)' : ''} — ${SENDERS} hostile senders, ${SECONDS} s per phase, ${KEYS} keys per body (${bodies.map((b) => `${b.name} ${fmt(b.bytes.length / 1e6, 1)} MB`).join(', ')})`,
    );
    console.log(line('/healthz, quiet', await probe(server.url, Date.now() + SECONDS * 1000)));
    // The senders run in a worker thread: sending megabytes must not slow this thread's probe.
    for (const [kind, body] of bodies.entries()) {
      const until = Date.now() + SECONDS * 1000;
      const worker = new Worker(new URL(import.meta.url), {
        workerData: { url: server.url, key: ingest, kind, until } satisfies SenderData,
      });
      const answers = new Promise<Map<string, number>>((resolve, reject) => {
        worker.once('message', (m: [string, number][]) => {
          resolve(new Map(m));
        });
        worker.once('error', reject);
      });
      const ms = await probe(server.url, until);
      const counted = await answers;
      await worker.terminate();
      console.log(line(`/healthz, ${body.name}`, ms));
      console.log(
        `${''.padEnd(34)} hostile answers: ${[...counted].map(([k, n]) => `${k} ×${n}`).join(', ')}`,
      );
    }
  } finally {
    server.stop();
    agent.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** What a sender worker is given. */
interface SenderData {
  readonly url: string;
  readonly key: string;
  /** Index into {@link hostileBodies}. */
  readonly kind: number;
  /** Stop sending at this time (ms since the epoch). */
  readonly until: number;
}

/** A worker: SENDERS hostile requests in flight until `until`; posts the answers it counted. */
async function sender({ url, key, kind, until }: SenderData): Promise<void> {
  const body = hostileBodies()[kind]!;
  const answers = new Map<string, number>();
  const send = async (): Promise<void> => {
    while (Date.now() < until) {
      const a = await call(
        url,
        'POST',
        '/v1/decisions',
        { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body.bytes,
      );
      const code = a.status >= 400 ? (JSON.parse(a.body) as { code: string }).code : 'ok';
      const k = `${String(a.status)} ${code}`;
      answers.set(k, (answers.get(k) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: SENDERS }, send));
  parentPort!.postMessage([...answers]);
  agent.destroy();
}

if (isMainThread) await main();
else await sender(workerData as SenderData);
