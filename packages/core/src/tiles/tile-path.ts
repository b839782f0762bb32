import { CoreError } from '../errors.js';

/** Hashes in a full tile: a tile is a subtree of height 8 (c2sp.org/tlog-tiles). */
export const TILE_WIDTH = 256;

/** Merkle levels spanned by one tile level. */
export const TILE_HEIGHT = 8;

/**
 * One resource of a tiled log below `<prefix>/tile/`: a Merkle tile (`<L>/<N>[.p/<W>]`) or an
 * entry bundle (`entries/<N>[.p/<W>]`). `width` is set for partial tiles only (1..255).
 */
export type TileRef =
  | {
      readonly kind: 'hashes';
      readonly level: number;
      readonly index: number;
      readonly width?: number;
    }
  | { readonly kind: 'entries'; readonly index: number; readonly width?: number };

// `<N>`: zero-padded 3-digit elements, all but the last starting with `x` (tlog-tiles §Merkle Tree).
const INDEX = /^((?:x\d{3}\/)*)(\d{3})$/;
// `<L>` and `<W>`: decimal, no leading zero.
const DECIMAL = /^(0|[1-9]\d*)$/;
const MAX_LEVEL = 63;

function invalid(path: string, why: string): CoreError {
  return new CoreError('TILE_PATH_INVALID', `not a tile path (c2sp.org/tlog-tiles): ${why}`, {
    where: path,
  });
}

/**
 * Reads the part of a tile URL after `<prefix>/tile/`; throws `TILE_PATH_INVALID` unless it is
 * written exactly as tlog-tiles says (one spelling per resource, so caches never split).
 *
 * @example
 * parseTilePath('1/x001/x234/067.p/8'); // { kind: 'hashes', level: 1, index: 1234067, width: 8 }
 * parseTilePath('entries/000'); // { kind: 'entries', index: 0 }
 */
export function parseTilePath(path: string): TileRef {
  let rest = path;
  let width: number | undefined;
  const partial = /\.p\/([^/]+)$/.exec(rest);
  if (partial !== null) {
    const w = partial[1]!;
    if (!DECIMAL.test(w) || Number(w) < 1 || Number(w) >= TILE_WIDTH) {
      throw invalid(path, `the width ${w} is not 1..255`);
    }
    width = Number(w);
    rest = rest.slice(0, partial.index);
  }
  const slash = rest.indexOf('/');
  if (slash < 0) throw invalid(path, 'no index');
  const head = rest.slice(0, slash);
  const index = parseTileIndex(rest.slice(slash + 1), path);
  const w = width === undefined ? {} : { width };
  if (head === 'entries') return { kind: 'entries', index, ...w };
  if (!DECIMAL.test(head) || Number(head) > MAX_LEVEL) {
    throw invalid(path, `the level ${head} is not 0..63`);
  }
  return { kind: 'hashes', level: Number(head), index, ...w };
}

function parseTileIndex(text: string, path: string): number {
  const m = INDEX.exec(text);
  if (m === null) throw invalid(path, `the index ${text} is not x-prefixed 3-digit elements`);
  const digits = m[1]!.replaceAll('x', '').replaceAll('/', '') + m[2]!;
  // A leading x000 element would give the same index a second spelling.
  if (m[1]!.startsWith('x000')) throw invalid(path, 'the index has a leading zero element');
  const index = Number(digits);
  if (!Number.isSafeInteger(index)) throw invalid(path, 'the index is too large');
  return index;
}

/**
 * The path of a tile below `<prefix>/tile/` (the inverse of {@link parseTilePath}).
 *
 * @example
 * tilePath({ kind: 'hashes', level: 0, index: 1234067 }); // '0/x001/x234/067'
 */
export function tilePath(ref: TileRef): string {
  let n = ref.index;
  const groups: string[] = [];
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  const index = groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
  const head = ref.kind === 'entries' ? 'entries' : String(ref.level);
  return `${head}/${index}${ref.width === undefined ? '' : `.p/${ref.width}`}`;
}
