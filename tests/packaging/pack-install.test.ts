// What a user gets from npm, before anything is published: every public package is packed with
// `npm pack`, the tarballs are installed into a new project in the system's temporary directory
// (outside the monorepo, so nothing resolves to the workspace), `docket serve` runs from that
// project's node_modules, and a script there captures a decision with the installed SDK, reads
// its receipt and has the installed CLI verify the log through the server.
//
// Third-party dependencies come from the npm registry through the npm cache (--prefer-offline).
// better-sqlite3's native addon is not rebuilt on every run: the install skips scripts, and the
// addon built for this Node ABI is taken from ~/.cache/docket/better-sqlite3/<version>-abi<N>
// (filled once from the monorepo's own build of the same version, else by `npm rebuild`).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams, SpawnSyncOptions } from 'node:child_process';
import { once } from 'node:events';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { tempDir } from '../support/ledger-fixture.js';
import { repoRoot } from '../support/vectors.js';

interface PackageJson {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly peerDependencies?: Record<string, string>;
  readonly peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

interface Packed {
  readonly name: string;
  readonly filename: string;
  readonly files: readonly { path: string }[];
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

/** The public packages, by folder. */
const publicPackages = readdirSync(join(repoRoot, 'packages'))
  .filter((dir) => existsSync(join(repoRoot, 'packages', dir, 'package.json')))
  .map((dir) => ({
    dir,
    json: readJson<PackageJson>(join(repoRoot, 'packages', dir, 'package.json')),
  }))
  .filter((p) => p.json.private !== true);

/**
 * The environment of npm and of the installed programs: without the `npm_*` variables an
 * enclosing `npm test` sets (workspace, prefix, package…), which would point npm back at the
 * monorepo; the cache, registry and build settings stay.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  const keep = /^npm_config_(cache|registry|userconfig|nodedir)$/i;
  return Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) || keep.test(name)),
  );
}

/** Runs a command to its end; fails the test with its output when it fails. */
function run(command: string, args: string[], options: SpawnSyncOptions): string {
  const r = spawnSync(command, args, { encoding: 'utf8', env: cleanEnv(), ...options });
  assert.equal(
    r.status,
    0,
    `${command} ${args.join(' ')} failed (${String(r.status)}):\n${String(r.stdout)}\n${String(r.stderr)}`,
  );
  return String(r.stdout);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** Puts a built better-sqlite3 addon into the project, from the cache (filled when empty). */
function provideSqliteAddon(project: string): void {
  const installed = join(project, 'node_modules', 'better-sqlite3');
  const { version } = readJson<PackageJson>(join(installed, 'package.json'));
  const cache = join(
    homedir(),
    '.cache',
    'docket',
    'better-sqlite3',
    `${version}-abi${process.versions.modules}-${process.platform}-${process.arch}`,
  );
  const cached = join(cache, 'better_sqlite3.node');
  const target = join(installed, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(cached)) {
    const monorepo = join(repoRoot, 'node_modules', 'better-sqlite3');
    const built = join(monorepo, 'build', 'Release', 'better_sqlite3.node');
    mkdirSync(cache, { recursive: true });
    if (
      existsSync(built) &&
      readJson<PackageJson>(join(monorepo, 'package.json')).version === version
    ) {
      copyFileSync(built, cached);
    } else {
      run(npm, ['rebuild', 'better-sqlite3'], { cwd: project, stdio: 'pipe' });
      copyFileSync(target, cached);
    }
  }
  mkdirSync(join(installed, 'build', 'Release'), { recursive: true });
  copyFileSync(cached, target);
}

describe('the npm packages install and work outside the monorepo', () => {
  const tmp = tempDir('docket-pack-');
  const tarballs = join(tmp.dir, 'tarballs');
  const project = join(tmp.dir, 'project');
  let packed: Packed[] = [];
  let server: ChildProcessWithoutNullStreams | undefined;
  let serverErr = '';

  before(() => {
    mkdirSync(tarballs);
    mkdirSync(project);
    const workspaces = publicPackages.flatMap((p) => ['-w', `packages/${p.dir}`]);
    packed = JSON.parse(
      run(npm, ['pack', ...workspaces, '--json', '--pack-destination', tarballs], {
        cwd: repoRoot,
      }),
    ) as Packed[];
    const dependencies = Object.fromEntries(
      packed.map((p) => [p.name, `file:${join(tarballs, p.filename)}`]),
    );
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'docket-install-check', private: true, type: 'module', dependencies }),
    );
    // Peers (LangChain, Temporal, ai, Trigger.dev) are the user's choice: not installed here.
    run(
      npm,
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        '--legacy-peer-deps',
        '--ignore-scripts',
      ],
      { cwd: project },
    );
    provideSqliteAddon(project);
  });

