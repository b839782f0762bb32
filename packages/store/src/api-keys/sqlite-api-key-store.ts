import type Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { callSqlite } from '../sqlite/sqlite-call.js';
import {
  API_KEY_COLUMNS,
  API_KEY_SCHEMA_VERSION,
  fromApiKeyRow,
  toApiKeyRow,
} from './api-key-rows.js';
import type { RawApiKey } from './api-key-rows.js';
import type { ApiKeyRow, ApiKeyStore } from './api-key-store.js';
import { openOwnerOnlySqlite } from '../sqlite/owner-only.js';

// `seq` keeps insertion order, so "oldest first" holds for keys made in the same millisecond.
const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS api_keys (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  tenant TEXT NOT NULL,
  role TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX IF NOT EXISTS api_keys_tenant ON api_keys(tenant, seq);
`;

/**
 * Opens (creating if needed) a SQLite API key store, by convention `DIR/api-keys.db` beside the
 * default log: WAL journal, `synchronous=FULL` so an insert or a revocation is on disk when it
 * returns. A new file is created with mode 0600 (its directory, if new, 0700): it holds no secret,
 * but the hashes and key ids are nobody else's business.
 *
 * Throws `STORE_OPEN_FAILED` when the file can't be created or opened, `STORE_SCHEMA_UNSUPPORTED`
 * for tables of another schema version.
 *
 * @example
 * const keys = openSqliteApiKeyStore('.docket/api-keys.db');
 * const row = await keys.get('abcdefghijklmnop');
 */
export function openSqliteApiKeyStore(path: string): ApiKeyStore {
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
            .run(API_KEY_SCHEMA_VERSION);
        } else if (version.value !== API_KEY_SCHEMA_VERSION) {
          throw new StoreError(
            'STORE_SCHEMA_UNSUPPORTED',
            `API key schema ${version.value} is not supported (expected ${API_KEY_SCHEMA_VERSION})`,
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
      `cannot open API key store: ${(cause as Error).message}`,
      { where: path, cause },
    );
  }
  return new SqliteApiKeyStore(db, path);
}

class SqliteApiKeyStore implements ApiKeyStore {
  readonly kind = 'sqlite';
  readonly #db: Database.Database;
  readonly #path: string;
  readonly #stmt;

  constructor(db: Database.Database, path: string) {
    this.#db = db;
    this.#path = path;
    this.#stmt = {
      insert: db.prepare<(string | null)[]>(
        `INSERT INTO api_keys (${API_KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      get: db.prepare<[string], RawApiKey>(`SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE id = ?`),
      listAll: db.prepare<[], RawApiKey>(`SELECT ${API_KEY_COLUMNS} FROM api_keys ORDER BY seq`),
      listTenant: db.prepare<[string], RawApiKey>(
        `SELECT ${API_KEY_COLUMNS} FROM api_keys WHERE tenant = ? ORDER BY seq`,
      ),
      revoke: db.prepare<[string, string]>(
        'UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
      ),
      countActive: db.prepare<[], { n: number }>(
        'SELECT count(*) AS n FROM api_keys WHERE revoked_at IS NULL',
      ),
    };
  }

  #call<T>(what: string, fn: () => T): Promise<T> {
    return callSqlite(this.#path, what, fn);
  }

  insert(row: ApiKeyRow): Promise<void> {
    return this.#call('insert API key', () => {
      try {
        this.#stmt.insert.run(...fromApiKeyRow(row));
      } catch (cause) {
        if ((cause as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
          throw new StoreError('API_KEY_EXISTS', `an API key with id ${row.id} already exists`, {
            where: this.#path,
            cause,
          });
        }
        throw cause;
      }
    });
  }

  get(id: string): Promise<ApiKeyRow | undefined> {
    return this.#call('read API key', () => {
      const raw = this.#stmt.get.get(id);
      return raw === undefined ? undefined : toApiKeyRow(raw);
    });
  }

  list(tenant?: string): Promise<ApiKeyRow[]> {
    return this.#call('list API keys', () =>
      (tenant === undefined ? this.#stmt.listAll.all() : this.#stmt.listTenant.all(tenant)).map(
        toApiKeyRow,
      ),
    );
  }

  revoke(id: string, revokedAt: string): Promise<boolean> {
    return this.#call('revoke API key', () => this.#stmt.revoke.run(revokedAt, id).changes > 0);
  }

  countActive(): Promise<number> {
    return this.#call('count API keys', () => this.#stmt.countActive.get()?.n ?? 0);
  }

  close(): Promise<void> {
    return this.#call('close', () => {
      if (this.#db.open) this.#db.close();
    });
  }
}
