#!/usr/bin/env node
// Builds (once) or reuses the Temporal CLI, whose `temporal server start-dev` is the real Temporal
// dev server the Temporal integration tests run against. It is built from the Go module proxy
// (`go install github.com/temporalio/cli/cmd/temporal@<pinned>`), so tests never download a
// release binary and @temporalio/testing is always given an existing path.
//
//   node scripts/temporal-dev-server.mjs            build if missing; print the binary's path
//   node scripts/temporal-dev-server.mjs --check    print the path if built, else exit 1
//
// Where: $DOCKET_TEMPORAL_CLI if set (used as is, never built); else
// ${XDG_CACHE_HOME:-~/.cache}/docket/temporal-cli/<version>/temporal, outside the repository so
// that `npm ci` keeps it. The Go module and build caches are Go's own (GOMODCACHE, GOCACHE).
// Needs Go >= 1.25 (the CLI's go.mod). A cold build (module downloads included) took 224 s and
// 344 s on 2 shared cores; a reused binary costs nothing.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeBuildLock } from './build-lock.mjs';

/** The pinned Temporal CLI (its dev server is Temporal Server 1.29.1). */
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';

const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
const dir = join(cacheHome, 'docket', 'temporal-cli', TEMPORAL_CLI_VERSION);
const BUILD_TIMEOUT_MS = 15 * 60_000;

/** The binary's path when it exists, else undefined. */
export function builtTemporalCli() {
  const given = process.env.DOCKET_TEMPORAL_CLI;
  if (given !== undefined && given !== '') return existsSync(given) ? given : undefined;
  const path = join(dir, 'temporal');
  return existsSync(path) ? path : undefined;
}

/** Builds the CLI unless it exists; returns its path. Throws with Go's output when it fails. */
export function ensureTemporalCli() {
  const built = builtTemporalCli();
  if (built !== undefined) return built;
  if (process.env.DOCKET_TEMPORAL_CLI)
    throw new Error(`DOCKET_TEMPORAL_CLI=${process.env.DOCKET_TEMPORAL_CLI} does not exist`);
  mkdirSync(dir, { recursive: true });
  const release = takeBuildLock(dir, 'temporal-dev-server', BUILD_TIMEOUT_MS);
  try {
    const target = join(dir, 'temporal');
    if (existsSync(target)) return target;
    const bin = join(dir, `bin-${process.pid}`);
    const started = Date.now();
    process.stderr.write(
      `temporal-dev-server: building ${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION} (a few minutes the first time)\n`,
    );
    const result = spawnSync(
      'go',
      ['install', '-trimpath', '-ldflags=-s -w', `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`],
      {
        env: {
          ...process.env,
          GOBIN: bin,
          GOFLAGS: '-mod=mod -buildvcs=false',
          CGO_ENABLED: '0',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
        timeout: BUILD_TIMEOUT_MS,
      },
    );
    if (result.error !== undefined)
      throw new Error(`temporal-dev-server: go install failed: ${result.error.message}`);
    if (result.status !== 0)
      throw new Error(`temporal-dev-server: go install exited with ${result.status}`);
    chmodSync(join(bin, 'temporal'), 0o755);
    renameSync(join(bin, 'temporal'), target);
    rmSync(bin, { recursive: true, force: true });
    process.stderr.write(
      `temporal-dev-server: built in ${Math.round((Date.now() - started) / 1000)} s: ${target}\n`,
    );
    return target;
  } finally {
    release();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const built = builtTemporalCli();
    if (built === undefined) process.exit(1);
    console.log(built);
  } else {
    try {
      console.log(ensureTemporalCli());
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    }
  }
}
