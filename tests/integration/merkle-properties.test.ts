/**
 * Property tests of @docket/core's Merkle tree against the naive reference (tests/support/
 * reference-merkle.ts), as transparency-dev fuzzes its proofs against testonly/reference.go, plus
 * the corruption classes of its cmd/proofgen applied to random proofs.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  CompactRange,
  consistencyProof,
  CoreError,
  hashLeaf,
  inclusionProof,
  MemoryTree,
  rootAt,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '@docket/core';
import type { NodeReader } from '@docket/core';
import {
  leavesMth,
  refConsistencyProof,
  refConsistencyRanges,
  refInclusionProof,
  refInclusionRanges,
  refRootFromInclusion,
  refRootHash,
  refRootsFromConsistency,
  shapeOf,
  storedNodesMth,
} from '../support/reference-merkle.js';

const MAX_LEAVES = 600;
const leafHashes = Array.from({ length: MAX_LEAVES }, (_, i) =>
  hashLeaf(Buffer.from(`entry ${i}`)),
);
const leafAt = (i: number): Buffer => leafHashes[i]!;

const tree = new MemoryTree();
for (const leafHash of leafHashes) tree.append(leafHash);

/** A store as the ledger keeps one: the nodes CompactRange reported, keyed by level and index. */
const stored = new Map<string, Buffer>();
const range = new CompactRange();
for (const leafHash of leafHashes) {
  for (const node of range.append(leafHash)) stored.set(`${node.level}/${node.index}`, node.hash);
}
const store: NodeReader = {
  getNode(level, index) {
    const hash = stored.get(`${level}/${index}`);
    if (hash === undefined) throw new Error(`node ${level}/${index} is not stored`);
    return hash;
  },
};

const mth = leavesMth(leafHashes);
const roots = Array.from({ length: MAX_LEAVES + 1 }, (_, size) => refRootHash(size, mth));
const rootOf = (size: number): Buffer => roots[size]!;

/** (index, size) with 1 <= size <= max and 0 <= index < size. */
const leafInTree = (max: number): fc.Arbitrary<{ index: number; size: number }> =>
  fc
    .integer({ min: 1, max })
    .chain((size) =>
      fc.record({ index: fc.integer({ min: 0, max: size - 1 }), size: fc.constant(size) }),
    );

/** (size1, size2) with 1 <= size1 <= size2 <= max. */
const sizePair = (max: number): fc.Arbitrary<{ size1: number; size2: number }> =>
  fc
    .integer({ min: 1, max })
    .chain((size2) =>
      fc.record({ size1: fc.integer({ min: 1, max: size2 }), size2: fc.constant(size2) }),
    );

const hash32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => Buffer.from(bytes));

function isRejected(run: () => void): boolean {
  try {
    run();
    return false;
  } catch (error) {
    if (error instanceof CoreError && error.code.startsWith('PROOF_')) return true;
    throw error;
  }
}

function flipBit(proof: readonly Buffer[], element: number, bit: number): Buffer[] {
  const copy = proof.map((h) => Buffer.from(h));
  const target = copy[element % copy.length]!;
  const byte = Math.floor(bit / 8) % target.length;
  target[byte] = target[byte]! ^ (1 << (bit % 8));
  return copy;
}

/** Proofs that differ from `proof` only by a hash added or removed at either end. */
function lengthCorruptions(proof: readonly Buffer[], extra: Buffer): Buffer[][] {
  const out = [
    [extra, ...proof],
    [...proof, extra],
  ];
  if (proof.length > 0) out.push(proof.slice(1), proof.slice(0, -1));
  return out;
}

describe('Merkle proofs against the naive reference', () => {
  test('inclusion: MemoryTree and a NodeReader store give the reference proof, and it verifies', () => {
    fc.assert(
      fc.property(leafInTree(MAX_LEAVES), ({ index, size }) => {
        const want = refInclusionProof(index, size, mth);
        assert.deepEqual(tree.inclusionProof(index, size), want);
        assert.deepEqual(inclusionProof(index, size, store), want);
        assert.deepEqual(rootAt(size, store), rootOf(size));
        verifyInclusion(index, size, leafAt(index), want, rootOf(size));
        assert.deepEqual(refRootFromInclusion(index, size, leafAt(index), mth), rootOf(size));
      }),
      { numRuns: 400 },
    );
  });

  test('consistency: MemoryTree and a NodeReader store give the reference proof, and it verifies', () => {
    fc.assert(
      fc.property(sizePair(200), ({ size1, size2 }) => {
        const want = refConsistencyProof(size1, size2, mth);
        assert.deepEqual(tree.consistencyProof(size1, size2), want);
        assert.deepEqual(consistencyProof(size1, size2, store), want);
        verifyConsistency(size1, size2, want, rootOf(size1), rootOf(size2));
        assert.deepEqual(refRootsFromConsistency(size1, size2, mth), {
          root1: rootOf(size1),
          root2: rootOf(size2),
        });
      }),
      { numRuns: 400 },
    );
  });

  test('sizes up to 2^53 - 1: the reference proofs, read from the same stored nodes, and they verify', () => {
    // Synthetic, mutually unrelated node hashes: a proof is right only if it reads exactly the
    // nodes the RFC recursion names, which checks the index arithmetic far past 2^32. Such a tree
    // is not self-consistent, so the roots to verify against are the ones the reference computes
    // from the proof itself.
    const node = (level: number, index: number): Buffer =>
      createHash('sha256').update(`${level}/${index}`).digest();
    const bigMth = storedNodesMth(node);
    const big = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
    fc.assert(
      fc.property(big, big, big, (a, b, c) => {
        const [size1, size2] = a <= b ? [a, b] : [b, a];
        const index = c % size2;
        const reader: NodeReader = {
          getNode(level, at) {
            assert.ok((at + 1) * 2 ** level <= size2, `node ${level}/${at} is not complete`);
            return node(level, at);
          },
        };
        const inclusion = inclusionProof(index, size2, reader);
        assert.deepEqual(inclusion, refInclusionProof(index, size2, bigMth));
        const leafHash = node(0, index);
        const pathRoot = refRootFromInclusion(index, size2, leafHash, bigMth);
        assert.deepEqual(rootFromInclusionProof(index, size2, leafHash, inclusion), pathRoot);
        verifyInclusion(index, size2, leafHash, inclusion, pathRoot);

        const consistency = consistencyProof(size1, size2, reader);
        assert.deepEqual(consistency, refConsistencyProof(size1, size2, bigMth));
        const { root1, root2 } = refRootsFromConsistency(size1, size2, bigMth);
        verifyConsistency(size1, size2, consistency, root1, root2);
        assert.deepEqual(rootAt(size2, reader), refRootHash(size2, bigMth));
      }),
      { numRuns: 300 },
    );
  });
});

