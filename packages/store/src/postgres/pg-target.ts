import type * as PgDriver from 'pg';
import type { Pool, PoolClient } from 'pg';
import { StoreError } from '../errors.js';

/** The `pg` module, loaded on demand (it is an optional peer dependency). */
export type PgModule = typeof PgDriver;

/**
 * Loads `pg`: `STORE_DRIVER_MISSING` when it is not installed, `STORE_OPEN_FAILED` when it is
 * there but broken. Shared by every PostgreSQL adapter of the package.
 *
 * @example
 * const pg = await loadDriver();
 */
export async function loadDriver(): Promise<PgModule> {
  try {
    return await import('pg');
  } catch (cause) {
    // Only an absent package means "install it"; a broken one is reported as what it is.
    if ((cause as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND') {
      throw new StoreError('STORE_DRIVER_MISSING', 'install pg to use PostgreSQL', {
        where: 'pg',
        cause,
      });
    }
    throw new StoreError('STORE_OPEN_FAILED', `cannot load pg: ${(cause as Error).message}`, {
      where: 'pg',
      cause,
    });
  }
}

/**
 * Checks a PostgreSQL URL and schema name before anything connects, and returns how errors name
 * the target: `postgres://user@host:port/db (schema s)`, never with the password. Throws
 * `STORE_OPEN_FAILED` (where `url` or `schema`) for a bad URL, scheme or schema name.
 *
 * @example
 * const where = describeTarget('postgres://docket@db/docket', 'docket');
 */
export function describeTarget(url: string, schema: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new StoreError('STORE_OPEN_FAILED', 'not a PostgreSQL URL (postgres://…)', {
      where: 'url',
      cause,
    });
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new StoreError(
      'STORE_OPEN_FAILED',
      `not a PostgreSQL URL: scheme ${parsed.protocol} (expected postgres: or postgresql:)`,
      { where: 'url' },
    );
  }
  // Unquoted-identifier rules, so the name reads the same in psql as here.
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new StoreError(
      'STORE_OPEN_FAILED',
      `schema name "${schema}" must be lower-case letters, digits and _ (at most 63), not starting with a digit`,
      { where: 'schema' },
    );
  }
  const user = parsed.username === '' ? '' : `${decodeURIComponent(parsed.username)}@`;
  return `${parsed.protocol}//${user}${parsed.host}${parsed.pathname} (schema ${schema})`;
}

/** What {@link prepareSchema} installs. */
export interface SchemaSpec {
  /** Unquoted schema name (checked by {@link describeTarget}). */
  readonly schema: string;
  /** The same, quoted for SQL text. */
  readonly quoted: string;
  /** DDL with `$S` for the quoted schema; idempotent (`IF NOT EXISTS`). */
  readonly ddl: string;
  /** The version written to and expected in `meta.schema_version`. */
  readonly version: string;
  /** Tables that must all exist for the schema to count as installed (besides `meta`). */
  readonly tables: readonly string[];
  /** What the store is, for messages: "store", "API key store". */
  readonly what: string;
  /** Whose schema version it is, for messages: "database", "API key". */
  readonly versioned: string;
  /** How errors name the target (from {@link describeTarget}). */
  readonly where: string;
}

/**
 * Makes sure `spec`'s schema is installed at its version, then keeps the pool open. A schema
 * already at this version opens without DDL: even `CREATE INDEX IF NOT EXISTS` takes a SHARE lock
 * on its table, and such locks, taken while another process commits (a replica starting, an
 * audit), deadlock with it. Otherwise DDL runs in one transaction under an advisory lock, so two
 * processes opening a fresh database don't race. On failure the pool is ended and the error is
 * `STORE_SCHEMA_UNSUPPORTED` (another version) or `STORE_OPEN_FAILED`.
 *
 * @example
 * await prepareSchema(pool, { schema, quoted, ddl: DDL, version: '2', tables: ['entries'], what: 'store', versioned: 'database', where });
 */
export async function prepareSchema(pool: Pool, spec: SchemaSpec): Promise<void> {
  const { schema, quoted: s, where } = spec;
  try {
    const client = await pool.connect();
    try {
      if ((await installedVersion(client, spec)) !== spec.version) {
        await client.query('BEGIN');
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`docket:${schema}`]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${s}`);
        await client.query(spec.ddl.replaceAll('$S', s));
        const found = await installedVersion(client, spec);
        if (found === undefined) {
          await client.query(`INSERT INTO ${s}.meta (key, value) VALUES ('schema_version', $1)`, [
            spec.version,
          ]);
        } else if (found !== spec.version) {
          throw new StoreError(
            'STORE_SCHEMA_UNSUPPORTED',
            `${spec.versioned} schema ${found} is not supported (expected ${spec.version})`,
            { where },
          );
        }
        await client.query('COMMIT');
      }
      client.release();
    } catch (e) {
      // A client in an unknown state is destroyed, not returned to the pool.
      client.release(e instanceof Error ? e : true);
      throw e;
    }
  } catch (cause) {
    await pool.end().catch(() => undefined);
    if (cause instanceof StoreError) throw cause;
    throw new StoreError(
      'STORE_OPEN_FAILED',
      `cannot open PostgreSQL ${spec.what}: ${(cause as Error).message}`,
      { where, cause },
    );
  }
}

/** The installed `meta.schema_version`, or undefined while any of the tables is missing. */
async function installedVersion(client: PoolClient, spec: SchemaSpec): Promise<string | undefined> {
  const tables = await client.query<{ ready: boolean }>(
    `SELECT bool_and(to_regclass(format('%I.%I', $1::text, t)) IS NOT NULL) AS ready
       FROM unnest($2::text[]) AS t`,
    [spec.schema, ['meta', ...spec.tables]],
  );
  if (tables.rows[0]?.ready !== true) return undefined;
  const version = await client.query<{ value: string }>(
    `SELECT value FROM ${spec.quoted}.meta WHERE key = 'schema_version'`,
  );
  return version.rows[0]?.value;
}
