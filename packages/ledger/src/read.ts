import { open, parseLeafEnvelope } from '@docket/core';
import type { LeafEnvelope } from '@docket/core';
import type { JsonValue } from '@docket/protocol';
import type { EntryWithContent, LedgerStore } from '@docket/store';
import type { StoredContent } from './entry-pool.js';
import type { KeyRing } from './keyring.js';

/** One entry read back: its envelope and, unless erased, its fields. */
export interface ReadEntry {
  readonly index: number;
  readonly envelope: LeafEnvelope;
  /** Committed fields (null when the subject's key was erased). */
  readonly fields: Record<string, JsonValue> | null;
  readonly salts: Record<string, string> | null;
  /** The subject's data key was destroyed (GDPR Art. 17): the content is stored but unreadable. */
  readonly erased: boolean;
  /**
   * A retention purge removed the content (its row is gone; `docket verify` checks that a signed
   * purge receipt names it). Distinct from `erased`: no key was destroyed.
   */
  readonly purged: boolean;
}

/**
 * Opens a stored entry: parses its envelope and decrypts its content with the subject's data
 * key (fields and salts null when the key was destroyed). `keyCache` (kid → unwrapped key) spares
 * a long scan the key lookup of each entry; only for one pass, as an erasure doesn't clear it.
 *
 * @example
 * const { fields, erased } = await openEntry(store, ring, await store.getEntryById(id));
 */
export async function openEntry(
  store: LedgerStore,
  ring: KeyRing,
  entry: EntryWithContent,
  keyCache?: Map<string, Uint8Array | null>,
): Promise<ReadEntry> {
  const envelope = parseLeafEnvelope(entry.leaf, `leaf ${entry.index}`);
  if (entry.content === null)
    return { index: entry.index, envelope, fields: null, salts: null, erased: false, purged: true };
  let bytes: Uint8Array | null = entry.content;
  if (entry.kid !== null) {
    let key = keyCache?.get(entry.kid);
    if (key === undefined) {
      const row = (await store.getSubjectKeys([entry.kid])).get(entry.kid);
      key = row === undefined ? null : (ring.unwrap(row)?.key ?? null);
      // A long scan (a bulk export) opens many entries of few subjects: unwrap each key once.
      if (keyCache !== undefined) {
        if (keyCache.size >= 10_000) keyCache.clear();
        keyCache.set(entry.kid, key);
      }
    }
    bytes = key === null ? null : open(key, bytes, Buffer.from(entry.id, 'utf8'));
  }
  if (bytes === null)
    return { index: entry.index, envelope, fields: null, salts: null, erased: true, purged: false };
  const content = JSON.parse(Buffer.from(bytes).toString('utf8')) as StoredContent;
  return {
    index: entry.index,
    envelope,
    fields: content.fields,
    salts: content.salts,
    erased: false,
    purged: false,
  };
}
