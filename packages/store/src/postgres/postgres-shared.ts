import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import { StoreError } from '../errors.js';
import type { LogNotice, SequencerLease } from '../ledger-store.js';

// What several server replicas on one PostgreSQL database share for one log: the intake table any
// replica writes to, the sequencer lease (a session advisory lock) and the notification channel.
// See docs/decisions/0005-replicas.md.

/**
 * The intake of a shared log (`$S` is the quoted schema). `outcome` stays null until the
 * sequencer settles a request that did not become an entry of its own (duplicate, refusal,
 * erasure result); a request that became an entry is deleted in its batch's transaction.
 */
export const INTAKE_DDL = `
CREATE TABLE IF NOT EXISTS $S.intake (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  kind text NOT NULL,
  body bytea NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  outcome text,
  settled_at timestamptz
);
CREATE INDEX IF NOT EXISTS intake_pending ON $S.intake (seq) WHERE outcome IS NULL;
`;

/**
 * The notification channel of the log in `schema`: a fixed-length identifier (a schema name of
 * 63 characters would not fit in one with a prefix). The payload names the schema too.
 */
export const channelOf = (schema: string): string =>
  `docket_${createHash('sha256').update(`docket-log:${schema}`, 'utf8').digest('hex').slice(0, 24)}`;

/** A notification payload for a log: `<schema> intake` or `<schema> settled [size]`. */
export const noticePayload = (schema: string, notice: LogNotice): string =>
  notice.size === undefined
    ? `${schema} ${notice.kind}`
    : `${schema} ${notice.kind} ${notice.size}`;

/**
 * The advisory lock of a log's sequencer: 64 bits of SHA-256 over the schema name (a 32-bit
 * `hashtext` could make two logs share one lock). `classid`/`objid` are its high and low halves
 * as `pg_locks` shows a one-key (`bigint`) advisory lock, with `objsubid = 1`.
 */
export interface SequencerLock {
  /** The signed 64-bit key as decimal text, for `pg_try_advisory_lock($1::bigint)`. */
  readonly key: string;
  readonly classid: string;
  readonly objid: string;
}

/**
 * The sequencer lock of the log in `schema`.
 *
 * @example
 * const { key } = sequencerLock('docket'); // SELECT pg_try_advisory_lock(key::bigint)
 */
export function sequencerLock(schema: string): SequencerLock {
  const digest = createHash('sha256').update(`docket-seq:${schema}`, 'utf8').digest();
  return {
    key: digest.readBigInt64BE(0).toString(),
    classid: String(digest.readUInt32BE(0)),
    objid: String(digest.readUInt32BE(4)),
  };
}

/**
 * Inside a batch's transaction: one row when the backend `$3` still holds the advisory lock
 * `$1`/`$2` of this database. A lease whose session died no longer shows here, whatever its
 * process believes.
 */
export const FENCE_SQL = `SELECT 1 FROM pg_locks
  WHERE locktype = 'advisory' AND granted AND objsubid = 1
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND classid = $1::oid AND objid = $2::oid AND pid = $3`;

/** How the lease connects: a new, unconnected `pg` client each time it is asked. */
export type ClientFactory = () => Client;

/**
 * The PostgreSQL {@link SequencerLease}: a dedicated connection that LISTENs to the log's
 * notifications and may hold its sequencer lock. A broken connection loses the lock (PostgreSQL
 * releases it when the session ends); the next `tryAcquire` connects again.
 *
 * @example
 * const lease = new PostgresSequencerLease(() => new pg.Client(url), 'docket', where);
 * if (await lease.tryAcquire()) console.log('sequencing');
 */
export class PostgresSequencerLease implements SequencerLease {
  readonly #newClient: ClientFactory;
  readonly #schema: string;
  readonly #lock: SequencerLock;
  readonly #where: string;
  readonly #lost = new Set<() => void>();
  readonly #notices = new Set<(notice: LogNotice) => void>();
  #client: Client | undefined;
  /** Backend pid of the connection, for the fence in `appendSequencedBatch`. */
  #pid: number | undefined;
  #held = false;
  #closed = false;

