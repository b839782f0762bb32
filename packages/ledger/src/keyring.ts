import { randomBytes } from 'node:crypto';
import { deriveKey, open, pseudonymize, seal } from '@docket/core';
import type { SubjectKeyRow } from '@docket/store';

/** A subject's data key in clear, with its id. */
export interface DataKey {
  readonly kid: string;
  readonly key: Buffer;
}

/**
 * The ledger's secrets, all derived from one master key kept outside the database:
 * the HMAC key for subject pseudonyms and the key-encryption key that wraps subject data keys.
 *
 * @example
 * const ring = new KeyRing(readMasterKey('.docket'));
 * const pseudonym = ring.pseudonymize('cust-42');
 */
export class KeyRing {
  readonly #pseudonymKey: Buffer;
  readonly #kek: Buffer;

  constructor(master: Uint8Array) {
    this.#pseudonymKey = deriveKey(master, 'docket/pseudonym/v1');
    this.#kek = deriveKey(master, 'docket/kek/v1');
  }

  pseudonymize(subjectId: string): string {
    return pseudonymize(this.#pseudonymKey, subjectId);
  }

  /** A fresh AES-256 data key for a subject, and its row (wrapped key) to store. */
  createDataKey(subject: string, now: string): { key: DataKey; row: SubjectKeyRow } {
    const kid = `dk-${randomBytes(8).toString('hex')}`;
    const key = randomBytes(32);
    const wrapped = seal(this.#kek, key, wrapAad(subject, kid));
    return { key: { kid, key }, row: { subject, kid, wrapped, createdAt: now, erasedAt: null } };
  }

  /** Unwraps a stored data key; null when it was erased. */
  unwrap(row: SubjectKeyRow): DataKey | null {
    if (row.wrapped === null) return null;
    return { kid: row.kid, key: open(this.#kek, row.wrapped, wrapAad(row.subject, row.kid)) };
  }
}

const wrapAad = (subject: string, kid: string): Buffer =>
  Buffer.from(`docket/dek/v1\n${subject}\n${kid}`, 'utf8');
