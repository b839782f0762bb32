import { createBundle } from '@docket/core';
import type { DisclosedField, EvidenceBundle } from '@docket/core';
import type { LedgerStore } from '@docket/store';
import { LedgerError } from './errors.js';
import type { ReadEntry } from './read.js';
import { latestInclusion } from './receipts.js';
import { proveInclusion } from './store-proofs.js';

/** The tombstone that erased an entry's subject, as `createEntryBundle` proves it. */
export interface BundleTombstone {
  readonly index: number;
  readonly entry: ReadEntry;
}

/**
 * An evidence bundle for one entry read back, disclosing the named fields with their salts.
 * `FIELD_UNKNOWN` for a field the entry doesn't commit to, `CONTENT_ERASED` when its content was
 * erased (both `where: 'disclose'`). An erased entry's bundle carries `tombstone` with its inclusion
 * proof, from which a verifier derives `erased`.
 *
 * @example
 * const bundle = await createEntryBundle(store, log, id, await ledger.read(id), ['outcome']);
 */
export async function createEntryBundle(
  store: LedgerStore,
  log: { readonly origin: string; readonly vkey: string },
  id: string,
  entry: ReadEntry,
  disclose: readonly string[],
  tombstone?: BundleTombstone,
): Promise<EvidenceBundle> {
  const known = Object.keys(entry.envelope.commitments);
  const disclosed: Record<string, DisclosedField> = {};
  for (const name of disclose) {
    if (!known.includes(name)) {
      throw new LedgerError(
        'FIELD_UNKNOWN',
        `entry ${id} has no field "${name}"; it has: ${known.join(', ')}`,
        { where: 'disclose' },
      );
    }
    if (entry.fields === null || entry.salts === null) {
      throw new LedgerError(
        'CONTENT_ERASED',
        `entry ${id} was erased: its fields can no longer be disclosed`,
        { where: 'disclose' },
      );
    }
    disclosed[name] = { value: entry.fields[name] ?? null, salt: entry.salts[name] ?? '' };
  }
  const { size, note, proof } = await latestInclusion(store, entry.index);
  // `erased` is proven by the tombstone and its inclusion under the same checkpoint.
  const erasure =
    tombstone === undefined || tombstone.index >= size
      ? undefined
      : {
          envelope: tombstone.entry.envelope,
          index: tombstone.index,
          hashes: await proveInclusion(store, tombstone.index, size),
        };
  return createBundle({
    origin: log.origin,
    vkey: log.vkey,
    envelope: entry.envelope,
    disclosed,
    ...(erasure === undefined ? {} : { erasure }),
    index: entry.index,
    hashes: proof,
    checkpoint: note,
  });
}
