#!/usr/bin/env node
// Runs the Python client's tests (clients/python) and the Dagster example's
// (examples/dagster-loan-approval) with pytest, against a real `docket serve` started by the tests.
// Makes or reuses a virtualenv in clients/python/.venv: the client in editable mode with its test
// extras (pytest, dagster) from PyPI, reinstalled only when pyproject.toml or the Python changed
// (a hash stamp in the venv). Needs the TypeScript build (packages/*/dist) and Python ≥ 3.10
// (`$DOCKET_PYTHON`, else python3, python3.11, python). Then runs the Airflow and Prefect tests
// (run-python-orchestrator-tests.mjs, their own cached virtualenvs). Exits non-zero if any failed.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const client = join(root, 'clients', 'python');
const venv = join(client, '.venv');
const isWindows = process.platform === 'win32';
const venvPython = join(venv, isWindows ? 'Scripts' : 'bin', isWindows ? 'python.exe' : 'python');
const stampFile = join(venv, 'docket-requirements.sha256');
const started = Date.now();

const log = (message) => {
  console.log(`[python-tests ${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
};

/** Runs a command with inherited output; exits this script with its status when it fails. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  if (result.error) {
    console.error(`[python-tests] cannot run ${command}: ${result.error.message}`);
    process.exit(1);
  }
  return result.status ?? 1;
}

/** The first Python ≥ 3.10 found, as [command, "3.11.7"]. */
function findPython() {
  const candidates = [process.env.DOCKET_PYTHON, 'python3', 'python3.11', 'python3.12', 'python'];
  for (const candidate of candidates.filter(Boolean)) {
    const probe = spawnSync(
      candidate,
      ['-c', 'import sys; print("%d.%d.%d" % sys.version_info[:3])'],
      { encoding: 'utf8' },
    );
    if (probe.status !== 0) continue;
    const version = probe.stdout.trim();
    const [major, minor] = version.split('.').map(Number);
    if (major === 3 && minor >= 10) return [candidate, version];
  }
  return undefined;
}

const found = findPython();
if (found === undefined) {
  console.error('[python-tests] no Python ≥ 3.10 found (set DOCKET_PYTHON)');
  process.exit(1);
}
const [python, version] = found;
log(`Python ${version} (${python})`);

if (!existsSync(join(root, 'packages', 'cli', 'dist', 'main.js'))) {
  console.error('[python-tests] packages/cli/dist is missing: build first (npx tsc -b)');
  process.exit(1);
}

const stamp = createHash('sha256')
  .update(readFileSync(join(client, 'pyproject.toml')))
  .update(`\0${version}\0${python}`)
  .digest('hex');
const current = existsSync(stampFile) ? readFileSync(stampFile, 'utf8').trim() : '';
if (!existsSync(venvPython) || current !== stamp) {
  if (!existsSync(venvPython)) {
    log('creating clients/python/.venv');
    rmSync(venv, { recursive: true, force: true });
    if (run(python, ['-m', 'venv', venv]) !== 0) process.exit(1);
  }
  log('installing the client (editable) with pytest and dagster from PyPI');
  const pip = [
    '-m',
    'pip',
    'install',
    '--disable-pip-version-check',
    '--no-input',
    '--quiet',
    '-e',
    `${client}[test]`,
  ];
  if (run(venvPython, pip) !== 0) {
    console.error('[python-tests] pip install failed');
    process.exit(1);
  }
  writeFileSync(stampFile, `${stamp}\n`);
} else {
  log('reusing clients/python/.venv (requirements unchanged)');
}

log('pytest clients/python/tests examples/dagster-loan-approval');
const status = run(
  venvPython,
  [
    '-m',
    'pytest',
    '-p',
    'no:cacheprovider',
    '--import-mode=importlib',
    '-q',
    'clients/python/tests',
    'examples/dagster-loan-approval',
  ],
  { env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
);
log(status === 0 ? 'passed' : `failed (pytest exit ${status})`);

// The Airflow and Prefect tests, each in its own cached virtualenv (run-python-orchestrator-tests.mjs).
const orchestrators = run(
  process.execPath,
  [join(root, 'scripts', 'run-python-orchestrator-tests.mjs')],
  { env: { ...process.env, DOCKET_PYTHON: python } },
);
process.exit(status !== 0 ? status : orchestrators);
