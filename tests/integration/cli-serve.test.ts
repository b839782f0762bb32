// `docket serve` as an operator runs it: a real child process listening on a real port, a real
// HTTP client, SIGTERM for a graceful stop; then `docket export --url` and the offline checks.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import { tempDir } from '../support/ledger-fixture.js';
import { repoRoot } from '../support/vectors.js';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');
const env = { ...process.env, DOCKET_FLUSH_INTERVAL_MS: '10' };

const docket = (...args: string[]): { code: number; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

/** Starts `docket serve --json` and waits for its one line: url and bootstrap key. */
async function serve(data: string): Promise<{
  child: ChildProcessWithoutNullStreams;
  url: string;
  key: string;
  stderr: () => string;
}> {
  const child = spawn(process.execPath, [bin, 'serve', '--data', data, '--port', '0', '--json'], {
    env,
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  const started = JSON.parse(line) as { ok: boolean; url: string; bootstrapKey: string | null };
  assert.equal(started.ok, true);
  assert.ok(started.bootstrapKey !== null, 'a first start creates an admin key');
  return { child, url: started.url, key: started.bootstrapKey, stderr: () => stderr };
}

describe('docket serve', () => {
  test('serves, logs JSON lines, stops on SIGTERM with everything durable; export --url gives a bundle that verifies offline', async () => {
    const tmp = tempDir('docket-serve-');
    const data = join(tmp.dir, 'data');
    const server = await serve(data);
    try {
      const records = Array.from({ length: 20 }, (_, i) =>
        sampleDecision({ id: createUuidV7(), subject: { id: `cust-${i % 3}`, type: 'customer' } }),
      );
      const res = await fetch(`${server.url}/v1/decisions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ decisions: records }),
      });
      assert.equal(res.status, 200);
      const { results } = (await res.json()) as { results: { status: string; index: number }[] };
      assert.deepEqual(
        results.map((r) => r.status),
        records.map(() => 'accepted'),
      );

      const out = join(tmp.dir, 'bundle.json');
      const exported = docket(
        'export',
        '--url',
        server.url,
        '--api-key',
        server.key,
        '--decision',
        records[4]!.id,
        '--disclose',
        'outcome,reasoning',
        '--purpose',
        'test export',
        '--out',
        out,
        '--json',
      );
      assert.equal(exported.code, 0, exported.stderr);
      const { vkey } = JSON.parse(exported.stdout) as { vkey: string };
      const checked = docket('verify', out, '--key', vkey, '--json');
      assert.equal(checked.code, 0, checked.stdout);

      const noKey = docket(
        'export',
        '--url',
        server.url,
        '--decision',
        records[0]!.id,
        '--out',
        out,
      );
      assert.equal(noKey.code, 2);
      assert.match(noKey.stderr, /api-key/);
      const badKey = docket(
        'export',
        '--url',
        server.url,
        '--api-key',
        'dk_aaaaaaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        '--decision',
        records[0]!.id,
        '--out',
        out,
      );
      assert.notEqual(badKey.code, 0);
      assert.match(badKey.stderr, /UNAUTHENTICATED/);

      server.child.kill('SIGTERM');
      const [code] = (await once(server.child, 'exit')) as [number | null];
      assert.equal(code, 0, server.stderr());
      const logLines = server
        .stderr()
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg: string; operation?: string; status?: number });
      assert.ok(
        logLines.some(
          (l) => l.msg === 'request' && l.operation === 'postDecisions' && l.status === 200,
        ),
      );
      assert.ok(logLines.some((l) => l.msg === 'stopped'));

      // Stopped: the data directory audits clean (decision log and access log), with all 20.
      const verified = docket('verify', '--data', data, '--json');
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
      const log = docket('log', '--data', data, '--json');
      assert.equal((JSON.parse(log.stdout) as { size: number }).size, 20);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      tmp.cleanup();
    }
  });

  test('verify --url audits the decision and access logs through the server; a changed leaf fails it', async () => {
    const tmp = tempDir('docket-serve-');
    const data = join(tmp.dir, 'data');
    const server = await serve(data);
    try {
      const records = Array.from({ length: 30 }, (_, i) =>
        sampleDecision({
          id: createUuidV7(),
          ...(i % 2 === 0 ? { subject: { id: `cust-${i}`, type: 'customer' } } : {}),
        }),
      );
      const res = await fetch(`${server.url}/v1/decisions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ decisions: records }),
      });
      assert.equal(res.status, 200);
      const log = (await (
        await fetch(`${server.url}/v1/log`, { headers: { authorization: `Bearer ${server.key}` } })
      ).json()) as { vkey: string };

      const clean = docket(
        'verify',
        '--url',
        server.url,
        '--api-key',
        server.key,
        '--key',
        log.vkey,
        '--json',
      );
      assert.equal(clean.code, 0, clean.stdout + clean.stderr);
      const report = JSON.parse(clean.stdout) as {
        ok: boolean;
        logs: { kind: string; entries: number; commitmentsChecked: number; vkeySource: string }[];
      };
      assert.deepEqual(
        report.logs.map((l) => l.kind),
        ['decisions', 'access'],
      );
      assert.equal(report.logs[0]!.entries, 30);
      assert.equal(report.logs[0]!.vkeySource, 'option');
      assert.ok(report.logs[0]!.commitmentsChecked > 30 * 5);

      // A wrong pinned key: the checkpoint does not verify.
      const otherKey = docket('keys', 'log-generate', '--data', join(tmp.dir, 'other'), '--json');
      const wrong = docket(
        'verify',
        '--url',
        server.url,
        '--api-key',
        server.key,
        '--key',
        (JSON.parse(otherKey.stdout) as { vkey: string }).vkey,
      );
      assert.equal(wrong.code, 1);
      assert.match(wrong.stdout, /CHECKPOINT_SIGNATURE_INVALID/);

      // Change one committed value inside a stored leaf, beside the running server.
      const db = new Database(join(data, 'ledger.db'));
      try {
        const row = db.prepare('SELECT leaf FROM entries WHERE idx = 7').get() as { leaf: Buffer };
        const text = row.leaf.toString('utf8');
        const changed = text.replace(
          /"outcome":"(.)/,
          (_m, c: string) => `"outcome":"${c === 'A' ? 'B' : 'A'}`,
        );
        assert.notEqual(changed, text);
        db.prepare('UPDATE entries SET leaf = ? WHERE idx = 7').run(Buffer.from(changed, 'utf8'));
      } finally {
        db.close();
      }
      const tampered = docket(
        'verify',
        '--url',
        server.url,
        '--api-key',
        server.key,
        '--key',
        log.vkey,
        '--json',
      );
      assert.equal(tampered.code, 1, tampered.stdout);
      const codes = (
        JSON.parse(tampered.stdout) as { logs: { issues: { code: string; where?: string }[] }[] }
      ).logs[0]!.issues;
      assert.ok(codes.some((i) => i.code === 'CHECKPOINT_ROOT_MISMATCH'));
      assert.ok(
        codes.some((i) => i.code === 'CONTENT_CHANGED' && i.where === 'decisions leaf 7.outcome'),
      );
    } finally {
      server.child.kill('SIGTERM');
      await once(server.child, 'exit');
      tmp.cleanup();
    }
  });

  test('a port already in use is a clear error, exit 3', async () => {
    const tmp = tempDir('docket-serve-');
    const first = await serve(join(tmp.dir, 'a'));
    try {
      const port = new URL(first.url).port;
      const second = docket('serve', '--data', join(tmp.dir, 'b'), '--port', port);
      assert.equal(second.code, 3, second.stderr);
      assert.match(second.stderr, /LISTEN_FAILED/);
      const bad = docket('serve', '--data', join(tmp.dir, 'b'), '--port', 'http');
      assert.equal(bad.code, 2);
    } finally {
      first.child.kill('SIGTERM');
      await once(first.child, 'exit');
      tmp.cleanup();
    }
  });
});
