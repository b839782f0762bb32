/**
 * RFC 6962 / RFC 9162 Merkle tree: hashing, an incremental right-edge tree (`CompactRange`), an
 * in-memory tree (`MemoryTree`), proof generation from stored nodes and proof verification.
 */
export { CompactRange } from './compact-range.js';
export type { TreeNode } from './compact-range.js';
export { EMPTY_ROOT, HASH_SIZE, hashChildren, hashLeaf } from './hash.js';
export { MemoryTree } from './memory-tree.js';
export type { NodeReader } from './node-reader.js';
export { consistencyProof, inclusionProof, rootAt } from './proof.js';
export {
  decompInclProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './verify.js';
