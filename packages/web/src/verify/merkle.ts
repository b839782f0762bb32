/**
 * RFC 6962 / RFC 9162 Merkle hashing and proof verification in the browser, in the shape of
 * transparency-dev/merkle `proof/verify.go` (same names: `rootFromInclusionProof`,
 * `decompInclProof`) and of @docket/core's Node version, but asynchronous: WebCrypto's SHA-256 is.
 *
 * Policy beyond the RFC, as transparency-dev enforces it: every hash is exactly 32 bytes, proofs
 * have exactly the expected length, and a consistency proof from size 0 is an error. Indices and
 * sizes are JS numbers up to 2^53 − 1, so bit tricks are spelled with division.
 */
import { equalBytes, sha256 } from './bytes.js';
import { VerifyError } from './errors.js';

/** SHA-256 output size; every node hash is this long. */
export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

/**
 * RFC 6962 §2.1 leaf hash: SHA-256(0x00 ‖ leaf).
 *
 * @example
 * const leafHash = await hashLeaf(leafBytes);
 */
export function hashLeaf(leaf: Uint8Array): Promise<Uint8Array> {
  return sha256(LEAF_PREFIX, leaf);
}

/**
 * RFC 6962 §2.1 interior node hash: SHA-256(0x01 ‖ left ‖ right).
 *
 * @example
 * const parent = await hashChildren(left, right);
 */
export function hashChildren(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  return sha256(NODE_PREFIX, left, right);
}

const isCount = (n: number): boolean => Number.isSafeInteger(n) && n >= 0;

function popCount(n: number): number {
  let count = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2)) count += rest % 2;
  return count;
}

function trailingZeros(n: number): number {
  let count = 0;
  for (let rest = n; rest > 0 && rest % 2 === 0; rest /= 2) count++;
  return count;
}

/** Len64(index ^ (size − 1)): the height below which the two paths differ. */
function innerProofSize(index: number, size: number): number {
  let levels = 0;
  for (let a = index, b = size - 1; a !== b; a = Math.floor(a / 2), b = Math.floor(b / 2)) {
    levels += 1;
  }
  return levels;
}

/**
 * Splits an inclusion proof of leaf `index` in a tree of `size` into its inner part and its
 * border part (left siblings on the right border), as transparency-dev's `decompInclProof`.
 *
 * @example
 * decompInclProof(4, 7); // { inner: 2, border: 1 }
 */
export function decompInclProof(index: number, size: number): { inner: number; border: number } {
  assertIndex(index, size);
  const inner = innerProofSize(index, size);
  return { inner, border: popCount(Math.floor(index / 2 ** inner)) };
}

async function chainInner(
  seed: Uint8Array,
  proof: readonly Uint8Array[],
  index: number,
): Promise<Uint8Array> {
  let hash = seed;
  let bits = index;
  for (const sibling of proof) {
    hash = bits % 2 === 0 ? await hashChildren(hash, sibling) : await hashChildren(sibling, hash);
    bits = Math.floor(bits / 2);
  }
  return hash;
}

async function chainInnerRight(
  seed: Uint8Array,
  proof: readonly Uint8Array[],
  index: number,
): Promise<Uint8Array> {
  let hash = seed;
  let bits = index;
  for (const sibling of proof) {
    if (bits % 2 === 1) hash = await hashChildren(sibling, hash);
    bits = Math.floor(bits / 2);
  }
  return hash;
}

