/**
 * Signed notes, c2sp.org/signed-note v1.0.0: text ending in a newline, a blank line, then one
 * line per signature, `— <key name> base64(uint32 key ID ‖ signature)`.
 */
import { CoreError } from '../errors.js';
import { decodeBase64, encodeBase64, formatKeyId, isValidKeyName } from './keys.js';
import type { NoteSigner, NoteVerifier } from './keys.js';

/**
 * One signature line of a note.
 *
 * @example
 * const [first]: NoteSignature[] = parseNote(signed).signatures;
 */
export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature bytes, without the 4-byte key ID. */
  signature: Uint8Array;
}

/**
 * A note whose signatures were checked by {@link openNote}.
 *
 * @example
 * const opened: OpenedNote = openNote(signed, [verifier]);
 */
export interface OpenedNote {
  /** The signed text, ending in a newline. */
  text: string;
  /** Every signature line, in order, known key or not. */
  signatures: NoteSignature[];
  /** The signatures made by a known key, each (name, key ID) once; never empty. */
  verified: NoteSignature[];
}

/**
 * Most signature lines a note may carry. c2sp.org/signed-note: "Verifiers SHOULD apply a maximum
 * limit to the number of signatures ... but MUST accept at least up to 16". Go uses 100.
 *
 * @example
 * parseNote(noteWith101Signatures); // throws NOTE_MALFORMED
 */
export const MAX_NOTE_SIGNATURES = 100;

const SIGNATURE_PREFIX = '\u2014 ';
/** Signed notes "MUST NOT contain any ASCII control characters ... other than newline". */
// eslint-disable-next-line no-control-regex -- the control characters are what this finds
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const utf8 = new TextEncoder();

/**
 * Signs `text` with each signer and returns the signed note. The text must end in a newline and
 * hold no control characters other than newline.
 *
 * @example
 * const note = signNote('hello\n', [signer]); // 'hello\n\n— example.com/k AbCd…=\n'
 */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  const problem = noteTextProblem(text);
  if (problem !== undefined) throw new CoreError('NOTE_MALFORMED', problem, { where: 'text' });
  if (signers.length === 0) {
    throw new CoreError('NOTE_MALFORMED', 'a signed note needs at least one signer');
  }
  const message = utf8.encode(text);
  let lines = '';
  for (const signer of signers) {
    if (!isValidKeyName(signer.name)) {
      throw new CoreError(
        'KEY_INVALID',
        `signer name ${JSON.stringify(signer.name)} is not a valid key name`,
      );
    }
    if (!Number.isInteger(signer.keyId) || signer.keyId < 0 || signer.keyId > 0xffffffff) {
      throw new CoreError('KEY_INVALID', `signer key ID ${signer.keyId} is not a uint32`);
    }
    const signature = signer.sign(message);
    const blob = new Uint8Array(4 + signature.length);
    new DataView(blob.buffer).setUint32(0, signer.keyId);
    blob.set(signature, 4);
    lines += `${SIGNATURE_PREFIX}${signer.name} ${encodeBase64(blob)}\n`;
  }
  return `${text}\n${lines}`;
}

/**
 * Splits a signed note into its text and signature lines without checking any signature.
 * Throws {@link CoreError} `NOTE_MALFORMED` saying what is wrong and where.
 *
 * @example
 * const { text, signatures } = parseNote(signed);
 */
