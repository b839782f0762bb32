import { CoreError } from '../errors.js';

/** Largest entry an entry bundle can carry: its length is a big-endian uint16. */
export const MAX_BUNDLED_ENTRY = 0xffff;

/**
 * An entry bundle of c2sp.org/tlog-tiles: each entry as a big-endian uint16 length followed by its
 * bytes. Throws `TILE_ENTRY_TOO_LARGE` for an entry of 64 KiB or more.
 *
 * @example
 * const bundle = toEntryBundle([leafBytes0, leafBytes1]);
 */
export function toEntryBundle(entries: readonly Uint8Array[]): Buffer {
  let total = 0;
  for (const [i, entry] of entries.entries()) {
    if (entry.length > MAX_BUNDLED_ENTRY) {
      throw new CoreError(
        'TILE_ENTRY_TOO_LARGE',
        `entry ${i} of the bundle is ${entry.length} bytes, above the uint16 length prefix`,
        { where: `entry ${i}` },
      );
    }
    total += 2 + entry.length;
  }
  const out = Buffer.allocUnsafe(total);
  let at = 0;
  for (const entry of entries) {
    at = out.writeUInt16BE(entry.length, at);
    out.set(entry, at);
    at += entry.length;
  }
  return out;
}

/**
 * The entries of an entry bundle (the inverse of {@link toEntryBundle}); throws
 * `TILE_BUNDLE_MALFORMED` when a length runs past the end of the bundle.
 *
 * @example
 * const leaves = fromEntryBundle(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 */
export function fromEntryBundle(bundle: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < bundle.length) {
    if (at + 2 > bundle.length) break;
    const length = (bundle[at]! << 8) | bundle[at + 1]!;
    at += 2;
    if (at + length > bundle.length) break;
    out.push(bundle.subarray(at, at + length));
    at += length;
  }
  if (at !== bundle.length) {
    throw new CoreError('TILE_BUNDLE_MALFORMED', 'an entry runs past the end of the bundle', {
      where: `entry ${out.length}`,
    });
  }
  return out;
}
