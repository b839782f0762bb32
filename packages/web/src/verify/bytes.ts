/**
 * Byte helpers for the browser (no Buffer): strict standard base64, hex, UTF-8, SHA-256 through
 * WebCrypto (`crypto.subtle`, present in every browser's secure context and in Node 20).
 */
import { VerifyError } from './errors.js';

const utf8Encoder = new TextEncoder();
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes standard base64 with padding; undefined for anything else, including a non-canonical
 * encoding (non-zero padding bits), as Go's and Docket's decoders refuse it.
 *
 * @example
 * fromBase64('AQI='); // Uint8Array [1, 2]; fromBase64('AQI') is undefined
 */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!B64.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return toBase64(bytes) === text ? bytes : undefined;
}

/**
 * Decodes base64 or throws `BASE64_INVALID` naming `where`.
 *
 * @example
 * const hash = requireBase64(receipt.leafHash, 'receipt.leafHash');
 */
export function requireBase64(text: string, where: string): Uint8Array {
  const bytes = fromBase64(text);
  if (bytes === undefined) throw new VerifyError('BASE64_INVALID', 'not standard base64', where);
  return bytes;
}

/**
 * Standard base64 with padding.
 *
 * @example
 * toBase64(new Uint8Array([1, 2])); // 'AQI='
 */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * Lowercase hex.
 *
 * @example
 * toHex(new Uint8Array([1, 255])); // '01ff'
 */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * Parses hex (even length, any case).
 *
 * @example
 * fromHex('01ff'); // Uint8Array [1, 255]
 */
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new VerifyError('HEX_INVALID', 'not an even number of hex digits', 'hex');
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * UTF-8 bytes of a string.
 *
 * @example
 * utf8('é'); // Uint8Array [0xc3, 0xa9]
 */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return utf8Encoder.encode(text);
}

/**
 * The concatenation of byte arrays.
 *
 * @example
 * concatBytes(Uint8Array.of(0), leaf);
 */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * Whether two byte arrays are equal.
 *
 * @example
 * equalBytes(calculated, checkpoint.root);
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** WebCrypto, or a clear error where the page is not a secure context (plain http off localhost). */
export function subtleCrypto(): SubtleCrypto {
  const subtle = (globalThis.crypto as Crypto | undefined)?.subtle;
  if (subtle === undefined) {
    throw new VerifyError(
      'WEBCRYPTO_UNAVAILABLE',
      'this page has no WebCrypto: open it over https or on localhost to verify proofs',
      'crypto.subtle',
    );
  }
  return subtle;
}

/**
 * SHA-256 of the concatenated parts.
 *
 * @example
 * const leafHash = await sha256(Uint8Array.of(0), leaf);
 */
export async function sha256(...parts: readonly Uint8Array[]): Promise<Uint8Array> {
  return new Uint8Array(await subtleCrypto().digest('SHA-256', concatBytes(...parts)));
}
