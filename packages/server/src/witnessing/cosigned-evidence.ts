/**
 * Receipts, proofs and bundles the server hands out carry the witnesses' cosignatures of their
 * checkpoint (those stored so far: a checkpoint just signed may not be cosigned yet).
 */
import { bundleCheckpoint, withBundleCheckpoint } from '@docket/core';
import type { EvidenceBundle, InclusionProof } from '@docket/protocol';
import type { WitnessPump } from './witness-pump.js';

/**
 * The bundle with the stored cosignatures on its checkpoint; unchanged without witnessing.
 *
 * @example
 * return { status: 200, json: await cosignedBundle(ctx.services.witnessing, bundle) };
 */
export async function cosignedBundle(
  witnessing: WitnessPump | undefined,
  bundle: EvidenceBundle,
): Promise<EvidenceBundle> {
  const note = bundleCheckpoint(bundle);
  if (witnessing === undefined || note === undefined) return bundle;
  const cosigned = await witnessing.cosigned(note);
  return cosigned === note ? bundle : withBundleCheckpoint(bundle, cosigned);
}

/**
 * The inclusion proof (or receipt) with the stored cosignatures on its checkpoint.
 *
 * @example
 * const receipt = await cosignedProof(ctx.services.witnessing, await decisions.inclusionProof(id));
 */
export async function cosignedProof<T extends InclusionProof>(
  witnessing: WitnessPump | undefined,
  proof: T,
): Promise<T> {
  if (witnessing === undefined || proof.checkpoint === null) return proof;
  return { ...proof, checkpoint: await witnessing.cosigned(proof.checkpoint) };
}
