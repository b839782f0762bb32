// Server replicas of one shared log, as real child processes, for the replica tests. The test
// talks to a replica only through `Replica` (append, stop, kill, pid), so the child can become
// `docket serve --pg … ` (appends over HTTP) by writing another `startReplica`, unchanged tests.
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createApiKey } from '@docket/server';
import { openPostgresApiKeyStore, sequencerLock } from '@docket/store';
import type { DecisionRecord } from '@docket/protocol';
import { repoRoot } from './vectors.js';

const script = fileURLToPath(new URL('./replica-process.js', import.meta.url));
const docketBin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');

/** An acknowledged append, as a replica reported it. */
export interface ReplicaAck {
  readonly id: string;
  readonly index: number;
  readonly status: 'accepted' | 'duplicate';
}

/** An append a replica refused (`code` as the ledger's error), or that died with the replica. */
export class ReplicaAppendError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** One server replica of a shared log. */
export interface Replica {
  readonly name: string;
  /** Its process id: the sequencer lease's connection is named after it (`docket-lease <pid>`). */
  readonly pid: number;
  /** Whether it still runs (not killed, stopped, or exited). */
  readonly alive: boolean;
  /** Appends one decision; rejects with {@link ReplicaAppendError} (`REPLICA_DIED` if it died). */
  append(record: DecisionRecord): Promise<ReplicaAck>;
  /** Graceful stop (SIGTERM): answers what is in flight, closes the ledger. */
  stop(): Promise<void>;
  /** SIGKILL, and waits for the exit. */
  kill(): Promise<void>;
}

/** Where replicas run: one data directory (keys, published checkpoint) and one PostgreSQL log. */
export interface ReplicaOptions {
  readonly name: string;
  readonly dataDir: string;
  readonly pgUrl: string;
  /** Environment twins for the ledger (DOCKET_FLUSH_INTERVAL_MS …). */
  readonly env?: Record<string, string>;
}

/**
 * Starts a replica process and resolves once its ledger is open (READY).
 *
 * @example
 * const replica = await startReplica({ name: 'r1', dataDir, pgUrl });
 * const { index } = await replica.append(fixtureDecision(1));
 * await replica.stop();
 */
