// `docket changes add|list` as a user runs it (a child process), on a data directory and
// through a running server; the log still passes `docket verify` with change records in it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openLedger } from '@docket/ledger';
import { repoRoot } from '../support/vectors.js';
import { tempDir } from '../support/ledger-fixture.js';
import { startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the docket binary without blocking the event loop (an in-process server answers it). */
function docket(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, DOCKET_FLUSH_INTERVAL_MS: '10' },
    });
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

const ADD = [
  'changes',
  'add',
  '--agent',
  'loan-agent',
  '--version',
  '2.4.0',
  '--model',
  'gpt-4o',
  '--prompt-hash',
  'sha256:abc',
  '--policy-id',
  'credit-policy',
  '--policy-version',
  '2026-02',
  '--author',
  'a.dev',
  '--approver',
  'r.risk',
  '--replay-run',
  'replay-7',
  '--date',
  '2026-03-01T09:00:00Z',
];

describe('docket changes', () => {
  const tmp = tempDir('docket-cli-changes-');
  const data = join(tmp.dir, 'data');
  let server: TestServer | undefined;
  before(async () => {
    server = await startTestServer();
    await (await openLedger({ dataDir: data, create: true })).close();
  });
  after(async () => {
    await server?.close();
    tmp.cleanup();
  });

  test('add and list on a data directory; the log still verifies', async () => {
    const added = await docket(...ADD, '--data', data, '--json');
    assert.equal(added.code, 0, added.stderr);
    const { status, index } = JSON.parse(added.stdout) as { status: string; index: number };
    assert.equal(status, 'accepted');
    const list = await docket('changes', 'list', '--data', data, '--agent', 'loan-agent');
    assert.equal(list.code, 0, list.stderr);
    assert.match(
      list.stdout,
      /^2026-03-01T09:00:00Z · loan-agent@2\.4\.0 · model gpt-4o · prompt sha256:abc · policy credit-policy@2026-02 · by a\.dev, approved by r\.risk · replay replay-7 · index 0 · received \d{4}-/,
    );
    assert.equal(index, 0);
    const other = await docket('changes', 'list', '--data', data, '--agent', 'none', '--json');
    assert.deepEqual(JSON.parse(other.stdout), { ok: true, items: [] });
    const verify = await docket('verify', '--data', data);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
  });

  test('a change without an approver is CHANGE_INVALID (exit 1); no action is a usage error', async () => {
    const without = ADD.filter((a, i) => a !== 'r.risk' && ADD[i + 1] !== 'r.risk');
    const missing = await docket(...without, '--data', data);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /--approver is required/);
    const bad = await docket(...ADD, '--date', 'yesterday', '--data', data);
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stderr, /CHANGE_INVALID/);
    assert.equal((await docket('changes', '--data', data)).code, 2);
  });

  test('through a server: an admin key adds, a reader lists, an ingest key is refused', async () => {
    assert.ok(server !== undefined);
    const remote = (role: 'admin' | 'reader' | 'ingest') => [
      '--url',
      server!.url,
      '--api-key',
      server!.keys.default[role],
    ];
    const added = await docket(...ADD, ...remote('admin'), '--json');
    assert.equal(added.code, 0, added.stderr);
    const refused = await docket(...ADD, ...remote('ingest'));
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /FORBIDDEN/);
    const list = await docket('changes', 'list', ...remote('reader'), '--json');
    assert.equal(list.code, 0, list.stderr);
    const { items } = JSON.parse(list.stdout) as {
      items: { change: { agent: { id: string }; approver: string } }[];
    };
    assert.deepEqual(
      items.map((i) => [i.change.agent.id, i.change.approver]),
      [['loan-agent', 'r.risk']],
    );
  });
});
