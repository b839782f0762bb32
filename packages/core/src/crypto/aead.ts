import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { CoreError } from '../errors.js';
import { freshRandom } from './random.js';

const NONCE_SIZE = 12;
const TAG_SIZE = 16;

/**
 * AES-256-GCM with a random 96-bit nonce (NIST SP 800-38D §8.2.2): output is nonce ‖ ciphertext ‖ tag.
 * `aad` binds the ciphertext to its context (an entry id, a subject pseudonym) so it can't be moved.
 *
 * @example
 * const box = seal(key, Buffer.from('secret'), Buffer.from('entry-1'));
 */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Buffer {
  // A slice of the pooled CSPRNG buffer: as random as its own randomBytes call, and never reused.
  const nonce = freshRandom(NONCE_SIZE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(aad);
  // One concatenation: the elements are evaluated in order, so the tag is read after final().
  return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

/**
 * Opens what {@link seal} produced; throws `CoreError` `DECRYPT_FAILED` when the key, the aad or the
 * bytes are wrong (GCM authenticates all three).
 *
 * @example
 * const plain = open(key, box, Buffer.from('entry-1'));
 */
export function open(key: Uint8Array, box: Uint8Array, aad: Uint8Array): Buffer {
  if (box.length < NONCE_SIZE + TAG_SIZE) {
    throw new CoreError('DECRYPT_FAILED', `ciphertext too short (${box.length} bytes)`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, box.subarray(0, NONCE_SIZE));
    decipher.setAAD(aad);
    decipher.setAuthTag(box.subarray(box.length - TAG_SIZE));
    return Buffer.concat([
      decipher.update(box.subarray(NONCE_SIZE, box.length - TAG_SIZE)),
      decipher.final(),
    ]);
  } catch (cause) {
    throw new CoreError('DECRYPT_FAILED', 'ciphertext does not authenticate under this key', {
      cause,
    });
  }
}

/**
 * Derives a 32-byte sub-key from a master key with HKDF-SHA-256 (RFC 5869); `purpose` separates
 * domains (pseudonyms, key wrapping) so one master key never serves two uses directly.
 *
 * @example
 * const kek = deriveKey(master, 'docket/kek/v1');
 */
export function deriveKey(master: Uint8Array, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, new Uint8Array(0), purpose, 32));
}
