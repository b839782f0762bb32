import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Opens (creating if needed) a small SQLite file that only its owner may read: the directory
 * 0700 and the file 0600 before SQLite opens it (SQLite gives -wal and -shm the same mode), a
 * busy timeout set before anything locks (a second process opening at the same time waits, not
 * fails), WAL, and `synchronous=FULL` so a commit is on disk when it returns. Throws what the
 * file system or SQLite throws; the caller wraps it in its own error.
 *
 * @example
 * const db = openOwnerOnlySqlite('.docket/api-keys.db');
 */
export function openOwnerOnlySqlite(path: string): Database.Database {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  const db = new Database(path, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}
