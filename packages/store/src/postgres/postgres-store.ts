import { AsyncLocalStorage } from 'node:async_hooks';
import { featureQuerySql, toFeatureRow } from '../drift-features.js';
import type {
  FeatureQuery,
  FeatureRow,
  FeatureVersionCount,
  RawFeatureRow,
} from '../drift-features.js';
import type { Client, ClientConfig, Pool, PoolClient, QueryResultRow } from 'pg';
import { StoreError } from '../errors.js';
import { describeTarget, loadDriver, prepareSchema } from './pg-target.js';
import { toCheckpoint, toEntry, toKey } from '../rows.js';
import { searchSql, searchWhere } from '../search.js';
import { searchFrom, statsStatements, toDecisionStats, toUpdate } from '../facets.js';
import type { DecisionStats, OutcomeUpdateRow, RawCountRow, RawUpdate } from '../facets.js';
import type { SearchDialect } from '../search.js';
import type { RawCheckpoint, RawEntry, RawKey } from '../rows.js';
import type {
  CheckpointRow,
  EntryRow,
  EntryWithContent,
  ExpectedSearchRow,
  IntakeRequest,
  IntakeRow,
  IntakeStatus,
  LedgerStore,
  NodeId,
  SearchQuery,
  SearchRowProblem,
  SequencedBatch,
  SequencerLease,
  SharedLogStore,
  SubjectKeyRow,
  TreeState,
  StatsQuery,
} from '../ledger-store.js';
import {
  channelOf,
  FENCE_SQL,
  INTAKE_DDL,
  noticePayload,
  PostgresSequencerLease,
} from './postgres-shared.js';

const SCHEMA_VERSION = '2';
const DEFAULT_SCHEMA = 'docket';
const INT8_OID = 20;

/**
 * The tables of the SQLite adapter, in one PostgreSQL schema (`$S`, quoted). Indices are `bigint`
 * (read back as JS numbers: they stay below 2^53), blobs `bytea`. Leaf envelopes and contents live
 * in separate tables so a full audit reads only the leaves.
 */
const DDL = `
CREATE TABLE IF NOT EXISTS $S.meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS $S.entries (
  idx bigint PRIMARY KEY,
  id text NOT NULL UNIQUE,
  type text NOT NULL,
  ts text NOT NULL,
  subject text,
  producer_id text,
  producer_seq bigint,
  kid text,
  ref text,
  leaf bytea NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_subject ON $S.entries (subject) WHERE subject IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_ref ON $S.entries (ref) WHERE ref IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_type ON $S.entries (type, idx);
CREATE TABLE IF NOT EXISTS $S.search (
  idx bigint PRIMARY KEY, agent text, agent_version text, subject text, action text,
  ts text NOT NULL, run_id text, words tsvector
);
CREATE INDEX IF NOT EXISTS search_agent ON $S.search (agent, idx);
CREATE INDEX IF NOT EXISTS search_agent_version ON $S.search (agent, agent_version, idx);
CREATE INDEX IF NOT EXISTS search_subject ON $S.search (subject, idx) WHERE subject IS NOT NULL;
CREATE INDEX IF NOT EXISTS search_action ON $S.search (action, idx);
CREATE INDEX IF NOT EXISTS search_run ON $S.search (run_id, idx) WHERE run_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS search_ts ON $S.search (ts);
CREATE INDEX IF NOT EXISTS search_words ON $S.search USING gin (words);
CREATE TABLE IF NOT EXISTS $S.contents (idx bigint PRIMARY KEY, body bytea NOT NULL);
CREATE TABLE IF NOT EXISTS $S.nodes (
  level integer NOT NULL, idx bigint NOT NULL, hash bytea NOT NULL, PRIMARY KEY (level, idx)
);
CREATE TABLE IF NOT EXISTS $S.checkpoints (
  seq bigint PRIMARY KEY, size bigint NOT NULL, root bytea NOT NULL, note text NOT NULL,
  created_at text NOT NULL
);
CREATE TABLE IF NOT EXISTS $S.subject_keys (
  kid text PRIMARY KEY, subject text NOT NULL, wrapped bytea, created_at text NOT NULL,
  erased_at text
);
CREATE INDEX IF NOT EXISTS subject_keys_subject ON $S.subject_keys (subject);
CREATE TABLE IF NOT EXISTS $S.decision_facets (
  idx bigint PRIMARY KEY, model text, prompt_version text, policy_version text,
  confidence double precision, trace_id text, session_id text, parent_id text
);
CREATE INDEX IF NOT EXISTS decision_facets_trace ON $S.decision_facets (trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS decision_facets_session ON $S.decision_facets (session_id) WHERE session_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS decision_facets_parent ON $S.decision_facets (parent_id) WHERE parent_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS $S.decision_updates (
  idx bigint PRIMARY KEY, decision text NOT NULL, kind text NOT NULL, action text, actor text,
  ts text NOT NULL
);
CREATE INDEX IF NOT EXISTS decision_updates_decision ON $S.decision_updates (decision, kind);
${INTAKE_DDL}
-- Drift features (issue 16): one row per decision, written by the ledger's catch-up pass.
CREATE TABLE IF NOT EXISTS $S.features (
  idx bigint PRIMARY KEY, agent text NOT NULL, agent_version text NOT NULL, ts text NOT NULL,
  subject text, kid text, body text NOT NULL
);
CREATE INDEX IF NOT EXISTS features_agent ON $S.features (agent, agent_version, idx);
CREATE INDEX IF NOT EXISTS features_agent_ts ON $S.features (agent, ts);
CREATE INDEX IF NOT EXISTS features_subject ON $S.features (subject) WHERE subject IS NOT NULL;`;

