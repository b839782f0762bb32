import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';

/** What {@link backupSqliteFile} copied. */
export interface SqliteBackupResult {
  /** Pages in the copy (`page_count`). */
  readonly pages: number;
}

/**
 * Copies a SQLite database that may be in use by other processes, with SQLite's online backup API
 * (better-sqlite3 `db.backup()`). Every page is copied in one step, so the copy is one snapshot
 * (one read transaction on the source: in WAL mode the writers go on meanwhile); with several
 * smaller steps SQLite restarts the copy whenever another connection writes, which under a steady
 * writer may never end. `dest` must not exist.
 *
 * @example
 * await backupSqliteFile('.docket/ledger.db', '/backups/ledger.db');
 */
export async function backupSqliteFile(source: string, dest: string): Promise<SqliteBackupResult> {
  let db: Database.Database;
  try {
    // Read-write so a WAL database opens whether or not its -shm exists; nothing is written.
    db = new Database(source, { fileMustExist: true });
    db.pragma('busy_timeout = 5000');
  } catch (cause) {
    throw new StoreError(
      'STORE_OPEN_FAILED',
      `cannot open SQLite database: ${(cause as Error).message}`,
      { where: source, cause },
    );
  }
  try {
    const done = await db.backup(dest, { progress: () => 0x7fffffff });
    return { pages: done.totalPages };
  } catch (cause) {
    throw new StoreError('STORE_IO', `backup of ${source} failed: ${(cause as Error).message}`, {
      where: source,
      cause,
    });
  } finally {
    db.close();
  }
}
