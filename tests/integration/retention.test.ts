// Retention policies, purge receipts and legal holds (issue 18) on a real SQLite log: what a
// purge removes and keeps, that every proof still verifies after it, and that the full audit
// checks receipts both ways (content gone without a receipt; a receipt while content remains).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { DocketError } from '@docket/protocol';
import type { DecisionRecord } from '@docket/protocol';
import { auditDataDir, dataDirPaths, openLedger } from '@docket/ledger';
import type { Ledger } from '@docket/ledger';
import { fixtureDecision, tempDir, verifyReceipt } from '../support/ledger-fixture.js';

const tmp = tempDir('docket-retention-');
after(() => {
  tmp.cleanup();
});
let n = 0;

const DAY = 86_400_000;
const ago = (days: number): string => new Date(Date.now() - days * DAY).toISOString();

/** A new log with `old` decisions 400 days old and `young` ones 10 days old, 2 agents. */
async function fixture(
  old: number,
  young: number,
): Promise<{ dir: string; ledger: Ledger; records: DecisionRecord[] }> {
  const dir = join(tmp.dir, `log-${n++}`);
  const ledger = await openLedger({ dataDir: dir, create: true, flushIntervalMs: 5 });
  const records: DecisionRecord[] = [];
  for (let i = 0; i < old + young; i++) {
    const agent = { id: i % 2 === 0 ? 'underwriter' : 'fraud-check', version: '1' };
    records.push(
      fixtureDecision(i, {
        ts: ago(i < old ? 400 : 10),
        agent,
        subject: { id: `cust-${i}`, type: 'applicant' },
      }),
    );
  }
  await Promise.all(records.map((r) => ledger.append(r)));
  return { dir, ledger, records };
}

async function codeOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    assert.ok(e instanceof DocketError, String(e));
    return e.code;
  }
  assert.fail('expected an error');
}

describe('retention policies', () => {
  test('set, replace and list; each change is an entry of the log', async () => {
    const { ledger } = await fixture(1, 1);
    try {
      const first = await ledger.setRetention({
        max: '6y',
        min: '6mo',
        basis: 'EU AI Act Art. 19(1)',
      });
      await ledger.setRetention({ agent: 'fraud-check', max: '1y', basis: 'GDPR Art. 5(1)(e)' });
      const replaced = await ledger.setRetention({ max: '5y', min: '6mo', basis: 'HIPAA 164.316' });
      assert.ok(replaced.index > first.index);
      const policies = await ledger.retentionPolicies();
      assert.deepEqual(
        policies.map((p) => [p.scope, p.min, p.max, p.basis]),
        [
          ['agent:fraud-check', null, '1y', 'GDPR Art. 5(1)(e)'],
          ['tenant', '6mo', '5y', 'HIPAA 164.316'],
        ],
      );
    } finally {
      await ledger.close();
    }
  });

  test('bad input: max below min, bad duration, no basis, overlapping policies', async () => {
    const { ledger } = await fixture(1, 0);
    try {
      assert.equal(
        await codeOf(() => ledger.setRetention({ max: '30d', min: '6mo', basis: 'x' })),
        'RETENTION_INVALID',
      );
      assert.equal(
        await codeOf(() => ledger.setRetention({ max: '6 months', basis: 'x' })),
        'RETENTION_INVALID',
      );
      assert.equal(
        await codeOf(() => ledger.setRetention({ max: '6y', basis: ' ' })),
        'RETENTION_INVALID',
      );
      await ledger.setRetention({ max: '10y', min: '6y', basis: 'HIPAA' });
      // The agent's maximum would purge its decisions before the tenant's minimum.
      assert.equal(
        await codeOf(() =>
          ledger.setRetention({ agent: 'underwriter', max: '30d', basis: 'GDPR' }),
        ),
        'RETENTION_CONFLICT',
      );
      await ledger.setRetention({ agent: 'underwriter', max: '7y', basis: 'GDPR' });
      // And a tenant-wide minimum past that agent's maximum.
      assert.equal(
        await codeOf(() => ledger.setRetention({ max: '10y', min: '8y', basis: 'HIPAA' })),
        'RETENTION_CONFLICT',
      );
      assert.equal((await ledger.retentionPolicies()).length, 2);
    } finally {
      await ledger.close();
    }
  });
});

