/**
 * @docket/store — the storage port (`LedgerStore`) and its SQLite adapter (better-sqlite3).
 */
export { StoreError } from './errors.js';
export type {
  CheckpointRow,
  EntryRow,
  EntryWithContent,
  LedgerStore,
  NodeId,
  SequencedBatch,
  SubjectKeyRow,
  TreeState,
} from './ledger-store.js';
export { openSqliteStore } from './sqlite/sqlite-store.js';
export type { SqliteStoreOptions } from './sqlite/sqlite-store.js';
