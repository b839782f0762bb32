import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { callSqlite } from '../sqlite/sqlite-call.js';
import { openOwnerOnlySqlite } from '../sqlite/owner-only.js';

/**
 * The latest checkpoint a witness cosigned for one log.
 *
 * @example
 * const latest: WitnessCheckpoint | undefined = await store.latest(origin);
 */
export interface WitnessCheckpoint {
  size: number;
  root: Uint8Array;
  /** The checkpoint with the log's signatures the witness verified and its cosignature. */
  note: string;
}

/**
 * One log a witness is configured for: its origin and the log keys (vkeys) it trusts.
 *
 * @example
 * for (const { origin, vkeys } of await store.logs()) console.log(origin, vkeys.length);
 */
export interface WitnessLogRow {
  origin: string;
  vkeys: string[];
  /** Size of the latest cosigned checkpoint, 0 if none. */
  size: number;
}

/**
 * The durable state of a witness (c2sp.org/tlog-witness): configured logs and their keys, and the
 * latest cosigned checkpoint per origin. Logs are never removed: re-adding a removed log could
 * make the witness sign a split view (litewitness refuses removal for the same reason).
 *
 * @example
 * const store = openSqliteWitnessStore('wdir/witness.db');
 * await store.addLog('example.com/log', ['example.com/log+abcd1234+AQ…']);
 */
export interface WitnessStore {
  /** Adds a log (if new) and keys to it (if new). */
  addLog(origin: string, vkeys: readonly string[]): Promise<void>;
  logs(): Promise<WitnessLogRow[]>;
  latest(origin: string): Promise<WitnessCheckpoint | undefined>;
  /**
   * Records `next` as the latest checkpoint of `origin` if the stored size is still `oldSize`
   * (0 when none), atomically; else answers the stored size and records nothing. This is the
   * check-and-persist tlog-witness requires to be atomic.
   */
  advance(
    origin: string,
    oldSize: number,
    next: WitnessCheckpoint,
  ): Promise<{ ok: true } | { ok: false; knownSize: number }>;
  close(): Promise<void>;
}

const SCHEMA_VERSION = '1';

const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS logs (origin TEXT PRIMARY KEY, added_at TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log_keys (
  origin TEXT NOT NULL REFERENCES logs(origin),
  vkey TEXT NOT NULL,
  PRIMARY KEY (origin, vkey)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
  origin TEXT PRIMARY KEY REFERENCES logs(origin),
  size INTEGER NOT NULL,
  root BLOB NOT NULL,
  note TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;
`;

/**
 * Opens (creating if needed) a witness's SQLite state, by convention `WDIR/witness.db`: WAL,
 * `synchronous=FULL` so a cosigned size is on disk before the cosignature is returned, mode 0600.
 * Throws `STORE_OPEN_FAILED` or `STORE_SCHEMA_UNSUPPORTED`.
 *
 * @example
 * const store = openSqliteWitnessStore('wdir/witness.db');
 */
export function openSqliteWitnessStore(path: string): WitnessStore {
  let db: Database.Database | undefined;
  try {
    db = openOwnerOnlySqlite(path);
    const opened = db;
    opened
      .transaction(() => {
        opened.exec(DDL);
        const version = opened
          .prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'")
          .get();
        if (version === undefined) {
          opened
            .prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)")
            .run(SCHEMA_VERSION);
        } else if (version.value !== SCHEMA_VERSION) {
          throw new StoreError(
            'STORE_SCHEMA_UNSUPPORTED',
            `witness schema ${version.value} is not supported (expected ${SCHEMA_VERSION})`,
            { where: path },
          );
        }
      })
      .immediate();
  } catch (cause) {
    if (db?.open === true) db.close();
    if (cause instanceof StoreError) throw cause;
    throw new StoreError(
      'STORE_OPEN_FAILED',
      `cannot open witness store: ${(cause as Error).message}`,
      { where: path, cause },
    );
  }
  return new SqliteWitnessStore(db, path);
}

interface RawCheckpoint {
  size: number;
  root: Buffer;
  note: string;
}

class SqliteWitnessStore implements WitnessStore {
  readonly #db: Database.Database;
  readonly #path: string;
  readonly #stmt;

  constructor(db: Database.Database, path: string) {
    this.#db = db;
    this.#path = path;
    this.#stmt = {
      addLog: db.prepare<[string, string]>(
        'INSERT INTO logs (origin, added_at) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
      addKey: db.prepare<[string, string]>(
        'INSERT INTO log_keys (origin, vkey) VALUES (?, ?) ON CONFLICT DO NOTHING',
      ),
      logs: db.prepare<[], { origin: string; size: number | null }>(
        'SELECT l.origin, c.size FROM logs l LEFT JOIN checkpoints c USING (origin) ORDER BY l.origin',
      ),
      keys: db.prepare<[], { origin: string; vkey: string }>(
        'SELECT origin, vkey FROM log_keys ORDER BY origin, vkey',
      ),
      latest: db.prepare<[string], RawCheckpoint>(
        'SELECT size, root, note FROM checkpoints WHERE origin = ?',
      ),
      upsert: db.prepare<[string, number, Buffer, string, string]>(
        `INSERT INTO checkpoints (origin, size, root, note, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (origin) DO UPDATE SET size = excluded.size, root = excluded.root,
           note = excluded.note, updated_at = excluded.updated_at`,
      ),
    };
  }

  addLog(origin: string, vkeys: readonly string[]): Promise<void> {
    return callSqlite(this.#path, 'add witnessed log', () => {
      this.#db
        .transaction(() => {
          this.#stmt.addLog.run(origin, new Date().toISOString());
          for (const vkey of vkeys) this.#stmt.addKey.run(origin, vkey);
        })
        .immediate();
    });
  }

  logs(): Promise<WitnessLogRow[]> {
    return callSqlite(this.#path, 'list witnessed logs', () => {
      const keys = new Map<string, string[]>();
      for (const { origin, vkey } of this.#stmt.keys.all()) {
        keys.set(origin, [...(keys.get(origin) ?? []), vkey]);
      }
      return this.#stmt.logs.all().map(({ origin, size }) => ({
        origin,
        vkeys: keys.get(origin) ?? [],
        size: size ?? 0,
      }));
    });
  }

  latest(origin: string): Promise<WitnessCheckpoint | undefined> {
    return callSqlite(this.#path, 'read witnessed checkpoint', () => {
      const raw = this.#stmt.latest.get(origin);
      return raw === undefined
        ? undefined
        : { size: raw.size, root: new Uint8Array(raw.root), note: raw.note };
    });
  }

  advance(
    origin: string,
    oldSize: number,
    next: WitnessCheckpoint,
  ): Promise<{ ok: true } | { ok: false; knownSize: number }> {
    return callSqlite(this.#path, 'record witnessed checkpoint', () =>
      // IMMEDIATE: the write lock is taken before the read, so two witnesses on one file (or two
      // requests) cannot both pass the size check (the rollback race of tlog-witness).
      this.#db
        .transaction((): { ok: true } | { ok: false; knownSize: number } => {
          const knownSize = this.#stmt.latest.get(origin)?.size ?? 0;
          if (knownSize !== oldSize || next.size < oldSize) return { ok: false, knownSize };
          this.#stmt.upsert.run(
            origin,
            next.size,
            Buffer.from(next.root),
            next.note,
            new Date().toISOString(),
          );
          return { ok: true };
        })
        .immediate(),
    );
  }

  close(): Promise<void> {
    if (this.#db.open) this.#db.close();
    return Promise.resolve();
  }
}
