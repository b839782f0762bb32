#!/usr/bin/env node
// Runs the Python client's Airflow and Prefect tests (clients/python/tests_airflow, tests_prefect)
// and their examples (examples/airflow-loan-approval, examples/prefect-loan-approval) with the real
// libraries from PyPI, against a real `docket serve` started by the tests. Called by
// run-python-tests.mjs (so by `npm test`); `node scripts/run-python-orchestrator-tests.mjs
// [airflow|prefect]` runs one.
//
// Airflow and Prefect are heavy and pin other versions than Dagster's, so each has its own
// virtualenv, built once from its lock file (clients/python/requirements/<name>.txt) and cached at
// ${XDG_CACHE_HOME:-~/.cache}/docket/venvs/<name>-<version>-py<X.Y>-<hash of the lock and the
// Python>/, outside the repository so that `npm ci` and a fresh clone keep it. A build holds the
// build lock of that folder (build-lock.mjs) and ends by writing a stamp; a venv without its stamp
// (a build that died) is rebuilt. The client is not installed into the shared venv (every checkout
// on the machine uses it, and concurrent runs would swap each other's client). For Airflow, pytest
// runs with PYTHONPATH=clients/python/src. For Prefect, the working tree's client is installed by
// pip (a wheel, with its metadata) into a folder of this run, put on PYTHONPATH: so the tests run
// it as a user's `pip install` puts it beside Prefect and pydocket (import name `docket`), in the
// test process and in Prefect's ephemeral server, its child.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { takeBuildLock } from './build-lock.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const isWindows = process.platform === 'win32';
const cacheHome = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
const venvs = join(cacheHome, 'docket', 'venvs');
const started = Date.now();

/** The suites: a lock file, the version named in the cache folder, and what pytest runs. */
const SUITES = {
  airflow: {
    version: '3.3.2',
    paths: ['clients/python/tests_airflow', 'examples/airflow-loan-approval'],
    installClient: false,
  },
  prefect: {
    version: '3.9.1',
    paths: ['clients/python/tests_prefect', 'examples/prefect-loan-approval'],
    installClient: true,
  },
};

const log = (message) => {
  console.log(
    `[python-orchestrator-tests ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`,
  );
};

/** Runs a command with inherited output; returns its exit status. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) {
    console.error(`[python-orchestrator-tests] cannot run ${command}: ${result.error.message}`);
    return 1;
  }
  return result.status ?? 1;
}

/** `$DOCKET_PYTHON` (set by run-python-tests.mjs) or python3, with its "3.11.7" version. */
function findPython() {
  const python = process.env.DOCKET_PYTHON || 'python3';
  const probe = spawnSync(
    python,
    ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3]); print(sys.executable)'],
    { encoding: 'utf8' },
  );
  if (probe.status !== 0) return undefined;
  const [version, executable] = probe.stdout.trim().split('\n');
  return { python, version, executable };
}

/**
 * The cached virtualenv of `name`, built when missing or incomplete. Returns its python, or
 * undefined when the build failed.
 */
function venvOf(name, suite, found) {
  const lockFile = join(root, 'clients', 'python', 'requirements', `${name}.txt`);
  const requirements = readFileSync(lockFile);
  const [major, minor] = found.version.split('.');
  const hash = createHash('sha256')
    .update(requirements)
    .update(`\0${found.version}\0${found.executable}`)
    .digest('hex')
    .slice(0, 12);
  const dir = join(venvs, `${name}-${suite.version}-py${major}.${minor}-${hash}`);
  const python = join(dir, isWindows ? 'Scripts' : 'bin', isWindows ? 'python.exe' : 'python');
  const stamp = join(dir, 'docket-venv.complete');
  if (existsSync(stamp)) {
    log(`reusing ${dir}`);
    return python;
  }
  mkdirSync(venvs, { recursive: true });
  const release = takeBuildLock(venvs, `${name} virtualenv`, 60 * 60_000);
  try {
    if (existsSync(stamp)) return python; // built by another process while this one waited
    log(`building ${dir} from clients/python/requirements/${name}.txt (PyPI)`);
    const building = Date.now();
    rmSync(dir, { recursive: true, force: true });
    if (run(found.python, ['-m', 'venv', dir]) !== 0) return undefined;
    const pip = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet'];
    if (run(python, [...pip, '-r', lockFile]) !== 0) {
      console.error(`[python-orchestrator-tests] pip install -r ${lockFile} failed`);
      rmSync(dir, { recursive: true, force: true });
      return undefined;
    }
    const seconds = ((Date.now() - building) / 1000).toFixed(1);
    writeFileSync(stamp, `built in ${seconds}s from ${name}.txt ${hash}\n`);
    log(`built the ${name} virtualenv in ${seconds}s`);
    return python;
  } finally {
    release();
  }
}

/**
 * Installs the working tree's client (`pip install --no-deps ./clients/python`, a wheel built by
 * flit) into a new folder of this run; returns that folder, or undefined when pip failed.
 */
function installClient(python, name) {
  const site = join(mkdtempSync(join(tmpdir(), `docket-${name}-client-`)), 'site');
  log(`pip install ./clients/python into ${site}`);
  const pip = ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-input', '--quiet'];
  const status = run(python, [
    ...pip,
    '--no-deps',
    '--target',
    site,
    join(root, 'clients', 'python'),
  ]);
  if (status === 0) return site;
  console.error(`[python-orchestrator-tests] pip install ./clients/python failed (${name})`);
  rmSync(dirname(site), { recursive: true, force: true });
  return undefined;
}

const found = findPython();
if (found === undefined) {
  console.error('[python-orchestrator-tests] no Python found (set DOCKET_PYTHON)');
  process.exit(1);
}
if (!existsSync(join(root, 'packages', 'cli', 'dist', 'main.js'))) {
  console.error(
    '[python-orchestrator-tests] packages/cli/dist is missing: build first (npx tsc -b)',
  );
  process.exit(1);
}
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !Object.hasOwn(SUITES, name));
if (unknown.length > 0) {
  console.error(`[python-orchestrator-tests] unknown suite ${unknown.join(', ')}`);
  process.exit(2);
}
let failed = 0;
for (const [name, suite] of Object.entries(SUITES)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  const python = venvOf(name, suite, found);
  if (python === undefined) {
    failed += 1;
    continue;
  }
  const site = suite.installClient
    ? installClient(python, name)
    : join(root, 'clients', 'python', 'src');
  if (site === undefined) {
    failed += 1;
    continue;
  }
  log(`pytest ${suite.paths.join(' ')}`);
  const env = {
    ...process.env,
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONPATH: [site, process.env.PYTHONPATH].filter(Boolean).join(delimiter),
  };
  const args = ['-m', 'pytest', '-p', 'no:cacheprovider', '--import-mode=importlib', '-q'];
  const status = run(python, [...args, ...suite.paths], { env });
  if (suite.installClient) rmSync(dirname(site), { recursive: true, force: true });
  log(status === 0 ? `${name}: passed` : `${name}: failed (pytest exit ${status})`);
  if (status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
