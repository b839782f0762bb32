// docket retention, holds and purge as a user runs them: a real child process, exit codes, --json.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { repoRoot } from '../support/vectors.js';
import { fixtureDecision, tempDir } from '../support/ledger-fixture.js';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');
const tmp = tempDir('docket-cli-retention-');
after(() => {
  tmp.cleanup();
});
const data = join(tmp.dir, 'data');
const docket = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DOCKET_FLUSH_INTERVAL_MS: '10' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};
const json = (r: { stdout: string }) => JSON.parse(r.stdout) as Record<string, unknown>;
const docketAsync = (...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });

test('retention set/list, holds, purge --dry-run and purge, then verify passes', () => {
  assert.equal(docket('keys', 'log-generate', '--data', data, '--origin', 'cli.test/ret').code, 0);
  const old = new Date(Date.now() - 400 * 86_400_000).toISOString();
  const records = [0, 1, 2, 3].map((i) =>
    fixtureDecision(i, {
      ts: i < 3 ? old : new Date().toISOString(),
      subject: { id: `cust-${i}`, type: 'applicant' },
    }),
  );
  const file = join(tmp.dir, 'in.jsonl');
  writeFileSync(file, records.map((r) => JSON.stringify(r)).join('\n'));
  assert.equal(docket('ingest', '--data', data, file).code, 0);

  const bad = docket(
    'retention',
    'set',
    '--data',
    data,
    '--max',
    '30d',
    '--min',
    '6mo',
    '--basis',
    'x',
  );
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /RETENTION_INVALID/);
  const set = docket(
    'retention',
    'set',
    '--data',
    data,
    '--max',
    '1y',
    '--basis',
    'GDPR Art. 5(1)(e)',
    '--json',
  );
  assert.equal(set.code, 0, set.stderr);
  const list = json(docket('retention', 'list', '--data', data, '--json')) as {
    policies: { scope: string; max: string }[];
  };
  assert.deepEqual(
    list.policies.map((p) => [p.scope, p.max]),
    [['tenant', '1y']],
  );

  const nothing = docket('holds', 'create', '--data', data, '--subject', 'nobody', '--reason', 'x');
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /HOLD_TARGET_NOT_FOUND/);
  const hold = docket(
    'holds',
    'create',
    '--data',
    data,
    '--subject',
    'cust-0',
    '--reason',
    'case 117',
    '--json',
  );
  assert.equal(hold.code, 0, hold.stderr);
  const erase = docket('erase', '--data', data, '--subject', 'cust-0', '--reason', 'DSR-1');
  assert.equal(erase.code, 2);
  assert.match(erase.stderr, /ERASURE_RESTRICTED.*17\(3\)/);

  const dry = json(docket('purge', '--data', data, '--dry-run', '--json')) as {
    purgedDecisions: number;
    kept: { id: string; reason: string }[];
  };
  assert.equal(dry.purgedDecisions, 2);
  assert.deepEqual(
    dry.kept.map((k) => k.id),
    [records[0]!.id],
  );
  const human = docket('purge', '--data', data);
  assert.equal(human.code, 0, human.stderr);
  assert.match(human.stdout, /purged 2 decisions/);
  assert.match(human.stdout, /case 117/);
  const v = docket('verify', '--data', data, '--json');
  assert.equal(v.code, 0, v.stdout);
  assert.equal(json(v)['purged'], 2);
});

test('retention, holds and purge with --url: the same through a running server (admin key)', async () => {
  const { startTestServer } = await import('../support/server.js');
  const server = await startTestServer();
  // The server runs in this process: the CLI runs as a child without blocking it.
  const docket = docketAsync;
  try {
    const admin = ['--url', server.url, '--api-key', server.keys.default.admin];
    const set = await docket(
      'retention',
      'set',
      ...admin,
      '--max',
      '6y',
      '--min',
      '6mo',
      '--basis',
      'EU AI Act Art. 19(1)',
      '--json',
    );
    assert.equal(set.code, 0, set.stderr);
    const list = json(await docket('retention', 'list', ...admin, '--json')) as {
      policies: { scope: string; max: string }[];
    };
    assert.deepEqual(
      list.policies.map((p) => [p.scope, p.max]),
      [['tenant', '6y']],
    );
    const nothing = await docket(
      'holds',
      'create',
      ...admin,
      '--agent',
      'nobody',
      '--reason',
      'case 9',
    );
    assert.equal(nothing.code, 2);
    assert.match(nothing.stderr, /HOLD_TARGET_NOT_FOUND/);
    const reader = await docket(
      'retention',
      'list',
      '--url',
      server.url,
      '--api-key',
      server.keys.default.reader,
    );
    assert.notEqual(reader.code, 0);
    assert.match(reader.stderr, /FORBIDDEN|403/);
    const dry = json(await docket('purge', ...admin, '--dry-run', '--json')) as {
      dryRun: boolean;
      purgedDecisions: number;
    };
    assert.equal(dry.dryRun, true);
    assert.equal(dry.purgedDecisions, 0);
    const holds = json(await docket('holds', 'list', ...admin, '--json')) as { active: unknown[] };
    assert.deepEqual(holds.active, []);
  } finally {
    await server.close();
  }
});
