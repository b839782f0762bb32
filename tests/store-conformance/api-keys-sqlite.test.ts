// The API key store conformance suite against the SQLite adapter (a fresh file per test), plus
// what only the SQLite file has: its mode, its journal, and paths that can't be opened.
import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { API_KEYS_FILE, openApiKeyStore, openSqliteApiKeyStore } from '@docket/store';
import { tempDir } from '../support/ledger-fixture.js';
import { describeApiKeyStoreConformance } from './api-key-store-conformance.js';
import { openedStores } from './opened-stores.js';

describeApiKeyStoreConformance('sqlite', () => {
  const tmp = tempDir('docket-api-keys-');
  const path = join(tmp.dir, 'api-keys.db');
  return openedStores(() => openSqliteApiKeyStore(path), tmp.cleanup);
});

describe('sqlite API key store', () => {
  test('a new file is 0600 in a new 0700 directory, in WAL mode', async () => {
    const tmp = tempDir('docket-api-keys-');
    try {
      const dir = join(tmp.dir, 'data', 'nested');
      const store = await openApiKeyStore({ dataDir: dir });
      await store.close();
      const path = join(dir, API_KEYS_FILE);
      assert.equal(statSync(path).mode & 0o777, 0o600);
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      assert.equal(statSync(join(tmp.dir, 'data')).mode & 0o777, 0o700);
      const db = new Database(path, { readonly: true });
      try {
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
      } finally {
        db.close();
      }
      // Opening again keeps the file as it was.
      await openSqliteApiKeyStore(path).close();
      assert.equal(statSync(path).mode & 0o777, 0o600);
    } finally {
      tmp.cleanup();
    }
  });

  test('a path that cannot be a database fails with STORE_OPEN_FAILED naming it', () => {
    const tmp = tempDir('docket-api-keys-');
    try {
      const file = join(tmp.dir, 'a-file');
      writeFileSync(file, 'x');
      assert.throws(
        () => openSqliteApiKeyStore(join(file, 'api-keys.db')),
        (e: Error & { code: string; where: string }) => {
          assert.equal(e.code, 'STORE_OPEN_FAILED');
          assert.equal(e.where, join(file, 'api-keys.db'));
          return true;
        },
      );
      const notDb = join(tmp.dir, 'garbage.db');
      writeFileSync(notDb, 'this is not a SQLite database, just text long enough to matter');
      assert.throws(() => openSqliteApiKeyStore(notDb), { code: 'STORE_OPEN_FAILED' });
      mkdirSync(join(tmp.dir, 'dir.db'));
      assert.throws(() => openSqliteApiKeyStore(join(tmp.dir, 'dir.db')), {
        code: 'STORE_OPEN_FAILED',
      });
    } finally {
      tmp.cleanup();
    }
  });

  test('tables of another schema version are STORE_SCHEMA_UNSUPPORTED', async () => {
    const tmp = tempDir('docket-api-keys-');
    try {
      const path = join(tmp.dir, 'api-keys.db');
      await openSqliteApiKeyStore(path).close();
      const db = new Database(path);
      try {
        db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
      } finally {
        db.close();
      }
      assert.throws(() => openSqliteApiKeyStore(path), { code: 'STORE_SCHEMA_UNSUPPORTED' });
    } finally {
      tmp.cleanup();
    }
  });
});
