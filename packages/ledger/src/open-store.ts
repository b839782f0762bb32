import { existsSync, mkdirSync } from 'node:fs';
import { openPostgresStore, openSqliteStore } from '@docket/store';
import type { LedgerStore } from '@docket/store';
import type { DataDirPaths } from './data-dir.js';
import { LedgerError } from './errors.js';

/**
 * Opens a log's store: PostgreSQL when `pgUrl` is given, else the data directory's SQLite file.
 * With `mustExist`, a log that was never created is `LEDGER_NOT_FOUND` (and nothing is created).
 *
 * @example
 * const store = await openLedgerStore(dataDirPaths('.docket'), undefined, { mustExist: true });
 */
export async function openLedgerStore(
  paths: DataDirPaths,
  pgUrl: string | undefined,
  options: { mustExist: boolean; readonly?: boolean; pgSchema?: string | undefined },
): Promise<LedgerStore> {
  const notFound = (): LedgerError =>
    new LedgerError(
      'LEDGER_NOT_FOUND',
      `no ledger in ${pgUrl === undefined ? paths.dir : 'this PostgreSQL database'}`,
      {
        where: pgUrl === undefined ? paths.dir : 'pgUrl',
      },
    );
  if (pgUrl === undefined) {
    if (options.mustExist && !existsSync(paths.db)) throw notFound();
    // A new log in a new data directory: owner-only, as the keys will live there too.
    mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
    return openSqliteStore(paths.db, { readonly: options.readonly === true });
  }
  const store = await openPostgresStore(
    pgUrl,
    options.pgSchema === undefined ? {} : { schema: options.pgSchema },
  );
  if (options.mustExist && (await store.getMeta('origin')) === undefined) {
    await store.close();
    throw notFound();
  }
  return store;
}
