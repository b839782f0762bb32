// Builds an example with `tsc -b` (a no-op when it is up to date), so its test runs the code
// that is in the tree even when the root build does not list the examples.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../support/vectors.js';

/** Builds an example (a no-op when it is up to date) so the test runs what is in the tree. */
export function buildExample(dir: string): void {
  const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const built = spawnSync(process.execPath, [tsc, '-b', dir], { encoding: 'utf8' });
  assert.equal(built.status, 0, `tsc -b ${dir}\n${built.stdout}${built.stderr}`);
}
