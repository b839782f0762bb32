import { tileSpan, toEntryBundle } from '@docket/core';
import type { TileRef } from '@docket/core';
import type { LedgerStore } from '@docket/store';
import { LedgerError } from './errors.js';

/**
 * One resource of the log's tlog-tiles read path (c2sp.org/tlog-tiles), from what the store keeps:
 * a Merkle tile is the stored complete subtrees at Merkle level 8·L (every complete node is stored,
 * RFC 6962 §2.1), an entry bundle the stored leaf bytes. Bounded by the latest checkpoint's size,
 * so every tile served belongs to a signed tree. Erased and purged entries keep their leaf bytes
 * (the envelope with its commitments), so their bundles are whole.
 *
 * @example
 * const tile = await readTile(store, parseTilePath('0/000.p/7'));
 */
export async function readTile(store: LedgerStore, ref: TileRef): Promise<Buffer> {
  const size = (await store.latestCheckpoint())?.size ?? 0;
  const span = tileSpan(ref, size);
  if (ref.kind === 'hashes') {
    const ids = Array.from({ length: span.count }, (_, i) => ({
      level: span.level,
      index: span.from + i,
    }));
    return Buffer.concat(await store.getNodes(ids));
  }
  const leaves: Uint8Array[] = [];
  for await (const batch of store.scanEntries({
    from: span.from,
    batchSize: span.count,
    withContent: false,
  })) {
    for (const row of batch) {
      if (row.index !== span.from + leaves.length) break;
      leaves.push(row.leaf);
      if (leaves.length === span.count) break;
    }
    break;
  }
  if (leaves.length !== span.count) {
    throw new LedgerError(
      'ENTRY_MISSING',
      `entry ${span.from + leaves.length} of a signed tree is not in the store`,
      { where: `entry ${span.from + leaves.length}` },
    );
  }
  return toEntryBundle(leaves);
}
