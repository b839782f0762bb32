// The drift-feature part of the LedgerStore contract (issue 16) as tests, run unchanged against
// every adapter: rows written and read back by agent, version and time; a row whose key is erased
// is not written; erasure and a retention purge take the rows with them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ENTRY_TYPES } from '@docket/core';
import type { FeatureRow } from '@docket/store';
import { BatchBuilder } from './store-conformance.js';
import type { OpenedStore } from './store-conformance.js';

/** A feature row for each decision the builder made so far (agent by index, like its search rows). */
function featureRows(b: BatchBuilder): FeatureRow[] {
  return b.entries
    .filter((e) => e.type === ENTRY_TYPES.decision && e.content !== null)
    .map((e) => ({
      index: e.index,
      agentId: `agent-${e.index % 3}`,
      agentVersion: e.index % 2 === 0 ? '1.0.0' : '2.0.0',
      ts: e.ts,
      subject: e.subject,
      kid: e.kid,
      body: JSON.stringify({ outcome: e.index % 3 === 0 ? 'approve' : 'deny', i: e.index }),
    }));
}

/**
 * Registers the feature-store conformance tests under `describe(name)`, each on a fresh store.
 *
 * @example
 * describeFeatureStoreConformance('sqlite', async () => ({ store, openAgain, cleanup, filesOnDisk }));
 */
export function describeFeatureStoreConformance(
  name: string,
  open: () => Promise<OpenedStore>,
): void {
  const withStore =
    (body: (opened: OpenedStore, builder: BatchBuilder) => Promise<void>) =>
    async (): Promise<void> => {
      const opened = await open();
      try {
        await body(opened, new BatchBuilder());
      } finally {
        await opened.cleanup();
      }
    };

  describe(`${name} feature store conformance`, () => {
    test(
      'feature rows read back by agent, version, time window and cursor, in index order; a rewrite replaces',
      withStore(async ({ store }, b) => {
        await store.appendBatch(b.next(30));
        const rows = featureRows(b);
        assert.equal(await store.putFeatures(rows), rows.length);
        const agent1 = rows.filter((r) => r.agentId === 'agent-1');
        assert.deepEqual(await store.scanFeatures({ agentId: 'agent-1', limit: 100 }), agent1);
        assert.deepEqual(
          await store.scanFeatures({ agentId: 'agent-1', agentVersion: '2.0.0', limit: 100 }),
          agent1.filter((r) => r.agentVersion === '2.0.0'),
        );
        const mid = agent1[2]!.ts;
        assert.deepEqual(
          await store.scanFeatures({ agentId: 'agent-1', since: mid, limit: 100 }),
          agent1.filter((r) => r.ts >= mid),
        );
        assert.deepEqual(
          await store.scanFeatures({ agentId: 'agent-1', until: mid, limit: 100 }),
          agent1.filter((r) => r.ts < mid),
        );
        const page = await store.scanFeatures({ agentId: 'agent-1', limit: 2 });
        assert.deepEqual(page, agent1.slice(0, 2));
        assert.deepEqual(
          await store.scanFeatures({ agentId: 'agent-1', after: page[1]!.index, limit: 100 }),
          agent1.slice(2),
        );
        assert.deepEqual(await store.scanFeatures({ agentId: 'nobody', limit: 100 }), []);
        const versions = await store.featureVersions('agent-1');
        assert.deepEqual(
          versions.map((v) => [v.agentVersion, v.count]),
          ['1.0.0', '2.0.0'].map((v) => [v, agent1.filter((r) => r.agentVersion === v).length]),
        );
        assert.equal(versions[0]!.first <= versions[0]!.last, true);
        // Written twice (two replicas catching up): one row, the last body.
        const again = { ...agent1[0]!, body: '{"again":true}' };
        await store.putFeatures([again]);
        const [first] = await store.scanFeatures({ agentId: 'agent-1', limit: 1 });
        assert.deepEqual(first, again);
      }),
    );

    test(
      'erasing a subject deletes its feature rows; a row read with an erased key is not written',
      withStore(async ({ store }, b) => {
        await store.appendBatch(b.next(30));
        const rows = featureRows(b);
        await store.putFeatures(rows);
        await store.eraseSubjectKeys('subj-a', '2026-02-01T00:00:00.000Z');
        const left = (
          await Promise.all(
            ['agent-0', 'agent-1', 'agent-2'].map((agentId) =>
              store.scanFeatures({ agentId, limit: 100 }),
            ),
          )
        ).flat();
        assert.deepEqual(
          left.map((r) => r.index).sort((x, y) => x - y),
          rows.filter((r) => r.subject !== 'subj-a').map((r) => r.index),
        );
        assert.ok(rows.some((r) => r.subject === 'subj-a'));
        // A catch-up that read subj-a's content before the erasure writes nothing after it.
        const late = rows.filter((r) => r.subject === 'subj-a');
        assert.equal(await store.putFeatures(late), 0);
        const after = await store.scanFeatures({ agentId: late[0]!.agentId, limit: 100 });
        assert.ok(!after.some((r) => r.subject === 'subj-a'));
      }),
    );

    test(
      'a batch that purges entries deletes their feature rows with their content',
      withStore(async ({ store }, b) => {
        await store.appendBatch(b.next(12));
        const rows = featureRows(b);
        await store.putFeatures(rows);
        const purge = rows.slice(0, 2).map((r) => r.index);
        await store.appendBatch({ ...b.next(1), purge });
        for (const r of rows) {
          const found = await store.scanFeatures({ agentId: r.agentId, limit: 100 });
          assert.equal(
            found.some((f) => f.index === r.index),
            !purge.includes(r.index),
            `row ${r.index}`,
          );
        }
      }),
    );
  });
}
