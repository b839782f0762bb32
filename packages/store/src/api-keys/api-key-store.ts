/**
 * An API key as stored: never the secret itself, only its SHA-256. The key a client sends is
 * `dk_<id>_<secret>`; `id` finds the row, the secret's hash is compared in constant time.
 */
export interface ApiKeyRow {
  /** Public key id (also in the key text and in the access log). */
  readonly id: string;
  readonly tenant: string;
  /** The key's role as text; what it means is the server's (it refuses a role it does not know). */
  readonly role: string;
  /** Hex SHA-256 of the secret part. */
  readonly secretHash: string;
  /** A label for people ("ci ingest", "j.doe"). */
  readonly name: string;
  readonly createdAt: string;
  /** Set once revoked; a revoked key is refused. */
  readonly revokedAt: string | null;
}

/**
 * Storage of API keys, shared by every server replica (a table beside the logs: SQLite file
 * `DIR/api-keys.db`, or schema `docket_auth` in PostgreSQL).
 */
export interface ApiKeyStore {
  readonly kind: string;
  /** Stores a new key; `API_KEY_EXISTS` if the id is taken. */
  insert(row: ApiKeyRow): Promise<void>;
  get(id: string): Promise<ApiKeyRow | undefined>;
  /** Keys (revoked ones included), oldest first; only the tenant's when given. */
  list(tenant?: string): Promise<ApiKeyRow[]>;
  /** Marks a key revoked; returns false when there is no such key (or it was already revoked). */
  revoke(id: string, revokedAt: string): Promise<boolean>;
  /** How many keys are not revoked (a server with none creates a first admin key). */
  countActive(): Promise<number>;
  close(): Promise<void>;
}
