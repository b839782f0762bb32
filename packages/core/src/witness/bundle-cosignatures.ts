/**
 * Cosignatures in evidence bundles: a bundle's tlog-proof ends with the signed checkpoint
 * verbatim (c2sp.org/tlog-proof), so the witnesses' cosignature lines travel in that note, and a
 * verifier with a witness policy checks them offline.
 */
import type { EvidenceBundle } from '@docket/protocol';
import { CoreError } from '../errors.js';
import { parseNote } from '../note/note.js';
import { formatTlogProof, parseTlogProof } from '../bundle/tlog-proof.js';
import { addSignatureLines } from './cosignature.js';

/**
 * The signed checkpoint note a bundle's proof leads to, or undefined when the bundle has no proof
 * that parses (`checkBundle` reports why).
 *
 * @example
 * const note = bundleCheckpoint(JSON.parse(text));
 */
export function bundleCheckpoint(bundle: unknown): string | undefined {
  if (typeof bundle !== 'object' || bundle === null) return undefined;
  const proof = (bundle as { proof?: unknown }).proof;
  if (typeof proof !== 'string') return undefined;
  try {
    return parseTlogProof(proof).checkpoint;
  } catch {
    return undefined;
  }
}

/**
 * The bundle with its checkpoint note replaced by `cosignedNote`: the same checkpoint with more
 * signature lines (witness cosignatures). The erasure proof, under the same checkpoint, gets the
 * same note. Throws `BUNDLE_MALFORMED` when `cosignedNote` is another checkpoint.
 *
 * @example
 * const cosigned = withBundleCheckpoint(bundle, await pump.cosigned(bundleCheckpoint(bundle)!));
 */
export function withBundleCheckpoint(bundle: EvidenceBundle, cosignedNote: string): EvidenceBundle {
  const proof = parseTlogProof(bundle.proof);
  if (parseNote(proof.checkpoint).text !== parseNote(cosignedNote).text) {
    throw new CoreError('BUNDLE_MALFORMED', 'the cosigned note is not the bundle’s checkpoint', {
      where: '$.proof',
    });
  }
  const replace = (text: string): string =>
    formatTlogProof({ ...parseTlogProof(text), checkpoint: cosignedNote });
  return {
    ...bundle,
    proof: replace(bundle.proof),
    ...(bundle.erasure === undefined
      ? {}
      : { erasure: { ...bundle.erasure, proof: replace(bundle.erasure.proof) } }),
  };
}

/**
 * The bundle with signature lines (cosignatures) added to its checkpoint note.
 *
 * @example
 * const cosigned = addBundleCosignatures(bundle, [...lines.values()].join(''));
 */
export function addBundleCosignatures(bundle: EvidenceBundle, lines: string): EvidenceBundle {
  if (lines === '') return bundle;
  const note = parseTlogProof(bundle.proof).checkpoint;
  return withBundleCheckpoint(bundle, addSignatureLines(note, lines));
}
