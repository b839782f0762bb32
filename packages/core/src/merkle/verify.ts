/**
 * Proof verification, RFC 9162 §2.1.3.2 (inclusion) and §2.1.4.2 (consistency), written in the
 * shape of transparency-dev/merkle `proof/verify.go` (same function names) so the two can be read
 * side by side. Policy beyond the RFC, as transparency-dev enforces it: every hash is exactly 32
 * bytes (else an empty leaf "equals" an empty root), proofs have exactly the expected length, and a
 * consistency proof from size 0 is an error even to size 0.
 *
 * Indices and sizes are JS numbers up to 2^53 − 1, so the bit tricks of the Go code are spelled
 * with division (`bits.ts`): JavaScript's bitwise operators are 32-bit.
 */
import { CoreError } from '../errors.js';
import { isCount, popCount, trailingZeros } from './bits.js';
import { assertHashSize, hashChildren } from './hash.js';

/**
 * Splits the inclusion proof of leaf `index` in a tree of `size` leaves into its `inner` part
 * (siblings below the level where the leaf's path meets the right border of the tree) and its
 * `border` part (left siblings on that border), as transparency-dev's `decompInclProof`. The proof
 * has exactly `inner + border` hashes.
 *
 * @example
 * decompInclProof(4, 7); // { inner: 2, border: 1 }
 */
export function decompInclProof(index: number, size: number): { inner: number; border: number } {
  assertIndex(index, size);
  const inner = innerProofSize(index, size);
  const border = popCount(Math.floor(index / 2 ** inner));
  return { inner, border };
}

/**
 * Recomputes the root that an inclusion proof leads to (RFC 9162 §2.1.3.2). Throws `CoreError`
 * when the request or the proof is malformed; the caller compares the result with a trusted root
 * (or use {@link verifyInclusion}).
 *
 * @example
 * const root = rootFromInclusionProof(3, 8, leafHash, proof);
 * root.equals(checkpoint.root); // true when leaf 3 is in that tree
 */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Buffer {
  assertIndex(index, size);
  assertHashSize(leafHash, 'leafHash');
  const { inner, border } = decompInclProof(index, size);
  if (proof.length !== inner + border) {
    throw new CoreError(
      'PROOF_WRONG_LENGTH',
      `inclusion proof has ${proof.length} hashes, want ${inner + border}`,
      { where: 'proof' },
    );
  }
  assertProofHashSizes(proof);
  const seed = chainInner(leafHash, proof.slice(0, inner), index);
  return chainBorderRight(seed, proof.slice(inner));
}

/**
 * Verifies that `leafHash` is leaf `index` of the tree of `size` leaves with root `root`
 * (RFC 9162 §2.1.3.2). Returns nothing; throws `CoreError` (`PROOF_INDEX_OUT_OF_RANGE`,
 * `PROOF_BAD_HASH_SIZE`, `PROOF_WRONG_LENGTH`, `PROOF_ROOT_MISMATCH`) when it does not verify.
 *
 * @example
 * verifyInclusion(proof.index, checkpoint.size, hashLeaf(entry), proof.hashes, checkpoint.root);
 */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  assertIndex(index, size);
  assertHashSize(root, 'root');
  const calculated = rootFromInclusionProof(index, size, leafHash, proof);
  assertMatch(calculated, root, 'root');
}

