import { createBundle } from '@docket/core';
import type { DisclosedField, EvidenceBundle } from '@docket/core';
import type { LedgerStore } from '@docket/store';
import { LedgerError } from './errors.js';
import type { ReadEntry } from './read.js';
import { latestInclusion } from './receipts.js';

/**
 * An evidence bundle for one entry read back, disclosing the named fields with their salts.
 * `FIELD_UNKNOWN` for a field the entry doesn't commit to, `CONTENT_ERASED` when its content was
 * erased (both `where: 'disclose'`).
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
  const { note, proof } = await latestInclusion(store, entry.index);
  return createBundle({
    origin: log.origin,
    vkey: log.vkey,
    envelope: entry.envelope,
    disclosed,
    erased: entry.erased,
    index: entry.index,
    hashes: proof,
    checkpoint: note,
  });
}
