import { ENTRY_TYPES, parseLeafEnvelope } from '@docket/core';
import { CHANGE_SCHEMA_V1 } from '@docket/protocol';
import type { ChangeRecord } from '@docket/protocol';
import type { LedgerStore } from '@docket/store';
import type { StoredContent } from './entry-pool.js';

/** A change record as the log holds it: the record, its leaf index and the receive time. */
export interface RecordedChange {
  readonly index: number;
  readonly change: ChangeRecord;
  /** When the server received it (absent for entries written before receive times). */
  readonly receivedAt?: string;
}

/**
 * The change records of a log, in index order (`agentId`: only that agent's). Changes are stored
 * in clear (no subject), so no key is needed to read them.
 *
 * @example
 * const changes = await listChanges(store, { agentId: 'loan-agent' });
 */
export async function listChanges(
  store: LedgerStore,
  filter: { readonly agentId?: string },
): Promise<RecordedChange[]> {
  const out: RecordedChange[] = [];
  for await (const batch of store.scanEntries({ withContent: false })) {
    for (const row of batch) {
      if (row.type !== ENTRY_TYPES.change) continue;
      const entry = await store.getEntry(row.index);
      if (entry?.content == null) continue;
      const envelope = parseLeafEnvelope(entry.leaf, `leaf ${entry.index}`);
      const { fields } = JSON.parse(Buffer.from(entry.content).toString('utf8')) as StoredContent;
      const change = {
        schema: CHANGE_SCHEMA_V1,
        id: envelope.id,
        ts: envelope.ts,
        ...fields,
      } as unknown as ChangeRecord;
      if (filter.agentId !== undefined && change.agent.id !== filter.agentId) continue;
      out.push({
        index: entry.index,
        change,
        ...(envelope.rt === undefined ? {} : { receivedAt: envelope.rt }),
      });
    }
  }
  return out;
}
