/**
 * Issue 19, interop: a tlog-witness client written in Go against golang.org/x/mod's signed-note
 * and tlog code (tests/interop/witness-client-go) plays a log and submits to `docket witness`:
 * a first checkpoint, a consistent extension, a rollback (409 with the size, text/x.tlog.size)
 * and a resubmission of the same size, and checks every cosignature independently.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { generateSignerKey } from '@docket/core';
import { startWitnessServer } from '@docket/server';
import { repoRoot } from '../support/vectors.js';

interface GoResult {
  step: string;
  status: number;
  contentType: string;
  body: string;
  cosigned: boolean;
  timestamp: number;
}

describe('a Go tlog-witness client submits to docket witness', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-witness-go-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('cosigns, extends, refuses the rollback with 409, and every cosignature verifies in Go', async () => {
    const binary = join(dir, 'witness-client');
    const build = spawnSync('go', ['build', '-o', binary, '.'], {
      cwd: join(repoRoot, 'tests', 'interop', 'witness-client-go'),
      encoding: 'utf8',
      timeout: 300_000,
    });
    assert.equal(build.status, 0, `go build failed: ${build.stderr}`);
    const origin = 'go.client.test/log';
    const log = generateSignerKey(origin);
    const witness = await startWitnessServer({ dir: join(dir, 'w'), name: 'docket.test/w' });
    try {
      await witness.store.addLog(origin, [log.vkey]);
      // Asynchronously: the witness answers from this process's event loop.
      const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdin.end(JSON.stringify({ skey: log.skey, url: witness.url, vkey: witness.vkey }));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      assert.equal(code, 0, stderr);
      const results = JSON.parse(stdout) as GoResult[];
      const byStep = new Map(results.map((r) => [r.step, r]));
      for (const step of ['first', 'extend', 'same']) {
        const r = byStep.get(step);
        assert.equal(r?.status, 200, `${step}: ${JSON.stringify(r)}`);
        assert.equal(r.cosigned, true, `${step}: the Go check of the cosignature failed`);
        assert.ok(r.timestamp > 0);
      }
      const rollback = byStep.get('rollback');
      assert.deepEqual(
        [rollback?.status, rollback?.contentType, rollback?.body],
        [409, 'text/x.tlog.size', '20\n'],
      );
      assert.equal((await witness.store.latest(origin))?.size, 20);
    } finally {
      await witness.close();
    }
  });
});
