// The store conformance suite against the SQLite adapter: a fresh database file per test.
import { join } from 'node:path';
import { openSqliteStore } from '@docket/store';
import type { LedgerStore } from '@docket/store';
import { tempDir } from '../support/ledger-fixture.js';
import { describeStoreConformance } from './store-conformance.js';

describeStoreConformance('sqlite', () => {
  const tmp = tempDir('docket-store-');
  const path = join(tmp.dir, 'ledger.db');
  const opened: LedgerStore[] = [];
  const open = (): Promise<LedgerStore> => {
    const store = openSqliteStore(path);
    opened.push(store);
    return Promise.resolve(store);
  };
  const store = openSqliteStore(path);
  opened.push(store);
  return Promise.resolve({
    store,
    openAgain: open,
    cleanup: async () => {
      try {
        for (const s of opened) await s.close();
      } finally {
        tmp.cleanup();
      }
    },
  });
});
