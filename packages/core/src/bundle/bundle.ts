import { canonicalBytes, DocketError } from '@docket/protocol';
import type {
  BundleErasure,
  DisclosedField,
  ErrorCode,
  EvidenceBundle,
  Issue,
} from '@docket/protocol';
import { commitField, ENTRY_TYPES, toLeafEnvelope } from '../envelope/index.js';
import type { LeafEnvelope } from '../envelope/index.js';
import { CoreError } from '../errors.js';
import { hashLeaf, verifyInclusion } from '../merkle/index.js';
import { createNoteVerifier, openCheckpoint } from '../note/index.js';
import type { NoteVerifier } from '../note/index.js';
import { formatTlogProof, parseTlogProof } from './tlog-proof.js';

/** Format tag of an evidence bundle; bumped on any incompatible change. */
export const BUNDLE_FORMAT = 'docket.bundle/v1';

/** The bundle, its disclosed fields and its erasure: wire shapes, declared once in `@docket/protocol`. */
export type { BundleErasure, DisclosedField, EvidenceBundle };

/** What {@link checkBundle} established, besides its issues. */
export interface BundleFacts {
  readonly origin?: string;
  readonly index?: number;
  readonly treeSize?: number;
  readonly leafHash?: string;
  readonly verifiedFields: string[];
  /** Whether a tombstone of the entry's subject, later in the same signed tree, was proven. */
  readonly erased?: boolean;
}

/** Result of {@link checkBundle}. */
export type BundleCheck = ({ ok: true } | { ok: false; issues: Issue[] }) & BundleFacts;

/**
 * Builds a bundle from its parts.
 *
 * @example
 * const bundle = createBundle({ origin, vkey, envelope, disclosed: {}, index, hashes,
 *   checkpoint }); // erased: false, as no erasure is given
 */
