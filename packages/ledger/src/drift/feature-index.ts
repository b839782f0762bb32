import { ENTRY_TYPES } from '@docket/core';
import type { JsonValue } from '@docket/protocol';
import type { FeatureQuery, FeatureRow, LedgerStore } from '@docket/store';
import type { KeyRing } from '../keyring.js';
import { openEntry } from '../read.js';
import { toSortableUtc } from '../search-columns.js';
import { toDriftFeatures } from './features.js';
import type { DriftFeatures } from './features.js';

/** The meta key holding the next log index the catch-up pass has not looked at. */
export const FEATURES_NEXT_META = 'drift_features_next';

/** A decision's stored features, with where and when it is in the log. */
export interface FeatureEntry {
  readonly index: number;
  readonly agentVersion: string;
  readonly ts: string;
  readonly features: DriftFeatures;
}

/** What one catch-up pass did. */
export interface FeatureCatchUp {
  /** Entries looked at, and feature rows written (decisions whose content could be read). */
  readonly scanned: number;
  readonly written: number;
  /** The next index to look at (the log size, once caught up). */
  readonly next: number;
}

/**
 * Derives the drift features of every decision appended since the last pass (from index 0 the
 * first time: the backfill of an existing log) and stores them; at most `limit` entries per call.
 * Erased and purged decisions have no readable content, hence no features.
 *
 * @example
 * while ((await catchUpFeatures(store, ring)).scanned > 0);
 */
export async function catchUpFeatures(
  store: LedgerStore,
  ring: KeyRing,
  limit = 5_000,
): Promise<FeatureCatchUp> {
  const start = Number((await store.getMeta(FEATURES_NEXT_META)) ?? '0');
  let next = start;
  let written = 0;
  const digest = (text: string): string => ring.pseudonymize(`docket-drift-input:${text}`);
  for await (const batch of store.scanEntries({
    from: start,
    batchSize: Math.min(limit, 1_000),
    withContent: true,
  })) {
    const rows: FeatureRow[] = [];
    for (const e of batch) {
      next = e.index + 1;
      if (e.type !== ENTRY_TYPES.decision || e.content === null) continue;
      const read = await openEntry(store, ring, e);
      if (read.fields === null) continue;
      const agent = read.fields.agent as Record<string, JsonValue> | undefined;
      if (typeof agent?.id !== 'string' || typeof agent.version !== 'string') continue;
      rows.push({
        index: e.index,
        agentId: agent.id,
        agentVersion: agent.version,
        ts: toSortableUtc(e.ts),
        subject: e.subject,
        kid: e.kid,
        body: JSON.stringify(toDriftFeatures(read.fields, digest)),
      });
    }
    written += await store.putFeatures(rows);
    await store.setMeta(FEATURES_NEXT_META, String(next));
    if (next - start >= limit) break;
  }
  return { scanned: next - start, written, next };
}

/**
 * Every stored feature entry matching the query (read in pages of `query.limit`).
 *
 * @example
 * const current = await readFeatures(store, { agentId: 'loan-approver', agentVersion: '2.4.0', limit: 10_000 });
 */
export async function readFeatures(
  store: LedgerStore,
  query: FeatureQuery,
  onPage?: (read: number) => void,
): Promise<FeatureEntry[]> {
  const out: FeatureEntry[] = [];
  let after: number | undefined = query.after;
  for (;;) {
    const rows = await store.scanFeatures({ ...query, ...(after === undefined ? {} : { after }) });
    for (const r of rows) {
      out.push({
        index: r.index,
        agentVersion: r.agentVersion,
        ts: r.ts,
        features: JSON.parse(r.body) as DriftFeatures,
      });
    }
    onPage?.(out.length);
    if (rows.length < query.limit) return out;
    after = rows[rows.length - 1]!.index;
  }
}
