import { hashLeaf } from '@docket/core';
import type { Checkpoint } from '@docket/core';
import type { LedgerStore } from '@docket/store';
import type { DataDirPaths } from './data-dir.js';
import { LedgerError } from './errors.js';
import { storeRootAt } from './store-proofs.js';

/**
 * Records the log's origin and vkey in a new store; `LOG_KEY_MISMATCH` when the store holds
 * another log's.
 *
 * @example
 * await checkLogKey(store, { origin: ledger.origin, vkey: ledger.vkey }, paths);
 */
export async function checkLogKey(
  store: LedgerStore,
  log: { readonly origin: string; readonly vkey: string },
  paths: DataDirPaths,
): Promise<void> {
  const origin = await store.getMeta('origin');
  if (origin === undefined) {
    await store.setMeta('origin', log.origin);
    await store.setMeta('vkey', log.vkey);
  } else if (origin !== log.origin || (await store.getMeta('vkey')) !== log.vkey) {
    throw new LedgerError(
      'LOG_KEY_MISMATCH',
      `the log key (${log.vkey}) is not the key of log "${origin}" in this store`,
      { where: paths.logKey },
    );
  }
}

/**
 * `STORE_BEHIND_CHECKPOINT` when the store (whose latest checkpoint is `last`) holds less than
 * the checkpoint this log published.
 *
 * @example
 * checkPublished(readPublishedCheckpoint(paths.checkpoint, verifier), last, paths);
 */
export function checkPublished(
  published: Checkpoint | undefined,
  last: Checkpoint | undefined,
  paths: DataDirPaths,
): void {
  const size = last?.size ?? 0;
  if (published !== undefined && published.size > size) {
    throw new LedgerError(
      'STORE_BEHIND_CHECKPOINT',
      `the store holds ${size} entries but this log already published a checkpoint of size ${published.size}; refusing to start (restore the store, never re-sign)`,
      { where: paths.db },
    );
  }
}

/**
 * `STORE_FORKED` when the store's tree at the published checkpoint's size has another root.
 *
 * @example
 * await checkPublishedRoot(store, published, paths);
 */
export async function checkPublishedRoot(
  store: LedgerStore,
  published: Checkpoint | undefined,
  paths: DataDirPaths,
): Promise<void> {
  if (published !== undefined && published.size > 0) {
    const root = await storeRootAt(store, published.size);
    if (!root.equals(published.root)) {
      throw new LedgerError(
        'STORE_FORKED',
        `the store's tree at size ${published.size} differs from the published checkpoint; refusing to start`,
        { where: paths.db },
      );
    }
  }
}

/** How many of the newest leaves {@link checkStoredTree} hashes again at every open. */
export const TAIL_LEAVES = 256;

/**
 * The cheap open-time check that the store can extend its latest checkpoint (`checkpoint`, whose
 * size the stored tree state already matches): the entries are exactly `[0, size)` (a count, and
 * the last {@link TAIL_LEAVES} read by index), the newest leaves hash to the stored leaf nodes, and
 * the stored nodes give the checkpoint's root. `STORE_TRUNCATED` when entries are missing (deleted
 * or never written), `STORE_CORRUPT` when entries, nodes and checkpoint disagree.
 *
 * What it does not catch (the full audit, `auditDataDir`, does): an older leaf changed or
 * swapped, changed content or commitments, interior nodes off the root's path, an entry deleted
 * and another inserted in its place, older checkpoints.
 *
 * @example
 * await checkStoredTree(store, openCheckpoint(latest.note, verifier).checkpoint, paths);
 */
export async function checkStoredTree(
  store: LedgerStore,
  checkpoint: Checkpoint,
  paths: DataDirPaths,
): Promise<void> {
  const size = checkpoint.size;
  const count = await store.countEntries();
  if (count < size) {
    throw new LedgerError(
      'STORE_TRUNCATED',
      `the store holds ${count} entries but its latest checkpoint signs ${size}; refusing to start (restore the store, never re-sign)`,
      { where: paths.db },
    );
  }
  if (count > size) {
    throw new LedgerError(
      'STORE_CORRUPT',
      `the store holds ${count} entries but its tree and latest checkpoint have ${size}; refusing to start`,
      { where: paths.db },
    );
  }
  if (size === 0) return;
  const from = Math.max(0, size - TAIL_LEAVES);
  const leaves: Uint8Array[] = [];
  for await (const batch of store.scanEntries({ from, batchSize: TAIL_LEAVES })) {
    for (const row of batch) {
      if (row.index >= size) break;
      if (row.index !== from + leaves.length) break;
      leaves.push(row.leaf);
    }
    break;
  }
  if (leaves.length !== size - from) {
    throw new LedgerError(
      'STORE_TRUNCATED',
      `entry ${from + leaves.length} of the ${size} its latest checkpoint signs is missing from the store; refusing to start`,
      { where: paths.db },
    );
  }
  const nodes = await store.getNodes(leaves.map((_, i) => ({ level: 0, index: from + i })));
  leaves.forEach((leaf, i) => {
    if (!hashLeaf(leaf).equals(nodes[i]!)) {
      throw new LedgerError(
        'STORE_CORRUPT',
        `entry ${from + i} does not hash to the stored tree's leaf; refusing to start`,
        { where: paths.db },
      );
    }
  });
  if (!(await storeRootAt(store, size)).equals(checkpoint.root)) {
    throw new LedgerError(
      'STORE_CORRUPT',
      `the stored tree nodes do not give the root of the latest checkpoint (size ${size}); refusing to start`,
      { where: paths.db },
    );
  }
}
