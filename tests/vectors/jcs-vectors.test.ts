/**
 * RFC 8785 vectors from cyberphone/json-canonicalization (an RFC 8785 author's reference data):
 * every input must canonicalize to the expected bytes, and the ES6 number samples must print
 * exactly as listed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import { canonicalBytes, canonicalize, parseStrictJson, ProtocolError } from '@docket/protocol';
import {
  listVectorFiles,
  readVectorJson,
  vectorsAvailable,
  vectorsDir,
} from '../support/vectors.js';

interface NumberSamples {
  samples: { ieeeHex: string; expected: string }[];
}

const JCS = 'jcs-rfc8785';
const available = vectorsAvailable();

function readBytes(relativePath: string): Uint8Array {
  return new Uint8Array(readFileSync(join(vectorsDir(), relativePath)));
}

/** The outhex files hold space- and newline-separated byte pairs. */
function fromHexDump(text: string): Uint8Array {
  const pairs = text.trim().split(/\s+/);
  return new Uint8Array(pairs.map((p) => parseInt(p, 16)));
}

/** The IEEE-754 double whose bit pattern is this hex (the files drop leading zeros). */
function doubleFromHex(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('RFC 8785 vectors (cyberphone/json-canonicalization)', available, () => {
  const inputs = available.skip === undefined ? listVectorFiles(`${JCS}/input`) : [];

  test('the vector set is the expected six files', () => {
    assert.deepEqual(
      inputs.map((f) => basename(f)),
      [
        'arrays.json',
        'french.json',
        'structures.json',
        'unicode.json',
        'values.json',
        'weird.json',
      ],
    );
  });

  for (const input of inputs) {
    const name = basename(input, '.json');
    test(`${name}: canonical bytes equal output/${name}.json and outhex/${name}.txt`, () => {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(readBytes(input));
      const expected = readBytes(`${JCS}/output/${name}.json`);
      assert.deepEqual(
        expected,
        fromHexDump(new TextDecoder().decode(readBytes(`${JCS}/outhex/${name}.txt`))),
      );
      if (name === 'values') {
        // 1E30 is outside Docket's I-JSON profile (RFC 7493 §2.2); plain RFC 8785 allows it.
        assert.throws(
          () => parseStrictJson(text),
          (e: unknown) => {
            assert.ok(e instanceof ProtocolError);
            assert.equal(e.code, 'UNSAFE_INTEGER');
            assert.equal(e.where, '$.numbers[1]');
            return true;
          },
        );
        assert.throws(() => canonicalize(JSON.parse(text)), { code: 'UNSAFE_INTEGER' });
        assert.deepEqual(canonicalBytes(JSON.parse(text), { allowUnsafeIntegers: true }), expected);
        return;
      }
      const value = parseStrictJson(text);
      assert.deepEqual(canonicalBytes(value), expected);
      // Canonical output is a fixed point.
      assert.deepEqual(canonicalBytes(parseStrictJson(canonicalize(value))), expected);
    });
  }

  test('ES6 number samples print exactly as listed (RFC 8785 §3.2.2.3)', () => {
    const { samples } = readVectorJson<NumberSamples>(`${JCS}/es6-number-samples.json`);
    assert.equal(samples.length, 7);
    let inProfile = 0;
    for (const { ieeeHex, expected } of samples) {
      const n = doubleFromHex(ieeeHex);
      assert.equal(canonicalize(n, { allowUnsafeIntegers: true }), expected, ieeeHex);
      if (Math.abs(n) <= Number.MAX_SAFE_INTEGER) {
        assert.equal(canonicalize(n), expected, ieeeHex);
        assert.equal(canonicalize([parseStrictJson(expected)]), `[${expected}]`);
        inProfile++;
      } else {
        // 2^53+2, 2^53+4 and 1e21 are integers Docket's profile refuses to write.
        assert.throws(() => canonicalize(n), { code: 'UNSAFE_INTEGER' }, ieeeHex);
      }
    }
    assert.equal(inProfile, 4);
  });
});
