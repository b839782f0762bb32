import { canonicalBytes, DocketError } from '@docket/protocol';
import type { DisclosedField, EvidenceBundle, Issue } from '@docket/protocol';
import { commitField, toLeafEnvelope } from '../envelope/index.js';
import type { LeafEnvelope } from '../envelope/index.js';
import { CoreError } from '../errors.js';
import { hashLeaf, verifyInclusion } from '../merkle/index.js';
import { createNoteVerifier, openCheckpoint } from '../note/index.js';
import { formatTlogProof, parseTlogProof } from './tlog-proof.js';

/** Format tag of an evidence bundle; bumped on any incompatible change. */
export const BUNDLE_FORMAT = 'docket.bundle/v1';

/** The bundle and its disclosed fields: wire shapes, declared once in `@docket/protocol`. */
export type { DisclosedField, EvidenceBundle };

/** What {@link checkBundle} established, besides its issues. */
export interface BundleFacts {
  readonly origin?: string;
  readonly index?: number;
  readonly treeSize?: number;
  readonly leafHash?: string;
  readonly verifiedFields: string[];
}

/** Result of {@link checkBundle}. */
export type BundleCheck = ({ ok: true } | { ok: false; issues: Issue[] }) & BundleFacts;

/**
 * Builds a bundle from its parts.
 *
 * @example
 * const bundle = createBundle({ origin, vkey, envelope, disclosed: {}, erased: false,
 *   index, hashes, checkpoint });
 */
export function createBundle(parts: {
  origin: string;
  vkey: string;
  envelope: LeafEnvelope;
  disclosed: Record<string, DisclosedField>;
  erased: boolean;
  index: number;
  hashes: readonly Uint8Array[];
  checkpoint: string;
  exportedAt?: string;
}): EvidenceBundle {
  return {
    format: BUNDLE_FORMAT,
    origin: parts.origin,
    vkey: parts.vkey,
    exportedAt: parts.exportedAt ?? new Date().toISOString(),
    envelope: parts.envelope,
    disclosed: parts.disclosed,
    erased: parts.erased,
    proof: formatTlogProof({
      index: parts.index,
      hashes: parts.hashes,
      checkpoint: parts.checkpoint,
    }),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const issueOf = (err: unknown, code: string, where: string): Issue =>
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
    ? { ok: true, ...facts, verifiedFields }
    : { ok: false, issues, ...facts, verifiedFields };
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
