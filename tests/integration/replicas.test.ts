// Several server replicas on one PostgreSQL log (`shared: true`): any replica accepts writes,
// exactly one sequences at a time (a session advisory lock), and another takes over when it dies.
// Real processes killed with SIGKILL under load, and in-process replicas for the finer points; on a
// throwaway PostgreSQL 15 cluster.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { auditDataDir, openLedger } from '@docket/ledger';
import type { Ledger } from '@docket/ledger';
import { sequencerLock } from '@docket/store';
import type { DecisionRecord } from '@docket/protocol';
import { fixtureDecision, tempDir, verifyReceipt } from '../support/ledger-fixture.js';
import { postgresAvailable, usePostgresCluster } from '../support/postgres.js';
import {
  createIngestKey,
  ReplicaAppendError,
  sequencerPid,
  startReplica,
  startServerReplica,
} from '../support/replicas.js';
import type { Replica } from '../support/replicas.js';
import { repoRoot } from '../support/vectors.js';

/** Acknowledged appends a phase waits for, before a kill and after it. */
const PER_PHASE = 150;
const KILLS = 2;
const WINDOW = 16;

interface Ack {
  readonly id: string;
  readonly index: number;
  readonly status: 'accepted' | 'duplicate';
  readonly replica: string;
  readonly sentAt: number;
  readonly ackedAt: number;
}

/**
 * Keeps `WINDOW` appends in flight on each replica it runs on, until stopped; every seventh
 * decision is also sent to a second replica at once (the same id twice: idempotency under load).
 */
class Load {
  readonly acks: Ack[] = [];
  /** Appends a running replica refused: must stay empty. */
  readonly refused: string[] = [];
  /** Ids sent to two replicas at once. */
  readonly sentTwice = new Set<string>();
  #next = 0;
  #stopped = false;
  readonly #watchers = new Set<() => void>();
  readonly #replicas: () => Replica[];

  constructor(replicas: () => Replica[]) {
    this.#replicas = replicas;
  }

