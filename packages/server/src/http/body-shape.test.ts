import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DocketError } from '@docket/protocol';
import { BodyShapeScanner } from './body-shape.js';

const limits = { maxObjectKeys: 3, maxValues: 20, maxDepth: 4 };

/** The code the scanner throws for `text` cut into chunks of `size` bytes, or 'ok'. */
function scan(text: string, size = 1): string {
  const scanner = new BodyShapeScanner(limits);
  const bytes = Buffer.from(text);
  try {
    for (let i = 0; i < bytes.length; i += size) scanner.scan(bytes.subarray(i, i + size));
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof DocketError);
    return error.code;
  }
}

describe('BodyShapeScanner', () => {
  test('counts keys per object, whatever the chunking', () => {
    for (const size of [1, 2, 7, 1000]) {
      assert.equal(scan('{"a":1,"b":2,"c":3}', size), 'ok');
      assert.equal(scan('{"a":1,"b":2,"c":3,"d":4}', size), 'BODY_TOO_COMPLEX');
      // Keys of nested objects count for their own object.
      assert.equal(scan('{"a":{"x":1,"y":2},"b":{"x":1},"c":1}', size), 'ok');
    }
  });

  test('ignores structure inside strings, escaped quotes included', () => {
    assert.equal(scan('{"a":"{:,:,:,:,[[[[[[","b":"\\":,:,:,:"}'), 'ok');
    assert.equal(scan('["\\\\",{"a":1,"b":2,"c":3,"d":4}]'), 'BODY_TOO_COMPLEX');
  });

  test('bounds values in the body and depth', () => {
    // A container, its commas and colons: 20 for 20 items, 21 for 21.
    assert.equal(scan(`[${Array.from({ length: 20 }, (_, i) => i).join(',')}]`), 'ok');
    assert.equal(
      scan(`[${Array.from({ length: 21 }, (_, i) => i).join(',')}]`),
      'BODY_TOO_COMPLEX',
    );
    assert.equal(scan('[[[[1]]]]'), 'ok');
    assert.equal(scan('[[[[[1]]]]]'), 'DEPTH_EXCEEDED');
  });

  test('multi-byte characters do not confuse it', () => {
    assert.equal(scan('{"é€😀":"😀{","b":2}'), 'ok');
  });
});