export function createBundle(parts: {
  origin: string;
  vkey: string;
  envelope: LeafEnvelope;
  disclosed: Record<string, DisclosedField>;
  index: number;
  hashes: readonly Uint8Array[];
  checkpoint: string;
  /** The tombstone that erased the subject, with its inclusion proof under `checkpoint`. */
  erasure?: { envelope: LeafEnvelope; index: number; hashes: readonly Uint8Array[] };
  exportedAt?: string;
}): EvidenceBundle {
  const erasure = parts.erasure;
  return {
    format: BUNDLE_FORMAT,
    origin: parts.origin,
    vkey: parts.vkey,
    exportedAt: parts.exportedAt ?? new Date().toISOString(),
    envelope: parts.envelope,
    disclosed: parts.disclosed,
    erased: erasure !== undefined,
    proof: formatTlogProof({
      index: parts.index,
      hashes: parts.hashes,
      checkpoint: parts.checkpoint,
    }),
    ...(erasure === undefined
      ? {}
      : {
          erasure: {
            envelope: erasure.envelope,
            proof: formatTlogProof({
              index: erasure.index,
              hashes: erasure.hashes,
              checkpoint: parts.checkpoint,
            }),
          },
        }),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const issueOf = (err: unknown, code: ErrorCode, where: string): Issue =>
  err instanceof DocketError
    ? { code, message: `${err.code}: ${err.message}`, where: err.where ?? where, severity: 'error' }
    : { code, message: String(err), where, severity: 'error' };

/**
 * Checks an evidence bundle offline against the log's vkey: the checkpoint signature, the inclusion
 * of the leaf envelope at its index, the envelope's index, and every disclosed field against its
 * commitment. Returns every issue found.
 *
 * @example
 * const result = checkBundle(JSON.parse(text), 'example.com/log+abcd1234+AQ…');
 * if (!result.ok) console.log(result.issues);
 */
export function checkBundle(bundle: unknown, vkey: string): BundleCheck {
  const issues: Issue[] = [];
  const verifiedFields: string[] = [];
  const fail = (): BundleCheck => ({ ok: false, issues, verifiedFields });
  if (!isRecord(bundle)) {
    issues.push({
      code: 'BUNDLE_MALFORMED',
      message: 'bundle is not a JSON object',
      severity: 'error',
    });
    return fail();
  }
  if (bundle['format'] !== BUNDLE_FORMAT) {
    issues.push({
      code: 'BUNDLE_FORMAT_UNKNOWN',
      message: `format ${JSON.stringify(bundle['format'])} is not supported; expected ${BUNDLE_FORMAT}`,
      where: '$.format',
      severity: 'error',
    });
    return fail();
  }
  let envelope: LeafEnvelope;
  let proof;
  try {
    envelope = toLeafEnvelope(bundle['envelope'], '$.envelope');
    if (typeof bundle['proof'] !== 'string') throw new CoreError('BUNDLE_MALFORMED', 'no proof');
    proof = parseTlogProof(bundle['proof']);
  } catch (err) {
    issues.push(issueOf(err, 'BUNDLE_MALFORMED', '$'));
    return fail();
  }

  let verifier;
  try {
    verifier = createNoteVerifier(vkey);
  } catch (err) {
    issues.push(issueOf(err, 'KEY_INVALID', 'vkey'));
    return fail();
  }
  let checkpoint;
  try {
    checkpoint = openCheckpoint(proof.checkpoint, verifier).checkpoint;
  } catch (err) {
    issues.push(issueOf(err, 'CHECKPOINT_SIGNATURE_INVALID', '$.proof checkpoint'));
    return fail();
  }

  const leafHash = hashLeaf(canonicalBytes(envelope));
  const facts = {
    origin: checkpoint.origin,
    index: proof.index,
    treeSize: checkpoint.size,
    leafHash: leafHash.toString('base64'),
  };
  if (envelope.index !== proof.index) {
    issues.push({
      code: 'INDEX_MISMATCH',
      message: `envelope says index ${envelope.index}, proof says ${proof.index}`,
      where: '$.envelope.index',
      severity: 'error',
    });
  }
  try {
    verifyInclusion(proof.index, checkpoint.size, leafHash, proof.hashes, checkpoint.root);
  } catch (err) {
    issues.push(issueOf(err, 'INCLUSION_PROOF_INVALID', '$.proof'));
  }

  // `erased` is signed by nothing: it is what the erasure evidence proves, and a flag that
  // says otherwise is an issue.
  const erased =
    bundle['erasure'] !== undefined &&
    checkErasure(bundle['erasure'], envelope, proof.checkpoint, verifier, issues);
  if (bundle['erased'] !== erased) {
    issues.push({
      code: 'ERASED_FLAG_MISMATCH',
      message: erased
        ? 'the bundle proves an erasure but says erased: false'
        : `the bundle says erased: ${JSON.stringify(bundle['erased'])} but proves no erasure (a tombstone of the subject, later in the same signed tree)`,
      where: '$.erased',
      severity: 'error',
    });
  }

  const disclosed = isRecord(bundle['disclosed']) ? bundle['disclosed'] : {};
  for (const [name, field] of Object.entries(disclosed)) {
    const where = `$.disclosed.${name}`;
    const commitment = envelope.commitments[name];
    if (commitment === undefined) {
      issues.push({
        code: 'FIELD_NOT_COMMITTED',
        message: `the leaf commits to no field "${name}"`,
        where,
        severity: 'error',
      });
      continue;
    }
    if (!isRecord(field) || typeof field['salt'] !== 'string' || !('value' in field)) {
      issues.push({
        code: 'BUNDLE_MALFORMED',
        message: 'a disclosed field needs value and salt',
        where,
        severity: 'error',
      });
      continue;
    }
    const actual = commitField(name, field['value'], Buffer.from(field['salt'], 'base64'));
    if (actual.toString('base64') !== commitment) {
      issues.push({
        code: 'COMMITMENT_MISMATCH',
        message: `"${name}" does not match its commitment in the leaf`,
        where,
        severity: 'error',
      });
    } else {
      verifiedFields.push(name);
    }
  }
  return issues.length === 0
    ? { ok: true, ...facts, verifiedFields, erased }
    : { ok: false, issues, ...facts, verifiedFields, erased };
}

/**
 * Whether `erasure` proves that the subject of `envelope` was erased: a tombstone envelope of the
 * same subject, at a later index, included in the tree of the same signed checkpoint. Pushes an
 * `ERASURE_INVALID` issue saying why not.
 */
function checkErasure(
  erasure: unknown,
  envelope: LeafEnvelope,
  checkpointNote: string,
  verifier: NoteVerifier,
  issues: Issue[],
): boolean {
  const invalid = (message: string, where = '$.erasure'): false => {
    issues.push({ code: 'ERASURE_INVALID', message, where, severity: 'error' });
    return false;
  };
  let tombstone: LeafEnvelope;
  let proof;
  try {
    if (!isRecord(erasure) || typeof erasure['proof'] !== 'string')
      throw new CoreError('BUNDLE_MALFORMED', 'an erasure needs envelope and proof');
    tombstone = toLeafEnvelope(erasure['envelope'], '$.erasure.envelope');
    proof = parseTlogProof(erasure['proof']);
  } catch (err) {
    return invalid(err instanceof Error ? err.message : String(err));
  }
  if (tombstone.type !== ENTRY_TYPES.tombstone)
    return invalid(`the erasure's entry is a ${tombstone.type}, not a tombstone`);
  if (envelope.subject === undefined || tombstone.subject !== envelope.subject)
    return invalid("the tombstone is not about the entry's subject");
  if (tombstone.index <= envelope.index || tombstone.index !== proof.index)
    return invalid(
      `the tombstone's index (${tombstone.index}, proof ${proof.index}) must be after the entry's (${envelope.index})`,
    );
  if (proof.checkpoint !== checkpointNote)
    return invalid("the tombstone's proof is not under the bundle's checkpoint", '$.erasure.proof');
  try {
    const { checkpoint } = openCheckpoint(proof.checkpoint, verifier);
    verifyInclusion(
      proof.index,
      checkpoint.size,
      hashLeaf(canonicalBytes(tombstone)),
      proof.hashes,
      checkpoint.root,
    );
  } catch (err) {
    return invalid(
      `the tombstone is not included in the signed tree: ${err instanceof Error ? err.message : String(err)}`,
      '$.erasure.proof',
    );
  }
  return true;
}

/**
 * Like {@link checkBundle} but throws `CoreError` with the first issue's code.
 *
 * @example
 * verifyBundle(bundle, vkey); // throws on any problem
 */
export function verifyBundle(bundle: unknown, vkey: string): BundleFacts {
  const result = checkBundle(bundle, vkey);
  if (!result.ok) {
    const first = result.issues[0]!;
    throw new CoreError(first.code, first.message, { where: first.where });
  }
  return result;
}