async function chainBorderRight(
  seed: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<Uint8Array> {
  let hash = seed;
  for (const sibling of proof) hash = await hashChildren(sibling, hash);
  return hash;
}

function assertIndex(index: number, size: number): void {
  if (!isCount(size) || !isCount(index) || index >= size) {
    throw new VerifyError(
      'PROOF_INDEX_OUT_OF_RANGE',
      `leaf index ${index} is not in [0, ${size})`,
      'index',
    );
  }
}

function assertHashSize(hash: Uint8Array, where: string): void {
  if (hash.length !== HASH_SIZE) {
    throw new VerifyError(
      'PROOF_BAD_HASH_SIZE',
      `${where} is ${hash.length} bytes, want ${HASH_SIZE}`,
      where,
    );
  }
}

function assertMatch(calculated: Uint8Array, expected: Uint8Array, where: string): void {
  if (!equalBytes(calculated, expected)) {
    throw new VerifyError('PROOF_ROOT_MISMATCH', `calculated ${where} does not match`, where);
  }
}

/**
 * The root an inclusion proof leads to (RFC 9162 §2.1.3.2). Throws {@link VerifyError} when the
 * request or the proof is malformed.
 *
 * @example
 * const root = await rootFromInclusionProof(3, 8, leafHash, proof);
 */
export async function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Promise<Uint8Array> {
  assertIndex(index, size);
  assertHashSize(leafHash, 'leafHash');
  const { inner, border } = decompInclProof(index, size);
  if (proof.length !== inner + border) {
    throw new VerifyError(
      'PROOF_WRONG_LENGTH',
      `inclusion proof has ${proof.length} hashes, want ${inner + border}`,
      'proof',
    );
  }
  proof.forEach((h, i) => {
    assertHashSize(h, `proof[${i}]`);
  });
  const seed = await chainInner(leafHash, proof.slice(0, inner), index);
  return chainBorderRight(seed, proof.slice(inner));
}

/**
 * Verifies that `leafHash` is leaf `index` of the tree of `size` leaves with root `root`
 * (RFC 9162 §2.1.3.2); throws {@link VerifyError} (`PROOF_ROOT_MISMATCH`, …) when it is not.
 *
 * @example
 * await verifyInclusion(receipt.index, checkpoint.size, leafHash, hashes, checkpoint.root);
 */
export async function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): Promise<void> {
  assertIndex(index, size);
  assertHashSize(root, 'root');
  assertMatch(await rootFromInclusionProof(index, size, leafHash, proof), root, 'root');
}

/**
 * Verifies that the tree of `size1` leaves with root `root1` is a prefix of the tree of `size2`
 * leaves with root `root2` (RFC 9162 §2.1.4.2); throws {@link VerifyError} when it is not.
 *
 * @example
 * await verifyConsistency(old.size, latest.size, proof, old.root, latest.root);
 */
export async function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): Promise<void> {
  if (!isCount(size1) || !isCount(size2)) {
    throw new VerifyError('PROOF_BAD_SIZES', `sizes ${size1}, ${size2} are not counts`, 'size1');
  }
  if (size1 === 0) {
    throw new VerifyError(
      'PROOF_BAD_SIZES',
      'consistency from an empty tree proves nothing',
      'size1',
    );
  }
  if (size1 > size2)
    throw new VerifyError('PROOF_BAD_SIZES', `size1 ${size1} > size2 ${size2}`, 'size1');
  if (size1 === size2) {
    if (proof.length !== 0) {
      throw new VerifyError('PROOF_WRONG_LENGTH', 'size1 == size2 needs an empty proof', 'proof');
    }
    assertMatch(root1, root2, 'root2');
    return;
  }
  assertHashSize(root1, 'root1');
  assertHashSize(root2, 'root2');
  if (proof.length === 0)
    throw new VerifyError('PROOF_WRONG_LENGTH', 'empty consistency proof', 'proof');

  const { inner: fullInner, border } = decompInclProof(size1 - 1, size2);
  const shift = trailingZeros(size1);
  const inner = fullInner - shift;
  // When size1 is a power of two its root is a node of the new tree: the proof omits it.
  const seedIsRoot1 = size1 === 2 ** shift;
  const start = seedIsRoot1 ? 0 : 1;
  if (proof.length !== start + inner + border) {
    throw new VerifyError(
      'PROOF_WRONG_LENGTH',
      `consistency proof has ${proof.length} hashes, want ${start + inner + border}`,
      'proof',
    );
  }
  proof.forEach((h, i) => {
    assertHashSize(h, `proof[${i}]`);
  });
  const seed = seedIsRoot1 ? root1 : proof[0]!;
  const innerPart = proof.slice(start, start + inner);
  const borderPart = proof.slice(start + inner);
  const mask = Math.floor((size1 - 1) / 2 ** shift);
  assertMatch(
    await chainBorderRight(await chainInnerRight(seed, innerPart, mask), borderPart),
    root1,
    'root1',
  );
  assertMatch(
    await chainBorderRight(await chainInner(seed, innerPart, mask), borderPart),
    root2,
    'root2',
  );
}
