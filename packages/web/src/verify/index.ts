/** The browser verifier: Merkle proofs, signed notes and checkpoints, commitments, decisions. */
export {
  concatBytes,
  equalBytes,
  fromBase64,
  fromHex,
  requireBase64,
  sha256,
  toBase64,
  toHex,
  utf8,
} from './bytes.js';
export { commitField } from './commitments.js';
export { checkDecision } from './decision.js';
export type {
  BundleInput,
  CheckName,
  CheckStep,
  DecisionCheck,
  DecisionInput,
  EnvelopeInput,
  ReceiptInput,
} from './decision.js';
export { createEd25519Verifier, webCryptoHasEd25519 } from './ed25519.js';
export type { Ed25519Backend, Ed25519Options, Ed25519Verifier, NobleEd25519 } from './ed25519.js';
export { toIssue, VerifyError } from './errors.js';
export type { VerifyIssue } from './errors.js';
export { canonicalBytes, canonicalize } from './jcs.js';
export {
  decompInclProof,
  HASH_SIZE,
  hashChildren,
  hashLeaf,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './merkle.js';
export {
  formatKeyId,
  keyIdFor,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  SIG_TYPE_ED25519,
} from './note.js';
export type { Checkpoint, NoteSignature, OpenedCheckpoint, VerifierKey } from './note.js';
