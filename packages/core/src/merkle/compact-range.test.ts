import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CoreError } from '../errors.js';
import { CompactRange } from './compact-range.js';
import { EMPTY_ROOT, hashLeaf } from './hash.js';
import { MemoryTree } from './memory-tree.js';

const leaf = (i: number): Buffer => hashLeaf(Buffer.from(`leaf ${i}`));
const withCode =
  (code: string) =>
  (error: unknown): boolean =>
    error instanceof CoreError && error.code === code;

describe('CompactRange', () => {
  test('root equals the MemoryTree root for every size 0..300', () => {
    const range = new CompactRange();
    const tree = new MemoryTree();
    assert.deepEqual(range.root(), EMPTY_ROOT);
    for (let size = 0; size <= 300; size++) {
      assert.equal(range.size, size);
      assert.deepEqual(range.root(), tree.root(), `size ${size}`);
      range.append(leaf(size));
      tree.append(leaf(size));
    }
  });

  test('append returns the leaf and every completed node, as stored in a MemoryTree', () => {
    const range = new CompactRange();
    const tree = new MemoryTree();
    for (let i = 0; i < 300; i++) {
      tree.append(leaf(i));
      const nodes = range.append(leaf(i));
      assert.deepEqual(nodes[0], { level: 0, index: i, hash: leaf(i) });
      // Leaf i completes one node per trailing one bit of i (RFC 6962 §2.1).
      let trailingOnes = 0;
      for (let rest = i; rest % 2 === 1; rest = (rest - 1) / 2) trailingOnes++;
      assert.equal(nodes.length, 1 + trailingOnes, `leaf ${i}`);
      for (const node of nodes) {
        assert.equal(node.index, Math.floor(i / 2 ** node.level), `leaf ${i}`);
        assert.deepEqual(node.hash, tree.getNode(node.level, node.index), `leaf ${i}`);
      }
    }
  });

  test('edge holds one perfect subtree per one bit of size, biggest first', () => {
    const range = new CompactRange();
    const tree = new MemoryTree();
    for (let i = 0; i < 13; i++) {
      range.append(leaf(i));
      tree.append(leaf(i));
    }
    // 13 = 8 + 4 + 1: leaves [0,8), [8,12), [12,13)
    assert.deepEqual(range.edge, [tree.getNode(3, 0), tree.getNode(2, 2), tree.getNode(0, 12)]);
  });

  test('restored from (size, edge) it continues exactly like the original', () => {
    for (const cut of [0, 1, 2, 3, 7, 8, 100, 255, 256]) {
      const original = new CompactRange();
      for (let i = 0; i < cut; i++) original.append(leaf(i));
      const restored = new CompactRange(original.size, original.edge);
      assert.deepEqual(restored.root(), original.root(), `cut ${cut}`);
      for (let i = cut; i < cut + 70; i++) {
        assert.deepEqual(
          restored.append(leaf(i)),
          original.append(leaf(i)),
          `cut ${cut}, leaf ${i}`,
        );
        assert.deepEqual(restored.root(), original.root(), `cut ${cut}, leaf ${i}`);
      }
    }
  });

  test('edge and returned hashes are copies: mutating them does not change the range', () => {
    const range = new CompactRange();
    const nodes = [...range.append(leaf(0)), ...range.append(leaf(1))];
    const root = range.root();
    for (const node of nodes) node.hash.fill(0);
    for (const hash of range.edge) hash.fill(0);
    root.fill(0);
    const again = new CompactRange();
    again.append(leaf(0));
    again.append(leaf(1));
    assert.deepEqual(range.root(), again.root());
  });

  test('restoring rejects a size that is not a safe integer >= 0', () => {
    for (const size of [-1, 1.5, 2 ** 53, Number.NaN]) {
      assert.throws(() => new CompactRange(size, []), withCode('MERKLE_BAD_STATE'), String(size));
    }
  });

  test('restoring rejects an edge whose length does not match the size', () => {
    const h = leaf(0);
    assert.throws(() => new CompactRange(0, [h]), withCode('MERKLE_BAD_STATE'));
    assert.throws(() => new CompactRange(3, [h]), withCode('MERKLE_BAD_STATE'));
    assert.throws(() => new CompactRange(4, [h, h]), withCode('MERKLE_BAD_STATE'));
    assert.throws(() => new CompactRange(2 ** 40 + 1, [h]), withCode('MERKLE_BAD_STATE'));
  });

  test('restoring and appending reject hashes that are not 32 bytes', () => {
    assert.throws(() => new CompactRange(1, [new Uint8Array(31)]), withCode('PROOF_BAD_HASH_SIZE'));
    assert.throws(
      () => new CompactRange().append(new Uint8Array(33)),
      withCode('PROOF_BAD_HASH_SIZE'),
    );
    assert.throws(
      () => new CompactRange().append(new Uint8Array()),
      withCode('PROOF_BAD_HASH_SIZE'),
    );
  });

  test('works at sizes past 2^32 (no 32-bit arithmetic)', () => {
    // 2^33 - 1 leaves: 33 perfect subtrees; the next leaf completes all of them into one root.
    const edge = Array.from({ length: 33 }, (_, i) => leaf(i));
    const range = new CompactRange(2 ** 33 - 1, edge);
    const nodes = range.append(leaf(99));
    assert.equal(nodes.length, 34);
    assert.deepEqual(
      nodes.map((n) => [n.level, n.index]),
      Array.from({ length: 34 }, (_, level) => [level, Math.floor((2 ** 33 - 1) / 2 ** level)]),
    );
    assert.equal(range.size, 2 ** 33);
    assert.equal(range.edge.length, 1);
    assert.deepEqual(range.root(), nodes[33]?.hash);
  });

  test('refuses to grow past 2^53 - 1 leaves', () => {
    const edge = Array.from({ length: 53 }, (_, i) => leaf(i));
    const full = new CompactRange(Number.MAX_SAFE_INTEGER, edge);
    assert.throws(() => full.append(leaf(0)), withCode('MERKLE_BAD_STATE'));
  });
});
