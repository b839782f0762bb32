/**
 * Ed25519 signature verification (RFC 8032) in the browser: WebCrypto where the browser has it
 * (Chromium ≥ 137, Firefox ≥ 129, Safari ≥ 17, Node ≥ 20), otherwise the bundled
 * `@noble/ed25519`, loaded only when needed and run in strict RFC 8032 mode (not ZIP 215), so both
 * backends accept exactly what node:crypto accepts.
 */
import type * as Noble from '@noble/ed25519';
import { subtleCrypto } from './bytes.js';

/** Which implementation verified. */
export type Ed25519Backend = 'webcrypto' | 'noble';

/**
 * Verifies Ed25519 signatures; never throws for a bad key or signature (answers false).
 *
 * @example
 * const ok = await verifier.verify(publicKey, message, signature);
 */
export interface Ed25519Verifier {
  readonly backend: Ed25519Backend;
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean>;
}

/** The part of `@noble/ed25519` this module uses. */
export type NobleEd25519 = Pick<typeof Noble, 'verifyAsync'>;

/** Options of {@link createEd25519Verifier}. */
export interface Ed25519Options {
  /** Loads the bundled fallback, e.g. `() => import('/ui/vendor/noble-ed25519.js')`. */
  readonly loadNoble: () => Promise<NobleEd25519>;
  /** `auto` (default): WebCrypto when it supports Ed25519, else noble. */
  readonly prefer?: 'auto' | Ed25519Backend;
}

// RFC 8032 §7.1 TEST 1 public key: a key every Ed25519 implementation must import.
const PROBE_KEY = new Uint8Array([
  0xd7, 0x5a, 0x98, 0x01, 0x82, 0xb1, 0x0a, 0xb7, 0xd5, 0x4b, 0xfe, 0xd3, 0xc9, 0x64, 0x07, 0x3a,
  0x0e, 0xe1, 0x72, 0xf3, 0xda, 0xa6, 0x23, 0x25, 0xaf, 0x02, 0x1a, 0x68, 0xf7, 0x07, 0x51, 0x1a,
]);

/**
 * Whether this runtime's WebCrypto implements Ed25519.
 *
 * @example
 * if (!(await webCryptoHasEd25519())) console.log('using the bundled verifier');
 */
export async function webCryptoHasEd25519(): Promise<boolean> {
  try {
    await subtleCrypto().importKey('raw', PROBE_KEY, { name: 'Ed25519' }, false, ['verify']);
    return true;
  } catch {
    return false;
  }
}

const copy = (bytes: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(bytes);

/**
 * An Ed25519 verifier on the best backend available.
 *
 * @example
 * const ed = await createEd25519Verifier({ loadNoble: () => import('@noble/ed25519') });
 * ed.backend; // 'webcrypto' in Chromium
 */
export async function createEd25519Verifier(options: Ed25519Options): Promise<Ed25519Verifier> {
  const prefer = options.prefer ?? 'auto';
  if (prefer === 'webcrypto' || (prefer === 'auto' && (await webCryptoHasEd25519()))) {
    const subtle = subtleCrypto();
    return {
      backend: 'webcrypto',
      async verify(publicKey, message, signature) {
        // RFC 8032 §5.1.7: a signature is exactly 64 bytes, a key 32.
        if (signature.length !== 64 || publicKey.length !== 32) return false;
        try {
          const key = await subtle.importKey('raw', copy(publicKey), { name: 'Ed25519' }, false, [
            'verify',
          ]);
          return await subtle.verify({ name: 'Ed25519' }, key, copy(signature), copy(message));
        } catch {
          return false;
        }
      },
    };
  }
  const noble = await options.loadNoble();
  return {
    backend: 'noble',
    async verify(publicKey, message, signature) {
      if (signature.length !== 64 || publicKey.length !== 32) return false;
      try {
        return await noble.verifyAsync(signature, message, publicKey, { zip215: false });
      } catch {
        return false;
      }
    },
  };
}
