import { CoreError } from '../errors.js';
import { TILE_HEIGHT, TILE_WIDTH, tilePath } from './tile-path.js';
import type { TileRef } from './tile-path.js';

/**
 * What a tile holds, as stored complete subtrees: the hashes at Merkle `level` (8 × the tile
 * level; 0 for entry bundles, whose entries hash to the level-0 tile) with indices
 * `[from, from + count)`.
 */
export interface TileSpan {
  readonly level: number;
  readonly from: number;
  readonly count: number;
}

/**
 * The subtrees a tile covers in a tree of `size` leaves, or `TILE_NOT_FOUND` when the tree does not
 * have them all yet. tlog-tiles: the n-th tile at level l holds MTH(D[(n·256 + i)·256^l :
 * (n·256 + i + 1)·256^l]) for i < 256 (or < W for a partial tile), which are exactly the complete
 * subtrees at Merkle level 8l. A partial tile is served for any width up to what the tree has:
 * its hashes never change once complete, so an older checkpoint's partial tile stays available.
 *
 * @example
 * tileSpan({ kind: 'hashes', level: 1, index: 0, width: 17 }, 70_000); // { level: 8, from: 0, count: 17 }
 */
export function tileSpan(ref: TileRef, size: number): TileSpan {
  const level = ref.kind === 'entries' ? 0 : ref.level * TILE_HEIGHT;
  const from = ref.index * TILE_WIDTH;
  const count = ref.width ?? TILE_WIDTH;
  // Complete subtrees at this level: floor(size / 2^level).
  const complete = Math.floor(size / 2 ** level);
  if (from + count > complete) {
    throw new CoreError(
      'TILE_NOT_FOUND',
      `the tree of size ${size} has no ${ref.kind === 'entries' ? 'entry bundle' : 'tile'} ${tilePath(ref)}`,
      { where: tilePath(ref) },
    );
  }
  return { level, from, count };
}
