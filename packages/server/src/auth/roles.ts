/**
 * API-key roles: what a key may do, confined to its key's tenant. The store keeps a key's role as
 * text; the meaning of each role (which operations, which content) lives here and in the OpenAPI
 * document's `x-docket-roles`.
 */

/** What a key may do. Every role is confined to its key's tenant. */
export type ApiKeyRole = 'ingest' | 'reader' | 'auditor' | 'admin';

/**
 * The roles, in a fixed order (for help texts and validation).
 *
 * @example
 * API_KEY_ROLES.join(', '); // 'ingest, reader, auditor, admin'
 */
export const API_KEY_ROLES: readonly ApiKeyRole[] = ['ingest', 'reader', 'auditor', 'admin'];

/** Roles that may read the log: decisions (content withheld), proofs, checkpoints. */
export const READ_ROLES: readonly ApiKeyRole[] = ['reader', 'auditor', 'admin'];

/** Roles that may read the content of decisions that have a subject, and search it. */
export const CONTENT_ROLES: readonly ApiKeyRole[] = ['auditor', 'admin'];

/** Roles that may record decisions, events and producer reports. */
export const WRITE_ROLES: readonly ApiKeyRole[] = ['ingest', 'admin'];

/**
 * Whether a string (a stored row's role, a flag) is a role.
 *
 * @example
 * isApiKeyRole('auditor'); // true
 */
export function isApiKeyRole(role: string): role is ApiKeyRole {
  return (API_KEY_ROLES as readonly string[]).includes(role);
}
