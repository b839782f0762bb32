/** The read path of a tiled log (c2sp.org/tlog-tiles): tile paths, their spans, entry bundles. */
export { parseTilePath, TILE_HEIGHT, TILE_WIDTH, tilePath } from './tile-path.js';
export type { TileRef } from './tile-path.js';
export { tileSpan } from './tile-span.js';
export type { TileSpan } from './tile-span.js';
export { toEntryBundle, fromEntryBundle, MAX_BUNDLED_ENTRY } from './entry-bundle.js';
