// npm run bench:server — the HTTP API driven from this process, the server (`docket serve`) a child
// process. Prints figures; asserts nothing; each ingest figure beside its ceiling measured in the
// same run (the same stored bytes inserted raw: better-sqlite3 for SQLite, an `unnest` insert for
// PostgreSQL) and the ratio. The defaults take about 3 minutes on a quiet 2-core machine; the
// issue's figures are `--count 1000000 --pg-count 100000`. Options (environment twin, default):
//   --count N        decisions loaded into SQLite before its reads (BENCH_COUNT, 50000; 0 skips)
//   --pg-count N     decisions loaded into PostgreSQL (BENCH_PG_COUNT, 20000; 0 skips it)
//   --batch N        decisions per POST /v1/decisions (BENCH_BATCH, 1000)
//   --concurrency N  ingest requests in flight, one client each (BENCH_CONCURRENCY, 8: 8 × 1000 ≈
//                    the 8192 entries that start a flush at once; entries that arrive while a
//                    flush runs wait for the next, at most one per 200 ms); --clients is the same option
//   --singles N      single-decision POSTs, one at a time, on the idle loaded server (BENCH_SINGLES, 200),
//                    back to back, then (at most 40) each after a 250 ms pause
//   --readers N      concurrent clients for the loaded read figures (BENCH_READERS, 4)
//   --reads N        requests per read figure with --readers clients (BENCH_READS, 1000; half as
//                    many with 1 client), each stopping after --read-seconds (BENCH_READ_SECONDS, 5)
//   --port N         the SQLite server's port (BENCH_PORT, 0: a free one); --pg-port N the
//                    PostgreSQL-backed server's (BENCH_PG_PORT, 0)
//   --pg-fsync off   PostgreSQL with the test suite's fsync=off (default: fsync and
//                    full_page_writes on, as in production)
//   --cpu-prof DIR   run each server under `node --cpu-prof`, profiles written to DIR
//   --keep           keep the SQLite data directory (its path is printed) to look into afterwards
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statfsSync,
  statSync,
} from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import type { DecisionRecord } from '@docket/protocol';
import type * as PostgresSupport from '../tests/support/postgres.js';
import { fmt, percentile } from './figures.js';
import { ratio, rawSqliteInsert, rawSqliteSingleCommits, readStoredBytes } from './workload.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(REPO, 'packages/cli/bin/docket.js');
const POSTGRES_SUPPORT = new URL('../../tests/dist/support/postgres.js', import.meta.url);

const { values: args } = parseArgs({
  options: {
    count: { type: 'string' },
    'pg-count': { type: 'string' },
    clients: { type: 'string' },
    singles: { type: 'string' },
    port: { type: 'string' },
    'pg-port': { type: 'string' },
    'pg-fsync': { type: 'string' },
    batch: { type: 'string' },
    concurrency: { type: 'string' },
    readers: { type: 'string' },
    reads: { type: 'string' },
    'read-seconds': { type: 'string' },
    'cpu-prof': { type: 'string' },
    keep: { type: 'boolean' },
  },
});

function intArg(
  name:
    | 'count'
    | 'pg-count'
    | 'batch'
    | 'concurrency'
    | 'clients'
    | 'singles'
    | 'readers'
    | 'reads'
    | 'read-seconds'
    | 'port'
    | 'pg-port',
  env: string,
  fallback: number,
  min: number,
): number {
  const raw = args[name] ?? process.env[env];
  const n = raw === undefined || raw === '' ? fallback : Number(raw.replaceAll('_', ''));
  if (!Number.isSafeInteger(n) || n < min) {
    throw new Error(`--${name} (${env}) must be an integer ≥ ${min}, got ${String(raw)}`);
  }
  return n;
}

const COUNT = intArg('count', 'BENCH_COUNT', 50_000, 0);
const PG_COUNT = intArg('pg-count', 'BENCH_PG_COUNT', 20_000, 0);
const BATCH = Math.min(1000, intArg('batch', 'BENCH_BATCH', 1000, 1));
const CONCURRENCY =
  args.clients === undefined
    ? intArg('concurrency', 'BENCH_CONCURRENCY', 8, 1)
    : intArg('clients', 'BENCH_CONCURRENCY', 8, 1);
const SINGLES = intArg('singles', 'BENCH_SINGLES', 200, 0);
const READERS = intArg('readers', 'BENCH_READERS', 4, 1);
const READS = intArg('reads', 'BENCH_READS', 1000, 10);
const READ_SECONDS = intArg('read-seconds', 'BENCH_READ_SECONDS', 5, 1);
const PORT = intArg('port', 'BENCH_PORT', 0, 0);
const PG_PORT = intArg('pg-port', 'BENCH_PG_PORT', 0, 0);
const PG_FSYNC = (args['pg-fsync'] ?? process.env['BENCH_PG_FSYNC'] ?? 'on') !== 'off';
const CPU_PROF = args['cpu-prof'];
const KEEP = args.keep === true;

const AIMS = { sqliteIngest: 20_000, pgIngest: 10_000, getP99: 5, listP99: 50 };

const mib = (bytes: number): string => `${fmt(bytes / 1048576)} MiB`;
const ms = (x: number): string => `${fmt(x, x < 10 ? 2 : 1)} ms`;
const sleep = (millis: number): Promise<void> => new Promise((r) => setTimeout(r, millis));
const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