export function parseNote(signed: string): { text: string; signatures: NoteSignature[] } {
  if (LONE_SURROGATE.test(signed)) throw malformed('a note must be valid Unicode (UTF-8)');
  const control = CONTROL.exec(signed);
  if (control !== null) {
    throw malformed(
      `control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()} at offset ${control.index}; only newline is allowed`,
    );
  }
  // The text is separated from the signatures by the *last* blank line (signed-note, "Format").
  const split = signed.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line between the text and the signatures');
  const text = signed.slice(0, split + 1);
  const block = signed.slice(split + 2);
  if (block === '' || !block.endsWith('\n')) {
    throw malformed('the signature block must hold at least one line and end with a newline');
  }
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) {
    throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures (${lines.length})`);
  }
  const signatures = lines.map((line, i) => parseSignatureLine(line, `signature line ${i + 1}`));
  return { text, signatures };
}

/**
 * Parses a signed note and verifies it against the known keys, as c2sp.org/signed-note says:
 * signatures from unknown (name, key ID) pairs are ignored; a signature from a known key that
 * fails throws `NOTE_SIGNATURE_INVALID`; if no known key signed, throws `NOTE_UNVERIFIED`.
 * Malformed notes (or more than 100 signatures) throw `NOTE_MALFORMED`.
 *
 * @example
 * const { text } = openNote(signed, [createNoteVerifier(vkey)]);
 */
export function openNote(signed: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const { text, signatures } = parseNote(signed);
  const known = new Map<string, NoteVerifier>();
  for (const verifier of verifiers) {
    const id = idOf(verifier.name, verifier.keyId);
    const other = known.get(id);
    if (other !== undefined && other !== verifier) {
      throw new CoreError('KEY_INVALID', `two verifiers share the key name and ID ${id}`);
    }
    known.set(id, verifier);
  }
  const message = utf8.encode(text);
  const verified: NoteSignature[] = [];
  const seen = new Set<string>();
  signatures.forEach((signature, i) => {
    const id = idOf(signature.name, signature.keyId);
    const verifier = known.get(id);
    // Unknown keys are ignored, even when they share the name or the ID (but not both).
    if (verifier === undefined) return;
    // Every signature by a known key must verify, repeated lines included: one bad line rejects
    // the note ("clients SHOULD reject the whole note").
    if (!verifier.verify(message, signature.signature)) {
      throw new CoreError('NOTE_SIGNATURE_INVALID', `signature by ${id} does not verify`, {
        where: `signature line ${i + 1}`,
      });
    }
    if (!seen.has(id)) {
      seen.add(id);
      verified.push(signature);
    }
  });
  if (verified.length === 0) {
    const wanted = [...known.keys()].join(', ') || 'none';
    const found = signatures.map((s) => idOf(s.name, s.keyId)).join(', ');
    throw new CoreError(
      'NOTE_UNVERIFIED',
      `no signature by a known key (known: ${wanted}; signed by: ${found})`,
    );
  }
  return { text, signatures, verified };
}

/**
 * What makes `text` unusable as note text, or undefined: it must end in a newline, be valid
 * Unicode and hold no control characters other than newline.
 *
 * @example
 * noteTextProblem('abc'); // 'note text must end with a newline'
 */
export function noteTextProblem(text: string): string | undefined {
  if (!text.endsWith('\n')) return 'note text must end with a newline';
  if (LONE_SURROGATE.test(text)) return 'note text must be valid Unicode (UTF-8)';
  const control = CONTROL.exec(text);
  if (control !== null) {
    const code = control[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase();
    return `note text holds control character U+${code} at offset ${control.index}; only newline is allowed`;
  }
  return undefined;
}

function parseSignatureLine(line: string, where: string): NoteSignature {
  if (!line.startsWith(SIGNATURE_PREFIX)) {
    throw malformed('a signature line must start with "— " (em dash, space)', where);
  }
  const body = line.slice(SIGNATURE_PREFIX.length);
  const space = body.indexOf(' ');
  const name = space < 0 ? body : body.slice(0, space);
  const encoded = space < 0 ? '' : body.slice(space + 1);
  if (!isValidKeyName(name)) {
    throw malformed(
      `key name ${JSON.stringify(name)} must be non-empty, without spaces or '+'`,
      where,
    );
  }
  if (encoded === '') throw malformed('missing signature after the key name', where);
  const bytes = decodeBase64(encoded);
  if (bytes === undefined) throw malformed('signature is not standard base64', where);
  if (bytes.length < 5) {
    throw malformed(
      `signature must hold a 4-byte key ID and a signature, got ${bytes.length} bytes`,
      where,
    );
  }
  return {
    name,
    keyId: new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0),
    signature: bytes.subarray(4),
  };
}

function idOf(name: string, keyId: number): string {
  return `${name}+${formatKeyId(keyId)}`;
}

function malformed(message: string, where?: string): CoreError {
  return new CoreError('NOTE_MALFORMED', message, where === undefined ? {} : { where });
}
