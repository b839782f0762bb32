import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CoreError } from '../errors.js';
import { CompactRange } from './compact-range.js';
import { EMPTY_ROOT, hashLeaf } from './hash.js';
import { MemoryTree } from './memory-tree.js';
import { verifyConsistency, verifyInclusion } from './verify.js';

const leaf = (i: number): Buffer => hashLeaf(Buffer.from(`leaf ${i}`));
const withCode =
  (code: string) =>
  (error: unknown): boolean =>
    error instanceof CoreError && error.code === code;

function treeOf(size: number): MemoryTree {
  const tree = new MemoryTree();
  for (let i = 0; i < size; i++) tree.append(leaf(i));
  return tree;
}

describe('MemoryTree', () => {
  const tree = treeOf(70);

  test('an empty tree has the empty root', () => {
    assert.deepEqual(new MemoryTree().root(), EMPTY_ROOT);
    assert.deepEqual(tree.rootAt(0), EMPTY_ROOT);
  });

  test('rootAt(n) equals the root the tree had at size n', () => {
    const growing = new MemoryTree();
    const roots: Buffer[] = [growing.root()];
    for (let i = 0; i < 70; i++) {
      growing.append(leaf(i));
      roots.push(growing.root());
    }
    roots.forEach((root, size) => {
      assert.deepEqual(tree.rootAt(size), root, `size ${size}`);
    });
  });

  test('keeps every complete node across buffer growth (past 1024 nodes per level)', () => {
    const big = new MemoryTree();
    const range = new CompactRange();
    for (let i = 0; i < 5000; i++) {
      big.append(leaf(i));
      for (const node of range.append(leaf(i))) {
        assert.deepEqual(
          big.getNode(node.level, node.index),
          node.hash,
          `${node.level}/${node.index}`,
        );
      }
    }
    assert.deepEqual(big.root(), range.root());
    // Nodes written before the level buffers grew are still there.
    assert.deepEqual(big.getNode(0, 0), leaf(0));
    assert.deepEqual(big.getNode(0, 4999), leaf(4999));
  });

  test('getNode returns a copy', () => {
    tree.getNode(0, 3).fill(0);
    assert.deepEqual(tree.getNode(0, 3), leaf(3));
  });

  test('getNode refuses nodes that are not complete', () => {
    for (const [level, index] of [
      [0, 70],
      [1, 35],
      [3, 8],
      [7, 0],
      [-1, 0],
      [0, -1],
      [0, 0.5],
    ] as const) {
      assert.throws(
        () => tree.getNode(level, index),
        withCode('PROOF_BAD_REQUEST'),
        `${level}/${index}`,
      );
    }
    // 70 leaves: level 1 has 35 complete nodes, level 6 one.
    assert.ok(tree.getNode(1, 34));
    assert.ok(tree.getNode(6, 0));
  });

  test('append rejects a leaf hash that is not 32 bytes', () => {
    assert.throws(() => {
      new MemoryTree().append(new Uint8Array(31));
    }, withCode('PROOF_BAD_HASH_SIZE'));
  });

  test('every inclusion proof of every size up to 70 verifies', () => {
    for (let size = 1; size <= 70; size++) {
      const root = tree.rootAt(size);
      for (let index = 0; index < size; index++) {
        verifyInclusion(index, size, leaf(index), tree.inclusionProof(index, size), root);
      }
    }
  });

  test('every consistency proof between sizes up to 70 verifies', () => {
    for (let size2 = 1; size2 <= 70; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const proof = tree.consistencyProof(size1, size2);
        verifyConsistency(size1, size2, proof, tree.rootAt(size1), tree.rootAt(size2));
      }
    }
  });

  test('proof requests beyond the tree are PROOF_BAD_REQUEST', () => {
    assert.throws(() => tree.rootAt(71), withCode('PROOF_BAD_REQUEST'));
    assert.throws(() => tree.inclusionProof(0, 71), withCode('PROOF_BAD_REQUEST'));
    assert.throws(() => tree.inclusionProof(70, 70), withCode('PROOF_BAD_REQUEST'));
    assert.throws(() => tree.consistencyProof(3, 71), withCode('PROOF_BAD_REQUEST'));
    assert.throws(() => tree.consistencyProof(0, 5), withCode('PROOF_BAD_REQUEST'));
    assert.throws(() => tree.consistencyProof(6, 5), withCode('PROOF_BAD_REQUEST'));
  });
});