// ---------------------------------------------------------------------------------------------
// Cleanup: the server, the PostgreSQL cluster and the temp dirs go at the end, on an error and on
// Ctrl-C.

const cleanups = new Set<() => Promise<void>>();
async function runCleanups(): Promise<void> {
  for (const cleanup of [...cleanups].reverse()) {
    cleanups.delete(cleanup);
    await cleanup().catch((e: unknown) => {
      process.stderr.write(`cleanup failed: ${String(e)}\n`);
    });
  }
}
/** Set on Ctrl-C (or SIGTERM): the cleanup under way, which exits when done. */
let interrupted: Promise<void> | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`\n${signal}: stopping the server, removing temp dirs`);
    interrupted ??= runCleanups().finally(() => process.exit(130));
  });
}

/** A new temp dir and the function that removes it (also run on Ctrl-C until then). */
function tempDir(prefix: string): { dir: string; remove: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const remove = (): Promise<void> => {
    cleanups.delete(remove);
    rmSync(dir, { recursive: true, force: true });
    return Promise.resolve();
  };
  cleanups.add(remove);
  return { dir, remove };
}

// ---------------------------------------------------------------------------------------------
// The server process: its URL, key, and what /proc says about its memory and CPU.

interface ServerProcess {
  readonly url: URL;
  readonly bootstrapKey: string;
  readonly pid: number;
  /** SIGTERM (the server drains and closes its ledgers), then SIGKILL after 60 s. */
  stop(): Promise<void>;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** VmRSS, VmHWM (peak) and RssAnon (heap, not file pages) of a process, in bytes. */
interface Memory {
  readonly rss: number;
  readonly hwm: number;
  readonly anon: number;
}

function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string): number =>
    Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM'), anon: kb('RssAnon') };
}

const memoryText = (m: Memory): string =>
  `VmRSS ${mib(m.rss)} (RssAnon ${mib(m.anon)}), VmHWM (peak) ${mib(m.hwm)}`;

/** CPU seconds (user + system) of a process (all threads) and of its main thread. */
function cpuOf(pid: number): { all: number; main: number } {
  const seconds = (stat: string): number => {
    // Fields after "pid (comm) ": state is the first; utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  };
  return {
    all: seconds(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    main: seconds(readFileSync(`/proc/${pid}/task/${pid}/stat`, 'utf8')),
  };
}

/** Busy CPU seconds of the whole machine, every process (from /proc/stat). */
function machineCpu(): number {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = fields.map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) / CLOCK_TICKS;
}

/** CPU seconds of a PostgreSQL cluster: its postmaster and every child (backends, writers). */
function postgresCpu(postmaster: number | undefined): Map<number, number> {
  const cpu = new Map<number, number>();
  if (postmaster === undefined) return cpu;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(name) === postmaster || Number(fields[1]) === postmaster) {
      cpu.set(Number(name), (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS);
    }
  }
  return cpu;
}

/** CPU used during a window, in cores (CPU seconds per second). */
interface CpuShares {
  readonly server: number;
  readonly serverMain: number;
  /** PostgreSQL's processes (postmaster and children), 0 for SQLite. */
  readonly postgres: number;
  /** This process, the client. */
  readonly client: number;
  /** Every other process on the machine: the figures are not from a quiet machine when large. */
  readonly other: number;
}

/** Starts counting CPU; the returned function ends the window and gives the shares. */
function cpuWindow(serverPid: number, postmaster: number | undefined): () => CpuShares {
  const started = performance.now();
  const client0 = process.cpuUsage();
  const server0 = cpuOf(serverPid);
  const machine0 = machineCpu();
  const postgres0 = postgresCpu(postmaster);
  return () => {
    const seconds = (performance.now() - started) / 1000;
    const c = process.cpuUsage(client0);
    const server1 = cpuOf(serverPid);
    let postgres = 0;
    for (const [pid, cpu] of postgresCpu(postmaster)) postgres += cpu - (postgres0.get(pid) ?? 0);
    const shares = {
      server: (server1.all - server0.all) / seconds,
      serverMain: (server1.main - server0.main) / seconds,
      postgres: postgres / seconds,
      client: (c.user + c.system) / 1e6 / seconds,
    };
    const machine = (machineCpu() - machine0) / seconds;
    return {
      ...shares,
      other: Math.max(0, machine - shares.server - shares.postgres - shares.client),
    };
  };
}

const cpuText = (c: CpuShares): string =>
  `server ${fmt(c.server, 2)} cores (main thread ${fmt(c.serverMain, 2)})${c.postgres === 0 ? '' : `, PostgreSQL ${fmt(c.postgres, 2)}`}, client ${fmt(c.client, 2)}, other processes ${fmt(c.other, 2)}`;