  constructor(newClient: ClientFactory, schema: string, where: string) {
    this.#newClient = newClient;
    this.#schema = schema;
    this.#lock = sequencerLock(schema);
    this.#where = where;
  }

  get held(): boolean {
    return this.#held;
  }

  /** The lock and the backend that holds it, while held; for the batch fence. */
  fence(): { classid: string; objid: string; pid: number } | undefined {
    if (!this.#held || this.#pid === undefined) return undefined;
    return { classid: this.#lock.classid, objid: this.#lock.objid, pid: this.#pid };
  }

  onLost(listener: () => void): void {
    this.#lost.add(listener);
  }

  onNotice(listener: (notice: LogNotice) => void): void {
    this.#notices.add(listener);
  }

  async tryAcquire(): Promise<boolean> {
    if (this.#held) return this.check();
    const client = await this.#connection();
    let rows: { locked: boolean }[];
    try {
      ({ rows } = await client.query<{ locked: boolean }>(
        'SELECT pg_try_advisory_lock($1::bigint) AS locked',
        [this.#lock.key],
      ));
    } catch (cause) {
      this.#drop(client);
      throw this.#fail('acquire the sequencer lock', cause);
    }
    // close() may have run meanwhile: a lock taken on a closing lease is given back at once.
    if (rows[0]?.locked === true && this.#client === client && !this.#closed) this.#held = true;
    return this.#held;
  }

  async check(): Promise<boolean> {
    const client = this.#client;
    if (!this.#held || client === undefined) return false;
    try {
      await client.query('SELECT 1');
    } catch {
      this.#drop(client);
    }
    return this.#held;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const client = this.#client;
    this.#client = undefined;
    this.#held = false;
    this.#pid = undefined;
    // Ending the session releases every lock it holds, the sequencer lock included.
    if (client !== undefined) await client.end().catch(() => undefined);
  }

  /** The open connection, or a new one (LISTENing, its backend pid known). */
  async #connection(): Promise<Client> {
    if (this.#closed) throw new StoreError('STORE_CLOSED', 'the lease is closed');
    if (this.#client !== undefined) return this.#client;
    const client = this.#newClient();
    client.on('error', () => {
      this.#drop(client);
    });
    client.on('end', () => {
      this.#drop(client);
    });
    client.on('notification', (message) => {
      this.#notify(message.payload ?? '');
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${channelOf(this.#schema)}`);
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      this.#pid = rows[0]?.pid;
    } catch (cause) {
      await client.end().catch(() => undefined);
      throw this.#fail('connect the sequencer lease', cause);
    }
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- close() may run during the awaits
    if (this.#closed) {
      await client.end().catch(() => undefined);
      throw new StoreError('STORE_CLOSED', 'the lease is closed');
    }
    this.#client = client;
    return client;
  }

  /** Forgets a broken connection; a lock it held is gone with it. */
  #drop(client: Client): void {
    if (client !== this.#client) return;
    this.#client = undefined;
    this.#pid = undefined;
    const wasHeld = this.#held;
    this.#held = false;
    client.end().catch(() => undefined);
    if (wasHeld) for (const listener of this.#lost) listener();
  }

  #notify(payload: string): void {
    const [schema, kind, size] = payload.split(' ');
    if (schema !== this.#schema || (kind !== 'intake' && kind !== 'settled')) return;
    const notice: LogNotice = size === undefined ? { kind } : { kind, size: Number(size) };
    for (const listener of this.#notices) listener(notice);
  }

  #fail(what: string, cause: unknown): StoreError {
    if (cause instanceof StoreError) return cause;
    return new StoreError('STORE_IO', `${what}: ${(cause as Error).message}`, {
      where: this.#where,
      cause,
    });
  }
}
