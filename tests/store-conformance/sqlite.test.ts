// The store conformance suite against the SQLite adapter: a fresh database file per test.
import { join } from 'node:path';
import { openSqliteStore } from '@docket/store';
import { tempDir } from '../support/ledger-fixture.js';
import { openedStores } from './opened-stores.js';
import { describeStoreConformance } from './store-conformance.js';

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
