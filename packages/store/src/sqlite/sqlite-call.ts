import { StoreError } from '../errors.js';

/**
 * Runs a synchronous better-sqlite3 call; a driver failure becomes `STORE_IO` (`what: message`,
 * where the database file), a `StoreError` passes through.
 *
 * @example
 * const n = runSqlite(path, 'count entries', () => stmt.get()!.n);
 */
export function runSqlite<T>(path: string, what: string, fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    if (cause instanceof StoreError) throw cause;
    throw new StoreError('STORE_IO', `${what}: ${(cause as Error).message}`, {
      where: path,
      cause,
    });
  }
}

/**
 * {@link runSqlite} as the ports' async contract: failures reject, never throw.
 *
 * @example
 * return callSqlite(path, 'read meta', () => stmt.get(key)?.value);
 */
export function callSqlite<T>(path: string, what: string, fn: () => T): Promise<T> {
  try {
    return Promise.resolve(runSqlite(path, what, fn));
  } catch (error) {
    // runSqlite only ever throws StoreError; the fallback keeps the rejection an Error regardless.
    return Promise.reject(
      error instanceof Error ? error : new StoreError('STORE_IO', String(error)),
    );
  }
}
