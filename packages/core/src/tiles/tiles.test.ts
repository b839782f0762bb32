import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DocketError } from '@docket/protocol';
import { fromEntryBundle, toEntryBundle } from './entry-bundle.js';
import { parseTilePath, tilePath } from './tile-path.js';
import { tileSpan } from './tile-span.js';

const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof DocketError);
    return error.code;
  }
  return 'no error';
};

describe('tlog-tiles paths', () => {
  test('the spec’s examples parse and format back', () => {
    assert.deepEqual(parseTilePath('0/x001/x234/067'), {
      kind: 'hashes',
      level: 0,
      index: 1234067,
    });
    assert.deepEqual(parseTilePath('1/000.p/17'), {
      kind: 'hashes',
      level: 1,
      index: 0,
      width: 17,
    });
    assert.deepEqual(parseTilePath('entries/x001/000.p/255'), {
      kind: 'entries',
      index: 1000,
      width: 255,
    });
    for (const path of ['0/x001/x234/067', '63/999', 'entries/000.p/1', '2/x005/000.p/112']) {
      assert.equal(tilePath(parseTilePath(path)), path);
    }
    assert.equal(tilePath({ kind: 'hashes', level: 0, index: 0 }), '0/000');
  });

  test('every other spelling is TILE_PATH_INVALID', () => {
    for (const bad of [
      '0/2',
      '0/0002',
      '0/x000/002',
      '0/001/002',
      '0/x1/002',
      '00/000',
      '64/000',
      '-1/000',
      '0/000.p/0',
      '0/000.p/256',
      '0/000.p/07',
      '0/000.p/',
      'data/000',
      '0',
      '0/000/',
    ]) {
      assert.equal(
        code(() => parseTilePath(bad)),
        'TILE_PATH_INVALID',
        bad,
      );
    }
  });
});

describe('tile spans', () => {
  test('tree of 70,000 (the spec’s example): 273 full level-0 tiles, partial widths 112, 17, 1', () => {
    const size = 70_000;
    assert.deepEqual(tileSpan({ kind: 'hashes', level: 0, index: 272 }, size), {
      level: 0,
      from: 272 * 256,
      count: 256,
    });
    assert.equal(
      code(() => tileSpan({ kind: 'hashes', level: 0, index: 273 }, size)),
      'TILE_NOT_FOUND',
    );
    assert.deepEqual(
      tileSpan({ kind: 'hashes', level: 0, index: 273, width: 112 }, size).count,
      112,
    );
    assert.equal(
      code(() => tileSpan({ kind: 'hashes', level: 0, index: 273, width: 113 }, size)),
      'TILE_NOT_FOUND',
    );
    assert.deepEqual(tileSpan({ kind: 'hashes', level: 1, index: 0 }, size), {
      level: 8,
      from: 0,
      count: 256,
    });
    assert.equal(tileSpan({ kind: 'hashes', level: 1, index: 1, width: 17 }, size).from, 256);
    assert.equal(
      code(() => tileSpan({ kind: 'hashes', level: 1, index: 1, width: 18 }, size)),
      'TILE_NOT_FOUND',
    );
    assert.deepEqual(tileSpan({ kind: 'hashes', level: 2, index: 0, width: 1 }, size), {
      level: 16,
      from: 0,
      count: 1,
    });
    assert.equal(
      code(() => tileSpan({ kind: 'hashes', level: 63, index: 0, width: 1 }, size)),
      'TILE_NOT_FOUND',
    );
    assert.deepEqual(tileSpan({ kind: 'entries', index: 273, width: 112 }, size), {
      level: 0,
      from: 273 * 256,
      count: 112,
    });
  });

  test('a tree of 256 has a full level-0 tile and a level-1 tile of width 1', () => {
    assert.equal(tileSpan({ kind: 'hashes', level: 0, index: 0 }, 256).count, 256);
    assert.equal(tileSpan({ kind: 'hashes', level: 1, index: 0, width: 1 }, 256).level, 8);
    assert.equal(
      code(() => tileSpan({ kind: 'entries', index: 0 }, 0)),
      'TILE_NOT_FOUND',
    );
  });
});

describe('entry bundles', () => {
  test('big-endian uint16 length prefixes, round trip', () => {
    const entries = [Buffer.from('a'), Buffer.alloc(0), Buffer.alloc(300, 7)];
    const bundle = toEntryBundle(entries);
    assert.deepEqual([...bundle.subarray(0, 3)], [0, 1, 0x61]);
    assert.deepEqual([...bundle.subarray(3, 5)], [0, 0]);
    assert.deepEqual([...bundle.subarray(5, 7)], [1, 44]);
    assert.deepEqual(
      fromEntryBundle(bundle).map((e) => Buffer.from(e)),
      entries,
    );
  });

  test('an entry too large, a truncated bundle', () => {
    assert.equal(
      code(() => toEntryBundle([Buffer.alloc(0x10000)])),
      'TILE_ENTRY_TOO_LARGE',
    );
    assert.equal(toEntryBundle([Buffer.alloc(0xffff)]).length, 0x10001);
    const bundle = toEntryBundle([Buffer.from('abc')]);
    assert.equal(
      code(() => fromEntryBundle(bundle.subarray(0, 4))),
      'TILE_BUNDLE_MALFORMED',
    );
    assert.equal(
      code(() => fromEntryBundle(bundle.subarray(0, 1))),
      'TILE_BUNDLE_MALFORMED',
    );
  });
});
