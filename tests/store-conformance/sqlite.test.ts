// The store conformance suite against the SQLite adapter: a fresh database file per test.
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openSqliteStore } from '@docket/store';
import { tempDir } from '../support/ledger-fixture.js';
import { openedStores } from './opened-stores.js';
import { describeStoreConformance } from './store-conformance.js';
import { describeFeatureStoreConformance } from './feature-store-conformance.js';

describeStoreConformance('sqlite', () => {
  const tmp = tempDir('docket-store-');
  const path = join(tmp.dir, 'ledger.db');
  const files = [path, `${path}-wal`, `${path}-shm`];
  return openedStores(
    () => openSqliteStore(path),
    tmp.cleanup,
    () => Promise.resolve(files),
  );
});

describeFeatureStoreConformance('sqlite', () => {
  const tmp = tempDir('docket-store-');
  return openedStores(
    () => openSqliteStore(join(tmp.dir, 'ledger.db')),
    tmp.cleanup,
    () => Promise.resolve([]),
  );
});

test('a new ledger file is owner-only (0600; SQLite gives its WAL the same mode): leaves and subject-less content are in clear', async () => {
  const tmp = tempDir('docket-store-');
  try {
    const path = join(tmp.dir, 'ledger.db');
    const store = openSqliteStore(path);
    await store.close();
    assert.equal(statSync(path).mode & 0o777, 0o600);
    // Opening again keeps the file as it was.
    await openSqliteStore(path).close();
    assert.equal(statSync(path).mode & 0o777, 0o600);
  } finally {
    tmp.cleanup();
  }
});
