export { BUNDLE_FORMAT, checkBundle, createBundle, verifyBundle } from './bundle.js';
export type {
  BundleCheck,
  BundleErasure,
  BundleFacts,
  DisclosedField,
  EvidenceBundle,
} from './bundle.js';
export { formatTlogProof, parseTlogProof, TLOG_PROOF_HEADER } from './tlog-proof.js';
export type { TlogProof } from './tlog-proof.js';