describe('corrupted proofs are rejected', () => {
  test('inclusion: bit flips, index or size ±1, hashes added or removed, wrong leaf or root', () => {
    fc.assert(
      fc.property(
        leafInTree(MAX_LEAVES - 1), // size + 1 must stay within the tree
        fc.nat(),
        fc.nat({ max: 255 }),
        hash32,
        ({ index, size }, element, bit, random) => {
          const proof = tree.inclusionProof(index, size);
          const root = rootOf(size);
          const leafHash = leafAt(index);
          const rejects = (
            i: number,
            s: number,
            l: Buffer,
            p: readonly Buffer[],
            r: Buffer,
          ): void => {
            assert.ok(
              isRejected(() => {
                verifyInclusion(i, s, l, p, r);
              }),
              `accepted index ${i}, size ${s} for leaf ${index} of ${size}`,
            );
          };

          if (proof.length > 0) rejects(index, size, leafHash, flipBit(proof, element, bit), root);
          for (const corrupted of lengthCorruptions(proof, random)) {
            rejects(index, size, leafHash, corrupted, root);
          }
          rejects(index, size, leafAt((index + 1) % MAX_LEAVES), proof, root);
          rejects(index, size, random, proof, root);
          rejects(index, size, leafHash, proof, random);
          rejects(index, size, leafHash, proof, rootOf(size === 1 ? 2 : size - 1));
          rejects(index + 1, size, leafHash, proof, root);
          rejects(index - 1, size, leafHash, proof, root);

          // A proof commits to the size only through its shape (which side each hash sits on):
          // under another size with the same shape the same hashes are computed, so it must pass
          // (RFC 9162 relies on the signed checkpoint to bind size and root); with another shape it
          // must fail. Against the real root of the other size it never verifies.
          const shape = shapeOf(refInclusionRanges(index, size));
          for (const s of [size + 1, size - 1]) {
            const valid = index < s;
            const sameShape = valid && shapeOf(refInclusionRanges(index, s)) === shape;
            const rejected = isRejected(() => {
              verifyInclusion(index, s, leafHash, proof, root);
            });
            assert.equal(rejected, !sameShape, `size ${s} for leaf ${index} of ${size}`);
            if (valid) rejects(index, s, leafHash, proof, rootOf(s));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('consistency: bit flips, size changes, added or removed hashes, wrong or swapped roots', () => {
    fc.assert(
      fc.property(
        sizePair(200),
        fc.nat(),
        fc.nat({ max: 255 }),
        hash32,
        ({ size1, size2 }, element, bit, random) => {
          const proof = tree.consistencyProof(size1, size2);
          const [root1, root2] = [rootOf(size1), rootOf(size2)];
          const rejects = (
            s1: number,
            s2: number,
            p: readonly Buffer[],
            r1: Buffer,
            r2: Buffer,
          ): void => {
            assert.ok(
              isRejected(() => {
                verifyConsistency(s1, s2, p, r1, r2);
              }),
              `accepted ${s1} -> ${s2} for ${size1} -> ${size2}`,
            );
          };

          if (proof.length > 0) rejects(size1, size2, flipBit(proof, element, bit), root1, root2);
          for (const corrupted of lengthCorruptions(proof, random)) {
            rejects(size1, size2, corrupted, root1, root2);
          }
          rejects(size1, size2, proof, random, root2);
          rejects(size1, size2, proof, root1, random);
          if (size1 !== size2) rejects(size1, size2, proof, root2, root1);
          rejects(size1, size2, proof, rootOf(size1 + 1), root2);
          rejects(size1, size2, proof, root1, rootOf(size2 + 1));

          // As for inclusion: other sizes pass exactly when the proof's shape is the same (here the
          // pairs with the same shape are rare but exist, e.g. 2 -> 3 and 2 -> 4).
          const shape = shapeOf(refConsistencyRanges(size1, size2));
          for (const [s1, s2] of [
            [size1 + 1, size2],
            [size1 - 1, size2],
            [size1, size2 + 1],
            [size1, size2 - 1],
          ] as const) {
            const valid = s1 >= 1 && s1 <= s2;
            const sameShape = valid && shapeOf(refConsistencyRanges(s1, s2)) === shape;
            const rejected = isRejected(() => {
              verifyConsistency(s1, s2, proof, root1, root2);
            });
            assert.equal(rejected, !sameShape, `${s1} -> ${s2} for ${size1} -> ${size2}`);
            if (valid && (s1 !== size1 || s2 !== size2)) {
              rejects(s1, s2, proof, rootOf(s1), rootOf(s2));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
