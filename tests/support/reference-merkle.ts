/**
 * A naive, obviously correct RFC 6962 Merkle tree to test the real one against, in the manner of
 * transparency-dev/merkle `testonly/reference.go`: the recursive definitions of RFC 6962 §2.1
 * (MTH), §2.1.1 (PATH) and §2.1.2 (PROOF / SUBPROOF) written out literally, sharing no code with
 * `packages/core/src/merkle` (it even hashes with its own calls to node:crypto).
 *
 * Trees are given as an `Mth` function, the Merkle Tree Hash of `D[begin:end]`: either recomputed
 * from the leaves ({@link leavesMth}) or, for sizes too big to hold, read from perfect subtrees of a
 * node source ({@link storedNodesMth}).
 */
import { createHash } from 'node:crypto';

/** The Merkle Tree Hash of `D[begin:end]`. */
export type Mth = (begin: number, end: number) => Buffer;

/** One hash of a proof: the range of leaves whose MTH it is, and its role for the verifier. */
export interface ProofRange {
  begin: number;
  end: number;
  /**
   * `left` / `right`: a sibling on that side of the path. In consistency proofs a `right` sibling
   * lies beyond the old tree (new root only) and a `left` one inside it (both roots); `seed` is the
   * old tree's last perfect subtree when the proof has to include it.
   */
  role: 'left' | 'right' | 'seed';
}

/** SHA-256(0x00 || data), RFC 6962 §2.1. */
export function refLeafHash(data: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(data)
    .digest();
}

/** SHA-256(0x01 || left || right), RFC 6962 §2.1. */
export function refNodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return createHash('sha256')
    .update(Buffer.from([1]))
    .update(left)
    .update(right)
    .digest();
}

/** k: the largest power of two strictly less than n (n >= 2), by plain multiplication. */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH recomputed from the leaf hashes every time, by the RFC's recursion. */
export function leavesMth(leafHashes: readonly Uint8Array[]): Mth {
  const mth: Mth = (begin, end) => {
    const n = end - begin;
    if (n === 0) return createHash('sha256').digest();
    if (n === 1) return Buffer.from(leafHashes[begin]!);
    const k = largestPowerOfTwoBelow(n);
    return refNodeHash(mth(begin, begin + k), mth(begin + k, end));
  };
  return mth;
}

/**
 * MTH by the RFC's recursion, except that a perfect subtree (a power-of-two range starting at a
 * multiple of its length) is read as `getNode(level, index)` instead of recomputed: lets the
 * reference work at sizes up to 2^53 with synthetic node hashes.
 */
export function storedNodesMth(getNode: (level: number, index: number) => Uint8Array): Mth {
  const mth: Mth = (begin, end) => {
    const n = end - begin;
    if (n === 0) return createHash('sha256').digest();
    let width = 1;
    let level = 0;
    while (width < n) {
      width *= 2;
      level += 1;
    }
    if (width === n && begin % n === 0) return Buffer.from(getNode(level, begin / n));
    const k = largestPowerOfTwoBelow(n);
    return refNodeHash(mth(begin, begin + k), mth(begin + k, end));
  };
  return mth;
}

/** PATH(m, D[begin:end]) of RFC 6962 §2.1.1, as the ranges whose MTHs form the proof. */
export function refInclusionRanges(index: number, size: number): ProofRange[] {
  const path = (m: number, begin: number, end: number): ProofRange[] => {
    const n = end - begin;
    if (n === 1) return [];
    const k = largestPowerOfTwoBelow(n);
    return m < k
      ? [...path(m, begin, begin + k), { begin: begin + k, end, role: 'right' }]
      : [...path(m - k, begin + k, end), { begin, end: begin + k, role: 'left' }];
  };
  return path(index, 0, size);
}

/** PROOF(m, D[n]) = SUBPROOF(m, D[n], true) of RFC 6962 §2.1.2, as ranges. */
export function refConsistencyRanges(size1: number, size2: number): ProofRange[] {
  const subproof = (m: number, begin: number, end: number, b: boolean): ProofRange[] => {
    const n = end - begin;
    if (m === n) return b ? [] : [{ begin, end, role: 'seed' }];
    const k = largestPowerOfTwoBelow(n);
    return m <= k
      ? [...subproof(m, begin, begin + k, b), { begin: begin + k, end, role: 'right' }]
      : [...subproof(m - k, begin + k, end, false), { begin, end: begin + k, role: 'left' }];
  };
  return subproof(size1, 0, size2, true);
}

/** MTH(D[0:size]). */
export function refRootHash(size: number, mth: Mth): Buffer {
  return mth(0, size);
}

/** The reference inclusion proof of leaf `index` in the tree of `size` leaves. */
export function refInclusionProof(index: number, size: number, mth: Mth): Buffer[] {
  return refInclusionRanges(index, size).map((r) => mth(r.begin, r.end));
}

/** The reference consistency proof from size `size1` to size `size2`. */
export function refConsistencyProof(size1: number, size2: number, mth: Mth): Buffer[] {
  return refConsistencyRanges(size1, size2).map((r) => mth(r.begin, r.end));
}

/**
 * The root an inclusion proof leads to, by RFC 6962 §2.1.1's construction read backwards: the leaf
 * hashed with each sibling on its side, bottom-up.
 */
export function refRootFromInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  mth: Mth,
): Buffer {
  let hash: Buffer = Buffer.from(leafHash);
  for (const r of refInclusionRanges(index, size)) {
    const sibling = mth(r.begin, r.end);
    hash = r.role === 'left' ? refNodeHash(sibling, hash) : refNodeHash(hash, sibling);
  }
  return hash;
}

/**
 * The two roots a consistency proof leads to (RFC 6962 §2.1.2): from the old tree's last perfect
 * subtree (`seed`, or the old tree itself when the proof omits it), the old root takes only the
 * left siblings, the new root all of them.
 */
export function refRootsFromConsistency(
  size1: number,
  size2: number,
  mth: Mth,
): { root1: Buffer; root2: Buffer } {
  const ranges = refConsistencyRanges(size1, size2);
  const first = ranges[0];
  const seed = first?.role === 'seed' ? mth(first.begin, first.end) : mth(0, size1);
  let root1 = seed;
  let root2 = seed;
  for (const r of ranges) {
    if (r.role === 'seed') continue;
    const sibling = mth(r.begin, r.end);
    if (r.role === 'left') {
      root1 = refNodeHash(sibling, root1);
      root2 = refNodeHash(sibling, root2);
    } else {
      root2 = refNodeHash(root2, sibling);
    }
  }
  return { root1, root2 };
}

/**
 * The shape of a proof: the role of each hash. A verifier's computation depends only on the shape,
 * so a proof checked under other parameters with the same shape verifies (and with another shape
 * it cannot). Property tests use it to tell which size or index corruptions must be rejected.
 */
export function shapeOf(ranges: readonly ProofRange[]): string {
  return ranges.map((r) => r.role).join(',');
}
