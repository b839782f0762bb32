/**
 * The add-checkpoint call of c2sp.org/tlog-witness: its request body, and the checks a witness
 * makes before cosigning, as a pure function of the request, the log's keys and the witness's
 * latest checkpoint for that origin (the caller persists it atomically, see the witness store).
 *
 *     old <size>\n
 *     <≤ 63 consistency proof hashes, base64, one per line>
 *     \n
 *     <signed checkpoint>
 */
import type { ErrorCode } from '@docket/protocol';
import { CoreError } from '../errors.js';
import { EMPTY_ROOT, HASH_SIZE } from '../merkle/hash.js';
import { verifyConsistency } from '../merkle/verify.js';
import { parseCheckpoint } from '../note/checkpoint.js';
import type { Checkpoint } from '../note/checkpoint.js';
import { decodeBase64, encodeBase64 } from '../note/keys.js';
import type { NoteVerifier } from '../note/keys.js';
import { parseNote } from '../note/note.js';

/** "The client MUST NOT send more than 63 consistency proof lines." */
export const MAX_WITNESS_PROOF_LINES = 63;

const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/**
 * A parsed add-checkpoint request.
 *
 * @example
 * const { oldSize, proof, note } = parseAddCheckpoint(body);
 */
export interface AddCheckpointRequest {
  oldSize: number;
  proof: Uint8Array[];
  /** The signed checkpoint, verbatim. */
  note: string;
}

/**
 * The request body for a checkpoint note, its consistency proof, and the size the witness last
 * cosigned (0 the first time, with an empty proof).
 *
 * @example
 * await fetch(`${url}/add-checkpoint`, { method: 'POST', body: formatAddCheckpoint(req) });
 */
export function formatAddCheckpoint(request: AddCheckpointRequest): string {
  if (!Number.isSafeInteger(request.oldSize) || request.oldSize < 0) {
    throw malformed(`old size ${request.oldSize} is not a non-negative integer`, 'old');
  }
  if (request.proof.length > MAX_WITNESS_PROOF_LINES) {
    throw malformed(`a proof has at most ${MAX_WITNESS_PROOF_LINES} hashes`, 'proof');
  }
  const proof = request.proof.map((hash) => `${encodeBase64(hash)}\n`).join('');
  return `old ${request.oldSize}\n${proof}\n${request.note}`;
}

/**
 * Parses an add-checkpoint body. Throws `WITNESS_REQUEST_MALFORMED` (HTTP 400) saying what is
 * wrong; the note itself is only split, not verified.
 *
 * @example
 * parseAddCheckpoint('old 0\n\nexample.com/log\n1\n…\n\n— example.com/log …\n');
 */
export function parseAddCheckpoint(body: string): AddCheckpointRequest {
  const blank = body.indexOf('\n\n');
  if (blank < 0) throw malformed('no empty line before the checkpoint', 'body');
  const lines = body.slice(0, blank).split('\n');
  const [first, ...hashes] = lines as [string, ...string[]];
  if (!first.startsWith('old ') || !DECIMAL.test(first.slice(4))) {
    throw malformed('the first line must be "old <size>" in decimal', 'line 1');
  }
  const oldSize = Number(first.slice(4));
  if (!Number.isSafeInteger(oldSize)) throw malformed('old size is beyond 2^53−1', 'line 1');
  if (hashes.length > MAX_WITNESS_PROOF_LINES) {
    throw malformed(`more than ${MAX_WITNESS_PROOF_LINES} consistency proof lines`, 'proof');
  }
  const proof = hashes.map((line, i) => {
    const hash = decodeBase64(line);
    if (hash === undefined || hash.length !== HASH_SIZE) {
      throw malformed('a proof line must be one base64 SHA-256 hash', `line ${i + 2}`);
    }
    return hash;
  });
  return { oldSize, proof, note: body.slice(blank + 2) };
}

/**
 * What a witness knows of one log: the log's keys and its latest cosigned checkpoint (size and
 * root), if any.
 *
 * @example
 * const state: WitnessedLog = { verifiers: [createNoteVerifier(vkey)], latest: { size: 8, root } };
 */
export interface WitnessedLog {
  verifiers: readonly NoteVerifier[];
  latest: { size: number; root: Uint8Array } | undefined;
}

/**
 * Why a witness refuses to cosign, with the HTTP status tlog-witness gives it (and the witness's
 * own size for a 409).
 *
 * @example
 * if (!result.ok && result.status === 409) retryFrom(result.knownSize);
 */
