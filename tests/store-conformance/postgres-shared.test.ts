// What the PostgreSQL store offers a shared log (several server replicas on one database): the
// sequencer lease, the intake, and the fenced batch that consumes intake rows. On a throwaway
// PostgreSQL cluster, one schema per test.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import { isSharedLogStore, openPostgresStore, openSqliteStore, sequencerLock } from '@docket/store';
import type { LedgerStore, LogNotice, SequencerLease, SharedLogStore } from '@docket/store';
import { tempDir } from '../support/ledger-fixture.js';
import { postgresAvailable, usePostgresCluster } from '../support/postgres.js';
import { BatchBuilder } from './store-conformance.js';

type SharedStore = LedgerStore & SharedLogStore;

describe('postgres shared log (lease, intake, fenced batches)', postgresAvailable(), () => {
  const { url } = usePostgresCluster();
  let schemas = 0;

  /** Runs `body` with two store instances on one fresh schema (two processes, in effect). */
  const withStores =
    (body: (a: SharedStore, b: SharedStore, schema: string, raw: pg.Client) => Promise<void>) =>
    async (): Promise<void> => {
      const schema = `shared_${++schemas}`;
      const a = await openPostgresStore(url(), { schema });
      const b = await openPostgresStore(url(), { schema });
      const raw = new pg.Client({ connectionString: url() });
      await raw.connect();
      try {
        assert.ok(isSharedLogStore(a) && isSharedLogStore(b));
        await body(a, b, schema, raw);
      } finally {
        await raw.end();
        await a.close();
        await b.close();
      }
    };

  /** Resolves with the first notice that `match` accepts. */
  const nextNotice = (
    lease: SequencerLease,
    match: (n: LogNotice) => boolean,
  ): Promise<LogNotice> =>
    new Promise((resolve) => {
      lease.onNotice((n) => {
        if (match(n)) resolve(n);
      });
    });

  /** The backend pid holding the sequencer lock of `schema`, if any. */
  const holderPid = async (raw: pg.Client, schema: string): Promise<number | undefined> => {
    const lock = sequencerLock(schema);
    const { rows } = await raw.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
       AND classid = $1::oid AND objid = $2::oid`,
      [lock.classid, lock.objid],
    );
    return rows[0]?.pid;
  };

  test('only PostgreSQL offers the shared-log capability', async () => {
    const tmp = tempDir('docket-shared-');
    const sqlite = openSqliteStore(join(tmp.dir, 'ledger.db'));
    try {
      assert.equal(isSharedLogStore(sqlite), false);
    } finally {
      await sqlite.close();
      tmp.cleanup();
    }
  });

  test(
    'one lease holds the lock at a time; closing it lets another take it; logs are independent',
    withStores(async (a, b, schema, raw) => {
      const first = await a.openSequencerLease();
      const second = await b.openSequencerLease();
      assert.equal(await first.tryAcquire(), true);
      assert.equal(await second.tryAcquire(), false);
      assert.equal(first.held, true);
      assert.equal(second.held, false);
      assert.notEqual(await holderPid(raw, schema), undefined);
      // Another log's lease, in the same database, is its own.
      const other = await openPostgresStore(url(), { schema: `${schema}_other` });
      try {
        assert.ok(isSharedLogStore(other));
        const otherLease = await other.openSequencerLease();
        assert.equal(await otherLease.tryAcquire(), true);
      } finally {
        await other.close();
      }
      await first.close();
      assert.equal(first.held, false);
      assert.equal(await second.tryAcquire(), true);
      assert.equal(await second.check(), true);
    }),
  );

  test(
    'a lease whose session dies is lost (once), and another process takes the lock over',
    withStores(async (a, b, schema, raw) => {
      const first = await a.openSequencerLease();
      const second = await b.openSequencerLease();
      let losses = 0;
      const lost = new Promise<void>((resolve) => {
        first.onLost(() => {
          losses++;
          resolve();
        });
      });
      assert.equal(await first.tryAcquire(), true);
      const pid = await holderPid(raw, schema);
      assert.ok(pid !== undefined);
      // What a dead process, a network cut or an administrator does: the session ends.
      await raw.query('SELECT pg_terminate_backend($1)', [pid]);
      await lost;
      assert.equal(first.held, false);
      assert.equal(losses, 1);
      assert.equal(await second.tryAcquire(), true);
      assert.notEqual(await holderPid(raw, schema), pid);
      // The first reconnects on its next try, and finds the lock taken.
      assert.equal(await first.tryAcquire(), false);
      assert.equal(losses, 1);
    }),
  );

  test(
    'intake: insert once per id, pending in arrival order, settle, collect, purge',
    withStores(async (a, b, schema, raw) => {
      const body = (s: string): Buffer => Buffer.from(s, 'utf8');
      const inserted = await a.addIntake([
        { id: 'r1', kind: 'decision', body: body('one') },
        { id: 'r2', kind: 'event', body: body('two') },
      ]);
      assert.deepEqual([...inserted].sort(), ['r1', 'r2']);
      // The same id from another replica is not inserted again.
      assert.deepEqual(
        [...(await b.addIntake([{ id: 'r1', kind: 'decision', body: body('x') }]))],
        [],
      );
      assert.deepEqual(
        [...(await b.addIntake([{ id: 'r3', kind: 'erase', body: body('3') }]))],
        ['r3'],
      );
      const pending = await b.pendingIntake(10);
      assert.deepEqual(
        pending.map((r) => [r.id, r.kind, Buffer.from(r.body).toString()]),
        [
          ['r1', 'decision', 'one'],
          ['r2', 'event', 'two'],
          ['r3', 'erase', '3'],
        ],
      );
      assert.ok(pending[0]!.seq < pending[1]!.seq && pending[1]!.seq < pending[2]!.seq);
      assert.ok(!Number.isNaN(Date.parse(pending[0]!.receivedAt)));
      assert.deepEqual(
        (await b.pendingIntake(1)).map((r) => r.id),
        ['r1'],
      );

      // A pending row can't be deleted by a writer; settled, it can.
      await a.deleteIntake(['r1']);
      assert.equal((await a.intakeStatus(['r1'])).get('r1')?.outcome, null);
      await b.settleIntake([{ id: 'r1', outcome: '{"status":"duplicate","index":4}' }]);
      // A settled row keeps its first outcome.
      await b.settleIntake([{ id: 'r1', outcome: '{"other":true}' }]);
      const status = await a.intakeStatus(['r1', 'r2', 'nope']);
      assert.deepEqual([...status.keys()].sort(), ['r1', 'r2']);
      assert.equal(status.get('r1')?.outcome, '{"status":"duplicate","index":4}');
      assert.deepEqual(
        (await b.pendingIntake(10)).map((r) => r.id),
        ['r2', 'r3'],
      );
      await a.deleteIntake(['r1']);
      assert.equal((await a.intakeStatus(['r1'])).size, 0);

      // Settled rows nobody collected go after a while; pending ones never do.
      await b.settleIntake([{ id: 'r2', outcome: '{"error":{"code":"X","message":"m"}}' }]);
      assert.equal(await b.purgeIntake(new Date(Date.now() - 3_600_000).toISOString()), 0);
      await raw.query(`UPDATE ${schema}.intake SET settled_at = now() - interval '2 hours'`);
      assert.equal(await b.purgeIntake(new Date(Date.now() - 3_600_000).toISOString()), 1);
      assert.deepEqual([...(await a.intakeStatus(['r2', 'r3'])).keys()], ['r3']);
    }),
  );

  test(
    'notices: the intake wakes the sequencer; a batch or an outcome wakes the writers',
    withStores(async (a, b) => {
      const listener = await b.openSequencerLease();
      assert.equal(await listener.tryAcquire(), true); // connects and LISTENs
      const intake = nextNotice(listener, (n) => n.kind === 'intake');
      await a.addIntake([{ id: 'n1', kind: 'decision', body: Buffer.from('x') }]);
      assert.deepEqual(await intake, { kind: 'intake' });

      const settled = nextNotice(listener, (n) => n.kind === 'settled' && n.size === 3);
      await b.appendSequencedBatch(new BatchBuilder().next(3), listener, []);
      assert.deepEqual(await settled, { kind: 'settled', size: 3 });

      const outcome = nextNotice(listener, (n) => n.kind === 'settled' && n.size === undefined);
      await a.settleIntake([{ id: 'n1', outcome: '{}' }]);
      assert.deepEqual(await outcome, { kind: 'settled' });
    }),
  );

  test(
    'a fenced batch commits under the lease and consumes its intake rows in the same transaction',
    withStores(async (a, b) => {
      const builder = new BatchBuilder();
      const batch = builder.next(4);
      const ids = batch.entries.map((e) => e.id);
      await a.addIntake(ids.map((id) => ({ id, kind: 'decision', body: Buffer.from(id) })));
      await a.addIntake([{ id: 'other', kind: 'decision', body: Buffer.from('o') }]);
      const lease = await a.openSequencerLease();
      assert.equal(await lease.tryAcquire(), true);
      await a.appendSequencedBatch(batch, lease, ids);
      assert.equal(await b.countEntries(), 4);
      assert.deepEqual(
        (await b.pendingIntake(10)).map((r) => r.id),
        ['other'],
      );
      assert.equal((await b.findIndexes(ids)).size, 4);
    }),
  );

  test(
    'a batch without the lease is STORE_LEASE_LOST, a stale one STORE_CONFLICT: nothing written or consumed',
    withStores(async (a, b, schema, raw) => {
      const builder = new BatchBuilder();
      const batch = builder.next(2);
      const ids = batch.entries.map((e) => e.id);
      await a.addIntake(ids.map((id) => ({ id, kind: 'decision', body: Buffer.from(id) })));
      const holder = await b.openSequencerLease();
      const loser = await a.openSequencerLease();
      assert.equal(await holder.tryAcquire(), true);
      assert.equal(await loser.tryAcquire(), false);
      await assert.rejects(a.appendSequencedBatch(batch, loser, ids), {
        code: 'STORE_LEASE_LOST',
      });
      // Held a moment ago, but its session died (and another process took the lock over).
      await raw.query('SELECT pg_terminate_backend($1)', [await holderPid(raw, schema)]);
      while (!(await loser.tryAcquire())) await new Promise((resolve) => setTimeout(resolve, 10));
      await assert.rejects(b.appendSequencedBatch(batch, holder, ids), {
        code: 'STORE_LEASE_LOST',
      });
      assert.equal(await a.countEntries(), 0);
      assert.equal((await a.pendingIntake(10)).length, 2);

      await a.appendSequencedBatch(batch, loser, ids);
      const stale = new BatchBuilder().next(1);
      await a.addIntake([{ id: stale.entries[0]!.id, kind: 'decision', body: Buffer.from('s') }]);
      await assert.rejects(a.appendSequencedBatch(stale, loser, [stale.entries[0]!.id]), {
        code: 'STORE_CONFLICT',
      });
      assert.equal(await a.countEntries(), 2);
      assert.deepEqual(
        (await a.pendingIntake(10)).map((r) => r.id),
        [stale.entries[0]!.id],
      );
    }),
  );

  /** Waits until `done` or some backend of the database waits for a lock; true if one does. */
  const waitsForLock = async (done: () => boolean): Promise<boolean> => {
    const watcher = new pg.Client({ connectionString: url() });
    await watcher.connect();
    try {
      for (;;) {
        const { rows } = await watcher.query(
          `SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`,
        );
        if (rows.length > 0) return true;
        if (done()) return false;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    } finally {
      await watcher.end();
    }
  };

  test(
    'opening an existing log takes no table lock: a replica starting never blocks (or deadlocks) a batch',
    withStores(async (a, b, schema, raw) => {
      await a.appendBatch(new BatchBuilder().next(1));
      // A batch being committed holds these (and row locks) until it ends.
      await raw.query('BEGIN');
      await raw.query(`LOCK TABLE ${schema}.entries, ${schema}.intake IN ROW EXCLUSIVE MODE`);
      const open = { done: false };
      const opening = openPostgresStore(url(), { schema }).finally(() => {
        open.done = true;
      });
      const blocked = await waitsForLock(() => open.done);
      await raw.query('ROLLBACK');
      await (await opening).close();
      assert.equal(blocked, false, 'opening the store waited for a table lock');
    }),
  );

  test(
    'a new sequencer loads the tree only after a batch still being committed',
    withStores(async (a, b, schema, raw) => {
      const builder = new BatchBuilder();
      await a.appendBatch(builder.next(2));
      // The previous holder, mid-batch: it holds the tree-size row.
      await raw.query('BEGIN');
      await raw.query(`SELECT value FROM ${schema}.meta WHERE key = 'tree_size' FOR UPDATE`);
      const load = { done: false };
      const state = b.loadSequencerState().finally(() => {
        load.done = true;
      });
      // The load must be blocked on that row lock (not, wrongly, already done).
      assert.equal(
        await waitsForLock(() => load.done),
        true,
        'the load did not wait for the batch being committed',
      );
      await raw.query(`UPDATE ${schema}.meta SET value = '5' WHERE key = 'tree_size'`);
      await raw.query('COMMIT');
      const { tree, checkpoint } = await state;
      assert.equal(tree.size, 5);
      assert.equal(checkpoint?.size, 2);
    }),
  );
});