  after(async () => {
    if (server !== undefined && server.exitCode === null) {
      server.kill('SIGTERM');
      await once(server, 'exit');
    }
    tmp.cleanup();
  });

  test('every public package is packed with its LICENSE, README and build, and no tests or sources', () => {
    assert.deepEqual(
      packed.map((p) => p.name).sort(),
      publicPackages.map((p) => p.json.name).sort(),
    );
    for (const p of packed) {
      const paths = p.files.map((f) => f.path);
      for (const needed of [
        'LICENSE',
        'README.md',
        'package.json',
        'dist/index.js',
        'dist/index.d.ts',
      ]) {
        assert.ok(paths.includes(needed), `${p.name} has no ${needed}`);
      }
      const stray = paths.filter((path) => /\.test\.|^src\/|tsbuildinfo/.test(path));
      assert.deepEqual(stray, [], `${p.name} packs ${stray.join(', ')}`);
    }
  });

  test('every package without a required peer loads from the installed project', () => {
    const loadable = publicPackages
      .filter(({ json }) =>
        Object.keys(json.peerDependencies ?? {}).every(
          (peer) => json.peerDependenciesMeta?.[peer]?.optional === true,
        ),
      )
      .map((p) => p.json.name);
    assert.ok(loadable.includes('@docket/sdk') && loadable.includes('@docket/server'));
    const out = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const names = ${JSON.stringify(loadable)};
         for (const name of names) {
           const url = import.meta.resolve(name);
           if (!url.includes('/project/node_modules/')) throw new Error(name + ' resolved to ' + url);
           const exported = Object.keys(await import(name));
           if (exported.length === 0) throw new Error(name + ' exports nothing');
         }
         console.log(names.length);`,
      ],
      { cwd: project },
    );
    assert.equal(out.trim(), String(loadable.length));
  });

  test('docket serve runs from the installed CLI; the installed SDK captures through it; verify --url passes', async () => {
    const bin = join(
      project,
      'node_modules',
      '.bin',
      process.platform === 'win32' ? 'docket.cmd' : 'docket',
    );
    server = spawn(bin, ['serve', '--data', join(tmp.dir, 'data'), '--port', '0', '--json'], {
      cwd: project,
      env: { ...cleanEnv(), DOCKET_FLUSH_INTERVAL_MS: '10' },
    });
    server.stderr.on('data', (chunk: Buffer) => {
      serverErr += chunk.toString('utf8');
    });
    const [line] = (await once(createInterface({ input: server.stdout }), 'line')) as [string];
    const started = JSON.parse(line) as { ok: boolean; url: string; bootstrapKey: string };
    assert.equal(started.ok, true, serverErr);

    writeFileSync(
      join(project, 'capture.mjs'),
      `import { createDocket } from '@docket/sdk';
const docket = createDocket({ url: process.env.DOCKET_URL, apiKey: process.env.DOCKET_API_KEY, handleExit: false });
const id = docket.capture({
  agent: { id: 'install-check', version: '1.0.0' },
  outcome: { action: 'approve' },
  reasoning: 'installed from the packed tarballs',
});
const flushed = await docket.flush(20000);
const receipt = await docket.receipt(id, { timeoutMs: 20000 });
await docket.shutdown(5000);
console.log(JSON.stringify({ id, flushed, receipt: receipt.ok, stats: docket.stats() }));
`,
    );
    const env = { DOCKET_URL: started.url, DOCKET_API_KEY: started.bootstrapKey };
    const captured = JSON.parse(
      run(process.execPath, ['capture.mjs'], { cwd: project, env: { ...cleanEnv(), ...env } }),
    ) as { id: string; flushed: boolean; receipt: boolean; stats: { accepted: number } };
    assert.equal(captured.flushed, true);
    assert.equal(captured.receipt, true);
    assert.equal(captured.stats.accepted, 1);

    const verified = JSON.parse(
      run(bin, ['verify', '--url', started.url, '--json'], {
        cwd: project,
        env: { ...cleanEnv(), ...env },
      }),
    ) as { ok: boolean };
    assert.equal(verified.ok, true);
  });
});
