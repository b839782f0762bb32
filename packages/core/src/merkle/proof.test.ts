import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CoreError } from '../errors.js';
import { EMPTY_ROOT, hashChildren, hashLeaf } from './hash.js';
import { MemoryTree } from './memory-tree.js';
import type { NodeReader } from './node-reader.js';
import { consistencyProof, inclusionProof, rootAt } from './proof.js';
import { decompInclProof, verifyConsistency, verifyInclusion } from './verify.js';

const withCode =
  (code: string) =>
  (error: unknown): boolean =>
    error instanceof CoreError && error.code === code;

/** Bit length of n via BigInt (independent of the module's helper). */
const bits = (n: number): number => (n === 0 ? 0 : BigInt(n).toString(2).length);

/**
 * A reader that records every read and refuses any node that is not a complete subtree of a tree
 * of `size` leaves, so index arithmetic errors show up as failures, not as wrong hashes.
 */
class CheckedReader implements NodeReader {
  reads = 0;
  constructor(
    readonly size: number,
    readonly node: (level: number, index: number) => Uint8Array,
  ) {}
  getNode(level: number, index: number): Uint8Array {
    assert.ok(Number.isSafeInteger(level) && level >= 0, `level ${level}`);
    assert.ok(Number.isSafeInteger(index) && index >= 0, `index ${index}`);
    assert.ok((index + 1) * 2 ** level <= this.size, `node ${level}/${index} is not complete`);
    this.reads += 1;
    return this.node(level, index);
  }
}

/**
 * A consistent tree of any size up to 2^53 - 1 without storing it: every leaf is the same hash,
 * so every complete node at a level is the same hash. Good for arithmetic at huge sizes; the
 * hash order is checked on real trees elsewhere.
 */
function uniformTree(size: number): CheckedReader {
  const levels: Buffer[] = [hashLeaf(Buffer.from('same leaf'))];
  for (let level = 1; level <= 53; level++) {
    const below = levels[level - 1]!;
    levels.push(hashChildren(below, below));
  }
  return new CheckedReader(size, (level) => levels[level]!);
}

describe('RFC 6962 §2.1.3 examples (7 leaves)', () => {
  const tree = new MemoryTree();
  for (let i = 0; i < 7; i++) tree.append(hashLeaf(Buffer.from([i])));
  const n = (level: number, index: number): Buffer => tree.getNode(level, index);
  // Names as in the RFC's figure: leaves a b c d e f d6; g h i j one level up; then k and l.
  const [b, c, d, f, d6] = [n(0, 1), n(0, 2), n(0, 3), n(0, 5), n(0, 6)];
  const [g, h, i] = [n(1, 0), n(1, 1), n(1, 2)];
  const j = d6; // the lone last leaf is promoted unchanged (RFC 6962 §2.1)
  const k = n(2, 0);
  const l = hashChildren(i, j);

  test('root is hash(k, l)', () => {
    assert.deepEqual(rootAt(7, tree), hashChildren(k, l));
  });

  test('audit paths for d0, d3, d4, d6', () => {
    assert.deepEqual(inclusionProof(0, 7, tree), [b, h, l]);
    assert.deepEqual(inclusionProof(3, 7, tree), [c, g, l]);
    assert.deepEqual(inclusionProof(4, 7, tree), [f, j, k]);
    assert.deepEqual(inclusionProof(6, 7, tree), [i, k]);
  });

  test('consistency proofs from sizes 3, 4 and 6', () => {
    assert.deepEqual(consistencyProof(3, 7, tree), [c, d, g, l]);
    assert.deepEqual(consistencyProof(4, 7, tree), [l]);
    assert.deepEqual(consistencyProof(6, 7, tree), [i, j, k]);
    assert.deepEqual(consistencyProof(7, 7, tree), []);
  });
});

