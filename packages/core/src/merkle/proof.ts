/**
 * # Proof generation (RFC 6962 §2.1.1 and §2.1.2; unchanged in RFC 9162 §2.1.3.1 and §2.1.4.1)
 *
 * The RFC defines proofs by recursion over the leaves, splitting `D[0:n]` at `k`, the largest
 * power of two below `n`:
 *
 * - `PATH(m, D[n])`, the inclusion proof of leaf `m`: recurse into the side holding `m`, then
 *   append the Merkle Tree Hash (MTH) of the other side.
 * - `PROOF(m, D[n]) = SUBPROOF(m, D[n], true)`, the consistency proof from size `m`: if `m == n`,
 *   emit nothing when the subtree is one the verifier already knows (`b` true), else its MTH; if
 *   `m <= k`, recurse left and append `MTH(D[k:n])`; else recurse right with `(m - k, false)` and
 *   append `MTH(D[0:k])`.
 *
 * Here the recursion is a loop over ranges, and every MTH is read from the store instead of being
 * rehashed from the leaves. Every range the recursion visits starts at a multiple of the smallest
 * power of two at least its length, so its MTH is a fold of the stored perfect subtrees that cover
 * it (one per one bit of its length); only those on the right edge of the tree are not perfect
 * themselves. Once the recursion steps into a perfect subtree, every later sibling is a single
 * stored node, so a proof costs O(log n) node reads and at most O(log n) hashes.
 *
 * Verification lives in `verify.ts`.
 */
import { CoreError } from '../errors.js';
import { bitLength, isCount, splitPoint } from './bits.js';
import { assertHashSize, EMPTY_ROOT, hashChildren } from './hash.js';
import type { NodeReader } from './node-reader.js';

/**
 * The RFC 6962 Merkle Tree Hash of the first `size` leaves, from stored complete subtrees.
 *
 * @example
 * const tree = new MemoryTree();
 * for (const entry of entries) tree.append(hashLeaf(entry));
 * const checkpointRoot = rootAt(tree.size, tree);
 */
export function rootAt(size: number, reader: NodeReader): Buffer {
  if (!isCount(size)) badRequest(`tree size ${size} is not a safe integer >= 0`, 'size');
  return size === 0 ? Buffer.from(EMPTY_ROOT) : rangeHash(0, size, reader);
}

/**
 * The inclusion proof of leaf `index` in the tree of the first `size` leaves, `PATH(index, D[size])`
 * (RFC 6962 §2.1.1): sibling hashes from the leaf up.
 *
 * @example
 * const proof = inclusionProof(3, tree.size, tree);
 * verifyInclusion(3, tree.size, tree.getNode(0, 3), proof, tree.root());
 */
export function inclusionProof(index: number, size: number, reader: NodeReader): Buffer[] {
  if (!isCount(size) || size === 0) badRequest(`tree size ${size} is not an integer >= 1`, 'size');
  if (!isCount(index) || index >= size) {
    badRequest(`leaf index ${index} is not in [0, ${size})`, 'index');
  }
  // Siblings are found top-down; the proof lists them bottom-up.
  const siblings: Buffer[] = [];
  let begin = 0;
  let length = size;
  let target = index;
  while (length > 1) {
    const k = splitPoint(length);
    if (target < k) {
      siblings.push(rangeHash(begin + k, length - k, reader));
      length = k;
    } else {
      siblings.push(rangeHash(begin, k, reader));
      begin += k;
      target -= k;
      length -= k;
    }
  }
  return siblings.reverse();
}

/**
 * The consistency proof from the tree of the first `size1` leaves to the tree of the first
 * `size2`, `PROOF(size1, D[size2])` (RFC 6962 §2.1.2). Empty when the sizes are equal.
 *
 * @example
 * const proof = consistencyProof(oldCheckpoint.size, tree.size, tree);
 * verifyConsistency(oldCheckpoint.size, tree.size, proof, oldCheckpoint.root, tree.root());
 */
export function consistencyProof(size1: number, size2: number, reader: NodeReader): Buffer[] {
  if (!isCount(size1) || !isCount(size2) || size1 === 0 || size1 > size2) {
    badRequest(`sizes ${size1} -> ${size2} are not 0 < size1 <= size2`, 'size1');
  }
  const nodes: Buffer[] = [];
  let begin = 0;
  let length = size2;
  let oldLength = size1;
  // SUBPROOF's `b`: whether the current subtree is one the verifier holds (the old root itself).
  let known = true;
  while (oldLength !== length) {
    const k = splitPoint(length);
    if (oldLength <= k) {
      nodes.push(rangeHash(begin + k, length - k, reader));
      length = k;
    } else {
      nodes.push(rangeHash(begin, k, reader));
      begin += k;
      oldLength -= k;
      length -= k;
      known = false;
    }
  }
  // SUBPROOF(m, D[m], false) = [MTH(D[m])]: a perfect subtree of the old tree the verifier lacks.
  if (!known) nodes.push(rangeHash(begin, length, reader));
  return nodes.reverse();
}

/**
 * MTH(D[begin : begin + length]) for a range the RFC recursion visits (`begin` is a multiple of
 * the smallest power of two >= `length`): the stored perfect subtrees covering it, biggest first,
 * folded from the right as RFC 6962 §2.1 puts the biggest perfect subtree on the left.
 */
function rangeHash(begin: number, length: number, reader: NodeReader): Buffer {
  const covering: Uint8Array[] = [];
  let offset = begin;
  let rest = length;
  for (let level = bitLength(length) - 1; rest > 0; level--) {
    const width = 2 ** level;
    if (rest >= width) {
      covering.push(readNode(reader, level, offset / width));
      offset += width;
      rest -= width;
    }
  }
  let hash: Buffer | undefined;
  for (let i = covering.length - 1; i >= 0; i--) {
    const node = covering[i] as Uint8Array;
    hash = hash === undefined ? Buffer.from(node) : hashChildren(node, hash);
  }
  if (hash === undefined) badRequest('empty range', 'size');
  return hash;
}

function readNode(reader: NodeReader, level: number, index: number): Uint8Array {
  const node = reader.getNode(level, index);
  // A short or long node from a damaged store must not turn into a proof that verifies nothing.
  assertHashSize(node, `node ${level}/${index}`);
  return node;
}

function badRequest(message: string, where: string): never {
  throw new CoreError('PROOF_BAD_REQUEST', message, { where });
}
