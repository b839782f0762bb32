import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CoreError } from '../errors.js';
import { hashLeaf } from './hash.js';
import { MemoryTree } from './memory-tree.js';
import {
  decompInclProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './verify.js';

const leaf = (i: number): Buffer => hashLeaf(Buffer.from(`leaf ${i}`));
const withCode =
  (code: string, where?: string) =>
  (error: unknown): boolean =>
    error instanceof CoreError &&
    error.code === code &&
    (where === undefined || error.where === where);

const tree = new MemoryTree();
for (let i = 0; i < 20; i++) tree.append(leaf(i));

describe('decompInclProof', () => {
  // transparency-dev: inner = Len64(index ^ (size - 1)), border = OnesCount64(index >> inner).
  const oracle = (index: number, size: number): { inner: number; border: number } => {
    const x = BigInt(index) ^ BigInt(size - 1);
    const inner = x === 0n ? 0 : x.toString(2).length;
    const border = (BigInt(index) >> BigInt(inner)).toString(2).replace(/0/g, '').length;
    return { inner, border };
  };

  test('agrees with the Go formula (BigInt) up to 2^53 - 1', () => {
    const sizes = [1, 2, 3, 7, 8, 9, 2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 45 + 99, 2 ** 53 - 1];
    for (const size of sizes) {
      for (const index of [0, 1, 2 ** 31, 2 ** 32, 2 ** 33 + 1, size - 2, size - 1]) {
        if (index < 0 || index >= size) continue;
        assert.deepEqual(decompInclProof(index, size), oracle(index, size), `${index}/${size}`);
      }
    }
  });

  test('inner + border is the length of every real proof', () => {
    for (let size = 1; size <= 20; size++) {
      for (let index = 0; index < size; index++) {
        const { inner, border } = decompInclProof(index, size);
        assert.equal(tree.inclusionProof(index, size).length, inner + border, `${index}/${size}`);
      }
    }
  });

  test('rejects index >= size', () => {
    assert.throws(() => decompInclProof(3, 3), withCode('PROOF_INDEX_OUT_OF_RANGE'));
  });
});

describe('verifyInclusion', () => {
  const size = 13;
  const index = 6;
  const proof = tree.inclusionProof(index, size);
  const root = tree.rootAt(size);

  test('accepts a valid proof; rootFromInclusionProof returns the root', () => {
    verifyInclusion(index, size, leaf(index), proof, root);
    assert.deepEqual(rootFromInclusionProof(index, size, leaf(index), proof), root);
  });

  test('a single-leaf tree: empty proof, root is the leaf hash', () => {
    verifyInclusion(0, 1, leaf(0), [], leaf(0));
  });

  test('index and size must be 0 <= index < size, safe integers', () => {
    for (const [i, s] of [
      [13, 13],
      [14, 13],
      [-1, 13],
      [0, 0],
      [1.5, 13],
      [2 ** 64, 2 ** 64 + 1],
    ] as const) {
      assert.throws(
        () => {
          verifyInclusion(i, s, leaf(index), proof, root);
        },
        withCode('PROOF_INDEX_OUT_OF_RANGE'),
        `${i}/${s}`,
      );
    }
  });

  test('leaf hash, root and proof hashes must be exactly 32 bytes', () => {
    const short = new Uint8Array(31);
    assert.throws(
      () => {
        verifyInclusion(index, size, short, proof, root);
      },
      withCode('PROOF_BAD_HASH_SIZE', 'leafHash'),
    );
    assert.throws(
      () => {
        verifyInclusion(index, size, leaf(index), proof, short);
      },
      withCode('PROOF_BAD_HASH_SIZE', 'root'),
    );
    assert.throws(
      () => {
        verifyInclusion(index, size, leaf(index), [proof[0]!, short, ...proof.slice(2)], root);
      },
      withCode('PROOF_BAD_HASH_SIZE', 'proof[1]'),
    );
    // The empty leaf and empty root of transparency-dev's probe: equal, but not hashes.
    assert.throws(() => {
      verifyInclusion(0, 1, new Uint8Array(), [], new Uint8Array());
    }, withCode('PROOF_BAD_HASH_SIZE'));
  });

  test('the proof must have exactly the expected length', () => {
    for (const bad of [
      proof.slice(1),
      proof.slice(0, -1),
      [...proof, root],
      [root, ...proof],
      [],
    ]) {
      assert.throws(() => {
        verifyInclusion(index, size, leaf(index), bad, root);
      }, withCode('PROOF_WRONG_LENGTH'));
    }
  });

  test('a wrong leaf, root or sibling is PROOF_ROOT_MISMATCH', () => {
    assert.throws(() => {
      verifyInclusion(index, size, leaf(index + 1), proof, root);
    }, withCode('PROOF_ROOT_MISMATCH'));
    assert.throws(() => {
      verifyInclusion(index, size, leaf(index), proof, tree.rootAt(size + 1));
    }, withCode('PROOF_ROOT_MISMATCH'));
    const flipped = proof.map((h) => Buffer.from(h));
    flipped[2]![5]! ^= 0x10;
    assert.throws(() => {
      verifyInclusion(index, size, leaf(index), flipped, root);
    }, withCode('PROOF_ROOT_MISMATCH'));
  });
});

describe('verifyConsistency', () => {
  const [size1, size2] = [6, 13];
  const proof = tree.consistencyProof(size1, size2);
  const [root1, root2] = [tree.rootAt(size1), tree.rootAt(size2)];

  test('accepts a valid proof', () => {
    verifyConsistency(size1, size2, proof, root1, root2);
  });

  test('size1 == size2: empty proof and equal roots', () => {
    verifyConsistency(5, 5, [], tree.rootAt(5), tree.rootAt(5));
    assert.throws(() => {
      verifyConsistency(5, 5, [root1], tree.rootAt(5), tree.rootAt(5));
    }, withCode('PROOF_WRONG_LENGTH'));
    assert.throws(() => {
      verifyConsistency(5, 5, [], tree.rootAt(5), tree.rootAt(6));
    }, withCode('PROOF_ROOT_MISMATCH'));
  });

  test('size rules: 0 < size1 <= size2, safe integers; size1 == 0 fails even to size 0', () => {
    for (const [s1, s2] of [
      [0, 0],
      [0, 13],
      [7, 6],
      [-1, 13],
      [1.5, 13],
      [1, 2 ** 53],
    ] as const) {
      assert.throws(
        () => {
          verifyConsistency(s1, s2, [], root1, root1);
        },
        withCode('PROOF_BAD_SIZES'),
        `${s1} -> ${s2}`,
      );
    }
  });

  test('roots and proof hashes must be exactly 32 bytes', () => {
    const short = new Uint8Array(12);
    assert.throws(
      () => {
        verifyConsistency(size1, size2, proof, short, root2);
      },
      withCode('PROOF_BAD_HASH_SIZE', 'root1'),
    );
    assert.throws(
      () => {
        verifyConsistency(size1, size2, proof, root1, short);
      },
      withCode('PROOF_BAD_HASH_SIZE', 'root2'),
    );
    // Equal sizes: roots are compared as bytes, not size-checked (transparency-dev/merkle, and the
    // probe consistency/additional/sizes-are-equal-one-and-proof-is-empty.json).
    verifyConsistency(1, 1, [], short, short);
    assert.throws(() => {
      verifyConsistency(1, 1, [], short, new Uint8Array(12).fill(1));
    }, withCode('PROOF_ROOT_MISMATCH'));
    assert.throws(() => {
      verifyConsistency(size1, size2, [...proof.slice(0, -1), short], root1, root2);
    }, withCode('PROOF_BAD_HASH_SIZE'));
  });

  test('the proof must have exactly the expected length', () => {
    for (const bad of [
      [],
      proof.slice(1),
      proof.slice(0, -1),
      [...proof, root2],
      [root1, ...proof],
    ]) {
      assert.throws(() => {
        verifyConsistency(size1, size2, bad, root1, root2);
      }, withCode('PROOF_WRONG_LENGTH'));
    }
  });

  test('a wrong old or new root is PROOF_ROOT_MISMATCH naming which', () => {
    assert.throws(
      () => {
        verifyConsistency(size1, size2, proof, tree.rootAt(size1 + 1), root2);
      },
      withCode('PROOF_ROOT_MISMATCH', 'root1'),
    );
    assert.throws(
      () => {
        verifyConsistency(size1, size2, proof, root1, tree.rootAt(size2 + 1));
      },
      withCode('PROOF_ROOT_MISMATCH', 'root2'),
    );
  });

  test('when size1 is a power of two the proof omits the old root', () => {
    const fromEight = tree.consistencyProof(8, 13);
    assert.equal(fromEight.length, 1); // just MTH(D[8:13])
    verifyConsistency(8, 13, fromEight, tree.rootAt(8), tree.rootAt(13));
  });
});
