/**
 * Witnessing: Ed25519 cosignatures (c2sp.org/tlog-cosignature, cosignature/v1) and the
 * add-checkpoint call of c2sp.org/tlog-witness.
 */
export {
  addSignatureLines,
  createCosignatureVerifier,
  createCosigner,
  findCosignatures,
  generateCosignerKey,
  SIG_TYPE_COSIGNATURE_V1,
} from './cosignature.js';
export type { Cosignature, CosignatureVerifier, Cosigner } from './cosignature.js';
export {
  checkAddCheckpoint,
  formatAddCheckpoint,
  MAX_WITNESS_PROOF_LINES,
  parseAddCheckpoint,
} from './add-checkpoint.js';
export type { AddCheckpointRefusal, AddCheckpointRequest, WitnessedLog } from './add-checkpoint.js';
export {
  addBundleCosignatures,
  bundleCheckpoint,
  withBundleCheckpoint,
} from './bundle-cosignatures.js';
export { checkWitnessPolicy, parseWitnessPolicy } from './policy.js';
export type { WitnessPolicy, WitnessPolicyCheck } from './policy.js';
