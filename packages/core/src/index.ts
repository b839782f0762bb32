/**
 * @docket/core — everything needed to check Docket's evidence, with no storage: RFC 6962 Merkle
 * hashing and proofs, C2SP signed notes and checkpoints, leaf envelopes and commitments, evidence
 * bundles, and the content crypto. node:crypto only.
 */
export { CoreError } from './errors.js';
export {
  consistencyProof,
  CompactRange,
  decompInclProof,
  EMPTY_ROOT,
  HASH_SIZE,
  hashChildren,
  hashLeaf,
  inclusionProof,
  MemoryTree,
  rootAt,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './merkle/index.js';
export type { NodeReader, TreeNode } from './merkle/index.js';
export {
  createNoteSigner,
  createNoteVerifier,
  formatCheckpoint,
  generateSignerKey,
  keyIdFor,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseNote,
  SIG_TYPE_ED25519,
  signCheckpoint,
  signNote,
} from './note/index.js';
export type {
  Checkpoint,
  NoteSignature,
  NoteSigner,
  NoteVerifier,
  OpenedNote,
} from './note/index.js';
export {
  checkCommitments,
  commitField,
  createCommitments,
  ENTRY_TYPES,
  ENVELOPE_FIELDS,
  parseLeafEnvelope,
  SALT_SIZE,
  toLeafBytes,
  toLeafEnvelope,
} from './envelope/index.js';
export type { Commitments, EntryType, LeafEnvelope } from './envelope/index.js';
export {
  BUNDLE_FORMAT,
  checkBundle,
  createBundle,
  formatTlogProof,
  parseTlogProof,
  TLOG_PROOF_HEADER,
  verifyBundle,
} from './bundle/index.js';
export type {
  BundleCheck,
  BundleErasure,
  BundleFacts,
  DisclosedField,
  EvidenceBundle,
  TlogProof,
} from './bundle/index.js';
export { deriveKey, open, pseudonymize, seal } from './crypto/index.js';
export {
  addSignatureLines,
  checkAddCheckpoint,
  createCosignatureVerifier,
  createCosigner,
  findCosignatures,
  formatAddCheckpoint,
  generateCosignerKey,
  MAX_WITNESS_PROOF_LINES,
  parseAddCheckpoint,
  SIG_TYPE_COSIGNATURE_V1,
} from './witness/index.js';
export {
  addBundleCosignatures,
  bundleCheckpoint,
  checkWitnessPolicy,
  parseWitnessPolicy,
  withBundleCheckpoint,
} from './witness/index.js';
export type { WitnessPolicy, WitnessPolicyCheck } from './witness/index.js';
export type {
  AddCheckpointRefusal,
  AddCheckpointRequest,
  Cosignature,
  CosignatureVerifier,
  Cosigner,
  WitnessedLog,
} from './witness/index.js';
export { createExportChecker, EXPORT_FORMAT, finalOutcomeOf } from './export/index.js';
export type { ExportCheck, ExportChecker } from './export/index.js';
export {
  toEntryBundle,
  fromEntryBundle,
  MAX_BUNDLED_ENTRY,
  parseTilePath,
  TILE_HEIGHT,
  TILE_WIDTH,
  tilePath,
  tileSpan,
} from './tiles/index.js';
export type { TileRef, TileSpan } from './tiles/index.js';
