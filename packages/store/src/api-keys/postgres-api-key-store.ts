import type { Pool, QueryResultRow } from 'pg';
import { StoreError } from '../errors.js';
import { describeTarget, loadDriver, prepareSchema } from '../postgres/pg-target.js';
import {
  API_KEY_COLUMNS,
  API_KEY_SCHEMA_VERSION,
  fromApiKeyRow,
  toApiKeyRow,
} from './api-key-rows.js';
import type { RawApiKey } from './api-key-rows.js';
import type { ApiKeyRow, ApiKeyStore } from './api-key-store.js';

const DEFAULT_SCHEMA = 'docket_auth';
const UNIQUE_VIOLATION = '23505';

// `seq` keeps insertion order, so "oldest first" holds for keys made in the same millisecond.
const DDL = `
CREATE TABLE IF NOT EXISTS $S.meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS $S.api_keys (
  seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id text NOT NULL UNIQUE,
  tenant text NOT NULL,
  role text NOT NULL,
  secret_hash text NOT NULL,
  name text NOT NULL,
  created_at text NOT NULL,
  revoked_at text
);
CREATE INDEX IF NOT EXISTS api_keys_tenant ON $S.api_keys (tenant, seq);
`;

/** Options of {@link openPostgresApiKeyStore}. */
export interface PostgresApiKeyStoreOptions {
  /** The schema of the key tables (created if absent). Default `docket_auth`. */
  readonly schema?: string;
}

/**
 * Opens (creating its schema and table if needed) the PostgreSQL API key store: table `api_keys`
 * in schema `docket_auth`, shared by every server replica. `pg` is an optional peer dependency.
 *
 * Throws `STORE_OPEN_FAILED` for a bad URL or schema name, or when the database can't be reached
 * or prepared, `STORE_DRIVER_MISSING` without `pg`, `STORE_SCHEMA_UNSUPPORTED` for tables of
 * another schema version.
 *
 * @example
 * const keys = await openPostgresApiKeyStore('postgres://docket@db.internal/docket');
 * const active = await keys.countActive();
 */
export async function openPostgresApiKeyStore(
  url: string,
  options: PostgresApiKeyStoreOptions = {},
): Promise<ApiKeyStore> {
  const schema = options.schema ?? DEFAULT_SCHEMA;
  const where = describeTarget(url, schema);
  const pg = await loadDriver();
  const pool = new pg.Pool({ connectionString: url, application_name: 'docket' });
  // An idle pooled connection that dies (server restart) must not crash the process: the next
  // query reconnects or fails as STORE_IO.
  pool.on('error', () => undefined);
  const s = pg.escapeIdentifier(schema);
  await prepareSchema(pool, {
    schema,
    quoted: s,
    ddl: DDL,
    version: API_KEY_SCHEMA_VERSION,
    tables: ['api_keys'],
    what: 'API key store',
    versioned: 'API key',
    where,
  });
  return new PostgresApiKeyStore(pool, s, where);
}

class PostgresApiKeyStore implements ApiKeyStore {
  readonly kind = 'postgres';
  readonly #pool: Pool;
  /** Quoted schema name, for SQL text. */
  readonly #s: string;
  readonly #where: string;
  #closed = false;

  constructor(pool: Pool, quotedSchema: string, where: string) {
    this.#pool = pool;
    this.#s = quotedSchema;
    this.#where = where;
  }

  #fail(what: string, cause: unknown): StoreError {
    return new StoreError('STORE_IO', `${what}: ${(cause as Error).message}`, {
      where: this.#where,
      cause,
    });
  }

  async #read<R extends QueryResultRow>(
    what: string,
    sql: string,
    values: unknown[] = [],
  ): Promise<R[]> {
    try {
      return (await this.#pool.query<R>(sql, values)).rows;
    } catch (cause) {
      throw this.#fail(what, cause);
    }
  }

  /** Runs a write; returns the number of rows it changed. */
  async #write(what: string, sql: string, values: unknown[]): Promise<number> {
    try {
      return (await this.#pool.query(sql, values)).rowCount ?? 0;
    } catch (cause) {
      throw this.#fail(what, cause);
    }
  }

  async insert(row: ApiKeyRow): Promise<void> {
    try {
      await this.#pool.query(
        `INSERT INTO ${this.#s}.api_keys (${API_KEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        fromApiKeyRow(row),
      );
    } catch (cause) {
      if ((cause as { code?: unknown }).code === UNIQUE_VIOLATION) {
        throw new StoreError('API_KEY_EXISTS', `an API key with id ${row.id} already exists`, {
          where: this.#where,
          cause,
        });
      }
      throw this.#fail('insert API key', cause);
    }
  }

  async get(id: string): Promise<ApiKeyRow | undefined> {
    const rows = await this.#read<RawApiKey>(
      'read API key',
      `SELECT ${API_KEY_COLUMNS} FROM ${this.#s}.api_keys WHERE id = $1`,
      [id],
    );
    return rows[0] === undefined ? undefined : toApiKeyRow(rows[0]);
  }

  async list(tenant?: string): Promise<ApiKeyRow[]> {
    const rows =
      tenant === undefined
        ? await this.#read<RawApiKey>(
            'list API keys',
            `SELECT ${API_KEY_COLUMNS} FROM ${this.#s}.api_keys ORDER BY seq`,
          )
        : await this.#read<RawApiKey>(
            'list API keys',
            `SELECT ${API_KEY_COLUMNS} FROM ${this.#s}.api_keys WHERE tenant = $1 ORDER BY seq`,
            [tenant],
          );
    return rows.map(toApiKeyRow);
  }

  async revoke(id: string, revokedAt: string): Promise<boolean> {
    const changed = await this.#write(
      'revoke API key',
      `UPDATE ${this.#s}.api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`,
      [revokedAt, id],
    );
    return changed > 0;
  }

  async countActive(): Promise<number> {
    // count(*) is a bigint, which pg returns as text.
    const rows = await this.#read<{ n: string }>(
      'count API keys',
      `SELECT count(*) AS n FROM ${this.#s}.api_keys WHERE revoked_at IS NULL`,
    );
    return Number(rows[0]?.n ?? 0);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#pool.end();
  }
}
