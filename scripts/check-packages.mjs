#!/usr/bin/env node
// Checks what a user installs from each public package (packages/*), before any is published:
// a license field and LICENSE file, a README, `engines.node` equal to the monorepo's, one version
// for every @docket package and for the Python client, @docket dependencies pinned to that
// version, and every peer-dependency range satisfied by the version the tests run (the one in
// node_modules), the range starting at the tested minor version: a range is a claim that those
// versions work, and only the tested one is known to.
// Exits 1 with one line per problem. Part of `npm run check`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const monorepo = readJson(join(root, 'package.json'));
const problems = [];

/** `[major, minor, patch]` of a plain version, or undefined. */
const parse = (version) => {
  const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  return m === null ? undefined : [Number(m[1]), Number(m[2]), Number(m[3])];
};
const compare = (a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/**
 * Whether `version` satisfies `range`, for the forms the packages use: an exact version, or a
 * caret range `^X`, `^X.Y` or `^X.Y.Z` (X > 0). Anything else is a problem to fix here first.
 */
function satisfies(version, range) {
  const v = parse(version);
  if (v === undefined) return false;
  const exact = parse(range);
  if (exact !== undefined) return compare(v, exact) === 0;
  const caret = /^\^(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range);
  if (caret === null || Number(caret[1]) === 0) {
    throw new Error(`unsupported range "${range}" (use ^X.Y.Z with X ≥ 1, or an exact version)`);
  }
  const low = [Number(caret[1]), Number(caret[2] ?? 0), Number(caret[3] ?? 0)];
  return v[0] === low[0] && compare(v, low) >= 0;
}

const packages = readdirSync(join(root, 'packages'))
  .map((name) => ({ dir: join(root, 'packages', name), name }))
  .filter(({ dir }) => existsSync(join(dir, 'package.json')))
  .map((p) => ({ ...p, json: readJson(join(p.dir, 'package.json')) }))
  .filter((p) => p.json.private !== true);

const version = readJson(join(root, 'packages', 'protocol', 'package.json')).version;
const pyproject = readFileSync(join(root, 'clients', 'python', 'pyproject.toml'), 'utf8');
const pyVersion = /^version = "([^"]+)"/m.exec(pyproject)?.[1];
if (pyVersion !== version) {
  problems.push(`clients/python: version ${pyVersion} is not ${version} (versions move in step)`);
}
const pyModule = readFileSync(
  join(root, 'clients', 'python', 'src', 'docket_client', '_version.py'),
  'utf8',
);
const pyModuleVersion = /^__version__ = "([^"]+)"/m.exec(pyModule)?.[1];
if (pyModuleVersion !== version) {
  problems.push(
    `clients/python/src/docket_client/_version.py: __version__ ${pyModuleVersion} is not ${version}`,
  );
}
const ours = new Set(packages.map((p) => p.json.name));

for (const { dir, name, json } of packages) {
  const at = `packages/${name} (${json.name})`;
  if (json.version !== version) problems.push(`${at}: version ${json.version}, not ${version}`);
  if (json.license !== monorepo.license) problems.push(`${at}: license is not ${monorepo.license}`);
  if (!existsSync(join(dir, 'LICENSE'))) problems.push(`${at}: no LICENSE file`);
  if (!existsSync(join(dir, 'README.md'))) problems.push(`${at}: no README.md`);
  if (json.engines?.node !== monorepo.engines.node) {
    problems.push(`${at}: engines.node is not "${monorepo.engines.node}"`);
  }
  if (!Array.isArray(json.files))
    problems.push(`${at}: no "files" list (the tarball would hold src)`);
  for (const field of ['dependencies', 'peerDependencies']) {
    for (const [dep, range] of Object.entries(json[field] ?? {})) {
      if (ours.has(dep)) {
        if (range !== version)
          problems.push(`${at}: ${field}.${dep} is "${range}", not "${version}"`);
        continue;
      }
      if (field !== 'peerDependencies') continue;
      // The version the tests run: the package's own, hoisted to the root, or the tests'.
      const installed = [dir, root, join(root, 'tests')]
        .map((base) => join(base, 'node_modules', dep))
        .map((path) => join(path, 'package.json'))
        .find((path) => existsSync(path));
      if (installed === undefined) {
        problems.push(`${at}: peer ${dep} is not installed, so no test runs it`);
        continue;
      }
      const tested = readJson(installed).version;
      try {
        const low = /^\^(\d+)(?:\.(\d+))?/.exec(range);
        const [major, minor] = tested.split('.');
        if (!satisfies(tested, range)) {
          problems.push(`${at}: peer ${dep}@"${range}" does not admit the tested ${tested}`);
        } else if (low !== null && (low[1] !== major || (low[2] ?? '0') !== minor)) {
          problems.push(
            `${at}: peer ${dep}@"${range}" claims versions older than the tested ${tested} (use "^${major}.${minor}.0")`,
          );
        }
      } catch (error) {
        problems.push(`${at}: peer ${dep}: ${error.message}`);
      }
    }
  }
}

if (problems.length > 0) {
  console.error(`packages: ${problems.length} problems\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `packages: ${packages.length} public packages at ${version}, metadata and peer ranges agree`,
);
