// `docket drift` as a user runs it (a child process) on a data directory: the table of signals
// and verdicts, --json unchanged, progress on stderr, bad input as coded errors with exit code 2.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { before, after, test } from 'node:test';
import { openLedger } from '@docket/ledger';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import { repoRoot } from '../support/vectors.js';
import { tempDir } from '../support/ledger-fixture.js';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');

function docket(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

const tmp = tempDir('docket-cli-drift-');
const data = join(tmp.dir, 'data');
before(async () => {
  const ledger = await openLedger({ dataDir: data, create: true });
  try {
    for (const version of ['1.0.0', '2.0.0']) {
      for (let i = 0; i < 120; i++) {
        const deny = version === '2.0.0' ? i % 10 < 6 : i % 10 < 2;
        await ledger.append({
          ...sampleDecision({ id: createUuidV7() }),
          agent: { id: 'loan-agent', version },
          context: { segment: i % 2 === 0 ? 'retail' : 'smb', amount: 500 + i * 10 },
          outcome: { action: deny ? 'deny' : 'approve' },
        });
      }
    }
    await ledger.flush();
  } finally {
    await ledger.close();
  }
});
after(() => {
  tmp.cleanup();
});

const BASE = ['drift', '--data', data, '--agent', 'loan-agent'];

test('docket drift prints a table of signals with verdicts; --json has the same report', async () => {
  const run = await docket(...BASE, '--baseline', 'version=1.0.0', '--current', 'version=2.0.0');
  assert.equal(run.code, 0, run.stderr);
  assert.match(
    run.stdout,
    /signal\s+kind\s+test\s+statistic\s+threshold\s+q \(BH\)\s+PSI\s+verdict/,
  );
  assert.match(
    run.stdout,
    /^outcome\s+output\s+chi-square\s+Δshare 0\.4\d*\s+≥ 0\.02\d*\s+\S+\s+.*drift$/m,
  );
  assert.match(run.stdout, /behaviour drift .*: drift/);
  assert.match(run.stdout, /same-input-different-outcome/);
  assert.match(run.stderr, /reading (baseline|current): \d+ decisions/);
  const json = await docket(
    ...BASE,
    '--baseline',
    'version=1.0.0',
    '--current',
    'version=2.0.0',
    '--json',
  );
  assert.equal(json.code, 0);
  const body = JSON.parse(json.stdout) as {
    ok: boolean;
    baseline: { count: number };
    report: { overall: string };
  };
  assert.equal(body.ok, true);
  assert.equal(body.baseline.count, 120);
  assert.equal(body.report.overall, 'drift');
});

test('docket drift: bad input is a coded error with exit code 2, never a NaN table', async () => {
  for (const [args, code] of [
    [['--baseline', 'version=1.0.0', '--current', 'version=7.7.7'], 'DRIFT_VERSION_UNKNOWN'],
    [
      ['--baseline', 'version=1.0.0', '--current', 'from=2999-01-01T00:00:00Z'],
      'DRIFT_WINDOW_FUTURE',
    ],
    [['--baseline', 'v1', '--current', 'version=2.0.0'], 'DRIFT_POPULATION_INVALID'],
  ] as const) {
    const run = await docket(...BASE, ...args, '--json');
    assert.equal(run.code, 2, run.stdout);
    assert.match(run.stdout, new RegExp(code));
  }
  const unknown = await docket(
    'drift',
    '--data',
    data,
    '--agent',
    'nobody',
    '--baseline',
    'version=1',
    '--current',
    'version=2',
  );
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /DRIFT_AGENT_UNKNOWN/);
  const empty = await docket(
    ...BASE,
    '--baseline',
    'version=1.0.0',
    '--current',
    'from=2000-01-01T00:00:00Z,to=2000-02-01T00:00:00Z',
  );
  assert.equal(empty.code, 0);
  assert.match(empty.stdout, /insufficient-data/);
  assert.doesNotMatch(empty.stdout, /NaN/);
});
