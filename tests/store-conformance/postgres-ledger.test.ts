// The whole ledger on PostgreSQL: appends, receipts, erasure, the full audit and tamper detection,
// the refusal of a second writer, and the CLI with --pg — on a throwaway PostgreSQL 15 cluster.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { auditDataDir, openLedger } from '@docket/ledger';
import { fixtureDecision, tempDir, verifyReceipt } from '../support/ledger-fixture.js';
import { postgresAvailable, usePostgresCluster } from '../support/postgres.js';
import { repoRoot } from '../support/vectors.js';

describe('the ledger on PostgreSQL', postgresAvailable(), () => {
  const cluster = usePostgresCluster();
  const tmp = tempDir('docket-pg-ledger-');
  after(() => {
    tmp.cleanup();
  });
  const freshDatabase = (): Promise<string> => cluster.freshDatabase('ledger');

  test('appends, receipts, erasure and a clean audit; tampering in SQL is caught', async () => {
    const pgUrl = await freshDatabase();
    const dataDir = join(tmp.dir, 'a');
    const ledger = await openLedger({
      dataDir,
      pgUrl,
      origin: 'pg.docket.local/log',
      flushIntervalMs: 5,
    });
    const records = Array.from({ length: 20 }, (_, i) => fixtureDecision(i));
    await Promise.all(records.map((r) => ledger.append(r)));
    for (const r of records) verifyReceipt(await ledger.receipt(r.id), ledger.vkey);
    assert.equal((await ledger.append(records[0]!)).status, 'duplicate');
    const erased = await ledger.erase('applicant-1', 'DSR on PostgreSQL');
    assert.equal(erased.keysDestroyed, 1);
    assert.equal((await ledger.read(records[1]!.id)).erased, true);
    await ledger.close();

    const report = await auditDataDir(dataDir, { pgUrl });
    assert.deepEqual(
      report.issues.filter((i) => i.severity !== 'warning'),
      [],
    );
    assert.equal(report.tombstones, 1);
    assert.ok(report.erased.includes(records[1]!.id));

    // Change a clear content row and delete an entry, as someone with database access could.
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    try {
      const row = await client.query<{ idx: string; body: Buffer }>(
        'SELECT c.idx, c.body FROM docket.contents c JOIN docket.entries e ON e.idx = c.idx WHERE e.kid IS NULL ORDER BY c.idx LIMIT 1',
      );
      const content = JSON.parse(row.rows[0]!.body.toString()) as { fields: { goal: string } };
      content.fields.goal = 'something else';
      await client.query('UPDATE docket.contents SET body = $1 WHERE idx = $2', [
        Buffer.from(JSON.stringify(content)),
        row.rows[0]!.idx,
      ]);
      await client.query('DELETE FROM docket.entries WHERE idx = 7');
    } finally {
      await client.end();
    }
    const codes = (await auditDataDir(dataDir, { pgUrl })).issues
      .filter((i) => i.severity !== 'warning')
      .map((i) => i.code);
    assert.ok(codes.includes('CONTENT_CHANGED'), codes.join());
    assert.ok(codes.includes('ENTRY_MISSING'), codes.join());
  });

  test('a second writer on the same PostgreSQL log is refused: no fork', async () => {
    const pgUrl = await freshDatabase();
    const dataDir = join(tmp.dir, 'b');
    const first = await openLedger({ dataDir, pgUrl, flushIntervalMs: 5 });
    const second = await openLedger({ dataDir, pgUrl, flushIntervalMs: 5 });
    await first.append(fixtureDecision(1));
    await assert.rejects(
      second.append(fixtureDecision(2)),
      (e: { code: string }) => e.code === 'STORE_CONFLICT',
    );
    await first.close();
    await second.close();
    assert.equal((await auditDataDir(dataDir, { pgUrl })).ok, true);
  });

  test('the CLI with --pg: ingest, verify, log', async () => {
    const pgUrl = await freshDatabase();
    const dataDir = join(tmp.dir, 'c');
    const file = join(tmp.dir, 'c.jsonl');
    writeFileSync(file, [3, 4, 5].map((i) => JSON.stringify(fixtureDecision(i))).join('\n'));
    const docket = (...args: string[]): { code: number | null; stdout: string; stderr: string } => {
      const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');
      const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const ingest = docket('ingest', '--data', dataDir, '--pg', pgUrl, file, '--json');
    assert.equal(ingest.code, 0, ingest.stderr);
    assert.equal((JSON.parse(ingest.stdout) as { accepted: number }).accepted, 3);
    const verify = docket('verify', '--data', dataDir, '--pg', pgUrl);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const log = docket('log', '--data', dataDir, '--pg', pgUrl, '--json');
    assert.equal((JSON.parse(log.stdout) as { size: number }).size, 3);
    // Without --pg the same data directory has no SQLite log: a clear error, not an empty log.
    assert.equal(docket('verify', '--data', dataDir).code, 2);
  });
});
