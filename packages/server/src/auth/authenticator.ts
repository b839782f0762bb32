import type { IncomingHttpHeaders } from 'node:http';
import type { ApiKeyRow, ApiKeyStore } from '@docket/store';
import { ServerError } from '../errors.js';
import { isApiKeySecret, parseApiKey } from './api-key.js';
import { isApiKeyRole } from './roles.js';
import type { ApiKeyRole } from './roles.js';

/** Who is calling: the key's id, tenant and role. */
export interface Principal {
  readonly keyId: string;
  readonly tenant: string;
  readonly role: ApiKeyRole;
}

/** How long a key row stays cached: a revocation reaches other replicas within this time. */
export const KEY_CACHE_MS = 5_000;

/**
 * Resolves `Authorization: Bearer dk_…` to a principal: unknown, malformed and revoked keys are
 * `UNAUTHENTICATED` (401, one message for all, so a caller learns nothing about which ids exist).
 *
 * @example
 * const principal = await authenticator.authenticate(req.headers);
 */
export class Authenticator {
  readonly #keys: ApiKeyStore;
  readonly #cache = new Map<string, { row: ApiKeyRow | undefined; until: number }>();

  constructor(keys: ApiKeyStore) {
    this.#keys = keys;
  }

  async authenticate(headers: IncomingHttpHeaders): Promise<Principal> {
    const header = headers.authorization;
    if (header === undefined) {
      throw new ServerError(
        'UNAUTHENTICATED',
        'an API key is required: Authorization: Bearer dk_…',
        {
          where: 'header.authorization',
        },
      );
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const parsed = match === null ? undefined : parseApiKey(match[1]!);
    const row = parsed === undefined ? undefined : await this.#row(parsed.id);
    if (
      parsed === undefined ||
      row === undefined ||
      row.revokedAt !== null ||
      // A role this version does not know (a newer replica wrote it) grants nothing.
      !isApiKeyRole(row.role) ||
      !isApiKeySecret(row, parsed.secret)
    ) {
      throw new ServerError(
        'UNAUTHENTICATED',
        'the API key is not valid (unknown, malformed or revoked)',
        {
          where: 'header.authorization',
        },
      );
    }
    return { keyId: row.id, tenant: row.tenant, role: row.role };
  }

  /** Forgets a cached key (after a revocation through this server). */
  forget(id: string): void {
    this.#cache.delete(id);
  }

  async #row(id: string): Promise<ApiKeyRow | undefined> {
    const now = Date.now();
    const cached = this.#cache.get(id);
    if (cached !== undefined && cached.until > now) return cached.row;
    const row = await this.#keys.get(id);
    // Unknown ids are cached too (briefly), so guessing costs no store query per try.
    if (this.#cache.size > 10_000) this.#cache.clear();
    this.#cache.set(id, { row, until: now + KEY_CACHE_MS });
    return row;
  }
}
