import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { CoreError } from '../errors.js';
import {
  assertHashSize,
  EMPTY_ROOT,
  HASH_SIZE,
  hashAdjacentChildren,
  hashChildren,
  hashLeaf,
} from './hash.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// Check values from ledger.md §1.1 (transparency-dev/merkle rfc6962/rfc6962_test.go).
describe('RFC 6962 hasher check values', () => {
  test('empty tree root is SHA-256 of nothing', () => {
    assert.equal(
      hex(EMPTY_ROOT),
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    assert.equal(HASH_SIZE, 32);
  });

  test('leaf hash of the empty leaf', () => {
    assert.equal(
      hex(hashLeaf(new Uint8Array())),
      '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    );
  });

  test('leaf hash of "L123456"', () => {
    assert.equal(
      hex(hashLeaf(Buffer.from('L123456'))),
      '395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56',
    );
  });

  test('node hash of "N123" and "N456" (raw bytes, not 32-byte hashes)', () => {
    assert.equal(
      hex(hashChildren(Buffer.from('N123'), Buffer.from('N456'))),
      'aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb',
    );
  });
});

describe('hasher properties (as transparency-dev tests them)', () => {
  const a = hashLeaf(Buffer.from('a'));
  const b = hashLeaf(Buffer.from('b'));

  test('32-byte children take the same hash as the general path', () => {
    const general = createHash('sha256')
      .update(Buffer.from([1]))
      .update(a)
      .update(b)
      .digest();
    assert.deepEqual(hashChildren(a, b), general);
  });

  test('order matters', () => {
    assert.notDeepEqual(hashChildren(a, b), hashChildren(b, a));
  });

  test('a node is not the leaf of its children concatenated (domain separation)', () => {
    assert.notDeepEqual(hashChildren(a, b), hashLeaf(Buffer.concat([a, b])));
  });

  test('hashAdjacentChildren hashes two siblings stored back to back', () => {
    const stored = Buffer.concat([Buffer.alloc(32, 7), a, b]);
    assert.deepEqual(hashAdjacentChildren(stored, 32), hashChildren(a, b));
  });

  test('results are fresh buffers: mutating one changes nothing shared', () => {
    const first = hashChildren(a, b);
    first.fill(0);
    assert.notDeepEqual(hashChildren(a, b), first);
  });

  test('assertHashSize accepts 32 bytes and rejects anything else with PROOF_BAD_HASH_SIZE', () => {
    assertHashSize(a, 'a');
    for (const size of [0, 31, 33, 64]) {
      assert.throws(
        () => {
          assertHashSize(new Uint8Array(size), 'x');
        },
        (error: unknown) =>
          error instanceof CoreError && error.code === 'PROOF_BAD_HASH_SIZE' && error.where === 'x',
      );
    }
  });
});

describe('one-shot hashing', () => {
  test('hashLeaf agrees with SHA-256(0x00 ‖ data) for leaves longer and shorter than its buffer', () => {
    for (const size of [10_000, 3, 0, 5000, 1200]) {
      const data = Buffer.alloc(size, (size % 200) + 1);
      const want = createHash('sha256')
        .update(Buffer.from([0]))
        .update(data)
        .digest();
      assert.deepEqual(hashLeaf(data), want);
    }
  });

  test('hashes returned earlier are not overwritten by later calls', () => {
    const a = hashLeaf(Buffer.from('a'));
    const copy = Buffer.from(a);
    hashLeaf(Buffer.from('b'));
    hashChildren(a, copy);
    assert.deepEqual(a, copy);
  });
});
