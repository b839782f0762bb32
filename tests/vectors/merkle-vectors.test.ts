/**
 * transparency-dev/merkle's golden probes (testdata/inclusion, testdata/consistency; produced by
 * cmd/proofgen) and the RFC 6962 reference tree, run against @docket/core. Read in place from the
 * shared vectors folder (see tests/support/vectors.ts); skipped with a message when it is absent.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CompactRange,
  CoreError,
  EMPTY_ROOT,
  hashChildren,
  hashLeaf,
  MemoryTree,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from '@docket/core';
import { leavesMth, refRootHash } from '../support/reference-merkle.js';
import { listVectorFiles, readVectorJson, vectorsAvailable } from '../support/vectors.js';

interface InclusionProbe {
  leafIdx: number;
  treeSize: number;
  root: string;
  leafHash: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ConsistencyProbe {
  size1: number;
  size2: number;
  root1: string;
  root2: string;
  proof: string[] | null;
  desc: string;
  wantErr: boolean;
}

interface ReferenceTree {
  leafInputs: string[];
  nodeHashes: string[][];
  rootHashes: string[];
  hasherVectors: {
    desc: string;
    want: string;
    leafHex?: string;
    leftHex?: string;
    rightHex?: string;
  }[];
}

const PROOF_CODES = [
  'PROOF_BAD_HASH_SIZE',
  'PROOF_INDEX_OUT_OF_RANGE',
  'PROOF_WRONG_LENGTH',
  'PROOF_ROOT_MISMATCH',
  'PROOF_BAD_SIZES',
];

const options = vectorsAvailable();
const available = options.skip === undefined;
const inclusionFiles = available ? listVectorFiles('rfc6962-merkle/inclusion') : [];
const consistencyFiles = available ? listVectorFiles('rfc6962-merkle/consistency') : [];

const b64 = (text: string): Buffer => Buffer.from(text, 'base64');
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Asserts `run` throws a proof CoreError with one of the proof codes. */
function assertRejects(path: string, run: () => void): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof CoreError, `${path}: threw ${String(error)}, want a CoreError`);
    assert.ok(PROOF_CODES.includes(error.code), `${path}: unexpected code ${error.code}`);
    return true;
  });
}

describe('transparency-dev inclusion probes', options, () => {
  test('there are exactly 98 inclusion probes', () => {
    assert.equal(inclusionFiles.length, 98);
  });

  for (const path of inclusionFiles) {
    test(path, () => {
      const probe = readVectorJson<InclusionProbe>(path);
      const proof = (probe.proof ?? []).map(b64);
      const leafHash = b64(probe.leafHash);
      const root = b64(probe.root);
      const run = (): void => {
        verifyInclusion(probe.leafIdx, probe.treeSize, leafHash, proof, root);
      };
      if (probe.wantErr) {
        assertRejects(path, run);
      } else {
        run();
        const calculated = rootFromInclusionProof(probe.leafIdx, probe.treeSize, leafHash, proof);
        assert.equal(hex(calculated), hex(root), path);
      }
    });
  }
});

describe('transparency-dev consistency probes', options, () => {
  test('there are exactly 98 consistency probes', () => {
    assert.equal(consistencyFiles.length, 98);
  });

  for (const path of consistencyFiles) {
    test(path, () => {
      const probe = readVectorJson<ConsistencyProbe>(path);
      const proof = (probe.proof ?? []).map(b64);
      const run = (): void => {
        verifyConsistency(probe.size1, probe.size2, proof, b64(probe.root1), b64(probe.root2));
      };
      if (probe.wantErr) assertRejects(path, run);
      else run();
    });
  }
});

describe('RFC 6962 reference tree (8 leaves)', options, () => {
  const vector = available
    ? readVectorJson<ReferenceTree>('rfc6962-merkle/reference-tree.json')
    : { leafInputs: [], nodeHashes: [], rootHashes: [], hasherVectors: [] };
  const leafHashes = vector.leafInputs.map((input) => hashLeaf(Buffer.from(input, 'hex')));

  test('hasher vectors', () => {
    assert.equal(vector.hasherVectors.length, 4);
    for (const v of vector.hasherVectors) {
      let got: Buffer;
      if (v.leafHex !== undefined) got = hashLeaf(Buffer.from(v.leafHex, 'hex'));
      else if (v.leftHex !== undefined && v.rightHex !== undefined) {
        got = hashChildren(Buffer.from(v.leftHex, 'hex'), Buffer.from(v.rightHex, 'hex'));
      } else got = EMPTY_ROOT;
      assert.equal(hex(got), v.want, v.desc);
    }
  });

  test('roots for sizes 0..8 from CompactRange, MemoryTree and the naive reference', () => {
    assert.equal(vector.rootHashes.length, 9);
    const range = new CompactRange();
    const tree = new MemoryTree();
    const mth = leavesMth(leafHashes);
    vector.rootHashes.forEach((want, size) => {
      if (size > 0) {
        range.append(leafHashes[size - 1]!);
        tree.append(leafHashes[size - 1]!);
      }
      assert.equal(hex(range.root()), want, `CompactRange, size ${size}`);
      assert.equal(hex(tree.root()), want, `MemoryTree, size ${size}`);
      assert.equal(hex(refRootHash(size, mth)), want, `reference, size ${size}`);
    });
    vector.rootHashes.forEach((want, size) => {
      assert.equal(hex(tree.rootAt(size)), want, `MemoryTree.rootAt(${size})`);
    });
  });

  test('every complete subtree hash from CompactRange, MemoryTree and the naive reference', () => {
    const range = new CompactRange();
    const tree = new MemoryTree();
    const fromRange = new Map<string, string>();
    for (const leafHash of leafHashes) {
      tree.append(leafHash);
      for (const node of range.append(leafHash)) {
        fromRange.set(`${node.level}/${node.index}`, hex(node.hash));
      }
    }
    const mth = leavesMth(leafHashes);
    let count = 0;
    vector.nodeHashes.forEach((hashes, level) => {
      hashes.forEach((want, index) => {
        const where = `node ${level}/${index}`;
        const width = 2 ** level;
        assert.equal(fromRange.get(`${level}/${index}`), want, `CompactRange ${where}`);
        assert.equal(hex(tree.getNode(level, index)), want, `MemoryTree ${where}`);
        assert.equal(hex(mth(index * width, (index + 1) * width)), want, `reference ${where}`);
        count += 1;
      });
    });
    assert.equal(count, 15);
    assert.equal(fromRange.size, 15, 'CompactRange reports each complete node exactly once');
  });
});