describe('purge', () => {
  test('removes the content of decisions past the maximum and their events; every proof still verifies; the audit passes', async () => {
    const { dir, ledger, records } = await fixture(6, 4);
    const old = records.slice(0, 6);
    await ledger.appendEvent(old[0]!.id, {
      fields: { kind: 'override', actor: 'j.doe', reason: 'manual' },
    });
    await ledger.setRetention({ max: '1y', basis: 'GDPR Art. 5(1)(e)' });
    const dry = await ledger.purge({ dryRun: true });
    assert.equal(dry.purgedDecisions, 6);
    assert.equal(
      (await ledger.read(old[0]!.id)).fields !== null,
      true,
      'a dry run changes nothing',
    );
    const report = await ledger.purge({ batchSize: 4 });
    assert.equal(report.purgedDecisions, 6);
    assert.equal(report.purgedEntries, 7); // and the event
    assert.equal(report.batches.length, 2);
    for (const r of old) {
      const read = await ledger.read(r.id);
      assert.equal(read.fields, null);
      assert.deepEqual([read.purged, read.erased], [true, false], 'purged, not erased');
      verifyReceipt(await ledger.receipt(r.id), ledger.vkey);
    }
    for (const r of records.slice(6)) {
      const read = await ledger.read(r.id);
      assert.notEqual(read.fields, null);
      assert.equal(read.purged, false);
    }
    assert.equal((await ledger.search({ limit: 100 })).length, 4, 'purged decisions leave search');
    assert.equal((await ledger.purge()).purgedDecisions, 0, 'a second purge finds nothing');
    await ledger.close();
    const audit = await auditDataDir(dir);
    assert.deepEqual(audit.issues, []);
    assert.equal(audit.purged, 7);
  });

  test('content removed without a receipt → CONTENT_MISSING; a receipt while content remains → PURGE_RECEIPT_CONTENT_REMAINS', async () => {
    const { dir, ledger, records } = await fixture(2, 1);
    await ledger.setRetention({ max: '1y', basis: 'GDPR' });
    const young = await ledger.read(records[2]!.id);
    const purged = await ledger.read(records[0]!.id);
    await ledger.purge();
    await ledger.close();
    const copy = (name: string, tamper: (db: Database.Database) => void): string => {
      const to = join(tmp.dir, `${name}-${n++}`);
      cpSync(dir, to, { recursive: true });
      const db = new Database(dataDirPaths(to).db);
      try {
        tamper(db);
      } finally {
        db.close();
      }
      return to;
    };
    // The young decision's content deleted by hand: no receipt names it.
    const stripped = copy('stripped', (db) => {
      db.prepare('DELETE FROM contents WHERE idx = ?').run(young.index);
    });
    const a = await auditDataDir(stripped);
    // Its search row, left behind, is no longer what the (absent) content gives: reported too.
    assert.deepEqual(
      a.issues.filter((i) => i.severity === 'error').map((i) => [i.code, i.where]),
      [
        ['CONTENT_MISSING', `entry ${young.index}`],
        ['SEARCH_ROW_EXTRA', `entry ${young.index}`],
      ],
    );
    // A purged decision's content put back (taken from the young one: any bytes will do).
    const restored = copy('restored', (db) => {
      const body = (
        db.prepare('SELECT body FROM contents WHERE idx = ?').get(young.index) as { body: Buffer }
      ).body;
      db.prepare('INSERT INTO contents (idx, body) VALUES (?, ?)').run(purged.index, body);
    });
    const b = await auditDataDir(restored);
    assert.ok(
      b.issues.some(
        (i) => i.code === 'PURGE_RECEIPT_CONTENT_REMAINS' && i.where === `entry ${purged.index}`,
      ),
      JSON.stringify(b.issues),
    );
  });
});

describe('purge leaves nothing readable in the files', () => {
  test('a purge checkpoints the WAL: the purged content is in neither ledger.db nor ledger.db-wal', async () => {
    const dir = join(tmp.dir, `log-${n++}`);
    const ledger = await openLedger({ dataDir: dir, create: true, flushIntervalMs: 5 });
    // Decisions without a subject are stored in clear: their words are findable in the files.
    const marker = `PurgeMarker${randomBytes(6).toString('hex')}`;
    const records = [0, 3, 6].map((i) => {
      const r = fixtureDecision(i, { ts: ago(400), goal: `${marker} goal ${i}` });
      delete (r as { subject?: unknown }).subject;
      return r;
    });
    const db = dataDirPaths(dir).db;
    const onDisk = (): { file: string; holds: boolean }[] =>
      [db, `${db}-wal`].map((file) => ({
        file,
        holds: existsSync(file) && readFileSync(file).includes(marker),
      }));
    try {
      await Promise.all(records.map((r) => ledger.append(r)));
      assert.ok(
        onDisk().some((f) => f.holds),
        'the content is not in the files before the purge: this test would prove nothing',
      );
      await ledger.setRetention({ max: '1y', basis: 'GDPR Art. 5(1)(e)' });
      const report = await ledger.purge();
      assert.equal(report.purgedDecisions, 3);
      // Checked while the log is open: closing it would checkpoint the WAL anyway.
      assert.deepEqual(
        onDisk().filter((f) => f.holds),
        [],
        'purged content still readable in the store files',
      );
    } finally {
      await ledger.close();
    }
  });
});

