/**
 * Ed25519 cosignatures, c2sp.org/tlog-cosignature (cosignature/v1): a witness's note signature
 * on a checkpoint, whose key ID uses signature type 0x04 and whose signature is
 *
 *     timestamped_signature = u64 BE timestamp ‖ ed25519_signature[64]
 *
 * over the message `cosignature/v1\ntime <timestamp>\n<checkpoint body>`.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign as cryptoSign,
  verify as cryptoVerify,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { CoreError } from '../errors.js';
import { decodeBase64, encodeBase64, formatKeyId, isValidKeyName, keyIdFor } from '../note/keys.js';
import type { NoteVerifier } from '../note/keys.js';
import { noteTextProblem, parseNote } from '../note/note.js';

/**
 * Signature type byte of Ed25519 cosignature/v1 keys (c2sp.org/tlog-cosignature, "Format").
 *
 * @example
 * keyIdFor('witness.example/w1', SIG_TYPE_COSIGNATURE_V1, publicKey);
 */
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;

const ED25519_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;
const TIMESTAMP_SIZE = 8;
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const HEX_KEY_ID = /^[0-9a-fA-F]{8}$/;
const SIGNATURE_PREFIX = '\u2014 ';
const utf8 = new TextEncoder();

/**
 * A witness's cosigning key. Build one with {@link createCosigner}.
 *
 * @example
 * const line = cosigner.cosign(checkpointBody, Math.floor(Date.now() / 1000));
 */
export interface Cosigner {
  readonly name: string;
  readonly keyId: number;
  /** The verifier key, `<name>+<id>+base64(0x04 ‖ public key)`, to publish. */
  readonly vkey: string;
  /**
   * The cosignature line `— <name> base64(key ID ‖ timestamp ‖ signature)\n` over a checkpoint
   * body (note text, ending in a newline) at POSIX time `timestamp` (seconds, > 0).
   */
  cosign(checkpointBody: string, timestamp: number): string;
}

/**
 * Checks cosignatures by one witness key. Also a {@link NoteVerifier}, so `openNote` accepts it
 * beside the log's verifier. Build one with {@link createCosignatureVerifier}.
 *
 * @example
 * const time = verifier.timestampOf(signature.signature); // seconds, or undefined
 */
export interface CosignatureVerifier extends NoteVerifier {
  readonly vkey: string;
  /** The cosignature's timestamp when it verifies over `checkpointBody`, else undefined. */
  check(checkpointBody: Uint8Array, signature: Uint8Array): number | undefined;
}

/**
 * A new cosigner key pair: `skey` is `PRIVATE+KEY+<name>+<id>+base64(0x04 ‖ seed)` (keep it
 * secret), `vkey` is `<name>+<id>+base64(0x04 ‖ public key)`, the form witness lists publish.
 *
 * @example
 * const { skey, vkey } = generateCosignerKey('witness.example/w1');
 */
export function generateCosignerKey(name: string): { skey: string; vkey: string } {
  if (!isValidKeyName(name)) throw keyInvalid(`witness name ${JSON.stringify(name)} is invalid`);
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey
    .export({ format: 'der', type: 'pkcs8' })
    .subarray(PKCS8_ED25519_PREFIX.length);
  const publicKey = rawPublicKey(createPublicKey(privateKey));
  const id = formatKeyId(keyIdFor(name, SIG_TYPE_COSIGNATURE_V1, publicKey));
  return {
    skey: `PRIVATE+KEY+${name}+${id}+${encodeBase64(typed(seed))}`,
    vkey: `${name}+${id}+${encodeBase64(typed(publicKey))}`,
  };
}

/**
 * Parses a cosigner key made by {@link generateCosignerKey}. Throws `KEY_INVALID`.
 *
 * @example
 * const cosigner = createCosigner(readFileSync('witness.key', 'utf8').trim());
 */
export function createCosigner(skey: string): Cosigner {
  if (!skey.startsWith('PRIVATE+KEY+')) throw keyInvalid('a cosigner key starts "PRIVATE+KEY+"');
  const { name, keyId, key } = parseKey(skey.slice('PRIVATE+KEY+'.length), 'cosigner key');
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
  checkKeyId(name, keyId, publicKey);
  return {
    name,
    keyId,
    vkey: `${name}+${formatKeyId(keyId)}+${encodeBase64(typed(publicKey))}`,
    cosign(checkpointBody, timestamp) {
      const problem = noteTextProblem(checkpointBody);
      if (problem !== undefined) throw new CoreError('NOTE_MALFORMED', problem);
      // "The cosignature MUST NOT omit the timestamp" (tlog-witness); u64 ≤ 2^63−1 (tlog-cosignature).
      if (!Number.isSafeInteger(timestamp) || timestamp <= 0) {
        throw new CoreError('COSIGNATURE_INVALID', `timestamp ${timestamp} is not a positive time`);
      }
      const signature = cryptoSign(null, cosignedMessage(checkpointBody, timestamp), privateKey);
      const blob = Buffer.alloc(4 + TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE);
      blob.writeUInt32BE(keyId, 0);
      blob.writeBigUInt64BE(BigInt(timestamp), 4);
      signature.copy(blob, 4 + TIMESTAMP_SIZE);
      return `${SIGNATURE_PREFIX}${name} ${blob.toString('base64')}\n`;
    },
  };
}

/**
 * Parses a witness verifier key `<name>+<id>+base64(0x04 ‖ 32-byte key)`. Throws `KEY_INVALID`
 * (also for a log key, type 0x01: a witness key is a different thing).
 *
 * @example
 * const verifier = createCosignatureVerifier('witness.example/w1+1c2a3b4d+BA…');
 */
