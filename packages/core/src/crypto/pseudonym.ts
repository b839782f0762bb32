import { createHmac } from 'node:crypto';

/**
 * Pseudonymizes a subject id with HMAC-SHA-256 (never a plain hash, which anyone could reverse by
 * enumerating ids). Only the id counts, so an erasure by id finds every record of that person
 * whatever subject type they were recorded under. Returns lowercase hex.
 *
 * @example
 * const p = pseudonymize(key, 'cust-42');
 */
export function pseudonymize(key: Uint8Array, subjectId: string): string {
  return createHmac('sha256', key).update(`docket/subject/v1\n${subjectId}`, 'utf8').digest('hex');
}
