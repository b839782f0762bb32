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
