#!/usr/bin/env node
// Builds (once) or reuses litewitness and witnessctl from filippo.io/torchwood, an independent
// C2SP tlog-witness implementation (by the spec's authors) that the witness interop tests run
// against. Built from the Go module proxy (`go install filippo.io/torchwood/cmd/…@<pinned>`),
// never downloaded as a binary.
//
//   node scripts/litewitness.mjs            build if missing; print the directory of both binaries
//   node scripts/litewitness.mjs --check    print the directory if built, else exit 1
//
// Where: ${XDG_CACHE_HOME:-~/.cache}/docket/litewitness/<version>/, outside the repository so
// that `npm ci` keeps it. v0.6.1 is the newest that builds with this machine's Go (1.26); a
// cold build (module downloads included) took about 60 s on 2 shared cores.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeBuildLock } from './build-lock.mjs';

export const TORCHWOOD_MODULE = 'filippo.io/torchwood';
export const TORCHWOOD_VERSION = 'v0.6.1';
const BINARIES = ['litewitness', 'witnessctl'];

const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
const dir = join(cacheHome, 'docket', 'litewitness', TORCHWOOD_VERSION);
const BUILD_TIMEOUT_MS = 15 * 60_000;

/** The directory holding both binaries when built, else undefined. */
export function builtLitewitness() {
  return BINARIES.every((b) => existsSync(join(dir, b))) ? dir : undefined;
}

/** Builds litewitness and witnessctl unless present; returns their directory. */
export function ensureLitewitness() {
  const built = builtLitewitness();
  if (built !== undefined) return built;
  mkdirSync(dir, { recursive: true });
  const release = takeBuildLock(dir, 'litewitness', BUILD_TIMEOUT_MS);
  try {
    if (builtLitewitness() !== undefined) return dir;
    const bin = join(dir, `bin-${process.pid}`);
    const started = Date.now();
    process.stderr.write(`litewitness: building ${TORCHWOOD_MODULE}@${TORCHWOOD_VERSION}\n`);
    const result = spawnSync(
      'go',
      [
        'install',
        '-trimpath',
        ...BINARIES.map((b) => `${TORCHWOOD_MODULE}/cmd/${b}@${TORCHWOOD_VERSION}`),
      ],
      {
        env: { ...process.env, GOBIN: bin, GOFLAGS: '-mod=mod -buildvcs=false', CGO_ENABLED: '0' },
        stdio: ['ignore', 'inherit', 'inherit'],
        timeout: BUILD_TIMEOUT_MS,
      },
    );
    if (result.error !== undefined)
      throw new Error(`litewitness: go install failed: ${result.error.message}`);
    if (result.status !== 0)
      throw new Error(`litewitness: go install exited with ${result.status}`);
    for (const b of BINARIES) renameSync(join(bin, b), join(dir, b));
    rmSync(bin, { recursive: true, force: true });
    process.stderr.write(
      `litewitness: built in ${Math.round((Date.now() - started) / 1000)} s: ${dir}\n`,
    );
    return dir;
  } finally {
    release();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const built = builtLitewitness();
    if (built === undefined) process.exit(1);
    console.log(built);
  } else {
    try {
      console.log(ensureLitewitness());
    } catch (error) {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    }
  }
}