  run(replica: Replica): Promise<void> {
    return Promise.all(Array.from({ length: WINDOW }, () => this.#loop(replica))).then(
      () => undefined,
    );
  }

  stop(): void {
    this.#stopped = true;
  }

  /** Resolves once `ready()` holds (checked after every acknowledgement). */
  until(ready: () => boolean): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const watch = (): void => {
        if (!ready()) return;
        this.#watchers.delete(watch);
        resolve();
      };
      this.#watchers.add(watch);
    });
  }

  async #loop(replica: Replica): Promise<void> {
    while (!this.#stopped && replica.alive) {
      const i = this.#next++;
      const record = fixtureDecision(i);
      const targets = [replica];
      const other = this.#replicas().find((r) => r !== replica && r.alive);
      if (i % 7 === 0 && other !== undefined) {
        targets.push(other);
        this.sentTwice.add(record.id);
      }
      await Promise.all(targets.map((r) => this.#send(r, record)));
    }
  }

  async #send(replica: Replica, record: DecisionRecord): Promise<void> {
    const sentAt = performance.now();
    try {
      const ack = await replica.append(record);
      this.acks.push({ ...ack, replica: replica.name, sentAt, ackedAt: performance.now() });
      for (const watch of [...this.#watchers]) watch();
    } catch (e) {
      // An append in flight on a replica that was killed is simply unanswered.
      if (e instanceof ReplicaAppendError && e.code === 'REPLICA_DIED' && !replica.alive) return;
      this.refused.push(`${replica.name} ${record.id}: ${String(e)}`);
    }
  }
}

describe('server replicas on one PostgreSQL log', postgresAvailable(), () => {
  const cluster = usePostgresCluster();
  const tmp = tempDir('docket-replicas-');
  after(() => {
    tmp.cleanup();
  });
  const freshDatabase = (): Promise<string> => cluster.freshDatabase('replicas');

  /** Runs `query` on a short-lived connection. */
  const sql = async <R extends pg.QueryResultRow>(
    url: string,
    query: string,
    values: unknown[] = [],
  ): Promise<R[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<R>(query, values)).rows;
    } finally {
      await client.end();
    }
  };

  const treeSize = async (url: string): Promise<number> =>
    Number(
      (
        await sql<{ value: string }>(url, "SELECT value FROM docket.meta WHERE key = 'tree_size'")
      )[0]?.value ?? 0,
    );

  /** The audit's errors (warnings, such as producer gaps from unanswered appends, aside). */
  const auditErrors = async (dataDir: string, pgUrl: string): Promise<string[]> =>
    (await auditDataDir(dataDir, { pgUrl })).issues
      .filter((i) => i.severity !== 'warning')
      .map((i) => `${i.code}: ${i.message}`);

  for (const kind of ['docket serve', 'ledger'] as const) {
    test(
      `three ${kind} replica processes under load, the sequencing one SIGKILLed ${KILLS} times: every acknowledged decision once, no fork`,
      { timeout: 300_000 },
      async (t) => {
        const pgUrl = await freshDatabase();
        const dataDir = join(tmp.dir, kind === 'ledger' ? 'processes' : 'servers');
        const env = { DOCKET_FLUSH_INTERVAL_MS: '10' };
        const replicas: Replica[] = [];
        let started = 0;
        // Server replicas take an ingest key made beforehand; ledger replicas append directly.
        const apiKey = kind === 'docket serve' ? await createIngestKey(pgUrl) : '';
        const start = async (): Promise<Replica> => {
          const options = { name: `r${++started}`, dataDir, pgUrl, env };
          const replica =
            kind === 'ledger'
              ? await startReplica(options)
              : await startServerReplica(options, apiKey);
          replicas.push(replica);
          return replica;
        };
        const load = new Load(() => replicas);
        const loops: Promise<void>[] = [];
        const kills: { victim: string; sizeAtKill: number; takeoverMs: number }[] = [];
        try {
          // The first replica creates the log (keys, first checkpoint); the others join it.
          await start();
          await start();
          await start();
          for (const r of replicas) loops.push(load.run(r));

          for (let k = 0; k < KILLS; k++) {
            const before = load.acks.length;
            await load.until(() => load.acks.length >= before + PER_PHASE);
            // The sequencer, as PostgreSQL sees it: the holder of the log's advisory lock.
            let victim: Replica | undefined;
            while (victim === undefined) {
              const pid = await sequencerPid(pgUrl);
              victim = replicas.find((r) => r.alive && r.pid === pid);
            }
            const killed = victim;
            const killedAt = performance.now();
            await killed.kill();
            // What the dead sequencer had committed: anything past it was sequenced by another.
            const sizeAtKill = await treeSize(pgUrl);
            // The survivors keep the load; a new replica joins so that three run again.
            loops.push(load.run(await start()));
            const fromSurvivors = (): Ack[] =>
              load.acks.filter((a) => a.sentAt > killedAt && a.replica !== killed.name);
            await load.until(() => fromSurvivors().length >= PER_PHASE);
            // A new sequencer took over: the log grew past its size at the kill.
            const beyond = load.acks.filter((a) => a.index >= sizeAtKill);
            assert.ok(beyond.length > 0, `nothing was sequenced after ${killed.name} was killed`);
            kills.push({
              victim: killed.name,
              sizeAtKill,
              takeoverMs: Math.round(Math.min(...beyond.map((a) => a.ackedAt)) - killedAt),
            });
          }
          load.stop();
          await Promise.all(loops);
          // Graceful stops: each answers what it has in flight, handing the lease on.
          for (const r of replicas) await r.stop();
        } finally {
          load.stop();
          for (const r of replicas) await r.kill();
        }

        assert.deepEqual(load.refused, [], 'a running replica refused an append');
        const entries = await sql<{ id: string; idx: string }>(
          pgUrl,
          'SELECT id, idx FROM docket.entries ORDER BY idx',
        );
        // Indices 0..n-1, no gap, no id twice.
        entries.forEach((e, i) => {
          assert.equal(Number(e.idx), i, `gap or reordering at ${i}`);
        });
        const indexOf = new Map(entries.map((e) => [e.id, Number(e.idx)]));
        assert.equal(indexOf.size, entries.length, 'an id is in the log twice');
        // Every acknowledged decision is in the log at the index it was acknowledged with. A
        // decision sent once is "accepted" (even if its sequencer died meanwhile); one sent to two
        // replicas got one index, and at most one of them says "accepted".
        const byId = new Map<string, Ack[]>();
        for (const ack of load.acks) byId.set(ack.id, [...(byId.get(ack.id) ?? []), ack]);
        for (const [id, acks] of byId) {
          for (const ack of acks) assert.equal(indexOf.get(id), ack.index, `${id} moved`);
          const accepted = acks.filter((a) => a.status === 'accepted').length;
          if (load.sentTwice.has(id)) assert.ok(accepted <= 1, `${id} accepted twice`);
          else assert.equal(accepted, 1, `${id}, sent once, was not acknowledged as accepted`);
        }
        const twice = [...byId.values()].filter((acks) => acks.length === 2).length;
        assert.ok(twice > 0, 'no decision was sent to two replicas');
        // Nothing left stranded in the intake.
        const pending = await sql<{ n: string }>(
          pgUrl,
          'SELECT count(*) AS n FROM docket.intake WHERE outcome IS NULL',
        );
        assert.equal(Number(pending[0]?.n), 0);
        // One sequencer at a time: every checkpoint extends the one before (strictly larger).
        const sizes = (
          await sql<{ size: string }>(pgUrl, 'SELECT size FROM docket.checkpoints ORDER BY seq')
        ).map((r) => Number(r.size));
        for (let i = 1; i < sizes.length; i++) assert.ok(sizes[i]! > sizes[i - 1]!, `at ${i}`);
        assert.equal(sizes[sizes.length - 1], entries.length);
        assert.deepEqual(await auditErrors(dataDir, pgUrl), []);
        const verify = spawnSync(
          process.execPath,
          [
            join(repoRoot, 'packages', 'cli', 'bin', 'docket.js'),
            'verify',
            '--data',
            dataDir,
            '--pg',
            pgUrl,
          ],
          { encoding: 'utf8' },
        );
        assert.equal(verify.status, 0, verify.stdout + verify.stderr);
        t.diagnostic(
          `${byId.size} decisions acknowledged (${twice} sent to two replicas), ${entries.length} entries, ` +
            `${sizes.length} checkpoints, ${started} replicas started; kills: ` +
            kills
              .map(
                (k) =>
                  `${k.victim} (the sequencer) at size ${k.sizeAtKill}, first entry past it acknowledged ${k.takeoverMs} ms after the kill`,
              )
              .join('; '),
        );
      },
    );
  }

  /** A shared ledger of the test's data directory; closed by the test. */
  const openShared = (dataDir: string, pgUrl: string): Promise<Ledger> =>
    openLedger({ dataDir, pgUrl, shared: true, flushIntervalMs: 5, origin: 'replicas.test/log' });

  test('a write through a replica that does not sequence: durable, idempotent, sealed in the intake', async () => {
    const pgUrl = await freshDatabase();
    const dataDir = join(tmp.dir, 'non-sequencer');
    const a = await openShared(dataDir, pgUrl);
    const b = await openShared(dataDir, pgUrl);
    const holder = new pg.Client({ connectionString: pgUrl });
    await holder.connect();
    try {
      assert.equal(a.stats().sequencer, true);
      assert.equal(b.stats().sequencer, false);
      const record = fixtureDecision(1);
      const first = await b.append(record);
      assert.equal(first.status, 'accepted');
      assert.deepEqual(await b.append(record), { ...first, status: 'duplicate' });
      assert.deepEqual(await a.append(record), { ...first, status: 'duplicate' });
      // The same id twice at once through the replica: one entry.
      const twin = fixtureDecision(2);
      const both = await Promise.all([b.append(twin), b.append(twin)]);
      assert.deepEqual(both.map((r) => r.status).sort(), ['accepted', 'duplicate']);
      assert.equal(both[0].index, both[1].index);
      verifyReceipt(await b.receipt(record.id), b.vkey);
      assert.deepEqual((await b.read(record.id)).fields?.['goal'], record.goal);
      assert.equal((await b.info()).size, (await a.info()).size);

      // Events and access entries through the replica; refusals come back with their code.
      const event = await b.appendEvent(record.id, { fields: { kind: 'override', actor: 'j' } });
      assert.equal(event.status, 'accepted');
      assert.equal((await a.events(record.id))[0]?.index, event.index);
      // An id another kind of entry has: ID_CONFLICT through either replica, never a duplicate.
      const clash = { ...fixtureDecision(3), id: event.id };
      await assert.rejects(b.append(clash), { code: 'ID_CONFLICT' });
      await assert.rejects(a.append(clash), { code: 'ID_CONFLICT' });
      await assert.rejects(b.appendEvent('not-there', { fields: { kind: 'x' } }), {
        code: 'DECISION_NOT_FOUND',
      });
      assert.equal((await b.appendAccess({ actor: 'k', action: 'read' })).status, 'accepted');

      // An erasure through the replica; the sequencer forgets its cached key for the subject,
      // so a later decision about the same subject is readable, under a new key.
      const subject = record.subject!.id;
      const erased = await b.erase(subject, 'DSR #1');
      assert.ok(erased.keysDestroyed >= 1 && erased.tombstone !== null);
      assert.equal((await a.read(record.id)).erased, true);
      const later = fixtureDecision(16); // the same subject as 1 (applicant-1)
      assert.equal(later.subject?.id, subject);
      await b.append(later);
      const read = await a.read(later.id);
      assert.equal(read.erased, false);
      assert.notEqual(read.envelope.kid, (await a.read(record.id)).envelope.kid);
      await assert.rejects(b.erase('nobody-at-all', 'DSR #2'), { code: 'SUBJECT_NOT_FOUND' });

      // With the lease held elsewhere (here: by hand, queued behind the sequencer, so it gets
      // the lock when the sequencer closes), a write waits in the intake, sealed.
      const lock = sequencerLock('docket');
      const locked = holder.query('SELECT pg_advisory_lock($1::bigint)', [lock.key]);
      const queued = "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted";
      while ((await sql(pgUrl, queued)).length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await a.close();
      await locked;
      assert.equal(b.stats().sequencer, false);
      const third = fixtureDecision(11);
      const waiting = b.append(third);
      let row: { body: Buffer }[] = [];
      while (row.length === 0) {
        row = (await holder.query<{ body: Buffer }>('SELECT body FROM docket.intake')).rows;
      }
      const raw = row[0]!.body.toString('latin1');
      for (const clear of [third.id, third.subject!.id, third.goal!]) {
        assert.ok(!raw.includes(clear), `the intake holds "${clear}" in clear`);
      }
      // The lock freed, the replica takes over and sequences its own write.
      await holder.query('SELECT pg_advisory_unlock($1::bigint)', [lock.key]);
      assert.equal((await waiting).status, 'accepted');
      assert.equal(b.stats().sequencer, true);
    } finally {
      await holder.end();
      await a.close();
      await b.close();
    }
    assert.deepEqual(await auditErrors(dataDir, pgUrl), []);
  });

  test('two replicas under concurrent load, the lease lost mid-load: never two sequencers', async () => {
    const pgUrl = await freshDatabase();
    const dataDir = join(tmp.dir, 'lost-lease');
    const a = await openShared(dataDir, pgUrl);
    const b = await openShared(dataDir, pgUrl);
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    const results: Promise<unknown>[] = [];
    try {
      let i = 0;
      const burst = (n: number): void => {
        for (let j = 0; j < n; j++, i++)
          results.push((i % 2 === 0 ? a : b).append(fixtureDecision(i)));
      };
      burst(200);
      // The sequencer's lease connection dies (as on a network cut): it must stop sequencing,
      // and one replica (it or the other) takes the lease again.
      const lock = sequencerLock('docket');
      const { rows } = await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
         AND classid = $1::oid AND objid = $2::oid`,
        [lock.classid, lock.objid],
      );
      assert.equal(rows.length, 1);
      await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
      burst(200);
      const settled = await Promise.allSettled(results);
      const refused = settled.filter((s) => s.status === 'rejected');
      assert.deepEqual(refused, [], 'an append was refused (STORE_CONFLICT must never surface)');
      assert.equal([a.stats().sequencer, b.stats().sequencer].filter(Boolean).length <= 1, true);
    } finally {
      await admin.end();
      await a.close();
      await b.close();
    }
    const sizes = (
      await sql<{ size: string }>(pgUrl, 'SELECT size FROM docket.checkpoints ORDER BY seq')
    ).map((r) => Number(r.size));
    for (let k = 1; k < sizes.length; k++) assert.ok(sizes[k]! > sizes[k - 1]!, `at ${k}`);
    assert.equal(sizes[sizes.length - 1], 400);
    assert.deepEqual(await auditErrors(dataDir, pgUrl), []);
  });

  test('replicas join while the sequencer publishes checkpoints: none refuses to start', async () => {
    const pgUrl = await freshDatabase();
    const dataDir = join(tmp.dir, 'joining');
    const sequencer = await openShared(dataDir, pgUrl);
    const writing = { on: true };
    let i = 0;
    const load = (async () => {
      while (writing.on) {
        await Promise.all(Array.from({ length: 32 }, () => sequencer.append(fixtureDecision(i++))));
      }
    })();
    // Awaited at the end; a refusal meanwhile must not count as an unhandled rejection.
    load.catch(() => undefined);
    try {
      // Each start reads the published checkpoint file, which the sequencer rewrites after
      // every batch. Read after the store instead of before, it can look ahead of the store
      // (STORE_BEHIND_CHECKPOINT): a race, which this loop hits in most runs.
      for (let n = 0; n < 40; n++) {
        const replica = await openShared(dataDir, pgUrl);
        try {
          assert.equal(replica.stats().sequencer, false);
        } finally {
          await replica.close();
        }
      }
    } finally {
      writing.on = false;
      await Promise.allSettled([load]);
      await sequencer.close();
    }
    await load;
    assert.ok(i > 0);
    assert.deepEqual(await auditErrors(dataDir, pgUrl), []);
  });

  test('shared needs PostgreSQL: OPTION_INVALID, from the option or DOCKET_SHARED', async () => {
    const dataDir = join(tmp.dir, 'sqlite');
    await assert.rejects(openLedger({ dataDir, shared: true }), { code: 'OPTION_INVALID' });
    process.env['DOCKET_SHARED'] = '1';
    try {
      await assert.rejects(openLedger({ dataDir }), {
        code: 'OPTION_INVALID',
        where: 'DOCKET_SHARED',
      });
      process.env['DOCKET_SHARED'] = 'yes';
      await assert.rejects(openLedger({ dataDir, pgUrl: 'postgres://x/y' }), {
        code: 'OPTION_INVALID',
      });
    } finally {
      delete process.env['DOCKET_SHARED'];
    }
  });
});
