// The Temporal CLI for tests: built from the Go module proxy by scripts/temporal-dev-server.mjs
// (or reused), never downloaded as a release binary.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../support/vectors.js';

/** The Temporal CLI's path, built on first use (minutes cold; CI runs the script beforehand). */
export function temporalCli(): string {
  const result = spawnSync(
    process.execPath,
    [join(repoRoot, 'scripts', 'temporal-dev-server.mjs')],
    { encoding: 'utf8', timeout: 15 * 60_000, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  assert.equal(
    result.status,
    0,
    'scripts/temporal-dev-server.mjs could not build the Temporal CLI',
  );
  return result.stdout.trim();
}
