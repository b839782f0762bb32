import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { freshRandom } from './random.js';
import { Scratch, sha256, sha256Base64 } from './sha256.js';

const reference = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

test('sha256 and sha256Base64 agree with a Hash object, from 0 bytes to 100 KiB', () => {
  for (const size of [0, 1, 55, 56, 64, 1000, 100_000]) {
    const data = Buffer.alloc(size, size % 251);
    assert.deepEqual(sha256(data), reference(data));
    assert.equal(sha256Base64(data), reference(data).toString('base64'));
  }
  // FIPS 180-2 appendix B.1.
  assert.equal(
    sha256(Buffer.from('abc')).toString('hex'),
    'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
});

test('Scratch grows to the size asked and keeps its contents while it does not grow', () => {
  const scratch = new Scratch(4);
  scratch.get(4)[0] = 9;
  assert.equal(scratch.get(3)[0], 9);
  assert.ok(scratch.get(100).length >= 100);
});

test('freshRandom never hands out the same bytes twice, across pool refills', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 10_000; i++) seen.add(freshRandom(12).toString('hex'));
  assert.equal(seen.size, 10_000);
  const a = freshRandom(16);
  const copy = Buffer.from(a);
  for (let i = 0; i < 10_000; i++) freshRandom(16);
  assert.deepEqual(a, copy); // a slice stays as it was after the pool is replaced
});