export interface AddCheckpointRefusal {
  ok: false;
  code: ErrorCode;
  status: 400 | 403 | 404 | 409 | 422;
  message: string;
  knownSize?: number;
}

/**
 * The checks of tlog-witness add-checkpoint, in the spec's order: 404 for an unknown origin
 * (`logOf` answers undefined), 403 without a valid log signature, 400 when the old size is above
 * the new one, 409 when it is not the witness's size, 422 for a bad proof, a non-empty proof from
 * 0, a different root at the same size, or a size-0 checkpoint not over the empty tree. On
 * success returns the checkpoint to cosign; the caller must persist it atomically with the check
 * of the old size (compare-and-swap) before answering.
 *
 * @example
 * const result = checkAddCheckpoint(request, (origin) => logs.get(origin));
 */
export function checkAddCheckpoint(
  request: AddCheckpointRequest,
  logOf: (origin: string) => WitnessedLog | undefined,
): { ok: true; checkpoint: Checkpoint; body: string } | AddCheckpointRefusal {
  let text: string;
  let signatures: ReturnType<typeof parseNote>['signatures'];
  let checkpoint: Checkpoint;
  try {
    ({ text, signatures } = parseNote(request.note));
    checkpoint = parseCheckpoint(text);
  } catch (cause) {
    return refuse('WITNESS_REQUEST_MALFORMED', 400, (cause as Error).message);
  }
  const log = logOf(checkpoint.origin);
  if (log === undefined) {
    return refuse('WITNESS_UNKNOWN_LOG', 404, `unknown log origin ${checkpoint.origin}`);
  }
  // Unknown keys are ignored; a known key whose signature fails, or no known key, is a 403.
  const message = new TextEncoder().encode(text);
  let signed = false;
  for (const signature of signatures) {
    const verifier = log.verifiers.find(
      (v) => v.name === signature.name && v.keyId === signature.keyId,
    );
    if (verifier === undefined) continue;
    if (!verifier.verify(message, signature.signature)) {
      return refuse('WITNESS_LOG_SIGNATURE_INVALID', 403, `bad signature by ${verifier.name}`);
    }
    signed = true;
  }
  if (!signed) {
    return refuse('WITNESS_LOG_SIGNATURE_INVALID', 403, 'no signature by a key of the log');
  }
  if (request.oldSize > checkpoint.size) {
    return refuse(
      'WITNESS_OLD_SIZE_INVALID',
      400,
      `old size ${request.oldSize} is above the checkpoint size ${checkpoint.size}`,
    );
  }
  const known = log.latest?.size ?? 0;
  if (request.oldSize !== known) {
    return {
      ...refuse(
        'WITNESS_CONFLICT',
        409,
        `old size ${request.oldSize} is not the latest cosigned size ${known}`,
      ),
      knownSize: known,
    };
  }
  if (checkpoint.size === 0 && !equal(checkpoint.root, EMPTY_ROOT)) {
    return refuse('WITNESS_PROOF_INVALID', 422, 'a size-0 checkpoint must have the empty root');
  }
  if (log.latest === undefined || request.oldSize === 0) {
    if (request.proof.length !== 0) {
      return refuse('WITNESS_PROOF_INVALID', 422, 'the proof from size 0 must be empty');
    }
  } else if (request.oldSize === checkpoint.size) {
    if (!equal(log.latest.root, checkpoint.root)) {
      return refuse('WITNESS_PROOF_INVALID', 422, `another root at size ${checkpoint.size}`);
    }
    if (request.proof.length !== 0) {
      return refuse('WITNESS_PROOF_INVALID', 422, 'the proof between equal sizes must be empty');
    }
  } else {
    try {
      verifyConsistency(
        request.oldSize,
        checkpoint.size,
        request.proof,
        log.latest.root,
        checkpoint.root,
      );
    } catch (cause) {
      if (!(cause instanceof CoreError)) throw cause;
      return refuse('WITNESS_PROOF_INVALID', 422, `consistency proof: ${cause.message}`);
    }
  }
  return { ok: true, checkpoint, body: text };
}

function refuse(
  code: ErrorCode,
  status: AddCheckpointRefusal['status'],
  message: string,
): AddCheckpointRefusal {
  return { ok: false, code, status, message };
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

function malformed(message: string, where: string): CoreError {
  return new CoreError('WITNESS_REQUEST_MALFORMED', message, { where });
}
