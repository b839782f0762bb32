import { createHash } from 'node:crypto';
import { CoreError } from '../errors.js';

/** Size in bytes of every hash in the tree: SHA-256 (RFC 6962 §2.1, RFC 9162 §2.1). */
export const HASH_SIZE = 32;

// RFC 6962 §2.1: distinct prefixes for leaves and interior nodes, so that a node can never be
// passed off as a leaf (second-preimage resistance, RFC 9162 §2.1.1).
const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

// 0x01 || left || right for the common case of two 32-byte children: one update() call per node
// instead of three keeps node hashing close to the raw SHA-256 rate. Every use is synchronous.
const pair = Buffer.alloc(1 + 2 * HASH_SIZE);
pair[0] = 0x01;

/**
 * The Merkle Tree Hash of the empty tree, SHA-256 of no bytes (RFC 6962 §2.1). A shared constant:
 * do not mutate it; every function of this module returns its own copy.
 *
 * @example
 * EMPTY_ROOT.toString('hex'); // 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 */
export const EMPTY_ROOT: Buffer = createHash('sha256').digest();

/**
 * Leaf hash, SHA-256(0x00 || data) (RFC 6962 §2.1).
 *
 * @example
 * hashLeaf(Buffer.from('L123456')).toString('hex'); // '395aa064…252b4d56'
 */
export function hashLeaf(data: Uint8Array): Buffer {
  return createHash('sha256').update(LEAF_PREFIX).update(data).digest();
}

/**
 * Interior node hash, SHA-256(0x01 || left || right) (RFC 6962 §2.1).
 *
 * @example
 * const parent = hashChildren(hashLeaf(Buffer.from('a')), hashLeaf(Buffer.from('b')));
 */
export function hashChildren(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length === HASH_SIZE && right.length === HASH_SIZE) {
    pair.set(left, 1);
    pair.set(right, 1 + HASH_SIZE);
    return createHash('sha256').update(pair).digest();
  }
  // Other lengths only occur in hasher test vectors (node("N123", "N456")).
  return createHash('sha256').update(NODE_PREFIX).update(left).update(right).digest();
}

/**
 * Hash of two sibling nodes stored next to each other, `buffer[offset, offset + 64)`. Internal to
 * the module (`MemoryTree` keeps each level contiguous); not exported from the package.
 */
export function hashAdjacentChildren(buffer: Buffer, offset: number): Buffer {
  return createHash('sha256')
    .update(NODE_PREFIX)
    .update(buffer.subarray(offset, offset + 2 * HASH_SIZE))
    .digest();
}

/** Throws `PROOF_BAD_HASH_SIZE` unless `hash` is exactly {@link HASH_SIZE} bytes. Internal. */
export function assertHashSize(hash: Uint8Array, where: string): void {
  if (hash.length !== HASH_SIZE) {
    throw new CoreError('PROOF_BAD_HASH_SIZE', `hash is ${hash.length} bytes, want ${HASH_SIZE}`, {
      where,
    });
  }
}
