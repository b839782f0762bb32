import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRow } from '@docket/store';
import type { ApiKeyRole } from './roles.js';

const KEY_TEXT = /^dk_([a-z2-7]{16})_([A-Za-z0-9_-]{43})$/;

/** Hex SHA-256 of a key's secret part: what the store keeps. */
const hashSecret = (secret: string): string =>
  createHash('sha256').update(secret, 'utf8').digest('hex');

/** Base32 (RFC 4648 alphabet, lower case) of random bytes: ids that read well in logs. */
function randomId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...randomBytes(16)].map((b) => alphabet[b % 32]).join('');
}

/**
 * A new API key: its text (`dk_<id>_<secret>`, shown once, never stored) and the row to store
 * (the secret's SHA-256 only; 256-bit secrets need no slow hash).
 *
 * @example
 * const { text, row } = createApiKey({ tenant: 'acme', role: 'ingest', name: 'ci' });
 */
export function createApiKey(options: {
  tenant: string;
  role: ApiKeyRole;
  name?: string;
  now?: Date;
}): { text: string; row: ApiKeyRow } {
  const id = randomId();
  const secret = randomBytes(32).toString('base64url');
  return {
    text: `dk_${id}_${secret}`,
    row: {
      id,
      tenant: options.tenant,
      role: options.role,
      secretHash: hashSecret(secret),
      name: options.name ?? '',
      createdAt: (options.now ?? new Date()).toISOString(),
      revokedAt: null,
    },
  };
}

/**
 * Splits a key's text into id and secret; undefined when it is not a Docket key.
 *
 * @example
 * parseApiKey('dk_abcdefghijklmnop_…')?.id; // 'abcdefghijklmnop'
 */
export function parseApiKey(text: string): { id: string; secret: string } | undefined {
  const m = KEY_TEXT.exec(text);
  return m === null ? undefined : { id: m[1]!, secret: m[2]! };
}

/**
 * Whether `secret` is the secret of `row` (constant-time comparison of the hashes).
 *
 * @example
 * if (!isApiKeySecret(row, parsed.secret)) refuse();
 */
export function isApiKeySecret(row: ApiKeyRow, secret: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(row.secretHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
