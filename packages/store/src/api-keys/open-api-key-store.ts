import { join } from 'node:path';
import type { ApiKeyStore } from './api-key-store.js';
import { openPostgresApiKeyStore } from './postgres-api-key-store.js';
import { openSqliteApiKeyStore } from './sqlite-api-key-store.js';

/** The SQLite API key store's file name inside the root data directory. */
export const API_KEYS_FILE = 'api-keys.db';

/** Options of {@link openApiKeyStore}. */
export interface ApiKeyStoreLocation {
  /** The root data directory: the SQLite store is `dataDir/api-keys.db`. */
  readonly dataDir: string;
  /** A PostgreSQL URL: the keys then live in its schema `docket_auth` instead. */
  readonly pgUrl?: string | undefined;
}

/**
 * Opens the API key store beside the logs: PostgreSQL (schema `docket_auth`) when `pgUrl` is
 * given, else `dataDir/api-keys.db`. The caller resolves `DOCKET_PG_URL`, as for the logs.
 *
 * @example
 * const keys = await openApiKeyStore({ dataDir: '.docket', pgUrl: process.env.DOCKET_PG_URL });
 */
export async function openApiKeyStore(location: ApiKeyStoreLocation): Promise<ApiKeyStore> {
  return location.pgUrl === undefined
    ? openSqliteApiKeyStore(join(location.dataDir, API_KEYS_FILE))
    : openPostgresApiKeyStore(location.pgUrl);
}