const TABLES = [
  'meta',
  'entries',
  'contents',
  'nodes',
  'checkpoints',
  'subject_keys',
  'search',
  'intake',
  'decision_facets',
  'decision_updates',
  'features',
];

const POSTGRES_SEARCH: SearchDialect = {
  param: (i) => `$${i}`,
  table: (name) => name,
  bucket: (interval, column) =>
    interval === 'day'
      ? `substr(${column}, 1, 10)`
      : interval === 'month'
        ? `substr(${column}, 1, 7) || '-01'`
        : // ISO weeks start on Monday, as date_trunc('week') does.
          `to_char(date_trunc('week', substr(${column}, 1, 10)::date), 'YYYY-MM-DD')`,
  wordsTest: (p) => `s.words @@ plainto_tsquery('simple', ${p})`,
  wordsValue: (words) => words.join(' '),
};

/** `bigint` columns as JS numbers; a value past 2^53 would be silently rounded, so it throws. */
const toSafeInteger = (text: string): number => {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${text} is beyond 2^53`);
  return n;
};

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /**
   * The PostgreSQL schema that holds this log's tables (created if absent), so several logs can
   * share one database. Default `docket`.
   */
  readonly schema?: string;
}

/** The snapshot a `readSnapshot` callback runs in; `done` once it ended. */
interface Snapshot {
  readonly client: PoolClient;
  done: boolean;
}

/**
 * Opens (creating its schema and tables if needed) a PostgreSQL ledger store through a `pg` pool.
 * Commits are durable when they return under PostgreSQL's default `synchronous_commit = on`.
 * `pg` is an optional peer dependency: install it to use this adapter.
 *
 * Throws `STORE_OPEN_FAILED` for a bad URL or schema name, or when the database can't be reached
 * or prepared, `STORE_DRIVER_MISSING` without `pg`, `STORE_SCHEMA_UNSUPPORTED` for tables of
 * another schema version.
 *
 * @example
 * const store = await openPostgresStore('postgres://docket@db.internal/docket', { schema: 'prod' });
 */
export async function openPostgresStore(
  url: string,
  options: PostgresStoreOptions = {},
): Promise<LedgerStore> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const where = describeTarget(url, schema);
  const pg = await loadDriver();
  const types = new pg.TypeOverrides();
  types.setTypeParser(INT8_OID, 'text', toSafeInteger);
  const pool = new pg.Pool({ connectionString: url, types, application_name: 'docket' });
  // The sequencer lease's own connection: keepalive and a read timeout, so a dead peer is noticed
  // (and the lease given up) instead of waited on forever. Its name carries the process id, so an
  // operator (or a test) can see in pg_stat_activity which process sequences a log.
  const leaseConfig: ClientConfig = {
    connectionString: url,
    types,
    application_name: `docket-lease ${process.pid}`,
    keepAlive: true,
    query_timeout: 10_000,
  };
  // An idle pooled connection that dies (server restart) must not crash the process: the next
  // query reconnects or fails as STORE_IO.
  pool.on('error', () => undefined);
  const s = pg.escapeIdentifier(schema);
  await prepareSchema(pool, {
    schema,
    quoted: s,
    ddl: DDL,
    version: SCHEMA_VERSION,
    tables: ['intake'],
    what: 'store',
    versioned: 'database',
    where,
  });
  return new PostgresStore(pool, s, schema, where, () => new pg.Client(leaseConfig));
}

class PostgresStore implements LedgerStore, SharedLogStore {
  readonly kind = 'postgres';
  readonly #pool: Pool;
  /** Quoted schema name, for SQL text. */
  readonly #s: string;
  /** Placeholders, full-text search and this schema's tables. */
  readonly #dialect: SearchDialect;
  readonly #schema: string;
  readonly #where: string;
  readonly #snapshot = new AsyncLocalStorage<Snapshot>();
  readonly #entryCols =
    'e.idx, e.id, e.type, e.ts, e.subject, e.producer_id, e.producer_seq, e.kid, e.ref, e.leaf';
  readonly #newLeaseClient: () => Client;
  readonly #leases = new Set<PostgresSequencerLease>();
  #closed = false;

  constructor(
    pool: Pool,
    quotedSchema: string,
    schema: string,
    where: string,
    newLeaseClient: () => Client,
  ) {
    this.#pool = pool;
    this.#s = quotedSchema;
    this.#dialect = { ...POSTGRES_SEARCH, table: (name) => `${quotedSchema}.${name}` };
    this.#schema = schema;
    this.#where = where;
    this.#newLeaseClient = newLeaseClient;
  }

  #fail(what: string, cause: unknown): StoreError {
    if (cause instanceof StoreError) return cause;
    return new StoreError('STORE_IO', `${what}: ${(cause as Error).message}`, {
      where: this.#where,
      cause,
    });
  }

  /**
   * Runs a read: on the snapshot's client inside `readSnapshot` (so async generators resumed
   * there read the same snapshot too), on any pooled connection otherwise.
   */
  async #read<R extends QueryResultRow>(
    what: string,
    sql: string,
    values: unknown[] = [],
  ): Promise<R[]> {
    const snapshot = this.#snapshot.getStore();
    try {
      const result =
        snapshot !== undefined && !snapshot.done
          ? await snapshot.client.query<R>(sql, values)
          : await this.#pool.query<R>(sql, values);
      return result.rows;
    } catch (cause) {
      throw this.#fail(what, cause);
    }
  }

  /**
   * Runs a write on the pool, never on a snapshot's client: a snapshot is READ ONLY, and a write
   * must commit on its own whether or not a reader is open.
   */
  async #write(what: string, sql: string, values: unknown[] = []): Promise<number> {
    try {
      return (await this.#pool.query(sql, values)).rowCount ?? 0;
    } catch (cause) {
      throw this.#fail(what, cause);
    }
  }

  async getMeta(key: string): Promise<string | undefined> {
    const rows = await this.#read<{ value: string }>(
      'read meta',
      `SELECT value FROM ${this.#s}.meta WHERE key = $1`,
      [key],
    );
    return rows[0]?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.#write(
      'write meta',
      `INSERT INTO ${this.#s}.meta (key, value) VALUES ($1, $2)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [key, value],
    );
  }

  async treeState(): Promise<TreeState> {
    // One statement, so size and edge come from one state even outside a snapshot.
    const rows = await this.#read<{ key: string; value: string }>(
      'read tree state',
      `SELECT key, value FROM ${this.#s}.meta WHERE key IN ('tree_size', 'tree_edge')`,
    );
    const get = (key: string): string | undefined => rows.find((r) => r.key === key)?.value;
    const size = Number(get('tree_size') ?? '0');
    const edgeText = get('tree_edge') ?? '';
    const edge = edgeText === '' ? [] : edgeText.split(',').map((h) => Buffer.from(h, 'base64'));
    return { size, edge };
  }

  appendBatch(batch: SequencedBatch): Promise<void> {
    return this.#appendBatch(batch, undefined);
  }

  /**
   * The batch transaction; for a shared log's sequencer, `fenced` adds the lease check, the
   * deletion of the intake rows sequenced, and a notification, all committed with the batch.
   */
  async #appendBatch(
    batch: SequencedBatch,
    fenced: { lease: SequencerLease; consumed: readonly string[] } | undefined,
  ): Promise<void> {
    const s = this.#s;
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (cause) {
      throw this.#fail('append batch', cause);
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      // Compare-and-swap on the tree size under a row lock: a second writer blocks here until the
      // first commits, then (READ COMMITTED re-reads a locked row) sees the size it wrote. The row
      // is created on the first batch; the insert waits for a concurrent first batch too.
      await client.query(
        `INSERT INTO ${s}.meta (key, value) VALUES ('tree_size', '0') ON CONFLICT (key) DO NOTHING`,
      );
      const locked = await client.query<{ value: string }>(
        `SELECT value FROM ${s}.meta WHERE key = 'tree_size' FOR UPDATE`,
      );
      const size = Number(locked.rows[0]?.value ?? '0');
      if (size !== batch.previousSize) {
        throw new StoreError(
          'STORE_CONFLICT',
          `another writer extended this log (tree size ${size}, expected ${batch.previousSize}); nothing was written`,
          { where: this.#where },
        );
      }
      if (fenced !== undefined) await this.#checkFence(client, fenced.lease);
      // One statement per table, rows passed as parallel arrays and expanded by unnest.
      const keys = batch.subjectKeys;
      if (keys.length > 0) {
        await client.query(
          `INSERT INTO ${s}.subject_keys (kid, subject, wrapped, created_at, erased_at)
           SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[], $4::text[], $5::text[])`,
          [
            keys.map((k) => k.kid),
            keys.map((k) => k.subject),
            keys.map((k) => k.wrapped),
            keys.map((k) => k.createdAt),
            keys.map((k) => k.erasedAt),
          ],
        );
      }
      const entries = batch.entries;
      if (entries.length > 0) {
        await client.query(
          `INSERT INTO ${s}.entries (idx, id, type, ts, subject, producer_id, producer_seq, kid, ref, leaf)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                                $6::text[], $7::bigint[], $8::text[], $9::text[], $10::bytea[])`,
          [
            entries.map((e) => e.index),
            entries.map((e) => e.id),
            entries.map((e) => e.type),
            entries.map((e) => e.ts),
            entries.map((e) => e.subject),
            entries.map((e) => e.producerId),
            entries.map((e) => e.producerSeq),
            entries.map((e) => e.kid),
            entries.map((e) => e.ref),
            entries.map((e) => e.leaf),
          ],
        );
      }
      const search = batch.search ?? [];
      if (search.length > 0) {
        await client.query(
          `INSERT INTO ${s}.search (idx, agent, agent_version, subject, action, ts, run_id, words)
           SELECT q.idx, q.agent, q.agent_version, q.subject, q.action, q.ts, q.run_id,
                  to_tsvector('simple', q.text)
           FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                       $7::text[], $8::text[])
                AS q(idx, agent, agent_version, subject, action, ts, run_id, text)`,
          [
            search.map((r) => r.index),
            search.map((r) => r.agentId),
            search.map((r) => r.agentVersion),
            search.map((r) => r.subject),
            search.map((r) => r.action),
            search.map((r) => r.ts),
            search.map((r) => r.runId),
            search.map((r) => r.text),
          ],
        );
      }
      const facets = batch.facets ?? [];
      if (facets.length > 0) {
        await client.query(
          `INSERT INTO ${s}.decision_facets
             (idx, model, prompt_version, policy_version, confidence, trace_id, session_id, parent_id)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[],
                                $5::double precision[], $6::text[], $7::text[], $8::text[])`,
          [
            facets.map((f) => f.index),
            facets.map((f) => f.model),
            facets.map((f) => f.promptVersion),
            facets.map((f) => f.policyVersion),
            facets.map((f) => f.confidence),
            facets.map((f) => f.traceId),
            facets.map((f) => f.sessionId),
            facets.map((f) => f.parentId),
          ],
        );
      }
      const updates = batch.updates ?? [];
      if (updates.length > 0) {
        await client.query(
          `INSERT INTO ${s}.decision_updates (idx, decision, kind, action, actor, ts)
           SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                                $6::text[])`,
          [
            updates.map((u) => u.index),
            updates.map((u) => u.decisionId),
            updates.map((u) => u.kind),
            updates.map((u) => u.action),
            updates.map((u) => u.actor),
            updates.map((u) => u.ts),
          ],
        );
      }
      const contents = entries.filter((e) => e.content !== null);
      if (contents.length > 0) {
        await client.query(
          `INSERT INTO ${s}.contents (idx, body) SELECT * FROM unnest($1::bigint[], $2::bytea[])`,
          [contents.map((e) => e.index), contents.map((e) => e.content)],
        );
      }
      const nodes = batch.nodes;
      if (nodes.length > 0) {
        await client.query(
          `INSERT INTO ${s}.nodes (level, idx, hash)
           SELECT * FROM unnest($1::int[], $2::bigint[], $3::bytea[])`,
          [nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => n.hash)],
        );
      }
      const purge = batch.purge ?? [];
      if (purge.length > 0) {
        // A retention purge: the content and search rows go with the receipt in this batch.
        await client.query(`DELETE FROM ${s}.contents WHERE idx = ANY($1::bigint[])`, [purge]);
        await client.query(`DELETE FROM ${s}.search WHERE idx = ANY($1::bigint[])`, [purge]);
        await client.query(`DELETE FROM ${s}.decision_facets WHERE idx = ANY($1::bigint[])`, [
          purge,
        ]);
        await client.query(`DELETE FROM ${s}.decision_updates WHERE idx = ANY($1::bigint[])`, [
          purge,
        ]);
        await client.query(`DELETE FROM ${s}.features WHERE idx = ANY($1::bigint[])`, [purge]);
      }
      // seq numbered like SQLite's rowid (max + 1, no gaps): safe, the tree_size lock is held.
      const c = batch.checkpoint;
      await client.query(
        `INSERT INTO ${s}.checkpoints (seq, size, root, note, created_at)
         SELECT coalesce(max(seq), 0) + 1, $1, $2, $3, $4 FROM ${s}.checkpoints`,
        [c.size, c.root, c.note, c.createdAt],
      );
      await client.query(
        `INSERT INTO ${s}.meta (key, value) VALUES ('tree_size', $1), ('tree_edge', $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        [
          String(batch.tree.size),
          batch.tree.edge.map((h) => Buffer.from(h).toString('base64')).join(','),
        ],
      );
      if (fenced !== undefined) {
        if (fenced.consumed.length > 0) {
          await client.query(`DELETE FROM ${s}.intake WHERE id = ANY($1::text[])`, [
            fenced.consumed,
          ]);
        }
        // Delivered on commit only: waiters never look before the batch is visible.
        await client.query('SELECT pg_notify($1, $2)', [
          channelOf(this.#schema),
          noticePayload(this.#schema, { kind: 'settled', size: batch.tree.size }),
        ]);
      }
      // Durable on return: synchronous_commit is on unless the server was configured otherwise.
      await client.query('COMMIT');
    } catch (cause) {
      try {
        await client.query('ROLLBACK');
      } catch (e) {
        broken = e instanceof Error ? e : new Error(String(e));
      }
      throw this.#fail('append batch', cause);
    } finally {
      client.release(broken ?? false);
    }
  }

  async readSnapshot<T>(read: () => Promise<T>): Promise<T> {
    // Already inside one of this store's snapshots: it is the consistent state asked for.
    const outer = this.#snapshot.getStore();
    if (outer !== undefined && !outer.done) return read();
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (cause) {
      throw this.#fail('begin snapshot', cause);
    }
    try {
      // REPEATABLE READ takes its snapshot at the first read and keeps it to the end; whatever
      // writers commit meanwhile stays invisible. READ ONLY: nothing can be written through it.
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    } catch (cause) {
      client.release(true);
      throw this.#fail('begin snapshot', cause);
    }
    const snapshot: Snapshot = { client, done: false };
    let broken: Error | undefined;
    try {
      return await this.#snapshot.run(snapshot, read);
    } finally {
      snapshot.done = true;
      try {
        await client.query('COMMIT');
      } catch (e) {
        broken = e instanceof Error ? e : new Error(String(e));
      }
      client.release(broken ?? false);
    }
  }

  async findIndexes(ids: readonly string[]): Promise<Map<string, number>> {
    const found = new Map<string, number>();
    if (ids.length === 0) return found;
    const rows = await this.#read<{ id: string; idx: number }>(
      'find ids',
      `SELECT id, idx FROM ${this.#s}.entries WHERE id = ANY($1::text[])`,
      [ids],
    );
    for (const r of rows) found.set(r.id, r.idx);
    return found;
  }

  async getEntry(index: number): Promise<EntryWithContent | undefined> {
    const rows = await this.#read<RawEntry>(
      'read entry',
      `SELECT ${this.#entryCols}, c.body FROM ${this.#s}.entries e
       LEFT JOIN ${this.#s}.contents c ON c.idx = e.idx WHERE e.idx = $1`,
      [index],
    );
    return rows[0] === undefined ? undefined : toEntry(rows[0]);
  }

  async getEntryById(id: string): Promise<EntryWithContent | undefined> {
    const rows = await this.#read<RawEntry>(
      'read entry',
      `SELECT ${this.#entryCols}, c.body FROM ${this.#s}.entries e
       LEFT JOIN ${this.#s}.contents c ON c.idx = e.idx WHERE e.id = $1`,
      [id],
    );
    return rows[0] === undefined ? undefined : toEntry(rows[0]);
  }

  async getNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    if (ids.length === 0) return [];
    // One query for every id; WITH ORDINALITY keeps the order asked (duplicates included).
    const rows = await this.#read<{ level: number; idx: number; hash: Buffer | null }>(
      'read nodes',
      `SELECT q.level, q.idx, n.hash
       FROM unnest($1::int[], $2::bigint[]) WITH ORDINALITY AS q(level, idx, ord)
       LEFT JOIN ${this.#s}.nodes n ON n.level = q.level AND n.idx = q.idx
       ORDER BY q.ord`,
      [ids.map((id) => id.level), ids.map((id) => id.index)],
    );
    return rows.map((r) => {
      if (r.hash === null) {
        throw new StoreError('STORE_NODE_MISSING', `tree node ${r.level}/${r.idx} is missing`, {
          where: this.#where,
        });
      }
      return r.hash;
    });
  }

  async countNodes(): Promise<number> {
    const rows = await this.#read<{ n: number }>(
      'count nodes',
      `SELECT count(*) AS n FROM ${this.#s}.nodes`,
    );
    return rows[0]?.n ?? 0;
  }

  async checkSearchRows(
    expected: readonly ExpectedSearchRow[],
    from: number,
    to: number,
  ): Promise<SearchRowProblem[]> {
    // A purged decision keeps no search row: leaving it out of `q` makes any row left of it extra.
    expected = expected.filter((e) => e.content !== 'purged');
    const read = (e: ExpectedSearchRow) => (typeof e.content === 'object' ? e.content : undefined);
    // The words are a tsvector: compared with the one the database makes of the derived text,
    // as the batch insert made it. Columns are named as in SearchRow.
    const rows = await this.#read<{
      idx: number;
      extra: boolean;
      missing: boolean;
      columns: string[];
    }>(
      'check search rows',
      `WITH q AS (
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                              $6::text[], $7::text[], $8::text[], $9::text[])
           AS q(idx, subject, ts, mode, agent, agent_version, action, run_id, text)
       ), s AS (SELECT * FROM ${this.#s}.search WHERE idx >= $10 AND idx < $11)
       SELECT coalesce(q.idx, s.idx) AS idx, q.idx IS NULL AS extra, s.idx IS NULL AS missing,
         array_remove(ARRAY[
           CASE WHEN s.subject IS DISTINCT FROM q.subject THEN 'subject' END,
           CASE WHEN s.ts IS DISTINCT FROM q.ts THEN 'ts' END,
           CASE WHEN q.mode = 'read' AND s.agent IS DISTINCT FROM q.agent THEN 'agentId' END,
           CASE WHEN q.mode = 'read' AND s.agent_version IS DISTINCT FROM q.agent_version
                THEN 'agentVersion' END,
           CASE WHEN q.mode = 'read' AND s.action IS DISTINCT FROM q.action THEN 'action' END,
           CASE WHEN q.mode = 'read' AND s.run_id IS DISTINCT FROM q.run_id THEN 'runId' END,
           CASE WHEN q.mode = 'read' AND s.words IS DISTINCT FROM to_tsvector('simple', q.text)
                THEN 'text'
                WHEN q.mode = 'erased' AND s.words IS NOT NULL THEN 'text' END
         ], NULL) AS columns
       FROM q FULL JOIN s ON s.idx = q.idx
       ORDER BY 1`,
      [
        expected.map((e) => e.index),
        expected.map((e) => e.subject),
        expected.map((e) => e.ts),
        expected.map((e) => (typeof e.content === 'object' ? 'read' : e.content)),
        expected.map((e) => read(e)?.agentId ?? null),
        expected.map((e) => read(e)?.agentVersion ?? null),
        expected.map((e) => read(e)?.action ?? null),
        expected.map((e) => read(e)?.runId ?? null),
        expected.map((e) => read(e)?.text ?? null),
        from,
        to,
      ],
    );
    const problems: SearchRowProblem[] = [];
    for (const r of rows) {
      if (r.extra) problems.push({ index: r.idx, problem: 'extra', columns: [] });
      else if (r.missing) problems.push({ index: r.idx, problem: 'missing', columns: [] });
      else if (r.columns.length > 0)
        problems.push({ index: r.idx, problem: 'changed', columns: r.columns });
    }
    return problems;
  }

  async latestCheckpoint(): Promise<CheckpointRow | undefined> {
    const rows = await this.#read<RawCheckpoint>(
      'read checkpoint',
      `SELECT * FROM ${this.#s}.checkpoints ORDER BY seq DESC LIMIT 1`,
    );
    return rows[0] === undefined ? undefined : toCheckpoint(rows[0]);
  }

  async *scanCheckpoints(batchSize = 1000): AsyncIterable<CheckpointRow[]> {
    // Keyset pagination: each batch starts after the last seq seen (no OFFSET rescans).
    let after = 0;
    for (;;) {
      const rows = await this.#read<RawCheckpoint>(
        'scan checkpoints',
        `SELECT * FROM ${this.#s}.checkpoints WHERE seq > $1 ORDER BY seq LIMIT $2`,
        [after, batchSize],
      );
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.seq;
      yield rows.map(toCheckpoint);
    }
  }

  async *scanEntries(
    options: { from?: number; batchSize?: number; withContent?: boolean } = {},
  ): AsyncIterable<EntryWithContent[]> {
    const s = this.#s;
    const sql =
      options.withContent === true
        ? `SELECT ${this.#entryCols}, c.body FROM ${s}.entries e
           LEFT JOIN ${s}.contents c ON c.idx = e.idx
           WHERE e.idx >= $1 ORDER BY e.idx LIMIT $2`
        : `SELECT ${this.#entryCols} FROM ${s}.entries e WHERE e.idx >= $1 ORDER BY e.idx LIMIT $2`;
    const batchSize = options.batchSize ?? 10_000;
    let from = options.from ?? 0;
    for (;;) {
      const rows = await this.#read<RawEntry>('scan entries', sql, [from, batchSize]);
      if (rows.length === 0) return;
      from = rows[rows.length - 1]!.idx + 1;
      yield rows.map(toEntry);
    }
  }

  async countEntries(): Promise<number> {
    const rows = await this.#read<{ n: number }>(
      'count entries',
      `SELECT count(*) AS n FROM ${this.#s}.entries`,
    );
    return rows[0]?.n ?? 0;
  }

  async entriesBySubject(subject: string): Promise<EntryRow[]> {
    const rows = await this.#read<RawEntry>(
      'read by subject',
      `SELECT ${this.#entryCols} FROM ${this.#s}.entries e WHERE e.subject = $1 ORDER BY e.idx`,
      [subject],
    );
    return rows.map(toEntry);
  }

  async entriesByType(type: string): Promise<EntryWithContent[]> {
    const rows = await this.#read<RawEntry>(
      'read by type',
      `SELECT ${this.#entryCols}, c.body FROM ${this.#s}.entries e
       LEFT JOIN ${this.#s}.contents c ON c.idx = e.idx WHERE e.type = $1 ORDER BY e.idx`,
      [type],
    );
    return rows.map(toEntry);
  }

  async entriesByRef(ref: string): Promise<EntryWithContent[]> {
    const rows = await this.#read<RawEntry>(
      'read by ref',
      `SELECT ${this.#entryCols}, c.body FROM ${this.#s}.entries e
       LEFT JOIN ${this.#s}.contents c ON c.idx = e.idx WHERE e.ref = $1 ORDER BY e.idx`,
      [ref],
    );
    return rows.map(toEntry);
  }

  async searchEntries(query: SearchQuery): Promise<EntryWithContent[]> {
    const { sql, values } = searchSql(query, this.#dialect);
    const rows = await this.#read<RawEntry>(
      'search',
      `SELECT ${this.#entryCols}, c.body FROM ${searchFrom(this.#dialect)}
       LEFT JOIN ${this.#s}.contents c ON c.idx = s.idx ${sql}`,
      values,
    );
    return rows.map(toEntry);
  }

  async decisionStats(query: StatsQuery): Promise<DecisionStats> {
    const { sql: where, values } = searchWhere(query, this.#dialect);
    // One snapshot, so the total and the groups count the same decisions.
    return this.readSnapshot(async () => {
      const rows = new Map<string, RawCountRow[]>();
      for (const { key, sql } of statsStatements(query, this.#dialect, where)) {
        rows.set(key, await this.#read<RawCountRow>('count decisions', sql, values));
      }
      return toDecisionStats(query, rows);
    });
  }

  async outcomeUpdates(decisionIds: readonly string[]): Promise<Map<string, OutcomeUpdateRow[]>> {
    const rows = await this.#read<RawUpdate>(
      'read outcome updates',
      `SELECT * FROM ${this.#s}.decision_updates WHERE decision = ANY($1::text[]) ORDER BY idx`,
      [decisionIds],
    );
    const found = new Map<string, OutcomeUpdateRow[]>();
    for (const row of rows) {
      const u = toUpdate(row);
      found.set(u.decisionId, [...(found.get(u.decisionId) ?? []), u]);
    }
    return found;
  }

  async getActiveSubjectKey(subject: string): Promise<SubjectKeyRow | undefined> {
    const rows = await this.#read<RawKey>(
      'read subject key',
      `SELECT * FROM ${this.#s}.subject_keys WHERE subject = $1 AND wrapped IS NOT NULL
       ORDER BY created_at DESC LIMIT 1`,
      [subject],
    );
    return rows[0] === undefined ? undefined : toKey(rows[0]);
  }

  async getSubjectKeys(kids: readonly string[]): Promise<Map<string, SubjectKeyRow>> {
    const found = new Map<string, SubjectKeyRow>();
    if (kids.length === 0) return found;
    const rows = await this.#read<RawKey>(
      'read subject keys',
      `SELECT * FROM ${this.#s}.subject_keys WHERE kid = ANY($1::text[])`,
      [kids],
    );
    for (const r of rows) found.set(r.kid, toKey(r));
    return found;
  }

  async eraseSubjectKeys(subject: string, erasedAt: string): Promise<number> {
    // One statement: the subject's search rows (words and subject) are forgotten with its keys,
    // or nothing is.
    const n = await this.#write(
      'erase subject keys',
      `WITH forgotten AS (
         UPDATE ${this.#s}.search SET words = NULL, subject = NULL WHERE subject = $2
       ), features_dropped AS (
         DELETE FROM ${this.#s}.features WHERE subject = $2
       )
       UPDATE ${this.#s}.subject_keys SET wrapped = NULL, erased_at = $1
       WHERE subject = $2 AND wrapped IS NOT NULL`,
      [erasedAt, subject],
    );
    // PostgreSQL's MVCC keeps the old tuple versions (the wrapped key, the words, the subject) in
    // the table and index pages: a plain VACUUM marks their space free but leaves their bytes
    // there. VACUUM FULL rewrites each table and its indexes into new files and drops the old
    // ones, so no page of the database holds them any more (it locks each table for the rewrite;
    // it needs ownership of the tables and can't run inside a transaction, hence best effort).
    // The WAL, base backups and replicas keep them longer: see docs/threat-model.md. The intake of
    // a shared log goes too: its deleted rows held the subject's requests (sealed, see 0005).
    if (n > 0) {
      await this.#pool
        .query(
          `VACUUM FULL ${this.#s}.subject_keys, ${this.#s}.search, ${this.#s}.intake, ${this.#s}.features`,
        )
        .catch(() => undefined);
    }
    return n;
  }

  async putFeatures(rows: readonly FeatureRow[]): Promise<number> {
    if (rows.length === 0) return 0;
    // Not written when the key it was read with is erased by now (a catch-up racing an erasure).
    return this.#write(
      'write features',
      `INSERT INTO ${this.#s}.features (idx, agent, agent_version, ts, subject, kid, body)
       SELECT r.* FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[],
                              $6::text[], $7::text[]) AS r(idx, agent, agent_version, ts, subject, kid, body)
       WHERE r.kid IS NULL OR EXISTS (
         SELECT 1 FROM ${this.#s}.subject_keys k WHERE k.kid = r.kid AND k.wrapped IS NOT NULL)
       ON CONFLICT (idx) DO UPDATE SET agent = excluded.agent, agent_version = excluded.agent_version,
         ts = excluded.ts, subject = excluded.subject, kid = excluded.kid, body = excluded.body`,
      [
        rows.map((r) => r.index),
        rows.map((r) => r.agentId),
        rows.map((r) => r.agentVersion),
        rows.map((r) => r.ts),
        rows.map((r) => r.subject),
        rows.map((r) => r.kid),
        rows.map((r) => r.body),
      ],
    );
  }

  async scanFeatures(query: FeatureQuery): Promise<FeatureRow[]> {
    const { sql, values } = featureQuerySql(query, (i) => `$${i}`);
    const rows = await this.#read<RawFeatureRow>(
      'read features',
      `SELECT idx, agent, agent_version, ts, subject, kid, body FROM ${this.#s}.features ${sql}`,
      values,
    );
    return rows.map(toFeatureRow);
  }

  async featureVersions(agentId: string): Promise<FeatureVersionCount[]> {
    const rows = await this.#read<{
      agent_version: string;
      n: string;
      first: string;
      last: string;
    }>(
      'read feature versions',
      `SELECT agent_version, count(*)::text AS n, min(ts) AS first, max(ts) AS last
       FROM ${this.#s}.features WHERE agent = $1 GROUP BY agent_version ORDER BY agent_version`,
      [agentId],
    );
    return rows.map((r) => ({
      agentVersion: r.agent_version,
      count: Number(r.n),
      first: r.first,
      last: r.last,
    }));
  }

  releasePurged(): Promise<boolean> {
    // Deleted rows stay in their pages until (auto)vacuum; a VACUUM here would block nothing but
    // costs a full pass per purge: left to autovacuum (docs/retention.md).
    return Promise.resolve(false);
  }

  async sizeOnDisk(): Promise<number> {
    const rows = await this.#read<{ bytes: string | null }>(
      'measure size',
      `SELECT sum(pg_total_relation_size(to_regclass(format('%I.%I', $1::text, t)))) AS bytes
       FROM unnest($2::text[]) AS t`,
      [this.#schema, TABLES],
    );
    return Number(rows[0]?.bytes ?? 0);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const lease of this.#leases) await lease.close();
    await this.#pool.end();
  }

  // SharedLogStore: several replicas on one log (see postgres-shared.ts).

  openSequencerLease(): Promise<SequencerLease> {
    if (this.#closed) return Promise.reject(new StoreError('STORE_CLOSED', 'the store is closed'));
    const lease = new PostgresSequencerLease(this.#newLeaseClient, this.#schema, this.#where);
    this.#leases.add(lease);
    return Promise.resolve(lease);
  }

  /**
   * Throws `STORE_LEASE_LOST` unless the lease's session holds the sequencer lock right now. Run
   * under the tree-size row lock: a new holder reads the tree only through that lock (see
   * `loadSequencerState`), so a batch that passes here is either seen by it or conflicts.
   */
  async #checkFence(client: PoolClient, lease: SequencerLease): Promise<void> {
    const fence = lease instanceof PostgresSequencerLease ? lease.fence() : undefined;
    const held =
      fence !== undefined &&
      (await client.query(FENCE_SQL, [fence.classid, fence.objid, fence.pid])).rows.length > 0;
    if (!held) {
      throw new StoreError(
        'STORE_LEASE_LOST',
        'this process no longer holds the sequencer lock of this log; nothing was written',
        { where: this.#where },
      );
    }
  }

  async addIntake(requests: readonly IntakeRequest[]): Promise<Set<string>> {
    if (requests.length === 0) return new Set();
    const rows = await this.#pool
      .query<{ id: string }>(
        `INSERT INTO ${this.#s}.intake (id, kind, body)
         SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[])
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [requests.map((r) => r.id), requests.map((r) => r.kind), requests.map((r) => r.body)],
      )
      .catch((cause: unknown) => {
        throw this.#fail('write intake', cause);
      });
    if (rows.rows.length > 0) await this.#notice('intake');
    return new Set(rows.rows.map((r) => r.id));
  }

  async pendingIntake(limit: number): Promise<IntakeRow[]> {
    const rows = await this.#read<{
      seq: number;
      id: string;
      kind: string;
      body: Buffer;
      received_at: Date;
    }>(
      'read intake',
      `SELECT seq, id, kind, body, received_at FROM ${this.#s}.intake
       WHERE outcome IS NULL ORDER BY seq LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({
      seq: r.seq,
      id: r.id,
      kind: r.kind,
      body: r.body,
      receivedAt: r.received_at.toISOString(),
    }));
  }

  async intakeStatus(ids: readonly string[]): Promise<Map<string, IntakeStatus>> {
    const found = new Map<string, IntakeStatus>();
    if (ids.length === 0) return found;
    const rows = await this.#read<IntakeStatus>(
      'read intake',
      `SELECT id, outcome FROM ${this.#s}.intake WHERE id = ANY($1::text[])`,
      [ids],
    );
    for (const r of rows) found.set(r.id, { id: r.id, outcome: r.outcome });
    return found;
  }

  async settleIntake(outcomes: readonly IntakeStatus[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.#write(
      'settle intake',
      `UPDATE ${this.#s}.intake i SET outcome = q.outcome, settled_at = now()
       FROM unnest($1::text[], $2::text[]) AS q(id, outcome)
       WHERE i.id = q.id AND i.outcome IS NULL`,
      [outcomes.map((o) => o.id), outcomes.map((o) => o.outcome)],
    );
    await this.#notice('settled');
  }

  async deleteIntake(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.#write(
      'delete intake',
      `DELETE FROM ${this.#s}.intake WHERE id = ANY($1::text[]) AND outcome IS NOT NULL`,
      [ids],
    );
  }

  purgeIntake(before: string): Promise<number> {
    return this.#write(
      'purge intake',
      `DELETE FROM ${this.#s}.intake WHERE outcome IS NOT NULL AND settled_at < $1::timestamptz`,
      [before],
    );
  }

  async loadSequencerState(): Promise<{
    tree: TreeState;
    checkpoint: CheckpointRow | undefined;
  }> {
    let client: PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (cause) {
      throw this.#fail('load sequencer state', cause);
    }
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      // The insert and FOR SHARE both wait for a batch the previous holder is still committing
      // (it holds the row FOR UPDATE); afterwards no batch of an older holder can commit (its
      // fence fails), so what is read here is the tree every later batch must extend.
      await client.query(
        `INSERT INTO ${this.#s}.meta (key, value) VALUES ('tree_size', '0') ON CONFLICT (key) DO NOTHING`,
      );
      const tree = await client.query<{ key: string; value: string }>(
        `SELECT key, value FROM ${this.#s}.meta WHERE key IN ('tree_size', 'tree_edge') FOR SHARE`,
      );
      const latest = await client.query<RawCheckpoint>(
        `SELECT * FROM ${this.#s}.checkpoints ORDER BY seq DESC LIMIT 1`,
      );
      await client.query('COMMIT');
      const get = (key: string): string =>
        tree.rows.find((r) => r.key === key)?.value ?? (key === 'tree_size' ? '0' : '');
      const edgeText = get('tree_edge');
      return {
        tree: {
          size: Number(get('tree_size')),
          edge: edgeText === '' ? [] : edgeText.split(',').map((h) => Buffer.from(h, 'base64')),
        },
        checkpoint: latest.rows[0] === undefined ? undefined : toCheckpoint(latest.rows[0]),
      };
    } catch (cause) {
      try {
        await client.query('ROLLBACK');
      } catch (e) {
        broken = e instanceof Error ? e : new Error(String(e));
      }
      throw this.#fail('load sequencer state', cause);
    } finally {
      client.release(broken ?? false);
    }
  }

  appendSequencedBatch(
    batch: SequencedBatch,
    lease: SequencerLease,
    consumed: readonly string[],
  ): Promise<void> {
    return this.#appendBatch(batch, { lease, consumed });
  }

  async #notice(kind: 'intake' | 'settled'): Promise<void> {
    await this.#write('notify', 'SELECT pg_notify($1, $2)', [
      channelOf(this.#schema),
      noticePayload(this.#schema, { kind }),
    ]);
  }
}