/**
 * Verifies that the tree of `size1` leaves with root `root1` is a prefix of the tree of `size2`
 * leaves with root `root2` (RFC 9162 §2.1.4.2). Returns nothing; throws `CoreError`
 * (`PROOF_BAD_SIZES`, `PROOF_BAD_HASH_SIZE`, `PROOF_WRONG_LENGTH`, `PROOF_ROOT_MISMATCH`) when it
 * does not verify.
 *
 * @example
 * verifyConsistency(old.size, latest.size, proof, old.root, latest.root);
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  if (!isCount(size1) || !isCount(size2)) {
    throw new CoreError('PROOF_BAD_SIZES', `sizes ${size1}, ${size2} are not safe integers >= 0`, {
      where: 'size1',
    });
  }
  // Every tree extends the empty tree, so such a proof proves nothing: refuse it (transparency-dev).
  if (size1 === 0) {
    throw new CoreError('PROOF_BAD_SIZES', 'consistency from an empty tree proves nothing', {
      where: 'size1',
    });
  }
  if (size1 > size2) {
    throw new CoreError('PROOF_BAD_SIZES', `size1 ${size1} > size2 ${size2}`, { where: 'size1' });
  }
  // Equal sizes: the proof is empty and the roots are the same bytes. As transparency-dev/merkle
  // (proof/verify.go), the roots are compared, not size-checked: equal roots are consistent
  // whatever their length (checkpoint parsing already requires 32-byte roots).
  if (size1 === size2) {
    if (proof.length !== 0) {
      throw new CoreError('PROOF_WRONG_LENGTH', 'size1 == size2 needs an empty proof', {
        where: 'proof',
      });
    }
    assertMatch(root1, root2, 'root2');
    return;
  }
  assertHashSize(root1, 'root1');
  assertHashSize(root2, 'root2');
  if (proof.length === 0) {
    throw new CoreError('PROOF_WRONG_LENGTH', 'empty consistency proof', { where: 'proof' });
  }

  // The proof is a suffix of the inclusion proof of leaf size1 - 1 in the new tree, starting at
  // the level of the biggest perfect subtree that ends at size1 (2^shift leaves).
  const { inner: fullInner, border } = decompInclProof(size1 - 1, size2);
  const shift = trailingZeros(size1);
  const inner = fullInner - shift; // shift < fullInner because size1 < size2

  // RFC 9162 §2.1.4.2 step 2: if size1 is a power of two the old root is that subtree itself and
  // the proof omits it; otherwise the proof starts with it.
  const seedIsRoot1 = size1 === 2 ** shift;
  const start = seedIsRoot1 ? 0 : 1;
  if (proof.length !== start + inner + border) {
    throw new CoreError(
      'PROOF_WRONG_LENGTH',
      `consistency proof has ${proof.length} hashes, want ${start + inner + border}`,
      { where: 'proof' },
    );
  }
  assertProofHashSizes(proof);
  const seed = seedIsRoot1 ? root1 : (proof[0] as Uint8Array);
  const innerPart = proof.slice(start, start + inner);
  const borderPart = proof.slice(start + inner);
  const mask = Math.floor((size1 - 1) / 2 ** shift); // chain from level `shift`

  // The old root uses only the left siblings; the new root uses all of them.
  const hash1 = chainBorderRight(chainInnerRight(seed, innerPart, mask), borderPart);
  assertMatch(hash1, root1, 'root1');
  const hash2 = chainBorderRight(chainInner(seed, innerPart, mask), borderPart);
  assertMatch(hash2, root2, 'root2');
}

/** Height below which the paths of `index` and of the last leaf differ: Len64(index ^ (size-1)). */
function innerProofSize(index: number, size: number): number {
  let levels = 0;
  for (let a = index, b = size - 1; a !== b; a = Math.floor(a / 2), b = Math.floor(b / 2)) {
    levels += 1;
  }
  return levels;
}

/** Hashes `seed` with the inner siblings; bit i of `index` says on which side sibling i sits. */
function chainInner(seed: Uint8Array, proof: readonly Uint8Array[], index: number): Uint8Array {
  let hash = seed;
  let bits = index;
  for (const sibling of proof) {
    hash = bits % 2 === 0 ? hashChildren(hash, sibling) : hashChildren(sibling, hash);
    bits = Math.floor(bits / 2);
  }
  return hash;
}

/** As {@link chainInner} but only the left siblings: the path as it was in the old tree. */
function chainInnerRight(
  seed: Uint8Array,
  proof: readonly Uint8Array[],
  index: number,
): Uint8Array {
  let hash = seed;
  let bits = index;
  for (const sibling of proof) {
    if (bits % 2 === 1) hash = hashChildren(sibling, hash);
    bits = Math.floor(bits / 2);
  }
  return hash;
}

/** Hashes `seed` with the border siblings, which all sit on the left. */
function chainBorderRight(seed: Uint8Array, proof: readonly Uint8Array[]): Buffer {
  let hash = seed;
  for (const sibling of proof) hash = hashChildren(sibling, hash);
  return Buffer.from(hash);
}

function assertIndex(index: number, size: number): void {
  if (!isCount(size) || !isCount(index) || index >= size) {
    throw new CoreError('PROOF_INDEX_OUT_OF_RANGE', `leaf index ${index} is not in [0, ${size})`, {
      where: 'index',
    });
  }
}

function assertProofHashSizes(proof: readonly Uint8Array[]): void {
  proof.forEach((hash, i) => {
    assertHashSize(hash, `proof[${i}]`);
  });
}

function assertMatch(calculated: Uint8Array, expected: Uint8Array, where: string): void {
  if (Buffer.compare(calculated, expected) !== 0) {
    throw new CoreError('PROOF_ROOT_MISMATCH', `calculated ${where} does not match`, { where });
  }
}
