import { consistencyProof, inclusionProof, rootAt } from '@docket/core';
import type { NodeReader } from '@docket/core';
import { StoreError } from '@docket/store';
import type { LedgerStore, NodeId } from '@docket/store';

const ZERO = Buffer.alloc(32);
const keyOf = (level: number, index: number): string => `${level}/${index}`;

/**
 * Runs a synchronous proof computation against an async store in two passes: the first pass records
 * which complete subtrees it reads (which nodes a proof needs depends only on the sizes, never on
 * the hashes), one batched read fetches them, the second pass computes with real hashes.
 * `overlay` holds nodes written in the current batch, not yet in the store.
 */
async function withStoreNodes<T>(
  store: LedgerStore,
  compute: (reader: NodeReader) => T,
  overlay?: ReadonlyMap<string, Uint8Array>,
): Promise<T> {
  const wanted: NodeId[] = [];
  compute({
    getNode(level, index) {
      if (overlay?.has(keyOf(level, index)) !== true) wanted.push({ level, index });
      return ZERO;
    },
  });
  const hashes = await store.getNodes(wanted);
  const found = new Map(overlay);
  wanted.forEach(({ level, index }, i) => found.set(keyOf(level, index), hashes[i]!));
  return compute({
    getNode(level, index) {
      const hash = found.get(keyOf(level, index));
      if (hash === undefined) throw new Error(`node ${level}/${index} not prefetched`);
      return hash;
    },
  });
}

/** Inclusion proof of `index` in the tree of `size`, from the store's nodes. */
export function proveInclusion(store: LedgerStore, index: number, size: number): Promise<Buffer[]> {
  return withStoreNodes(store, (reader) => inclusionProof(index, size, reader));
}

/** Consistency proof from `size1` to `size2`, from the store's nodes plus `overlay`. */
export function proveConsistency(
  store: LedgerStore,
  size1: number,
  size2: number,
  overlay?: ReadonlyMap<string, Uint8Array>,
): Promise<Buffer[]> {
  return withStoreNodes(store, (reader) => consistencyProof(size1, size2, reader), overlay);
}

/** Root of the tree of `size`, from the store's nodes. */
export function storeRootAt(store: LedgerStore, size: number): Promise<Buffer> {
  return withStoreNodes(store, (reader) => rootAt(size, reader));
}

/**
 * The stored hashes of these nodes, in the order asked; `undefined` for a node the store lacks
 * (where `getNodes` would throw `STORE_NODE_MISSING`): for an audit, which reports each one.
 */
export async function readStoredNodes(
  store: LedgerStore,
  ids: readonly NodeId[],
): Promise<(Uint8Array | undefined)[]> {
  try {
    return await store.getNodes(ids);
  } catch (error) {
    if (!(error instanceof StoreError) || error.code !== 'STORE_NODE_MISSING') throw error;
  }
  // Rare (a damaged store): ask again one node at a time to find which are missing.
  const out: (Uint8Array | undefined)[] = [];
  for (const id of ids) {
    try {
      out.push((await store.getNodes([id]))[0]);
    } catch (error) {
      if (!(error instanceof StoreError) || error.code !== 'STORE_NODE_MISSING') throw error;
      out.push(undefined);
    }
  }
  return out;
}

/** Key of a node in an overlay map. */
export { keyOf as nodeKey };
