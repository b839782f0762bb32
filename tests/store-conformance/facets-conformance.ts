// Facets and counts (decision_facets, decision_updates, decisionStats): part of the store
// conformance suite, run unchanged on SQLite and PostgreSQL. Every answer is compared with a
// naive computation over the rows the test wrote.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ENTRY_TYPES } from '@docket/core';
import { STATS_DIMENSIONS } from '@docket/store';
import type {
  FacetRow,
  LedgerStore,
  OutcomeUpdateRow,
  SearchQuery,
  SearchRow,
  SequencedBatch,
  StatsCount,
  StatsDimension,
  StatsInterval,
  StatsQuery,
} from '@docket/store';
import type { BatchBuilder } from './store-conformance.js';

type WithStore = (
  body: (opened: { store: LedgerStore }, builder: BatchBuilder) => Promise<void>,
) => () => Promise<void>;

/** A batch of the builder with facets for its decisions and updates for its events. */
export function withFacets(
  b: BatchBuilder,
  batch: SequencedBatch,
): { batch: SequencedBatch; facets: FacetRow[]; updates: OutcomeUpdateRow[] } {
  const facets: FacetRow[] = [];
  const updates: OutcomeUpdateRow[] = [];
  for (const e of batch.entries) {
    if (e.type === ENTRY_TYPES.decision) {
      facets.push({
        index: e.index,
        model: e.index % 4 === 1 ? null : `model-${e.index % 2}`,
        promptVersion: `prompt@${e.index % 3}`,
        policyVersion: e.index % 5 === 0 ? 'policy@2' : 'policy@1',
        // Some decisions have none: they sort last and never match a confidence range.
        confidence: e.index % 6 === 2 ? null : (e.index % 10) / 10,
        traceId: `trace-${Math.floor(e.index / 8)}`,
        sessionId: e.index % 2 === 0 ? 'session-even' : null,
        parentId: e.index > 0 ? (b.entries[e.index - 1]?.id ?? null) : null,
      });
    } else if (e.type === ENTRY_TYPES.event && e.ref !== null) {
      updates.push({
        index: e.index,
        decisionId: e.ref,
        kind: e.index % 3 === 0 ? 'outcome' : 'override',
        action: 'approve',
        actor: 'J. Doe',
        ts: e.ts,
      });
    }
  }
  // Decision times ~31 hours apart, so days, weeks and months each hold several buckets.
  const search = (batch.search ?? []).map((r) => {
    const moved = {
      ...r,
      ts: new Date(Date.UTC(2025, 11, 20) + r.index * 31 * 3_600_000).toISOString(),
    };
    b.search[b.search.findIndex((x) => x.index === r.index)] = moved;
    return moved;
  });
  return { batch: { ...batch, search, facets, updates }, facets, updates };
}

