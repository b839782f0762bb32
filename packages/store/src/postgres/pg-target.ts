import type * as PgDriver from 'pg';
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
