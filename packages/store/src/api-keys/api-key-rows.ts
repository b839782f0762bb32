import type { ApiKeyRow } from './api-key-store.js';

/** The schema version of the API key tables (both adapters), kept in their `meta` table. */
export const API_KEY_SCHEMA_VERSION = '1';

/** An `api_keys` row as either driver returns it (snake_case columns). */
export interface RawApiKey {
  readonly id: string;
  readonly tenant: string;
  readonly role: string;
  readonly secret_hash: string;
  readonly name: string;
  readonly created_at: string;
  readonly revoked_at: string | null;
}

/** The columns of {@link RawApiKey}, in one order for every SELECT. */
export const API_KEY_COLUMNS = 'id, tenant, role, secret_hash, name, created_at, revoked_at';

/** A driver row as the port's {@link ApiKeyRow}. */
export const toApiKeyRow = (r: RawApiKey): ApiKeyRow => ({
  id: r.id,
  tenant: r.tenant,
  role: r.role,
  secretHash: r.secret_hash,
  name: r.name,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

/** The values of an INSERT, in {@link API_KEY_COLUMNS} order. */
export const fromApiKeyRow = (row: ApiKeyRow): (string | null)[] => [
  row.id,
  row.tenant,
  row.role,
  row.secretHash,
  row.name,
  row.createdAt,
  row.revokedAt,
];
