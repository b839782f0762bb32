import { hashLeaf } from '@docket/core';
import type { EntryWithContent, LedgerStore } from '@docket/store';
import { LedgerError } from './errors.js';
import { proveConsistency, proveInclusion } from './store-proofs.js';
import type { InclusionProof } from '@docket/protocol';

/** Proof that a decision is in the log: index, inclusion proof and the signed checkpoint. */
export interface Receipt {
  readonly id: string;
  readonly index: number;
  readonly treeSize: number;
  /** Base64 RFC 6962 leaf hash. */
  readonly leafHash: string;
  /** Base64 inclusion proof hashes, leaf sibling first. */
  readonly proof: string[];
  /** The C2SP signed checkpoint the proof leads to. */
  readonly checkpoint: string;
}

/** Inclusion proof of an entry: a wire shape, declared once in `@docket/protocol`. */
export type { InclusionProof };

/**
 * The inclusion proof of `index` in the tree of the latest signed checkpoint, with its note.
 *
 * @example
 * const { size, note, proof } = await latestInclusion(store, 41);
 */
export async function latestInclusion(
  store: LedgerStore,
  index: number,
): Promise<{ size: number; note: string; proof: Buffer[] }> {
  const latest = (await store.latestCheckpoint())!;
  const proof = await proveInclusion(store, index, latest.size);
  return { size: latest.size, note: latest.note, proof };
}

/**
 * A receipt for a stored entry: its index, an inclusion proof and the latest signed checkpoint.
 *
 * @example
 * const receipt = await createReceipt(store, entry);
 */
export async function createReceipt(store: LedgerStore, entry: EntryWithContent): Promise<Receipt> {
  const { size, note, proof } = await latestInclusion(store, entry.index);
  return {
    id: entry.id,
    index: entry.index,
    treeSize: size,
    leafHash: hashLeaf(entry.leaf).toString('base64'),
    proof: proof.map((h) => h.toString('base64')),
    checkpoint: note,
  };
}

/**
 * Inclusion proof of a stored entry in the tree of `size` entries (default: the latest
 * checkpoint's); `SIZE_INVALID` when `size` is not above the index or beyond the latest checkpoint.
 *
 * @example
 * const { hashes, checkpoint } = await createInclusionProof(store, entry);
 */
export async function createInclusionProof(
  store: LedgerStore,
  entry: EntryWithContent,
  size?: number,
): Promise<InclusionProof> {
  const latest = (await store.latestCheckpoint())!;
  const treeSize = size ?? latest.size;
  if (!Number.isSafeInteger(treeSize) || treeSize <= entry.index || treeSize > latest.size) {
    throw new LedgerError(
      'SIZE_INVALID',
      `size must be above the entry's index ${entry.index} and at most the signed size ${latest.size}`,
      { where: 'size' },
    );
  }
  const proof = await proveInclusion(store, entry.index, treeSize);
  return {
    index: entry.index,
    treeSize,
    leafHash: hashLeaf(entry.leaf).toString('base64'),
    hashes: proof.map((h) => h.toString('base64')),
    checkpoint: treeSize === latest.size ? latest.note : null,
  };
}

/**
 * Consistency proof between two tree sizes (RFC 9162 §2.1.4), base64 hashes;
 * `SIZE_INVALID` unless 0 < from ≤ to ≤ the latest signed size.
 *
 * @example
 * const hashes = await createConsistencyProof(store, 100, 200);
 */
export async function createConsistencyProof(
  store: LedgerStore,
  from: number,
  to: number,
): Promise<string[]> {
  const latest = (await store.latestCheckpoint())!;
  if (!(from > 0 && from <= to && to <= latest.size)) {
    throw new LedgerError(
      'SIZE_INVALID',
      `need 0 < from ≤ to ≤ ${latest.size} (the latest signed size), got from=${from} to=${to}`,
      { where: 'from' },
    );
  }
  const proof = await proveConsistency(store, from, to);
  return proof.map((h) => h.toString('base64'));
}
