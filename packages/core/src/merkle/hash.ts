import { Scratch, sha256 } from '../crypto/sha256.js';
import { CoreError } from '../errors.js';

/** Size in bytes of every hash in the tree: SHA-256 (RFC 6962 §2.1, RFC 9162 §2.1). */
export const HASH_SIZE = 32;

// RFC 6962 §2.1: distinct prefixes for leaves and interior nodes, so that a node can never be
// passed off as a leaf (second-preimage resistance, RFC 9162 §2.1.1).
const LEAF_PREFIX = 0x00;
const NODE_PREFIX = 0x01;

// Each hash input is assembled in a reused buffer and hashed in one call (no Hash object, no
// Buffer.concat): 0x01 ‖ left ‖ right for nodes, 0x00 ‖ data for leaves. Every use is synchronous.
const pair = Buffer.alloc(1 + 2 * HASH_SIZE);
pair[0] = NODE_PREFIX;
const leafInput = new Scratch(4096);

/**
 * The Merkle Tree Hash of the empty tree, SHA-256 of no bytes (RFC 6962 §2.1). A shared constant:
 * do not mutate it; every function of this module returns its own copy.
 *
 * @example
 * EMPTY_ROOT.toString('hex'); // 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
 */
export const EMPTY_ROOT: Buffer = sha256(new Uint8Array(0));

/**
 * Leaf hash, SHA-256(0x00 || data) (RFC 6962 §2.1).
 *
 * @example
 * hashLeaf(Buffer.from('L123456')).toString('hex'); // '395aa064…252b4d56'
 */
export function hashLeaf(data: Uint8Array): Buffer {
  const input = leafInput.get(1 + data.length);
  input[0] = LEAF_PREFIX;
  input.set(data, 1);
  return sha256(input.subarray(0, 1 + data.length));
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
    return sha256(pair);
  }
  // Other lengths only occur in hasher test vectors (node("N123", "N456")).
  const size = 1 + left.length + right.length;
  const input = Buffer.alloc(size);
  input[0] = NODE_PREFIX;
  input.set(left, 1);
  input.set(right, 1 + left.length);
  return sha256(input);
}

/**
 * Hash of two sibling nodes stored next to each other, `buffer[offset, offset + 64)`. Internal to
 * the module (`MemoryTree` keeps each level contiguous); not exported from the package.
 */
export function hashAdjacentChildren(buffer: Buffer, offset: number): Buffer {
  buffer.copy(pair, 1, offset, offset + 2 * HASH_SIZE);
  return sha256(pair);
}

/** Throws `PROOF_BAD_HASH_SIZE` unless `hash` is exactly {@link HASH_SIZE} bytes. Internal. */
export function assertHashSize(hash: Uint8Array, where: string): void {
  if (hash.length !== HASH_SIZE) {
    throw new CoreError('PROOF_BAD_HASH_SIZE', `hash is ${hash.length} bytes, want ${HASH_SIZE}`, {
      where,
    });
  }
}