/** The Monday (UTC) on or before an RFC 3339 day, `YYYY-MM-DD`. */
const weekStart = (ts: string): string => {
  const day = new Date(`${ts.slice(0, 10)}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - ((day.getUTCDay() + 6) % 7));
  return day.toISOString().slice(0, 10);
};
const bucketOf = (interval: StatsInterval, ts: string): string =>
  interval === 'day'
    ? ts.slice(0, 10)
    : interval === 'month'
      ? `${ts.slice(0, 7)}-01`
      : weekStart(ts);

/** The facet conformance tests, inside the store suite's `describe`. */
export function facetConformanceTests(withStore: WithStore): void {
  /** Writes 3 batches (with facets and updates) and returns a naive model of what was written. */
  const fill = async (store: LedgerStore, b: BatchBuilder) => {
    const facets = new Map<number, FacetRow>();
    const updates: OutcomeUpdateRow[] = [];
    for (const n of [30, 25, 17]) {
      const w = withFacets(b, b.next(n));
      await store.appendBatch(w.batch);
      for (const f of w.facets) facets.set(f.index, f);
      updates.push(...w.updates);
    }
    const erased = new Set<string>();
    const overridden = (r: SearchRow): boolean =>
      updates.some((u) => u.decisionId === b.entries[r.index]!.id && u.kind === 'override');
    const isErased = (r: SearchRow): boolean => erased.has(b.entries[r.index]!.kid ?? '');
    const matches = (q: Omit<SearchQuery, 'limit'>, r: SearchRow): boolean => {
      const f = facets.get(r.index)!;
      return (
        (q.agentId === undefined || r.agentId === q.agentId) &&
        (q.action === undefined || r.action === q.action) &&
        (q.since === undefined || r.ts >= q.since) &&
        (q.until === undefined || r.ts < q.until) &&
        (q.model === undefined || f.model === q.model) &&
        (q.promptVersion === undefined || f.promptVersion === q.promptVersion) &&
        (q.policyVersion === undefined || f.policyVersion === q.policyVersion) &&
        (q.minConfidence === undefined ||
          (f.confidence !== null && f.confidence >= q.minConfidence)) &&
        (q.maxConfidence === undefined ||
          (f.confidence !== null && f.confidence <= q.maxConfidence)) &&
        (q.traceId === undefined || f.traceId === q.traceId) &&
        (q.sessionId === undefined || f.sessionId === q.sessionId) &&
        (q.parentId === undefined || f.parentId === q.parentId) &&
        (q.overridden === undefined || overridden(r) === q.overridden) &&
        (q.erased === undefined || isErased(r) === q.erased)
      );
    };
    const valueOf = (dim: StatsDimension, r: SearchRow): string | null => {
      const f = facets.get(r.index)!;
      switch (dim) {
        case 'agent':
          return r.agentId;
        case 'version':
          return r.agentVersion;
        case 'outcome':
          return r.action;
        case 'model':
          return f.model;
        case 'prompt_version':
          return f.promptVersion;
        case 'policy_version':
          return f.policyVersion;
        case 'overridden':
          return String(overridden(r));
        case 'erased':
          return String(isErased(r));
      }
    };
    return { facets, updates, erased, matches, valueOf };
  };

  /** Counts as a sorted, comparable list. */
  const norm = (counts: readonly (StatsCount & { start?: string })[]) =>
    counts
      .map((c) =>
        [
          c.start ?? '',
          c.value ?? '(null)',
          c.agent === undefined ? '' : (c.agent ?? ''),
          c.count,
        ].join('|'),
      )
      .sort();

  test(
    'decisionStats counts the decisions a search finds, by every dimension and time bucket',
    withStore(async ({ store }, b) => {
      const m = await fill(store, b);
      await store.eraseSubjectKeys('subj-b', '2026-02-01T00:00:00.000Z');
      m.erased.add('kid-subj-b');
      const queries: Omit<StatsQuery, 'groupBy'>[] = [
        {},
        { agentId: 'agent-1' },
        { model: 'model-0', overridden: false },
        { overridden: true },
        { erased: true, action: 'deny' },
        { minConfidence: 0.3, maxConfidence: 0.7 },
        { policyVersion: 'policy@2', promptVersion: 'prompt@1' },
        { since: b.search[5]!.ts, until: b.search[40]!.ts, sessionId: 'session-even' },
        { traceId: 'trace-2' },
        { agentId: 'nobody' },
      ];
      for (const interval of ['day', 'week', 'month'] as const) {
        for (const q of queries) {
          const query: StatsQuery = { ...q, groupBy: STATS_DIMENSIONS, interval };
          const rows = b.search.filter((r) => m.matches(q, r));
          const stats = await store.decisionStats(query);
          const where = JSON.stringify(query);
          assert.equal(stats.total, rows.length, where);
          for (const dim of STATS_DIMENSIONS) {
            const counts = new Map<string, StatsCount & { start?: string }>();
            const series = new Map<string, StatsCount & { start: string }>();
            for (const r of rows) {
              const value = m.valueOf(dim, r);
              const agent = dim === 'version' ? { agent: r.agentId } : {};
              const key = `${value}|${dim === 'version' ? r.agentId : ''}`;
              const c = counts.get(key);
              counts.set(key, { value, ...agent, count: (c?.count ?? 0) + 1 });
              const start = bucketOf(interval, r.ts);
              const s = series.get(`${start}|${key}`);
              series.set(`${start}|${key}`, { start, value, ...agent, count: (s?.count ?? 0) + 1 });
            }
            assert.deepEqual(
              norm(stats.groups[dim] ?? []),
              norm([...counts.values()]),
              `${where} ${dim}`,
            );
            assert.deepEqual(
              norm(stats.series?.[dim] ?? []),
              norm([...series.values()]),
              `${where} ${dim} series`,
            );
          }
          const buckets = new Map<string, number>();
          for (const r of rows) {
            const start = bucketOf(interval, r.ts);
            buckets.set(start, (buckets.get(start) ?? 0) + 1);
          }
          assert.deepEqual(
            stats.buckets,
            [...buckets]
              .map(([start, count]) => ({ start, count }))
              .sort((x, y) => (x.start < y.start ? -1 : 1)),
            where,
          );
        }
      }
      // Without an interval: no buckets; groups only for the dimensions asked.
      const plain = await store.decisionStats({ groupBy: ['outcome'] });
      assert.deepEqual(Object.keys(plain.groups), ['outcome']);
      assert.equal(plain.buckets, undefined);
      assert.equal(plain.total, b.search.length);
    }),
  );

  test(
    'searchEntries filters by facets and sorts by time or confidence, with an offset',
    withStore(async ({ store }, b) => {
      const m = await fill(store, b);
      const conf = (i: number): number => m.facets.get(i)!.confidence ?? Number.NEGATIVE_INFINITY;
      const orders: Record<
        NonNullable<SearchQuery['sort']>,
        (x: SearchRow, y: SearchRow) => number
      > = {
        newest: (x, y) => y.index - x.index,
        oldest: (x, y) => x.index - y.index,
        // Nulls last in both directions, ties newest first.
        confidence_desc: (x, y) => conf(y.index) - conf(x.index) || y.index - x.index,
        confidence_asc: (x, y) => {
          const a = m.facets.get(x.index)!.confidence;
          const c = m.facets.get(y.index)!.confidence;
          if (a === null || c === null)
            return (a === null ? 1 : 0) - (c === null ? 1 : 0) || y.index - x.index;
          return a - c || y.index - x.index;
        },
      };
      const queries: SearchQuery[] = [
        { limit: 100, sort: 'oldest' },
        { limit: 7, offset: 5, sort: 'confidence_desc' },
        { limit: 100, sort: 'confidence_asc' },
        { limit: 100, overridden: true },
        { limit: 100, model: 'model-1', minConfidence: 0.5 },
        { limit: 100, parentId: b.entries[10]!.id },
        { limit: 100, traceId: 'trace-3', sort: 'confidence_desc' },
        { limit: 4, offset: 2, agentId: 'agent-2', sort: 'oldest' },
      ];
      for (const q of queries) {
        const expected = b.search
          .filter((r) => m.matches(q, r))
          .sort(orders[q.sort ?? 'newest'])
          .slice(q.offset ?? 0, (q.offset ?? 0) + q.limit)
          .map((r) => r.index);
        const found = (await store.searchEntries(q)).map((e) => e.index);
        assert.deepEqual(found, expected, JSON.stringify(q));
      }
    }),
  );

  test(
    'outcomeUpdates gives each decision its updates in index order; a purge removes facets and updates',
    withStore(async ({ store }, b) => {
      const m = await fill(store, b);
      const ids = [...new Set(m.updates.map((u) => u.decisionId))];
      const found = await store.outcomeUpdates([...ids, 'no-such-decision']);
      assert.equal(found.size, ids.length);
      for (const id of ids) {
        assert.deepEqual(
          found.get(id),
          m.updates.filter((u) => u.decisionId === id),
        );
      }
      // Purge one overridden decision and its override event.
      const event = m.updates.find((u) => u.kind === 'override')!;
      const decision = b.entries.find((e) => e.id === event.decisionId)!;
      const before = await store.decisionStats({ groupBy: [], overridden: true });
      const next = b.next(1);
      await store.appendBatch({ ...next, purge: [decision.index, event.index] });
      assert.equal((await store.outcomeUpdates([event.decisionId])).size, 0);
      const after = await store.decisionStats({ groupBy: [], overridden: true });
      assert.equal(after.total, before.total - 1);
    }),
  );
}
