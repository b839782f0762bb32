/**
 * @docket/store — the storage port (`LedgerStore`) and its adapters: SQLite (better-sqlite3) and
 * PostgreSQL (`pg`, an optional peer loaded only by `openPostgresStore`).
 */
export { StoreError } from './errors.js';
export type {
  CheckpointRow,
  EntryRow,
  EntryWithContent,
  ExpectedSearchRow,
  IntakeRequest,
  IntakeRow,
  IntakeStatus,
  LedgerStore,
  LogNotice,
  NodeId,
  SearchQuery,
  SearchRow,
  SearchRowProblem,
  SequencedBatch,
  SequencerLease,
  SharedLogStore,
  SubjectKeyRow,
  TreeState,
} from './ledger-store.js';
export { isSharedLogStore } from './ledger-store.js';
export { STATS_DIMENSIONS } from './facets.js';
export type {
  DecisionStats,
  FacetRow,
  OutcomeUpdateRow,
  StatsBucketCount,
  StatsCount,
  StatsDimension,
  StatsInterval,
  FacetFilter,
} from './facets.js';
export type { StatsQuery } from './ledger-store.js';
export type {
  FeatureQuery,
  FeatureRow,
  FeatureStore,
  FeatureVersionCount,
} from './drift-features.js';
export { openSqliteStore } from './sqlite/sqlite-store.js';
export type { SqliteStoreOptions } from './sqlite/sqlite-store.js';
export { backupSqliteFile } from './sqlite/backup.js';
export type { SqliteBackupResult } from './sqlite/backup.js';
export { openPostgresStore } from './postgres/postgres-store.js';
export type { PostgresStoreOptions } from './postgres/postgres-store.js';
export { sequencerLock } from './postgres/postgres-shared.js';
export type { SequencerLock } from './postgres/postgres-shared.js';
export type { ApiKeyRow, ApiKeyStore } from './api-keys/api-key-store.js';
export { openSqliteApiKeyStore } from './api-keys/sqlite-api-key-store.js';
export { openPostgresApiKeyStore } from './api-keys/postgres-api-key-store.js';
export type { PostgresApiKeyStoreOptions } from './api-keys/postgres-api-key-store.js';
export { API_KEYS_FILE, openApiKeyStore } from './api-keys/open-api-key-store.js';
export type { ApiKeyStoreLocation } from './api-keys/open-api-key-store.js';
export { openSqliteWitnessStore } from './witness/sqlite-witness-store.js';
export type {
  WitnessCheckpoint,
  WitnessLogRow,
  WitnessStore,
} from './witness/sqlite-witness-store.js';
export { openSqliteCosignatureStore } from './witness/sqlite-cosignature-store.js';
export type { CosignatureStore } from './witness/sqlite-cosignature-store.js';