/** Bytes of every file under a directory. */
function sizeOf(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

/** One value from PostgreSQL, through psql. */
async function psql(url: string, sql: string): Promise<string> {
  const { stdout } = await promisify(execFile)('psql', [url, '-Atc', sql]);
  return stdout.trim();
}

/**
 * Restarts the test suite's cluster without its `-c fsync=off -c full_page_writes=off` (command-line
 * settings outrank ALTER SYSTEM, so a reload can't undo them): the same port, socket and data, but
 * commits durable as in production. As root, pg_ctl runs as the `postgres` user, as initdb did.
 */
async function restartDurable(url: string): Promise<void> {
  const data = await psql(url, 'SHOW data_directory');
  // postmaster.opts: the postgres binary, then each argument in double quotes.
  const [binary, ...argv] = [
    ...readFileSync(join(data, 'postmaster.opts'), 'utf8').matchAll(/"([^"]*)"|(\S+)/g),
  ].map((m) => m[1] ?? m[2]!);
  const kept: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-D') i++;
    else if (arg === '-c' && /^(fsync|full_page_writes)=/.test(argv[i + 1] ?? '')) i++;
    else kept.push(arg);
  }
  const pgCtl = join(dirname(binary!), 'pg_ctl');
  const restart = [
    'restart',
    '-D',
    data,
    '-m',
    'fast',
    '-w',
    '-l',
    join(dirname(data), 'log'),
    '-o',
    kept.map((a) => `'${a}'`).join(' '),
  ];
  const [file, fileArgs] =
    process.getuid?.() === 0
      ? ['runuser', ['-u', 'postgres', '--', pgCtl, ...restart]]
      : [pgCtl, restart];
  await promisify(execFile)(file, fileArgs, { timeout: 60_000 });
}

async function startDocket(
  dataDir: string,
  pgUrl: string | undefined,
  port: number,
): Promise<ServerProcess> {
  // The server logs a JSON line per request on stderr: to a file, so no pipe can fill and stall it.
  const logPath = join(dirname(dataDir), 'server.log');
  const log = openSync(logPath, 'w');
  const node = CPU_PROF === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', CPU_PROF];
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...node,
      CLI,
      'serve',
      '--data',
      dataDir,
      ...(pgUrl === undefined ? [] : ['--pg', pgUrl]),
      '--port',
      String(port),
      '--json',
    ],
    { stdio: ['ignore', 'pipe', log] },
  );
  closeSync(log);
  let exited = child.exitCode !== null;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    cleanups.delete(stop);
    if (exited) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    await exit;
    clearTimeout(killer);
  };
  cleanups.add(stop);
  // With --json, the server prints one line once it listens.
  let listening = false;
  const ready = await new Promise<{ url: string; bootstrapKey: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      if (listening || !out.includes('\n')) return;
      listening = true;
      try {
        resolve(JSON.parse(out.split('\n')[0]!) as { url: string; bootstrapKey: string });
      } catch (e) {
        reject(new Error(`docket serve printed ${out}`, { cause: e }));
      }
    });
    void exit.then(() => {
      if (listening) return;
      const tail = readFileSync(logPath, 'utf8').slice(-2000);
      reject(new Error(`docket serve exited before listening:\n${tail}`));
    });
  });
  return { url: new URL(ready.url), bootstrapKey: ready.bootstrapKey, pid: child.pid!, stop };
}

// ---------------------------------------------------------------------------------------------
// The client: node:http with a keep-alive agent (one socket per request in flight).

interface Answer {
  readonly status: number;
  readonly text: string;
}