describe('legal holds', () => {
  test('a held decision is never purged; released, it is', async () => {
    const { ledger, records } = await fixture(4, 0);
    try {
      await ledger.setRetention({ max: '1y', basis: 'GDPR' });
      const bySubject = await ledger.placeHold({ subjectId: 'cust-0' }, 'litigation 2026-117');
      await ledger.placeHold({ decisionId: records[1]!.id }, 'regulator inquiry');
      const report = await ledger.purge();
      assert.equal(report.purgedDecisions, 2);
      assert.deepEqual(
        report.kept.map((k) => k.id).sort(),
        [records[0]!.id, records[1]!.id].sort(),
      );
      assert.match(report.kept.find((k) => k.id === records[0]!.id)!.reason, /litigation 2026-117/);
      await ledger.releaseHold(bySubject.id, 'case closed');
      assert.equal((await ledger.holds()).active.length, 1);
      assert.equal((await ledger.purge()).purgedDecisions, 1);
      assert.notEqual((await ledger.read(records[1]!.id)).fields, null);
    } finally {
      await ledger.close();
    }
  });

  test('an agent hold keeps every decision of the agent under a tenant-wide policy', async () => {
    const { ledger } = await fixture(4, 0);
    try {
      await ledger.setRetention({ max: '1y', basis: 'GDPR' });
      await ledger.placeHold({ agent: 'underwriter' }, 'model audit');
      const report = await ledger.purge();
      assert.equal(report.purgedDecisions, 2);
      assert.equal(report.kept.length, 2);
    } finally {
      await ledger.close();
    }
  });

  test('a hold on nothing, a release of no hold, a hold with no reason are refused', async () => {
    const { ledger } = await fixture(1, 0);
    try {
      assert.equal(
        await codeOf(() => ledger.placeHold({ subjectId: 'nobody' }, 'x')),
        'HOLD_TARGET_NOT_FOUND',
      );
      assert.equal(
        await codeOf(() => ledger.placeHold({ agent: 'no-agent' }, 'x')),
        'HOLD_TARGET_NOT_FOUND',
      );
      assert.equal(
        await codeOf(() => ledger.placeHold({ decisionId: 'nope' }, 'x')),
        'HOLD_TARGET_NOT_FOUND',
      );
      assert.equal(
        await codeOf(() => ledger.placeHold({ subjectId: 'cust-0' }, ' ')),
        'REASON_REQUIRED',
      );
      assert.equal(await codeOf(() => ledger.releaseHold('nope', 'x')), 'HOLD_NOT_FOUND');
    } finally {
      await ledger.close();
    }
  });

  test('erasure is refused under a hold or a minimum retention (GDPR Art. 17(3)), and works without', async () => {
    const { ledger, records } = await fixture(2, 2);
    try {
      const hold = await ledger.placeHold({ subjectId: 'cust-0' }, 'litigation 2026-117');
      const held = await ledger.erase('cust-0', 'request #1').catch((e: unknown) => e);
      assert.ok(held instanceof DocketError && held.code === 'ERASURE_RESTRICTED');
      assert.match(held.message, /Art\. 17\(3\)\(e\)/);
      assert.equal(held.where, `hold ${hold.id}`);
      await ledger.setRetention({ max: '6y', min: '6mo', basis: 'EU AI Act Art. 19(1)' });
      // cust-3 decided 10 days ago: within the six months' minimum.
      const min = await ledger.erase('cust-3', 'request #2').catch((e: unknown) => e);
      assert.ok(min instanceof DocketError && min.code === 'ERASURE_RESTRICTED');
      assert.match(min.message, /Art\. 17\(3\)\(b\).*EU AI Act Art\. 19\(1\)/);
      // cust-1 decided 400 days ago, under no hold: erased as before.
      assert.equal((await ledger.erase('cust-1', 'request #3')).keysDestroyed, 1);
      const erased = await ledger.read(records[1]!.id);
      assert.deepEqual([erased.erased, erased.purged], [true, false], 'erased, not purged');
    } finally {
      await ledger.close();
    }
  });
});