export function startReplica(options: ReplicaOptions): Promise<Replica> {
  const child = spawn(
    process.execPath,
    [script, '--data', options.dataDir, '--pg', options.pgUrl],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  return new Promise((resolve, reject) => {
    // It resolves once the child says READY, or rejects if the child exits first.
    new ChildReplica(options.name, child, resolve, reject);
  });
}

class ChildReplica implements Replica {
  readonly name: string;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #waiting = new Map<
    string,
    { resolve: (a: ReplicaAck) => void; reject: (e: Error) => void }[]
  >();
  readonly #exited: Promise<void>;
  #alive = true;
  #stderr = '';

  constructor(
    name: string,
    child: ChildProcessWithoutNullStreams,
    ready: (replica: Replica) => void,
    failed: (error: Error) => void,
  ) {
    this.name = name;
    this.#child = child;
    let buffered = '';
    child.stderr.on('data', (d: Buffer) => (this.#stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [tag, id = '', a = '', ...rest] = line.split(' ');
        if (tag === 'READY') ready(this);
        else if (tag === 'ACK')
          this.#answer(id, { id, index: Number(a), status: rest[0] as 'accepted' });
        else if (tag === 'ERR') this.#answer(id, new ReplicaAppendError(a, rest.join(' ')));
      }
    });
    // Writes to a replica that just died must not crash the test process.
    child.stdin.on('error', () => undefined);
    this.#exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.#alive = false;
        const error = new ReplicaAppendError(
          'REPLICA_DIED',
          `${name} exited (${signal ?? `code ${String(code)}`}) before answering`,
        );
        for (const id of [...this.#waiting.keys()]) this.#answer(id, error);
        failed(new Error(`${name} exited before it was ready: ${this.#stderr}`));
        resolve();
      });
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  get alive(): boolean {
    return this.#alive;
  }

  /** What the replica wrote to stderr (for failure messages). */
  get stderr(): string {
    return this.#stderr;
  }

  append(record: DecisionRecord): Promise<ReplicaAck> {
    if (!this.#alive) return Promise.reject(new ReplicaAppendError('REPLICA_DIED', this.name));
    return new Promise((resolve, reject) => {
      const list = this.#waiting.get(record.id) ?? [];
      list.push({ resolve, reject });
      this.#waiting.set(record.id, list);
      this.#child.stdin.write(`APPEND ${JSON.stringify(record)}\n`);
    });
  }

  async stop(): Promise<void> {
    if (this.#alive) this.#child.kill('SIGTERM');
    await this.#exited;
  }

  async kill(): Promise<void> {
    if (this.#alive) this.#child.kill('SIGKILL');
    await this.#exited;
  }

  #answer(id: string, answer: ReplicaAck | Error): void {
    const list = this.#waiting.get(id);
    const first = list?.shift();
    if (list !== undefined && list.length === 0) this.#waiting.delete(id);
    if (first === undefined) return;
    if (answer instanceof Error) first.reject(answer);
    else first.resolve(answer);
  }
}

/**
 * The process id of the replica holding the sequencer lease of the log in `schema`, from
 * PostgreSQL itself (`pg_locks` joined with the lease connection's name), or undefined.
 *
 * @example
 * const pid = await sequencerPid(pgUrl); // kill this one to test failover
 */
export async function sequencerPid(pgUrl: string, schema = 'docket'): Promise<number | undefined> {
  const lock = sequencerLock(schema);
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
         AND l.classid = $1::oid AND l.objid = $2::oid AND l.database = a.datid`,
      [lock.classid, lock.objid],
    );
    const match = /^docket-lease (\d+)$/.exec(rows[0]?.name ?? '');
    return match === null ? undefined : Number(match[1]);
  } finally {
    await client.end();
  }
}

/**
 * An ingest key for `docket serve` replicas on this database (in its `docket_auth` schema), made
 * before they start so that none creates a bootstrap key.
 *
 * @example
 * const key = await createIngestKey(pgUrl);
 */
export async function createIngestKey(pgUrl: string): Promise<string> {
  const keys = await openPostgresApiKeyStore(pgUrl);
  try {
    const { text, row } = createApiKey({
      tenant: 'default',
      role: 'ingest',
      name: 'replicas test',
    });
    await keys.insert(row);
    return text;
  } finally {
    await keys.close();
  }
}

/**
 * Starts `docket serve --data DIR --pg URL --port 0` and resolves once it listens: a replica whose
 * appends are `POST /v1/decisions` over real HTTP with `apiKey`.
 *
 * @example
 * const replica = await startServerReplica({ name: 's1', dataDir, pgUrl }, await createIngestKey(pgUrl));
 */
export async function startServerReplica(
  options: ReplicaOptions,
  apiKey: string,
): Promise<Replica> {
  const child = spawn(
    process.execPath,
    [docketBin, 'serve', '--data', options.dataDir, '--pg', options.pgUrl, '--port', '0', '--json'],
    { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, 'exit').then(() => undefined);
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([once(lines, 'line'), exited]);
  if (first === undefined) throw new Error(`${options.name} exited before listening: ${stderr}`);
  const { url } = JSON.parse((first as [string])[0]) as { url: string };
  return new ServerReplica(options.name, child, url, apiKey, exited);
}

class ServerReplica implements Replica {
  readonly name: string;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #url: string;
  readonly #apiKey: string;
  readonly #exited: Promise<void>;
  #alive = true;

  constructor(
    name: string,
    child: ChildProcessWithoutNullStreams,
    url: string,
    apiKey: string,
    exited: Promise<void>,
  ) {
    this.name = name;
    this.#child = child;
    this.#url = url;
    this.#apiKey = apiKey;
    this.#exited = exited.then(() => {
      this.#alive = false;
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  get alive(): boolean {
    return this.#alive;
  }

  async append(record: DecisionRecord): Promise<ReplicaAck> {
    if (!this.#alive) throw new ReplicaAppendError('REPLICA_DIED', this.name);
    let res: Response;
    try {
      res = await fetch(`${this.#url}/v1/decisions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.#apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ decisions: [record] }),
      });
    } catch (error) {
      // A connection cut by a kill: wait for the exit to be seen before calling it a death.
      await Promise.race([this.#exited, new Promise((r) => setTimeout(r, 2000))]);
      if (!this.alive) throw new ReplicaAppendError('REPLICA_DIED', `${this.name} died`);
      throw new ReplicaAppendError('HTTP_FAILED', String(error));
    }
    const body = (await res.json()) as {
      code?: string;
      detail?: string;
      results?: { status: string; id: string; index: number; code?: string; message?: string }[];
    };
    const result = body.results?.[0];
    if (res.status !== 200 || result === undefined) {
      throw new ReplicaAppendError(body.code ?? `HTTP_${res.status}`, body.detail ?? '');
    }
    if (result.status === 'rejected') {
      throw new ReplicaAppendError(result.code ?? 'REJECTED', result.message ?? '');
    }
    return { id: result.id, index: result.index, status: result.status as 'accepted' };
  }

  async stop(): Promise<void> {
    if (this.#alive) this.#child.kill('SIGTERM');
    await this.#exited;
  }

  async kill(): Promise<void> {
    if (this.#alive) this.#child.kill('SIGKILL');
    await this.#exited;
  }
}
