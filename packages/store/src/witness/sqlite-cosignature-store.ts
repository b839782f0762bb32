import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { callSqlite } from '../sqlite/sqlite-call.js';
import { openOwnerOnlySqlite } from '../sqlite/owner-only.js';

/**
 * A log's side of witnessing: the cosignatures each witness returned for each checkpoint, and
 * the size each witness last cosigned (the `old` size of the next add-checkpoint request).
 *
 * @example
 * await store.record('example.com/log', 42, witnessVkey, line);
 * const lines = await store.cosignatures('example.com/log', 42);
 */
export interface CosignatureStore {
  /** Records a witness's cosignature line on the checkpoint of `size`, and that size as its last. */
  record(origin: string, size: number, witness: string, line: string): Promise<void>;
  /** The cosignature lines on the checkpoint of `size`, by witness vkey. */
  cosignatures(origin: string, size: number): Promise<Map<string, string>>;
  /** The largest size each witness cosigned for `origin` (by witness vkey). */
  cosignedSizes(origin: string): Promise<Map<string, number>>;
  /** Replaces the witnesses the server is configured with (vkeys), at each start of witnessing. */
  setConfiguredWitnesses(vkeys: readonly string[]): Promise<void>;
  /** The witnesses of the last start (vkeys), whether or not they cosigned anything yet. */
  configuredWitnesses(): Promise<string[]>;
  close(): Promise<void>;
}

const DDL = `
CREATE TABLE IF NOT EXISTS cosignatures (
  origin TEXT NOT NULL,
  size INTEGER NOT NULL,
  witness TEXT NOT NULL,
  line TEXT NOT NULL,
  received_at TEXT NOT NULL,
  PRIMARY KEY (origin, size, witness)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS configured_witnesses (
  witness TEXT PRIMARY KEY,
  configured_at TEXT NOT NULL
) WITHOUT ROWID;
`;

/**
 * Opens (creating if needed) the cosignatures of a data directory's logs, by convention
 * `DIR/cosignatures.db` (WAL, `synchronous=FULL`, mode 0600). Throws `STORE_OPEN_FAILED`.
 *
 * @example
 * const store = openSqliteCosignatureStore('.docket/cosignatures.db');
 */
export function openSqliteCosignatureStore(path: string): CosignatureStore {
  let db: Database.Database | undefined;
  try {
    db = openOwnerOnlySqlite(path);
    db.exec(DDL);
  } catch (cause) {
    if (db?.open === true) db.close();
    throw new StoreError(
      'STORE_OPEN_FAILED',
      `cannot open cosignature store: ${(cause as Error).message}`,
      { where: path, cause },
    );
  }
  const opened = db;
  const insert = opened.prepare<[string, number, string, string, string]>(
    `INSERT INTO cosignatures (origin, size, witness, line, received_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT DO UPDATE SET line = excluded.line, received_at = excluded.received_at`,
  );
  const bySize = opened.prepare<[string, number], { witness: string; line: string }>(
    'SELECT witness, line FROM cosignatures WHERE origin = ? AND size = ?',
  );
  const sizes = opened.prepare<[string], { witness: string; size: number }>(
    'SELECT witness, max(size) AS size FROM cosignatures WHERE origin = ? GROUP BY witness',
  );
  const clearConfigured = opened.prepare('DELETE FROM configured_witnesses');
  const insertConfigured = opened.prepare<[string, string]>(
    'INSERT OR IGNORE INTO configured_witnesses (witness, configured_at) VALUES (?, ?)',
  );
  const configured = opened.prepare<[], { witness: string }>(
    'SELECT witness FROM configured_witnesses ORDER BY witness',
  );
  const replaceConfigured = opened.transaction((vkeys: readonly string[]) => {
    clearConfigured.run();
    const at = new Date().toISOString();
    for (const vkey of vkeys) insertConfigured.run(vkey, at);
  });
  return {
    setConfiguredWitnesses: (vkeys) =>
      callSqlite(path, 'record configured witnesses', () => {
        replaceConfigured(vkeys);
      }),
    configuredWitnesses: () =>
      callSqlite(path, 'read configured witnesses', () => configured.all().map((r) => r.witness)),
    record: (origin, size, witness, line) =>
      callSqlite(path, 'record cosignature', () => {
        insert.run(origin, size, witness, line, new Date().toISOString());
      }),
    cosignatures: (origin, size) =>
      callSqlite(
        path,
        'read cosignatures',
        () => new Map(bySize.all(origin, size).map((r) => [r.witness, r.line])),
      ),
    cosignedSizes: (origin) =>
      callSqlite(
        path,
        'read cosigned sizes',
        () => new Map(sizes.all(origin).map((r) => [r.witness, r.size])),
      ),
    close() {
      if (opened.open) opened.close();
      return Promise.resolve();
    },
  };
}
