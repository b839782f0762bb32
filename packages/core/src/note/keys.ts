/**
 * Note signing keys in the string formats of Go's golang.org/x/mod/sumdb/note, which C2SP
 * signed-note tools share:
 *
 *     vkey = <name>+<8 hex key ID>+base64(0x01 ‖ 32-byte Ed25519 public key)
 *     skey = PRIVATE+KEY+<name>+<8 hex key ID>+base64(0x01 ‖ 32-byte Ed25519 seed)
 *
 * The base64 part may itself contain `+`, so only the leading separators are split.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  verify as cryptoVerify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { CoreError } from '../errors.js';

/**
 * Signature type byte of Ed25519 note signatures (c2sp.org/signed-note, "Signature types").
 *
 * @example
 * keyIdFor('example.com/log', SIG_TYPE_ED25519, publicKey);
 */
export const SIG_TYPE_ED25519 = 0x01;

const ED25519_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
// DER headers that wrap a raw Ed25519 seed (PKCS #8) or public key (SPKI), RFC 8410 §7 and §4.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const HEX_KEY_ID = /^[0-9a-fA-F]{8}$/;
/** Unicode White_Space, the set Go's unicode.IsSpace tests (signed-note: no Unicode spaces). */
const SPACE = /\p{White_Space}/u;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Signs note text with one key. Build one with {@link createNoteSigner}.
 *
 * @example
 * const signer: NoteSigner = createNoteSigner(skey);
 */
export interface NoteSigner {
  /** Key name, as written in signature lines. */
  readonly name: string;
  /** uint32 key ID, written big-endian before the signature. */
  readonly keyId: number;
  /** The matching verifier key string, to publish. */
  readonly vkey: string;
  /** Signature over `message` (the note text's UTF-8 bytes). */
  sign(message: Uint8Array): Uint8Array;
}

/**
 * Checks signatures made by one key. Build one with {@link createNoteVerifier}.
 *
 * @example
 * const verifier: NoteVerifier = createNoteVerifier(vkey);
 */
export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** True when `signature` is this key's valid signature over `message`. Never throws. */
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/**
 * True when `name` may name a key: non-empty, valid Unicode, no Unicode spaces and no `+`
 * (c2sp.org/signed-note, "Format"; Go's isValidName).
 *
 * @example
 * isValidKeyName('example.com/log'); // true
 */
export function isValidKeyName(name: string): boolean {
  return name !== '' && !name.includes('+') && !SPACE.test(name) && !LONE_SURROGATE.test(name);
}

/**
 * The key ID of a key: the first four bytes of SHA-256(name ‖ 0x0A ‖ sigType ‖ publicKey) as a
 * big-endian uint32 (c2sp.org/signed-note, "Signatures").
 *
 * @example
 * keyIdFor('PeterNeumann', SIG_TYPE_ED25519, publicKey).toString(16); // 'c74f20a3'
 */
export function keyIdFor(name: string, sigType: number, publicKey: Uint8Array): number {
  if (!Number.isInteger(sigType) || sigType < 0 || sigType > 0xff) {
    throw new CoreError('KEY_INVALID', `signature type must be one byte, got ${sigType}`);
  }
  return createHash('sha256')
    .update(name, 'utf8')
    .update(Uint8Array.of(0x0a, sigType))
    .update(publicKey)
    .digest()
    .readUInt32BE(0);
}

/**
 * A new Ed25519 key pair as Go-format strings. Keep `skey` secret; publish `vkey`.
 *
 * @example
 * const { skey, vkey } = generateSignerKey('ledger.example.com/decisions/v1');
 */
export function generateSignerKey(name: string): { skey: string; vkey: string } {
  assertKeyName(name);
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey
    .export({ format: 'der', type: 'pkcs8' })
    .subarray(PKCS8_ED25519_PREFIX.length);
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  const id = formatKeyId(keyIdFor(name, SIG_TYPE_ED25519, publicKey));
  return {
    skey: `PRIVATE+KEY+${name}+${id}+${encodeBase64(withType(seed))}`,
    vkey: `${name}+${id}+${encodeBase64(withType(publicKey))}`,
  };
}

/**
 * Parses a Go-format private key string into a signer. The key is loaded once; signing reuses it.
 * Throws {@link CoreError} `KEY_INVALID` saying what is wrong.
 *
 * @example
 * const signer = createNoteSigner('PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz');
 * signer.vkey; // 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
 */
export function createNoteSigner(skey: string): NoteSigner {
  const [private1, afterPrivate] = chop(skey);
  const [private2, rest] = chop(afterPrivate);
  if (private1 !== 'PRIVATE' || private2 !== 'KEY') {
    throw keyInvalid('a signer key must start with "PRIVATE+KEY+"');
  }
  const { name, keyId, type, key } = parseKeyFields(rest, 'signer key');
  checkType(type, key, 'seed');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, key]),
      format: 'der',
      type: 'pkcs8',
    });
  } catch (cause) {
    throw new CoreError('KEY_INVALID', 'Ed25519 seed was refused by the crypto library', { cause });
  }
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  // Go checks the ID against the public key derived from the seed, as a checksum of the whole string.
  checkKeyId(name, keyId, withType(publicKey));
  const vkey = `${name}+${formatKeyId(keyId)}+${encodeBase64(withType(publicKey))}`;
  return {
    name,
    keyId,
    vkey,
    sign: (message) => new Uint8Array(cryptoSign(null, message, privateKey)),
  };
}

