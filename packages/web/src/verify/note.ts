/**
 * C2SP signed notes (c2sp.org/signed-note v1.0.0) and checkpoints (c2sp.org/tlog-checkpoint) in
 * the browser, with verifier keys in Go's `golang.org/x/mod/sumdb/note` format:
 *
 *     vkey = <name>+<8 hex key ID>+base64(0x01 ‖ 32-byte Ed25519 public key)
 *     key ID = first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)
 */
import type { Checkpoint } from '@docket/protocol/wire';
import { fromBase64, sha256, utf8 } from './bytes.js';
import type { Ed25519Backend, Ed25519Verifier } from './ed25519.js';
import { VerifyError } from './errors.js';

/** Signature type byte of Ed25519 note signatures. */
export const SIG_TYPE_ED25519 = 0x01;

/** A parsed verifier key. */
export interface VerifierKey {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  /** The key as written. */
  readonly text: string;
}

/** One signature line of a note. */
export interface NoteSignature {
  readonly name: string;
  readonly keyId: number;
  readonly signature: Uint8Array;
}

/** A log's signed tree head: a wire shape, declared once in `@docket/protocol` (types only). */
export type { Checkpoint };

const MAX_NOTE_SIGNATURES = 100;
const SIGNATURE_PREFIX = '\u2014 ';
// eslint-disable-next-line no-control-regex -- the control characters are what this finds
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** A key name: non-empty, no Unicode spaces, no '+'. */
const isValidKeyName = (name: string): boolean => name !== '' && !/[\s+]/u.test(name);

/**
 * The key ID of a key: the first 4 bytes (big-endian) of SHA-256(name ‖ 0x0A ‖ type ‖ key).
 *
 * @example
 * await keyIdFor('example.com/log', SIG_TYPE_ED25519, publicKey); // 0x033de0ae
 */
export async function keyIdFor(
  name: string,
  sigType: number,
  publicKey: Uint8Array,
): Promise<number> {
  const digest = await sha256(utf8(name), Uint8Array.of(0x0a, sigType), publicKey);
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0);
}

/**
 * Formats a key ID as 8 lowercase hex digits.
 *
 * @example
 * formatKeyId(0x033de0ae); // '033de0ae'
 */
export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

/**
 * Parses and checks a verifier key: an Ed25519 type byte, a 32-byte key, and a key ID that is the
 * hash of name and key. Throws `KEY_INVALID`.
 *
 * @example
 * const key = await parseVerifierKey(log.vkey);
 */
export async function parseVerifierKey(vkey: string): Promise<VerifierKey> {
  const bad = (message: string): never => {
    throw new VerifyError('KEY_INVALID', `verifier key: ${message}`, 'vkey');
  };
  const first = vkey.indexOf('+');
  const second = first < 0 ? -1 : vkey.indexOf('+', first + 1);
  if (first < 0 || second < 0) return bad('want <name>+<key id>+<key>');
  const name = vkey.slice(0, first);
  const hexId = vkey.slice(first + 1, second);
  const bytes = fromBase64(vkey.slice(second + 1));
  if (!isValidKeyName(name)) bad('bad key name');
  if (!/^[0-9a-f]{8}$/.test(hexId)) bad('key ID must be 8 lowercase hex digits');
  if (bytes === undefined || bytes.length === 0)
    return bad('key must be non-empty standard base64');
  if (bytes[0] !== SIG_TYPE_ED25519) bad(`unknown signature type ${bytes[0]}`);
  const publicKey = bytes.subarray(1);
  if (publicKey.length !== 32) bad(`an Ed25519 key is 32 bytes, got ${publicKey.length}`);
  const keyId = parseInt(hexId, 16);
  if ((await keyIdFor(name, SIG_TYPE_ED25519, publicKey)) !== keyId) {
    bad(`key ID ${hexId} is not the hash of the name and key`);
  }
  return { name, keyId, publicKey, text: vkey };
}

/**
 * Splits a signed note into its text and signature lines, checking the format but no signature.
 * Throws `NOTE_MALFORMED`.
 *
 * @example
 * const { text, signatures } = parseNote(signed);
 */
export function parseNote(signed: string): { text: string; signatures: NoteSignature[] } {
  const bad = (message: string, where = 'note'): never => {
    throw new VerifyError('NOTE_MALFORMED', message, where);
  };
  if (LONE_SURROGATE.test(signed)) bad('a note must be valid Unicode');
  if (CONTROL.test(signed)) bad('a note holds a control character other than newline');
  // The text ends at the *last* blank line (signed-note, "Format").
  const split = signed.lastIndexOf('\n\n');
  if (split < 0) bad('no blank line between the text and the signatures');
  const text = signed.slice(0, split + 1);
  const block = signed.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) {
    bad('the signature block must hold at least one line and end with a newline');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) bad(`more than ${MAX_NOTE_SIGNATURES} signatures`);
  const signatures = lines.map((line, i): NoteSignature => {
    const where = `signature line ${i + 1}`;
    if (!line.startsWith(SIGNATURE_PREFIX)) bad('a signature line starts with "— "', where);
    const body = line.slice(SIGNATURE_PREFIX.length);
    const space = body.indexOf(' ');
    const name = space < 0 ? body : body.slice(0, space);
    if (!isValidKeyName(name)) bad('bad key name', where);
    const bytes = space < 0 ? undefined : fromBase64(body.slice(space + 1));
    if (bytes === undefined) return bad('signature is not standard base64', where);
    if (bytes.length < 5) bad('a signature holds a 4-byte key ID and a signature', where);
    return {
      name,
      keyId: new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0),
      signature: bytes.subarray(4),
    };
  });
  return { text, signatures };
}