class Client {
  readonly #url: URL;
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 64 });

  constructor(url: URL) {
    this.#url = url;
  }

  send(method: string, path: string, key: string, body?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        {
          agent: this.#agent,
          host: this.#url.hostname,
          port: this.#url.port,
          method,
          path,
          headers: {
            authorization: `Bearer ${key}`,
            ...(body === undefined
              ? {}
              : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  async json<T>(method: string, path: string, key: string, body?: unknown): Promise<T> {
    const answer = await this.send(
      method,
      path,
      key,
      body === undefined ? undefined : JSON.stringify(body),
    );
    if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${answer.text}`);
    return JSON.parse(answer.text) as T;
  }

  close(): void {
    this.#agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Decisions: the full sample record (every field, ~2.9 KB of JSON) with fresh ids and varied
// agents, versions, actions, subjects, runs, goal words and times, so filters select something.

interface AgentSpec {
  readonly id: string;
  /** Subject kind, or none: those agents' decisions are about no person (not encrypted). */
  readonly subject: string | undefined;
  readonly actions: readonly string[];
}

const agentSpec = (id: string, subject: string | undefined, actions: string): AgentSpec => ({
  id,
  subject,
  actions: actions.split(' '),
});
const AGENTS: readonly AgentSpec[] = [
  agentSpec('credit-underwriter', 'applicant', 'approve approve_reduced decline refer'),
  agentSpec('claims-triage', 'claimant', 'pay investigate deny escalate'),
  agentSpec('kyc-screener', 'customer', 'clear review block request_documents'),
  agentSpec('collections-planner', 'account', 'remind payment_plan hold write_off'),
  agentSpec('support-router', undefined, 'billing technical sales close'),
  agentSpec('fraud-rule-tuner', undefined, 'tighten loosen keep disable'),
  agentSpec('pricing-optimizer', undefined, 'raise lower hold experiment'),
  agentSpec('inventory-planner', undefined, 'reorder transfer wait clearance'),
];
const SUBJECT_AGENTS = AGENTS.filter((a) => a.subject !== undefined);
const VERSIONS = ['2.3.1', '2.4.0', '3.0.0-rc.1'];
/** Goal words: a product and a region per decision, so `q=<product> <region>` matches ~1/200. */
const PRODUCTS = (
  'mortgage refinance auto student equipment overdraft creditcard bridge solar medical wedding ' +
  'travel boat business invoice payday housing tuition agriculture renovation'
).split(' ');
const REGIONS =
  'northeast southeast midwest southwest mountain pacific alaska hawaii territories overseas'.split(
    ' ',
  );
/** The decisions' times: evenly over the 30 days before the run, oldest first. */
const SPAN_MS = 30 * 86_400_000;
const T0 = Date.now() - SPAN_MS;

/** A small fast PRNG (mulberry32): the same sequence on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(xs: readonly T[], r: number): T => xs[Math.floor(r * xs.length)]!;

function makeDecision(i: number, total: number, rand: () => number): DecisionRecord {
  const agent = pick(AGENTS, rand());
  const action = pick(agent.actions, rand());
  const product = pick(PRODUCTS, rand());
  const region = pick(REGIONS, rand());
  const caseId = `C-${Math.floor(rand() * 1e8)}`;
  const base = sampleDecision();
  const record: DecisionRecord = {
    ...base,
    id: createUuidV7(),
    ts: new Date(T0 + Math.floor(((i + rand()) * SPAN_MS) / total)).toISOString(),
    agent: { id: agent.id, version: pick(VERSIONS, rand() * rand()) },
    goal: `Decide ${product} case ${caseId} for a ${region} customer, and on which terms.`,
    outcome: { ...base.outcome, action, target: `case/${caseId}` },
    correlation: {
      ...base.correlation,
      orchestrator: { ...base.correlation!.orchestrator!, runId: `run-${Math.floor(i / 250)}` },
    },
    producer: { id: `worker-${i % 16}`, seq: i, sdk: 'bench' },
  };
  if (agent.subject === undefined) {
    const { subject: _subject, ...rest } = record;
    return rest;
  }
  return {
    ...record,
    subject: { id: `${agent.subject}-${Math.floor(rand() * 200_000)}`, type: agent.subject },
  };
}

/** Up to `size` ids chosen uniformly from everything offered (reservoir sampling). */
class Reservoir {
  readonly ids: string[] = [];
  #seen = 0;
  readonly #size: number;
  readonly #rand = prng(7);
  constructor(size: number) {
    this.#size = size;
  }
  offer(id: string): void {
    this.#seen++;
    if (this.ids.length < this.#size) this.ids.push(id);
    else {
      const j = Math.floor(this.#rand() * this.#seen);
      if (j < this.#size) this.ids[j] = id;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Ingest.

interface IngestFigures {
  readonly count: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly meanBytes: number;
  /** How long one POST of a batch took, until all its decisions were durable (ms). */
  readonly post: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly cpu: CpuShares;
}

async function ingest(
  client: Client,
  server: ServerProcess,
  key: string,
  count: number,
  ids: { withSubject: Reservoir; withoutSubject: Reservoir },
  postmaster: number | undefined,
): Promise<IngestFigures> {
  const rand = prng(42);
  const batches = Math.ceil(count / BATCH);
  let nextBatch = 0;
  let done = 0;
  let bytes = 0;
  const waits: number[] = [];
  const started = performance.now();
  const cpu = cpuWindow(server.pid, postmaster);
  let warned = false;
  let last = { t: started, done: 0 };
  const progress = setInterval(() => {
    const now = performance.now();
    const rate = ((done - last.done) * 1000) / (now - last.t);
    const overall = (done * 1000) / (now - started);
    const eta = (count - done) / overall;
    say(
      `  ${fmt(done)} / ${fmt(count)} decisions, ${fmt(rate)}/s now, ${fmt(overall)}/s overall, ~${fmt(eta / 60, 1)} min to go`,
    );
    if (!warned && done >= Math.min(count / 20, 50_000) && count / overall > 600) {
      warned = true;
      say(
        `  note: at ${fmt(overall)}/s, ${fmt(count)} decisions take ~${fmt(count / overall / 60)} min (more than 10); --count N loads fewer`,
      );
    }
    last = { t: now, done };
  }, 10_000);
  const worker = async (): Promise<void> => {
    for (let b = nextBatch++; b < batches; b = nextBatch++) {
      const records: DecisionRecord[] = [];
      for (let i = b * BATCH; i < Math.min(count, (b + 1) * BATCH); i++) {
        const record = makeDecision(i, count, rand);
        (record.subject === undefined ? ids.withoutSubject : ids.withSubject).offer(record.id);
        records.push(record);
      }
      const body = JSON.stringify({ decisions: records });
      bytes += Buffer.byteLength(body);
      for (;;) {
        const t = performance.now();
        const answer = await client.send('POST', '/v1/decisions', key, body);
        waits.push(performance.now() - t);
        if (answer.status === 429 || answer.status === 503) {
          await sleep(1000);
          continue;
        }
        if (answer.status !== 200)
          throw new Error(`POST /v1/decisions: ${answer.status} ${answer.text}`);
        const { results } = JSON.parse(answer.text) as { results: { status: string }[] };
        const bad = results.find((r) => r.status !== 'accepted');
        if (bad !== undefined)
          throw new Error(`a decision was not accepted: ${JSON.stringify(bad)}`);
        done += results.length;
        break;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    clearInterval(progress);
  }
  const seconds = (performance.now() - started) / 1000;
  waits.sort((a, b) => a - b);
  return {
    count,
    seconds,
    perSecond: count / seconds,
    meanBytes: bytes / count,
    post: { p50: percentile(waits, 0.5), p99: percentile(waits, 0.99), max: waits.at(-1)! },
    cpu: cpu(),
  };
}

/**
 * Single-decision POSTs one after the other on a server with nothing else in flight: what a
 * producer sending one decision at a time waits for (the flush policy's latency). With `gapMs`,
 * each POST follows a pause (an agent deciding now and then: the log is idle when it arrives).
 */
async function singlePosts(
  client: Client,
  key: string,
  count: number,
  singles: number,
  gapMs = 0,
): Promise<Latency | undefined> {
  if (singles === 0) return undefined;
  await sleep(500); // let the last ingest flush settle: the server is idle
  const rand = prng(gapMs === 0 ? 1234 : 4321);
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < singles + 10; i++) {
    if (gapMs > 0) await sleep(gapMs);
    const body = JSON.stringify({
      decisions: [makeDecision(count + i + (gapMs === 0 ? 0 : SINGLES + 10), count, rand)],
    });
    const t = performance.now();
    const answer = await client.send('POST', '/v1/decisions', key, body);
    if (answer.status !== 200)
      throw new Error(`POST /v1/decisions: ${answer.status} ${answer.text}`);
    if (i >= 10) times.push(performance.now() - t); // the first 10 warm up
  }
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    max: times.at(-1)!,
    perSecond: times.length / seconds,
    n: times.length,
  };
}

/** {@link rawSqliteSingleCommits} of `singles` decisions' JSON (with a leaf-sized blob), in tmp. */
function singleCommitFloor(count: number, singles: number): { p50: number; p99: number } {
  const dir = mkdtempSync(join(tmpdir(), 'docket-bench-floor-'));
  try {
    const rand = prng(99);
    const rows = Array.from({ length: singles + 10 }, (_, i) => {
      const decision = makeDecision(count + i, count, rand);
      return {
        id: decision.id,
        leaf: Buffer.alloc(900, i % 251),
        body: Buffer.from(JSON.stringify(decision)),
      };
    });
    return rawSqliteSingleCommits(join(dir, 'floor.db'), rows);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Ceilings: the same bytes the server stored, inserted with nothing of Docket around them.

interface Ceiling {
  readonly what: string;
  readonly perSecond: number;
}

/** The largest SQLite file under `dir`: the tenant's decision log (the access log is small). */
function largestDb(dir: string): string {
  let best = { path: '', size: -1 };
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const stat = statSync(path);
      if (stat.isDirectory()) walk(path);
      else if (name.endsWith('.db') && stat.size > best.size) best = { path, size: stat.size };
    }
  };
  walk(dir);
  return best.path;
}

/** Raw better-sqlite3 insert of the log's stored leaf and content bytes (server stopped). */
function sqliteCeiling(dataDir: string): Ceiling {
  const rows = readStoredBytes(largestDb(dataDir));
  const raw = rawSqliteInsert(join(dataDir, 'raw-ceiling.db'), rows);
  return {
    what: 'raw better-sqlite3 insert (WAL, synchronous=FULL, 8,192 per transaction)',
    perSecond: raw.perSecond,
  };
}

/**
 * PostgreSQL `INSERT … SELECT FROM unnest(…)` of the log's stored leaf and content bytes into a
 * plain table of the same cluster, `clients` connections at once, 1,000 rows per statement, each
 * statement its own transaction (as each POST is durable on its own).
 */
async function postgresCeiling(url: string, clients: number): Promise<Ceiling> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const { rows: logs } = await admin.query<{ schema: string }>(
      "SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'entries'",
    );
    let schema = '';
    let most = -1;
    for (const { schema: s } of logs) {
      const { rows } = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM "${s}".entries`);
      if (Number(rows[0]!.n) > most) [schema, most] = [s, Number(rows[0]!.n)];
    }
    const { rows } = await admin.query<{ id: string; leaf: Buffer; body: Buffer | null }>(
      `SELECT e.id, e.leaf, c.body FROM "${schema}".entries e
         LEFT JOIN "${schema}".contents c ON c.idx = e.idx ORDER BY e.idx`,
    );
    await admin.query(
      'CREATE TABLE bench_raw (idx bigint PRIMARY KEY, id text NOT NULL UNIQUE, leaf bytea NOT NULL, body bytea)',
    );
    const conns = await Promise.all(
      Array.from({ length: clients }, async () => {
        const c = new pg.Client({ connectionString: url });
        await c.connect();
        return c;
      }),
    );
    let next = 0;
    const started = performance.now();
    await Promise.all(
      conns.map(async (c) => {
        for (let from = next; from < rows.length; from = next) {
          next += 1000;
          const slice = rows.slice(from, from + 1000);
          await c.query(
            `INSERT INTO bench_raw (idx, id, leaf, body)
               SELECT * FROM unnest($1::bigint[], $2::text[], $3::bytea[], $4::bytea[])`,
            [
              slice.map((_, i) => from + i),
              slice.map((r) => r.id),
              slice.map((r) => r.leaf),
              slice.map((r) => r.body),
            ],
          );
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    await Promise.all(conns.map((c) => c.end()));
    await admin.query('DROP TABLE bench_raw');
    return {
      what: `PostgreSQL unnest insert (${clients} connections, 1,000 rows per statement)`,
      perSecond: rows.length / seconds,
    };
  } finally {
    await admin.end();
  }
}

// ---------------------------------------------------------------------------------------------
// Reads: latency as the client sees it (loopback, keep-alive), after a warm-up.

interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly perSecond: number;
  /** Requests measured (fewer than asked when the figure ran out of time). */
  readonly n: number;
}

async function measure(
  client: Client,
  clients: number,
  total: number,
  next: () => { path: string; key: string },
): Promise<Latency> {
  const one = async (times: number[] | undefined): Promise<void> => {
    const { path, key } = next();
    const t = performance.now();
    const answer = await client.send('GET', path, key);
    const elapsed = performance.now() - t;
    if (answer.status !== 200) throw new Error(`GET ${path}: ${answer.status} ${answer.text}`);
    times?.push(elapsed);
  };
  for (let i = 0; i < Math.min(50, total / 10); i++) await one(undefined);
  const times: number[] = [];
  let issued = 0;
  const started = performance.now();
  const deadline = started + READ_SECONDS * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (issued++ < total && performance.now() < deadline) await one(times);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  return {
    p50: percentile(times, 0.5),
    p99: percentile(times, 0.99),
    max: times.at(-1)!,
    perSecond: times.length / seconds,
    n: times.length,
  };
}

interface ReadFigure {
  readonly label: string;
  /** For the summary table. */
  readonly short: string;
  readonly aim: number;
  readonly one: Latency;
  readonly many: Latency;
}

async function reads(
  client: Client,
  keys: { reader: string; auditor: string },
  ids: { withSubject: Reservoir; withoutSubject: Reservoir },
): Promise<ReadFigure[]> {
  const rand = prng(99);
  const all = [...ids.withSubject.ids, ...ids.withoutSubject.ids];
  const day = 86_400_000;
  const q = (params: Record<string, string>): string =>
    `/v1/decisions?${new URLSearchParams({ ...params, limit: '50' }).toString()}`;
  const kinds: {
    label: string;
    short: string;
    aim: number;
    next: () => { path: string; key: string };
  }[] = [
    {
      label: 'GET /v1/decisions/{id}, reader, subject: content withheld, no access entry',
      short: 'GET decision, reader (withheld)',
      aim: AIMS.getP99,
      next: () => ({
        path: `/v1/decisions/${pick(ids.withSubject.ids, rand())}`,
        key: keys.reader,
      }),
    },
    {
      label: 'GET /v1/decisions/{id}/proof, reader: inclusion proof at the latest checkpoint',
      short: 'GET proof, reader',
      aim: AIMS.getP99,
      next: () => ({ path: `/v1/decisions/${pick(all, rand())}/proof`, key: keys.reader }),
    },
    {
      label: 'GET /v1/decisions/{id}, auditor: content shown, access entry durable first',
      short: 'GET decision, auditor (access logged)',
      aim: AIMS.getP99,
      next: () => ({ path: `/v1/decisions/${pick(all, rand())}`, key: keys.auditor }),
    },
    {
      label: 'list agent+action, reader (subjects: withheld, no access entry)',
      short: 'list agent+action, reader',
      aim: AIMS.listP99,
      next: () => {
        const agent = pick(SUBJECT_AGENTS, rand());
        return {
          path: q({ agent: agent.id, action: pick(agent.actions, rand()) }),
          key: keys.reader,
        };
      },
    },
    {
      label: 'list agent+action, auditor (access entry durable first)',
      short: 'list agent+action, auditor',
      aim: AIMS.listP99,
      next: () => {
        const agent = pick(AGENTS, rand());
        return {
          path: q({ agent: agent.id, action: pick(agent.actions, rand()) }),
          key: keys.auditor,
        };
      },
    },
    {
      label: 'list q=<product> <region> (2 words, ~1/200 match), auditor',
      short: 'list q= 2 words, auditor',
      aim: AIMS.listP99,
      next: () => ({
        path: q({ q: `${pick(PRODUCTS, rand())} ${pick(REGIONS, rand())}` }),
        key: keys.auditor,
      }),
    },
    {
      label: 'list agent + one-day since/until, auditor',
      short: 'list agent + 1-day range, auditor',
      aim: AIMS.listP99,
      next: () => {
        const since = T0 + Math.floor(rand() * (SPAN_MS - day));
        return {
          path: q({
            agent: pick(AGENTS, rand()).id,
            since: new Date(since).toISOString(),
            until: new Date(since + day).toISOString(),
          }),
          key: keys.auditor,
        };
      },
    },
  ];
  const figures: ReadFigure[] = [];
  for (const kind of kinds) {
    const one = await measure(client, 1, Math.floor(READS / 2), kind.next);
    const many = await measure(client, READERS, READS, kind.next);
    say(
      `  ${kind.label}: 1 client p50 ${ms(one.p50)} p99 ${ms(one.p99)} (n=${one.n}); ${READERS} clients p50 ${ms(many.p50)} p99 ${ms(many.p99)} max ${ms(many.max)}, ${fmt(many.perSecond)} req/s (n=${many.n})`,
    );
    figures.push({ label: kind.label, short: kind.short, aim: kind.aim, one, many });
  }
  return figures;
}

// ---------------------------------------------------------------------------------------------
// One store: start a server, load, read, measure, stop.

interface StoreFigures {
  readonly store: string;
  readonly ingest: IngestFigures;
  readonly ceiling: Ceiling;
  readonly singles: Latency | undefined;
  readonly reads: ReadFigure[];
  readonly memory: { readonly loaded: Memory; readonly read: Memory };
  readonly disk: number;
}

async function runStore(
  store: 'SQLite' | 'PostgreSQL',
  count: number,
  pg: PostgresSupport.PostgresCluster | undefined,
): Promise<StoreFigures> {
  const { dir: root, remove } = tempDir(`docket-bench-server-${store.toLowerCase()}-`);
  const dataDir = join(root, 'data');
  say(`\n== ${store}: docket serve --data ${dataDir}${pg === undefined ? '' : ' --pg …'}`);
  const server = await startDocket(dataDir, pg?.url, pg === undefined ? PORT : PG_PORT);
  const client = new Client(server.url);
  try {
    const admin = server.bootstrapKey;
    const newKey = async (role: string): Promise<string> =>
      (
        await client.json<{ key: string }>('POST', '/v1/keys', admin, {
          role,
          name: `bench-${role}`,
        })
      ).key;
    const keys = {
      ingest: await newKey('ingest'),
      reader: await newKey('reader'),
      auditor: await newKey('auditor'),
    };
    const ids = { withSubject: new Reservoir(20_000), withoutSubject: new Reservoir(20_000) };
    say(
      `ingest: ${fmt(count)} decisions, batches of ${fmt(BATCH)}, ${CONCURRENCY} requests in flight (ingest key)`,
    );
    let postmaster: number | undefined;
    if (pg !== undefined) {
      const data = await psql(pg.url, 'SHOW data_directory');
      postmaster = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    }
    const ingested = await ingest(client, server, keys.ingest, count, ids, postmaster);
    say(
      `ingest: ${fmt(count)} in ${fmt(ingested.seconds, 1)} s = ${fmt(ingested.perSecond)} decisions/s durable (mean ${fmt(ingested.meanBytes)} B of JSON each); one POST p50 ${ms(ingested.post.p50)}, p99 ${ms(ingested.post.p99)}; CPU: ${cpuText(ingested.cpu)}`,
    );
    const singles = await singlePosts(client, keys.ingest, count, SINGLES);
    if (singles !== undefined) {
      say(
        `single-decision POST, back to back on the idle server (${fmt(SINGLES)}): p50 ${ms(singles.p50)}, p99 ${ms(singles.p99)}, max ${ms(singles.max)} (aim p50 ≤ 5 ms)`,
      );
      const floor = singleCommitFloor(count, SINGLES);
      say(
        `  floor, same run: one raw better-sqlite3 INSERT + commit (WAL, synchronous=FULL) of a decision's bytes, one at a time: p50 ${ms(floor.p50)}, p99 ${ms(floor.p99)}; Docket p50 = ${fmt(singles.p50 / floor.p50, 1)}× the floor`,
      );
    }
    const spaced = await singlePosts(client, keys.ingest, count, Math.min(SINGLES, 40), 250);
    if (spaced !== undefined) {
      say(
        `single-decision POST, each after a 250 ms pause (${fmt(Math.min(SINGLES, 40))}): p50 ${ms(spaced.p50)}, p99 ${ms(spaced.p99)}, max ${ms(spaced.max)} (aim p50 ≤ 5 ms)`,
      );
    }
    const loaded = memoryOf(server.pid);
    say(`server memory after loading: ${memoryText(loaded)}`);
    say(
      `reads at ${fmt(count)} decisions (per figure: ${fmt(READS)} requests with ${READERS} clients, ${fmt(Math.floor(READS / 2))} with 1, each for at most ${READ_SECONDS} s):`,
    );
    const readCpu = cpuWindow(server.pid, postmaster);
    const readFigures = await reads(client, keys, ids);
    say(`  CPU during the reads: ${cpuText(readCpu())}`);
    const read = memoryOf(server.pid);
    say(`server memory after reads: ${memoryText(read)}`);
    let disk: number;
    let diskNote: string;
    if (pg === undefined) {
      disk = sizeOf(dataDir);
      diskNote = 'data dir (ledger.db + WAL, access log, keys), server running';
    } else {
      disk = Number(await psql(pg.url, 'SELECT pg_database_size(current_database())'));
      diskNote = 'pg_database_size (logs, search, access log, keys)';
    }
    say(`data on disk: ${mib(disk)} = ${fmt(disk / count)} bytes per decision (${diskNote})`);
    await server.stop();
    const ceiling =
      pg === undefined ? sqliteCeiling(dataDir) : await postgresCeiling(pg.url, CONCURRENCY);
    say(
      `ceiling, same run: ${ceiling.what} of the same stored bytes ${fmt(ceiling.perSecond)}/s; Docket's HTTP ingest = ${ratio(ingested.perSecond, ceiling.perSecond)}`,
    );
    return {
      store,
      ingest: ingested,
      ceiling,
      singles,
      reads: readFigures,
      memory: { loaded, read },
      disk,
    };
  } finally {
    client.close();
    await server.stop();
    // A PostgreSQL log lives in its cluster, removed at the end: only an SQLite one can be kept.
    if (KEEP && pg === undefined) {
      cleanups.delete(remove);
      say(`kept: ${dataDir} (server log: ${join(root, 'server.log')})`);
    } else {
      await remove();
    }
  }
}

// ---------------------------------------------------------------------------------------------

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]): string =>
    `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  say(line(rows[0]!));
  say(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows.slice(1)) say(line(r));
}

function summary(results: StoreFigures[]): void {
  say(`\n== Figures vs aims (reads: p50 / p99 with ${READERS} clients, and with 1)`);
  const rows = [['store', 'figure', 'measured', '1 client', 'aim']];
  for (const r of results) {
    const n = fmt(r.ingest.count);
    const aim = r.store === 'SQLite' ? AIMS.sqliteIngest : AIMS.pgIngest;
    const row = (figure: string, measured: string, one: string, target: string): void => {
      rows.push([r.store, figure, measured, one, target]);
    };
    row(`ingest, durable (${n} decisions)`, `${fmt(r.ingest.perSecond)}/s`, '', `≥ ${fmt(aim)}/s`);
    row(
      'ingest ceiling, same run (same bytes raw)',
      `${fmt(r.ceiling.perSecond)}/s`,
      '',
      `Docket ${fmt(r.ingest.perSecond / r.ceiling.perSecond, 3)}×`,
    );
    if (r.singles !== undefined) {
      row(
        'single-decision POST, idle (p50 / p99)',
        `${ms(r.singles.p50)} / ${ms(r.singles.p99)}`,
        '',
        'p50 ≤ 5 ms',
      );
    }
    for (const f of r.reads) {
      row(
        `${f.short} at ${n}`,
        `${ms(f.many.p50)} / ${ms(f.many.p99)}`,
        `${ms(f.one.p50)} / ${ms(f.one.p99)}`,
        `p99 < ${f.aim} ms`,
      );
    }
    row(
      `server VmRSS at ${n}: loaded / after reads (peak)`,
      `${mib(r.memory.loaded.rss)} / ${mib(r.memory.read.rss)} (${mib(r.memory.read.hwm)})`,
      '',
      '(report)',
    );
    row(
      `data on disk (${r.store === 'SQLite' ? 'data dir' : 'pg_database_size'})`,
      `${mib(r.disk)} = ${fmt(r.disk / r.ingest.count)} B/decision`,
      '',
      '(report)',
    );
  }
  table(rows);
}

async function main(): Promise<void> {
  const free = (): number => {
    const s = statfsSync(tmpdir());
    return s.bavail * s.bsize;
  };
  say(
    `docket bench:server — ${new Date().toISOString()}, node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${mib(totalmem())} RAM, ${mib(free())} free in ${tmpdir()}`,
  );
  say(
    `options: --count ${COUNT} --pg-count ${PG_COUNT} --batch ${BATCH} --concurrency ${CONCURRENCY} --singles ${SINGLES} --readers ${READERS} --reads ${READS} --read-seconds ${READ_SECONDS} --port ${PORT} --pg-port ${PG_PORT} --pg-fsync ${PG_FSYNC ? 'on' : 'off'}${CPU_PROF === undefined ? '' : ` --cpu-prof ${CPU_PROF}`}`,
  );
  // ~9 KB per decision on disk (SQLite, with the WAL) plus room to spare.
  if (COUNT * 12_000 > free()) {
    throw new Error(
      `${mib(free())} free in ${tmpdir()} is too little for ${fmt(COUNT)} decisions (~12 KB each)`,
    );
  }
  const results: StoreFigures[] = [];
  if (COUNT > 0) results.push(await runStore('SQLite', COUNT, undefined));
  if (PG_COUNT > 0) {
    const { startPostgres } = (await import(POSTGRES_SUPPORT.href)) as typeof PostgresSupport;
    const pg = await startPostgres();
    const stopPg = (): Promise<void> => {
      cleanups.delete(stopPg);
      return pg.stop();
    };
    cleanups.add(stopPg);
    if (PG_FSYNC) await restartDurable(pg.url);
    say(
      `\nPostgreSQL: a throwaway cluster (tests/support/postgres.ts), fsync=${await psql(pg.url, 'SHOW fsync')}, full_page_writes=${await psql(pg.url, 'SHOW full_page_writes')}, synchronous_commit=${await psql(pg.url, 'SHOW synchronous_commit')}`,
    );
    try {
      results.push(await runStore('PostgreSQL', PG_COUNT, pg));
    } finally {
      await stopPg();
    }
  }
  summary(results);
}

try {
  await main();
} catch (error) {
  // After Ctrl-C, requests fail as the server stops: that is not the error to report.
  if (interrupted === undefined) throw error;
} finally {
  await (interrupted ?? runCleanups());
}