/**
 * Parses a Go-format verifier key string. The public key is loaded once; verifying reuses it.
 * Throws {@link CoreError} `KEY_INVALID` saying what is wrong.
 *
 * @example
 * const verifier = createNoteVerifier('PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW');
 * verifier.verify(message, signature); // true or false
 */
export function createNoteVerifier(vkey: string): NoteVerifier {
  const { name, keyId, type, key } = parseKeyFields(vkey, 'verifier key');
  checkKeyId(name, keyId, withType(key, type));
  checkType(type, key, 'public key');
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({
      key: Buffer.concat([SPKI_ED25519_PREFIX, key]),
      format: 'der',
      type: 'spki',
    });
  } catch (cause) {
    throw new CoreError('KEY_INVALID', 'Ed25519 public key was refused by the crypto library', {
      cause,
    });
  }
  return {
    name,
    keyId,
    verify(message, signature) {
      // RFC 8032 §5.1.7: a signature is exactly 64 bytes; anything else is simply invalid.
      if (signature.length !== ED25519_SIGNATURE_SIZE) return false;
      try {
        return cryptoVerify(null, message, publicKey, signature);
      } catch {
        return false;
      }
    },
  };
}

/**
 * Formats a key ID as the 8 lowercase hex digits the key strings use.
 *
 * @example
 * formatKeyId(0x033de0ae); // '033de0ae'
 */
export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/**
 * Standard base64 with padding (RFC 4648 §4), as signed notes and checkpoints use.
 *
 * @example
 * encodeBase64(new Uint8Array([1, 2])); // 'AQI='
 */
export function encodeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Decodes standard padded base64 (RFC 4648 §4), or returns undefined. Strict: Node's decoder
 * skips junk, so the result must re-encode to exactly the input (one encoding per byte string).
 *
 * @example
 * decodeBase64('AQI='); // Uint8Array [1, 2]; decodeBase64('AQI') is undefined
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? new Uint8Array(bytes) : undefined;
}

interface KeyFields {
  name: string;
  keyId: number;
  type: number;
  key: Uint8Array;
}

/** Parses `<name>+<hex id>+<base64 key>`, the common tail of both key strings. */
function parseKeyFields(text: string, what: string): KeyFields {
  const [name, afterName] = chop(text);
  const [hexId, key64] = chop(afterName);
  if (!isValidKeyName(name)) {
    throw keyInvalid(
      `${what} name ${JSON.stringify(name)} must be non-empty, without spaces or '+'`,
    );
  }
  if (!HEX_KEY_ID.test(hexId)) {
    throw keyInvalid(`${what} key ID must be 8 hex digits, got ${JSON.stringify(hexId)}`);
  }
  const bytes = decodeBase64(key64);
  if (bytes === undefined || bytes.length === 0) {
    throw keyInvalid(`${what} key must be non-empty standard base64`);
  }
  return {
    name,
    keyId: parseInt(hexId, 16),
    type: bytes[0] as number,
    key: bytes.subarray(1),
  };
}

function checkKeyId(name: string, keyId: number, typedKey: Uint8Array): void {
  const expected = keyIdFor(name, typedKey[0] as number, typedKey.subarray(1));
  if (expected !== keyId) {
    throw keyInvalid(
      `key ID ${formatKeyId(keyId)} does not match the key (SHA-256 of name and key gives ${formatKeyId(expected)})`,
    );
  }
}

function checkType(type: number, key: Uint8Array, what: string): void {
  if (type !== SIG_TYPE_ED25519) {
    throw keyInvalid(
      `unsupported signature type 0x${type.toString(16).padStart(2, '0')} (only Ed25519, 0x01)`,
    );
  }
  if (key.length !== ED25519_KEY_SIZE) {
    throw keyInvalid(`Ed25519 ${what} must be ${ED25519_KEY_SIZE} bytes, got ${key.length}`);
  }
}

function assertKeyName(name: string): void {
  if (!isValidKeyName(name)) {
    throw keyInvalid(`key name ${JSON.stringify(name)} must be non-empty, without spaces or '+'`);
  }
}

/** Splits at the first `+`, like Go's chop: the remainder keeps any later `+`. */
function chop(text: string): [string, string] {
  const i = text.indexOf('+');
  return i < 0 ? [text, ''] : [text.slice(0, i), text.slice(i + 1)];
}

function withType(key: Uint8Array, type: number = SIG_TYPE_ED25519): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out[0] = type;
  out.set(key, 1);
  return out;
}

function rawPublicKey(publicKey: KeyObject): Uint8Array {
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(SPKI_ED25519_PREFIX.length));
}

function keyInvalid(message: string): CoreError {
  return new CoreError('KEY_INVALID', message);
}