/**
 * Verifies a signed note against known keys, as c2sp.org/signed-note says: signatures by unknown
 * (name, key ID) pairs are ignored; one by a known key that fails throws
 * `NOTE_SIGNATURE_INVALID`; none by a known key throws `NOTE_UNVERIFIED`.
 *
 * @example
 * const { text } = await openNote(signed, [await parseVerifierKey(vkey)], ed);
 */
export async function openNote(
  signed: string,
  keys: readonly VerifierKey[],
  ed: Ed25519Verifier,
): Promise<{ text: string; signatures: NoteSignature[]; verifiedBy: VerifierKey[] }> {
  const { text, signatures } = parseNote(signed);
  const id = (name: string, keyId: number): string => `${name}+${formatKeyId(keyId)}`;
  const known = new Map(keys.map((k) => [id(k.name, k.keyId), k]));
  const message = utf8(text);
  const verifiedBy: VerifierKey[] = [];
  for (const [i, s] of signatures.entries()) {
    const key = known.get(id(s.name, s.keyId));
    if (key === undefined) continue;
    if (!(await ed.verify(key.publicKey, message, s.signature))) {
      throw new VerifyError(
        'NOTE_SIGNATURE_INVALID',
        `the signature by ${id(s.name, s.keyId)} does not verify`,
        `signature line ${i + 1}`,
      );
    }
    if (!verifiedBy.includes(key)) verifiedBy.push(key);
  }
  if (verifiedBy.length === 0) {
    throw new VerifyError(
      'NOTE_UNVERIFIED',
      `no signature by a known key (known: ${[...known.keys()].join(', ') || 'none'}; signed by: ${signatures.map((s) => id(s.name, s.keyId)).join(', ')})`,
      'note',
    );
  }
  return { text, signatures, verifiedBy };
}

/**
 * Parses a checkpoint body strictly (c2sp.org/tlog-checkpoint): origin, decimal size, base64
 * 32-byte root, optional non-empty extension lines. Throws `CHECKPOINT_MALFORMED`.
 *
 * @example
 * const { origin, size, root } = parseCheckpoint(text);
 */
export function parseCheckpoint(body: string): Checkpoint {
  const bad = (message: string, where: string): never => {
    throw new VerifyError('CHECKPOINT_MALFORMED', message, where);
  };
  if (!body.endsWith('\n')) bad('checkpoint text must end with a newline', 'body');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) bad('a checkpoint has at least 3 lines', 'body');
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin === '') bad('origin line is empty', 'line 1');
  if (!DECIMAL.test(sizeText)) bad('tree size must be decimal without leading zeros', 'line 2');
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) bad('tree size beyond 2^53−1', 'line 2');
  const root = fromBase64(rootText);
  if (root?.length !== 32) return bad('root hash must be 32 bytes of standard base64', 'line 3');
  const extensions = lines.slice(3);
  if (extensions.includes('')) bad('extension lines must be non-empty', 'extensions');
  return { origin, size, root, extensions };
}

/** A checkpoint whose signature verified. */
export interface OpenedCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly key: VerifierKey;
  readonly backend: Ed25519Backend;
}

/**
 * Verifies a signed checkpoint against one verifier key and parses it; with `origin`, also
 * requires that the checkpoint is of that log (`CHECKPOINT_ORIGIN_MISMATCH`).
 *
 * @example
 * const { checkpoint } = await openCheckpoint(receipt.checkpoint, log.vkey, ed, log.origin);
 */
export async function openCheckpoint(
  signed: string,
  vkey: string,
  ed: Ed25519Verifier,
  origin?: string,
): Promise<OpenedCheckpoint> {
  const key = await parseVerifierKey(vkey);
  const { text } = await openNote(signed, [key], ed);
  const checkpoint = parseCheckpoint(text);
  if (origin !== undefined && checkpoint.origin !== origin) {
    throw new VerifyError(
      'CHECKPOINT_ORIGIN_MISMATCH',
      `the checkpoint is of log ${JSON.stringify(checkpoint.origin)}, not ${JSON.stringify(origin)}`,
      'line 1',
    );
  }
  return { checkpoint, key, backend: ed.backend };
}