describe('proof generation from a NodeReader', () => {
  test('reads O(log n) nodes: at most 2 per level for every proof up to 600 leaves', () => {
    const tree = new MemoryTree();
    for (let i = 0; i < 600; i++) tree.append(hashLeaf(Buffer.from(String(i))));
    for (const size of [1, 2, 3, 5, 8, 100, 255, 256, 257, 511, 599, 600]) {
      const reader = new CheckedReader(size, (level, index) => tree.getNode(level, index));
      for (let index = 0; index < size; index++) {
        reader.reads = 0;
        const proof = inclusionProof(index, size, reader);
        assert.ok(
          reader.reads <= 2 * bits(size),
          `inclusion ${index}/${size}: ${reader.reads} reads`,
        );
        verifyInclusion(index, size, tree.getNode(0, index), proof, tree.rootAt(size));
      }
      for (let size1 = 1; size1 <= size; size1++) {
        reader.reads = 0;
        const proof = consistencyProof(size1, size, reader);
        assert.ok(reader.reads <= 2 * bits(size), `consistency ${size1}->${size}: ${reader.reads}`);
        verifyConsistency(size1, size, proof, tree.rootAt(size1), tree.rootAt(size));
      }
    }
  });

  test('sizes past 2^32 up to 2^53 - 1: proofs read only complete nodes and verify', () => {
    const sizes = [2 ** 32, 2 ** 32 + 1, 2 ** 40 + 12345, 2 ** 52 + 3, Number.MAX_SAFE_INTEGER];
    for (const size of sizes) {
      const reader = uniformTree(size);
      const root = rootAt(size, reader);
      const leafHash = reader.getNode(0, 0);
      const indices = [0, 1, 2 ** 31, 2 ** 32 + 7, Math.floor(size / 3), size - 2, size - 1];
      for (const index of indices.filter((i) => i < size)) {
        reader.reads = 0;
        const proof = inclusionProof(index, size, reader);
        const { inner, border } = decompInclProof(index, size);
        assert.equal(proof.length, inner + border, `inclusion ${index}/${size}`);
        assert.ok(reader.reads <= 2 * bits(size), `inclusion ${index}/${size}: ${reader.reads}`);
        verifyInclusion(index, size, leafHash, proof, root);
      }
      for (const size1 of [1, 2 ** 31 + 5, 2 ** 32, Math.floor(size / 2) + 1, size - 1]) {
        const proof = consistencyProof(size1, size, reader);
        verifyConsistency(size1, size, proof, rootAt(size1, reader), root);
      }
    }
  });

  test('rootAt(0) is the empty root and needs no reads', () => {
    const reader = uniformTree(0);
    assert.deepEqual(rootAt(0, reader), EMPTY_ROOT);
    assert.equal(reader.reads, 0);
  });

  test('impossible requests are PROOF_BAD_REQUEST', () => {
    const reader = uniformTree(100);
    const cases: (() => unknown)[] = [
      () => rootAt(-1, reader),
      () => rootAt(1.5, reader),
      () => inclusionProof(0, 0, reader),
      () => inclusionProof(5, 5, reader),
      () => inclusionProof(-1, 5, reader),
      () => inclusionProof(0, 2 ** 53, reader),
      () => consistencyProof(0, 0, reader),
      () => consistencyProof(0, 5, reader),
      () => consistencyProof(6, 5, reader),
      () => consistencyProof(1, Number.NaN, reader),
    ];
    cases.forEach((request, i) => {
      assert.throws(request, withCode('PROOF_BAD_REQUEST'), `case ${i}`);
    });
  });

  test('a stored node of the wrong size is PROOF_BAD_HASH_SIZE, not a bad proof', () => {
    const reader = new CheckedReader(8, () => new Uint8Array(31));
    assert.throws(() => inclusionProof(3, 8, reader), withCode('PROOF_BAD_HASH_SIZE'));
    assert.throws(() => rootAt(8, reader), withCode('PROOF_BAD_HASH_SIZE'));
  });
});
