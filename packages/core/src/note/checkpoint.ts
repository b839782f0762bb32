/**
 * Checkpoints, c2sp.org/tlog-checkpoint v1.0.0: a signed note whose text is
 *
 *     <origin>\n<tree size>\n<base64 root hash>\n[<extension line>\n]*
 */
import type { Checkpoint } from '@docket/protocol';
import { CoreError } from '../errors.js';
import { decodeBase64, encodeBase64 } from './keys.js';
import type { NoteSigner, NoteVerifier } from './keys.js';
import { noteTextProblem, openNote, signNote } from './note.js';
import type { OpenedNote } from './note.js';

/** A parsed checkpoint: a wire shape, declared once in `@docket/protocol`. */
export type { Checkpoint };

const ROOT_SIZE = 32;
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/**
 * The checkpoint body (note text): origin, size and base64 root, one per line, then any
 * extension lines. Throws `CHECKPOINT_MALFORMED` for fields that would not read back as the same
 * lines (an empty origin, a newline in a field, a size that is not a safe non-negative integer).
 * The root is written whatever its length; {@link parseCheckpoint} and {@link signCheckpoint}
 * enforce 32 bytes.
 *
 * @example
 * formatCheckpoint({ origin: 'example.com/log', size: 8, root, extensions: [] });
 * // 'example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n'
 */
export function formatCheckpoint(c: Checkpoint): string {
  if (c.origin === '' || c.origin.includes('\n')) {
    throw malformed('origin must be one non-empty line', 'origin');
  }
  if (!Number.isSafeInteger(c.size) || c.size < 0) {
    throw malformed(`tree size must be a non-negative safe integer, got ${c.size}`, 'size');
  }
  c.extensions.forEach((line, i) => {
    if (line === '' || line.includes('\n')) {
      throw malformed('an extension line must be one non-empty line', `extensions[${i}]`);
    }
  });
  const head = `${c.origin}\n${c.size}\n${encodeBase64(c.root)}\n`;
  return c.extensions.length === 0 ? head : `${head}${c.extensions.join('\n')}\n`;
}

/**
 * Parses a checkpoint body strictly by c2sp.org/tlog-checkpoint: at least three lines, each ending
 * in a newline; a non-empty origin; a decimal size without leading zeros (`0` allowed) up to
 * 2^53−1; a standard-base64 root of exactly 32 bytes; no empty extension lines. Throws
 * `CHECKPOINT_MALFORMED` saying what is wrong and on which line.
 *
 * @example
 * const { origin, size, root } = parseCheckpoint('example.com/log\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n');
 */
export function parseCheckpoint(body: string): Checkpoint {
  const problem = noteTextProblem(body);
  if (problem !== undefined) throw malformed(problem, 'body');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length < 3) {
    throw malformed(
      `a checkpoint has at least 3 lines (origin, tree size, root hash), found ${lines.length}`,
      'body',
    );
  }
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin === '') throw malformed('origin line is empty', 'line 1');
  if (!DECIMAL.test(sizeText)) {
    throw malformed(
      `tree size ${JSON.stringify(sizeText)} must be ASCII decimal without leading zeros`,
      'line 2',
    );
  }
  const size = Number(sizeText);
  if (!Number.isSafeInteger(size)) {
    throw malformed(
      `tree size ${sizeText} is beyond 2^53−1, which Docket does not support`,
      'line 2',
    );
  }
  const root = decodeBase64(rootText);
  if (root === undefined) throw malformed('root hash is not standard base64', 'line 3');
  if (root.length !== ROOT_SIZE) {
    throw malformed(
      `root hash must be ${ROOT_SIZE} bytes (an RFC 6962 SHA-256 root), got ${root.length}`,
      'line 3',
    );
  }
  const extensions = lines.slice(3);
  const empty = extensions.indexOf('');
  if (empty >= 0) {
    throw malformed(
      'extension lines must be non-empty (tlog-checkpoint, "Note text")',
      `line ${empty + 4}`,
    );
  }
  return { origin, size, root, extensions };
}

/**
 * Signs a checkpoint as a note. The checkpoint must parse back strictly (32-byte root, see
 * {@link parseCheckpoint}), so Docket never signs what it would refuse to open.
 *
 * @example
 * const note = signCheckpoint({ origin: signer.name, size, root, extensions: [] }, signer);
 */
export function signCheckpoint(c: Checkpoint, signer: NoteSigner): string {
  const body = formatCheckpoint(c);
  parseCheckpoint(body);
  return signNote(body, [signer]);
}

/**
 * Opens a signed checkpoint: verifies the note against `verifier` (other signatures, such as
 * witness cosignatures, are ignored) and parses its text. Throws `NOTE_MALFORMED`,
 * `NOTE_SIGNATURE_INVALID`, `NOTE_UNVERIFIED` or `CHECKPOINT_MALFORMED`.
 *
 * @example
 * const { checkpoint } = openCheckpoint(signedNote, createNoteVerifier(vkey));
 */
export function openCheckpoint(
  signedNote: string,
  verifier: NoteVerifier,
): { checkpoint: Checkpoint; note: OpenedNote } {
  const note = openNote(signedNote, [verifier]);
  return { checkpoint: parseCheckpoint(note.text), note };
}

function malformed(message: string, where: string): CoreError {
  return new CoreError('CHECKPOINT_MALFORMED', message, { where });
}
