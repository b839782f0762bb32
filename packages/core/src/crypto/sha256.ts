import * as nodeCrypto from 'node:crypto';

// Read off the namespace: a named import of `hash` fails to link on Node < 20.12 (20.10 has none).
const oneShot = (nodeCrypto as Partial<typeof nodeCrypto>).hash;

/**
 * SHA-256 of `data` in one call: `crypto.hash` (Node ≥ 20.12, ~0.5 µs for a short input) where
 * it exists, else a `Hash` object (~2 µs per object whatever the input). Internal to the package.
 *
 * @example
 * sha256(Buffer.from('abc')).toString('hex'); // 'ba7816bf…f20015ad'
 */
export const sha256: (data: Uint8Array) => Buffer =
  oneShot === undefined
    ? (data) => nodeCrypto.createHash('sha256').update(data).digest()
    : (data) => oneShot('sha256', data, 'buffer');

/** {@link sha256} as base64, without the intermediate Buffer. Internal to the package. */
export const sha256Base64: (data: Uint8Array) => string =
  oneShot === undefined
    ? (data) => nodeCrypto.createHash('sha256').update(data).digest('base64')
    : (data) => oneShot('sha256', data, 'base64');

/**
 * A scratch buffer of at least `size` bytes for assembling a hash input (prefix ‖ data) without a
 * `Buffer.concat`: one per caller, reused by every synchronous call, grown by doubling.
 */
export class Scratch {
  #bytes: Buffer;

  constructor(initial: number) {
    this.#bytes = Buffer.allocUnsafe(initial);
  }

  /** The buffer, at least `size` bytes (its contents are kept only when it does not grow). */
  get(size: number): Buffer {
    if (this.#bytes.length < size) {
      this.#bytes = Buffer.allocUnsafe(Math.max(size, 2 * this.#bytes.length));
    }
    return this.#bytes;
  }
}
