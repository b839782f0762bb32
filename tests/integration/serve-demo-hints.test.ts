// The commands `docket serve --demo` prints for a newcomer to try run as printed, on SQLite and
// on PostgreSQL (where the log is in the database and `verify --data DIR` alone finds no ledger).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { tempDir } from '../support/ledger-fixture.js';
import { postgresAvailable, usePostgresCluster } from '../support/postgres.js';
import { repoRoot } from '../support/vectors.js';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');

/** Runs `docket serve --demo` until its banner is printed; returns the banner, then stops it. */
async function banner(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const child = spawn(process.execPath, [bin, 'serve', '--demo', '--port', '0', ...args], { env });
  let stderr = '';
  const shown = new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.includes('Ctrl-C stops the server')) resolve();
    });
    child.once('exit', () => {
      reject(new Error(`docket serve --demo exited early:\n${stderr}`));
    });
  });
  await shown;
  child.kill('SIGTERM');
  await once(child, 'exit');
  return stderr;
}

/** The offline `docket verify --data …` line of the banner, run by a shell as a user would. */
function runVerifyHint(text: string, env: NodeJS.ProcessEnv): { code: number; output: string } {
  const line = text.split('\n').find((l) => /^\s+npx docket verify --data /.test(l));
  assert.ok(line !== undefined, `no verify --data hint in:\n${text}`);
  const command = line
    .replace(/#.*$/, '')
    .trim()
    .replace(/^npx docket/, `"${process.execPath}" "${bin}"`);
  const r = spawnSync('sh', ['-c', command], { encoding: 'utf8', env });
  return { code: r.status ?? -1, output: `${command}\n${r.stdout}${r.stderr}` };
}

const baseEnv = (): NodeJS.ProcessEnv => {
  const { DOCKET_API_KEY: _k, DOCKET_URL: _u, DOCKET_PG_URL: _p, ...env } = process.env;
  return { ...env, DOCKET_FLUSH_INTERVAL_MS: '10' };
};

describe('docket serve --demo: the printed verify hint runs as printed', () => {
  test('on SQLite', async () => {
    const tmp = tempDir('docket-hint-');
    try {
      const text = await banner(['--data', join(tmp.dir, 'data')], baseEnv());
      const verified = runVerifyHint(text, baseEnv());
      assert.equal(verified.code, 0, verified.output);
    } finally {
      tmp.cleanup();
    }
  });

  describe('on PostgreSQL', postgresAvailable(), () => {
    const cluster = usePostgresCluster();
    test('started with --pg (no DOCKET_PG_URL), the hint names the database and passes', async () => {
      const tmp = tempDir('docket-hint-pg-');
      try {
        const pgUrl = await cluster.freshDatabase('hint');
        const text = await banner(['--data', join(tmp.dir, 'data'), '--pg', pgUrl], baseEnv());
        // The user's other terminal has no DOCKET_PG_URL: the hint must carry the database.
        const verified = runVerifyHint(text, baseEnv());
        assert.equal(verified.code, 0, verified.output);
      } finally {
        tmp.cleanup();
      }
    });
  });
});
