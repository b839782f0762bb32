// The docket CLI as a user runs it: a real child process, real files, exit codes and --json.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { repoRoot } from '../support/vectors.js';
import { fixtureDecision, tempDir } from '../support/ledger-fixture.js';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
/** Runs the docket binary in a child process, with `input` on its stdin. */
const docketWithInput = (input: string | undefined, ...args: string[]): Run => {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DOCKET_FLUSH_INTERVAL_MS: '10' },
    ...(input === undefined ? {} : { input }),
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};
const docket = (...args: string[]): Run => docketWithInput(undefined, ...args);
const json = (r: { stdout: string }): Record<string, unknown> =>
  JSON.parse(r.stdout) as Record<string, unknown>;

describe('docket CLI', () => {
  const tmp = tempDir('docket-cli-');
  const data = join(tmp.dir, 'data');
  after(() => {
    tmp.cleanup();
  });

  test('keys log-generate makes a 0600 key and prints the vkey; refuses to replace it', () => {
    const r = docket('keys', 'log-generate', '--data', data, '--origin', 'cli.test/log', '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.match(String(json(r)['vkey']), /^cli\.test\/log\+[0-9a-f]{8}\+/);
    const again = docket('keys', 'log-generate', '--data', data, '--origin', 'cli.test/log');
    assert.equal(again.code, 2);
    assert.match(again.stderr, /KEY_EXISTS/);
  });

  test('ingest reports accepted, duplicate and rejected lines with reasons', () => {
    const good = [fixtureDecision(1), fixtureDecision(2), fixtureDecision(3)];
    const lines = [
      ...good.map((r) => JSON.stringify(r)),
      JSON.stringify(good[0]),
      '{"id": 1, "id": 2}',
      JSON.stringify({ ...fixtureDecision(4), schema: 'docket.decision/v9' }),
      'not json',
      '',
    ];
    const file = join(tmp.dir, 'in.jsonl');
    writeFileSync(file, lines.join('\n'));
    const r = docket('ingest', '--data', data, file, '--json');
    assert.equal(r.code, 1, r.stderr);
    const out = json(r) as {
      accepted: number;
      duplicate: number;
      rejected: number;
      rejectedLines: { line: number; issues: { code: string }[] }[];
    };
    assert.deepEqual([out.accepted, out.duplicate, out.rejected], [3, 1, 3]);
    assert.deepEqual(
      out.rejectedLines.map((l) => [l.line, l.issues[0]!.code]),
      [
        [5, 'DUPLICATE_KEY'],
        [6, 'SCHEMA_VERSION_UNKNOWN'],
        [7, 'INVALID_JSON'],
      ],
    );
    const human = docket('ingest', '--data', data, file);
    assert.match(human.stdout, /duplicate 4/);
    assert.match(human.stdout, /line 5: DUPLICATE_KEY/);
  });

  test('ingest - reads JSON Lines from stdin', () => {
    const records = [fixtureDecision(20), fixtureDecision(21)];
    const r = docketWithInput(
      records.map((x) => JSON.stringify(x)).join('\n'),
      'ingest',
      '--data',
      join(tmp.dir, 'stdin-data'),
      '-',
      '--json',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal((json(r) as { accepted: number }).accepted, 2);
  });

  test('Ctrl-C during ingest: what was read is made durable and reported, exit 130', async () => {
    const child = spawn(
      process.execPath,
      [bin, 'ingest', '--data', join(tmp.dir, 'sigint-data'), '-', '--json'],
      {
        env: { ...process.env, DOCKET_FLUSH_INTERVAL_MS: '10' },
      },
    );
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.stdin.write(
      Array.from({ length: 100 }, (_, i) => JSON.stringify(fixtureDecision(200 + i))).join('\n') +
        '\n',
    );
    // stdin stays open: the reader is waiting for more when the interrupt comes. Interrupt once
    // all 100 are in the ledger (a loaded machine may take seconds just to start the process).
    const ledgerDb = join(tmp.dir, 'sigint-data', 'ledger.db');
    for (let stored = 0; stored < 100;) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      if (!existsSync(ledgerDb)) continue;
      const db = new Database(ledgerDb, { readonly: true, fileMustExist: true });
      try {
        stored = (db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n;
      } catch {
        // the schema is not there yet
      } finally {
        db.close();
      }
    }
    child.kill('SIGINT');
    assert.equal(await exited, 130);
    const out = JSON.parse(stdout) as { accepted: number; interruptedAtLine: number; ok: boolean };
    assert.equal(out.accepted, 100);
    assert.equal(out.interruptedAtLine, 100);
    assert.equal(out.ok, false);
    child.stdin.destroy();
  });

  test('verify passes on an honest log (exit 0) and log shows origin, size and checkpoint', () => {
    const v = docket('verify', '--data', data);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /OK: the log verifies/);
    const l = docket('log', '--data', data, '--json');
    assert.equal(l.code, 0);
    const info = json(l) as { origin: string; size: number; checkpoint: string };
    assert.equal(info.origin, 'cli.test/log');
    assert.equal(info.size, 3);
    assert.match(info.checkpoint, /^cli\.test\/log\n3\n/);
  });

  test('verify --checkpoint: a checkpoint saved earlier must be extended; one from another log is refused', () => {
    const saved = join(tmp.dir, 'saved-checkpoint');
    writeFileSync(
      saved,
      (json(docket('log', '--data', data, '--json')) as { checkpoint: string }).checkpoint,
    );
    const more = join(tmp.dir, 'more.jsonl');
    writeFileSync(more, JSON.stringify(fixtureDecision(40)));
    assert.equal(docket('ingest', '--data', data, more).code, 0);
    const ok = docket('verify', '--data', data, '--checkpoint', saved, '--no-content');
    assert.equal(ok.code, 0, ok.stdout);
    const otherData = join(tmp.dir, 'other-data');
    assert.equal(docket('ingest', '--data', otherData, more).code, 0);
    const foreign = join(tmp.dir, 'foreign-checkpoint');
    writeFileSync(
      foreign,
      (json(docket('log', '--data', otherData, '--json')) as { checkpoint: string }).checkpoint,
    );
    const bad = docket('verify', '--data', data, '--checkpoint', foreign, '--no-content', '--json');
    assert.equal(bad.code, 1);
    assert.ok(
      (json(bad) as { issues: { code: string }[] }).issues.some(
        (i) => i.code === 'CHECKPOINT_SIGNATURE_INVALID',
      ),
    );
    assert.equal(docket('verify', '--data', data, '--checkpoint', join(tmp.dir, 'absent')).code, 3);
  });

  test('export writes a bundle that verify checks offline with only the key', () => {
    const log = json(docket('log', '--data', data, '--json')) as { vkey: string };
    const id = (
      JSON.parse(readFileSync(join(tmp.dir, 'in.jsonl'), 'utf8').split('\n')[0]!) as { id: string }
    ).id;
    const out = join(tmp.dir, 'bundle.json');
    const e = docket(
      'export',
      '--data',
      data,
      '--decision',
      id,
      '--disclose',
      'outcome,goal',
      '--out',
      out,
    );
    assert.equal(e.code, 0, e.stderr);
    const v = docket('verify', out, '--key', log.vkey, '--json');
    assert.equal(v.code, 0, v.stdout);
    assert.deepEqual((json(v) as { verifiedFields: string[] }).verifiedFields.sort(), [
      'goal',
      'outcome',
    ]);
    // A bundle holds no consistency proof: a flag of the log audit is refused, never ignored.
    const saved = join(tmp.dir, 'bundle-checkpoint');
    writeFileSync(
      saved,
      (json(docket('log', '--data', data, '--json')) as { checkpoint: string }).checkpoint,
    );
    for (const flags of [['--checkpoint', saved], ['--no-content'], ['--data', data]]) {
      const refused = docket('verify', out, '--key', log.vkey, ...flags);
      assert.equal(refused.code, 2, refused.stdout);
      assert.match(refused.stderr, new RegExp(`${flags[0]!} does not apply to a bundle`));
    }
    const bundle = JSON.parse(readFileSync(out, 'utf8')) as {
      disclosed: { goal: { value: string } };
    };
    bundle.disclosed.goal.value = 'something else';
    writeFileSync(out, JSON.stringify(bundle));
    const bad = docket('verify', out, '--key', log.vkey);
    assert.equal(bad.code, 1);
    assert.match(bad.stdout, /COMMITMENT_MISMATCH/);
  });

  test('erase makes content unreadable and verify still passes, listing the erased decisions', () => {
    const r = docket(
      'erase',
      '--data',
      data,
      '--subject',
      'applicant-1',
      '--reason',
      'DSR-1',
      '--json',
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const v = docket('verify', '--data', data, '--json');
    assert.equal(v.code, 0, v.stdout);
    const report = json(v) as { erased: string[]; tombstones: number };
    assert.equal(report.erased.length, 1);
    assert.equal(report.tombstones, 1);
  });

  test('bad usage exits 2 with a clear message; missing files exit 3', () => {
    assert.equal(docket('verify', '--data', data, '--nope').code, 2);
    assert.equal(docket('frobnicate').code, 2);
    const noKey = docket('verify', join(tmp.dir, 'bundle.json'));
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /--key/);
    const missing = docket('ingest', '--data', data, join(tmp.dir, 'absent.jsonl'), '--json');
    assert.equal(missing.code, 3);
    assert.equal((json(missing) as { ok: boolean }).ok, false);
    assert.equal(docket('log', '--data', join(tmp.dir, 'nowhere')).code, 2);
    assert.equal(docket('export', '--data', data, '--decision', 'x').code, 2);
    const help = docket('--help');
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Exit codes/);
    assert.match(docket('ingest', '--help').stdout, /Usage: docket ingest/);
  });
});