export function createCosignatureVerifier(vkey: string): CosignatureVerifier {
  const { name, keyId, key } = parseKey(vkey, 'witness key');
  checkKeyId(name, keyId, key);
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
  const check = (body: Uint8Array, signature: Uint8Array): number | undefined => {
    if (signature.length !== TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE) return undefined;
    const time = Buffer.from(signature.buffer, signature.byteOffset, 8).readBigUInt64BE(0);
    // "It MUST NOT exceed 2^63 − 1"; Docket also needs it to be a safe integer.
    if (time > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
    const timestamp = Number(time);
    const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
    try {
      const ok = cryptoVerify(
        null,
        cosignedMessage(text, timestamp),
        publicKey,
        signature.subarray(TIMESTAMP_SIZE),
      );
      return ok ? timestamp : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    name,
    keyId,
    vkey,
    check,
    verify: (message, signature) => check(message, signature) !== undefined,
  };
}

/**
 * One witness's valid cosignature on a note, with its timestamp.
 *
 * @example
 * const [first]: Cosignature[] = findCosignatures(note, verifiers);
 */
export interface Cosignature {
  /** The witness's vkey. */
  vkey: string;
  name: string;
  /** POSIX seconds the witness signed at. */
  timestamp: number;
  /** The signature line, ending in a newline, to append to a note. */
  line: string;
}

/**
 * The valid cosignatures on a signed note by the given witnesses, one per witness (the latest
 * timestamp when a witness signed twice). Unknown keys and signature lines of known keys that
 * do not verify are left out: a policy counts only what verifies. Throws `NOTE_MALFORMED` when
 * the note does not parse.
 *
 * @example
 * const cosigned = findCosignatures(note, [createCosignatureVerifier(vkey)]);
 */
export function findCosignatures(
  signedNote: string,
  witnesses: readonly CosignatureVerifier[],
): Cosignature[] {
  const { text, signatures } = parseNote(signedNote);
  const body = utf8.encode(text);
  const found = new Map<CosignatureVerifier, Cosignature>();
  for (const signature of signatures) {
    for (const witness of witnesses) {
      if (witness.name !== signature.name || witness.keyId !== signature.keyId) continue;
      const timestamp = witness.check(body, signature.signature);
      if (timestamp === undefined) continue;
      const previous = found.get(witness);
      if (previous !== undefined && previous.timestamp >= timestamp) continue;
      const blob = Buffer.alloc(4 + signature.signature.length);
      blob.writeUInt32BE(signature.keyId, 0);
      blob.set(signature.signature, 4);
      found.set(witness, {
        vkey: witness.vkey,
        name: witness.name,
        timestamp,
        line: `${SIGNATURE_PREFIX}${signature.name} ${blob.toString('base64')}\n`,
      });
    }
  }
  return [...found.values()];
}

/**
 * Adds signature lines (cosignatures) to a signed note, leaving out lines it already holds.
 *
 * @example
 * const cosigned = addSignatureLines(note, response); // response: the witness's 200 body
 */
export function addSignatureLines(signedNote: string, lines: string): string {
  if (!signedNote.endsWith('\n')) throw new CoreError('NOTE_MALFORMED', 'a note ends in newline');
  const have = new Set(signedNote.split('\n'));
  const extra = lines
    .split('\n')
    .filter((line) => line.startsWith(SIGNATURE_PREFIX) && !have.has(line));
  const merged = `${signedNote}${extra.map((line) => `${line}\n`).join('')}`;
  parseNote(merged);
  return merged;
}

/** `cosignature/v1\ntime <t>\n<body>`, tlog-cosignature "Ed25519 signed message". */
function cosignedMessage(checkpointBody: string, timestamp: number): Uint8Array {
  return utf8.encode(`cosignature/v1\ntime ${timestamp}\n${checkpointBody}`);
}

function parseKey(text: string, what: string): { name: string; keyId: number; key: Uint8Array } {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) throw keyInvalid(`${what} must read <name>+<hex id>+<base64 key>`);
  const name = text.slice(0, first);
  const hexId = text.slice(first + 1, second);
  if (!isValidKeyName(name)) throw keyInvalid(`${what} name ${JSON.stringify(name)} is invalid`);
  if (!HEX_KEY_ID.test(hexId)) throw keyInvalid(`${what} key ID must be 8 hex digits`);
  const bytes = decodeBase64(text.slice(second + 1));
  if (bytes === undefined || bytes.length === 0) throw keyInvalid(`${what} is not base64`);
  if (bytes[0] !== SIG_TYPE_COSIGNATURE_V1) {
    throw keyInvalid(
      `${what} has signature type 0x${(bytes[0] as number).toString(16).padStart(2, '0')}; a cosignature/v1 key has 0x04`,
    );
  }
  if (bytes.length !== 1 + ED25519_KEY_SIZE) {
    throw keyInvalid(`${what}: an Ed25519 key is ${ED25519_KEY_SIZE} bytes`);
  }
  return { name, keyId: parseInt(hexId, 16), key: bytes.subarray(1) };
}

function checkKeyId(name: string, keyId: number, publicKey: Uint8Array): void {
  const expected = keyIdFor(name, SIG_TYPE_COSIGNATURE_V1, publicKey);
  if (expected !== keyId) {
    throw keyInvalid(
      `key ID ${formatKeyId(keyId)} does not match the key (expected ${formatKeyId(expected)})`,
    );
  }
}

function typed(key: Uint8Array): Uint8Array {
  const out = new Uint8Array(key.length + 1);
  out[0] = SIG_TYPE_COSIGNATURE_V1;
  out.set(key, 1);
  return out;
}

function rawPublicKey(publicKey: KeyObject): Uint8Array {
  return new Uint8Array(
    publicKey.export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length),
  );
}

function keyInvalid(message: string): CoreError {
  return new CoreError('KEY_INVALID', message);
}
