// The `sh` blocks of the READMEs and docs (markdown-snippets.ts picks them; a marker above one can
// skip it with a reason) are checked against the repository without being run, since most start
// servers, need keys from earlier lines or a PostgreSQL: every `docket COMMAND --flag` (also as
// `npx docket` or `node packages/cli/bin/docket.js`) names a command of `docket --help` and flags
// its `docket COMMAND --help` lists; every `npm run SCRIPT` a script of package.json; every
// `node scripts/X` and `npx tsc -b PATH` an existing file or folder; every filter given to
// `node scripts/run-tests.mjs` at least one test file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { repoRoot } from '../support/vectors.js';
import { extractSnippets, markdownFiles, shellCommands } from './markdown-snippets.js';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');
const helpCache = new Map<string, string>();
const help = (args: string[]): string => {
  const key = args.join(' ');
  let text = helpCache.get(key);
  if (text === undefined) {
    const r = spawnSync(process.execPath, [bin, ...args, '--help'], { encoding: 'utf8' });
    text = `${r.stdout}${r.stderr}`;
    helpCache.set(key, text);
  }
  return text;
};
const COMMANDS = new Set(
  [...help([]).matchAll(/^ {2}([a-z]+)\s/gm)].map((m) => m[1]!).filter((c) => c !== 'docket'),
);
const scripts = (
  JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  }
).scripts;

/** Every *.test.ts of the repository, relative to it (dist folders and node_modules left out). */
function testSources(dir = repoRoot, found: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', '.git', '.venv'].includes(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) testSources(path, found);
    else if (entry.name.endsWith('.test.ts')) found.push(relative(repoRoot, path));
  }
  return found;
}

/** The problems of one simple command (its words), empty when it checks out. */
function problemsOf(words: string[], tests: string[]): string[] {
  const [first, second] = words;
  let docketArgs: string[] | undefined;
  if (first === 'docket') docketArgs = words.slice(1);
  else if (first === 'npx' && second === 'docket') docketArgs = words.slice(2);
  else if (first === 'node' && second === 'packages/cli/bin/docket.js') docketArgs = words.slice(2);
  if (docketArgs !== undefined) {
    const command = docketArgs[0] ?? '';
    if (!COMMANDS.has(command)) return [`docket ${command}: no such command`];
    const text = help([command]);
    return docketArgs
      .filter((w) => /^--[a-z]/.test(w))
      .map((w) => w.split('=')[0]!)
      .filter((flag) => !new RegExp(`${flag}(?![a-z-])`).test(text))
      .map((flag) => `docket ${command} ${flag}: not in \`docket ${command} --help\``);
  }
  if (first === 'npm' && second === 'run') {
    return words[2] !== undefined && words[2] in scripts
      ? []
      : [`npm run ${words[2]}: no such script`];
  }
  if (first === 'npx' && second === 'tsc') {
    return words
      .slice(2)
      .filter((w) => !w.startsWith('-'))
      .filter((path) => !existsSync(join(repoRoot, path)))
      .map((path) => `tsc ${path}: no such path`);
  }
  if (first === 'node' && second?.startsWith('scripts/') === true) {
    if (!existsSync(join(repoRoot, second))) return [`${second}: no such file`];
    if (second !== 'scripts/run-tests.mjs') return [];
    // run-tests.mjs filters compiled paths: tests/dist/x → tests/x, packages/p/dist/x → packages/p/src/x.
    return words
      .slice(2)
      .filter((filter) => {
        const source = filter.replace(/^tests\/dist\//, 'tests/').replace(/\/dist(\/|$)/, '/src$1');
        return !tests.some((t) => t.startsWith(source) || t.includes(source));
      })
      .map((filter) => `run-tests.mjs ${filter}: matches no test file`);
  }
  return [];
}

describe('README and docs snippets (sh)', () => {
  const snippets = markdownFiles(repoRoot)
    .flatMap((file) => extractSnippets(readFileSync(join(repoRoot, file), 'utf8'), file))
    .filter((s) => s.language === 'sh' && s.mode !== 'skip');
  const tests = testSources();

  test('the docket commands are found, and there are sh snippets to check', () => {
    assert.ok(COMMANDS.has('serve') && COMMANDS.has('verify'), [...COMMANDS].join(' '));
    assert.ok(snippets.length >= 20, `only ${snippets.length} sh snippets`);
  });

  test('a wrong command, flag, script or test filter is caught', () => {
    assert.deepEqual(problemsOf(['docket', 'verfy'], tests), ['docket verfy: no such command']);
    assert.deepEqual(problemsOf(['npx', 'docket', 'serve', '--tls-crt', 'x'], tests), [
      'docket serve --tls-crt: not in `docket serve --help`',
    ]);
    assert.deepEqual(problemsOf(['npm', 'run', 'bench:nope'], tests), [
      'npm run bench:nope: no such script',
    ]);
    assert.deepEqual(problemsOf(['node', 'scripts/run-tests.mjs', 'tests/dist/nope'], tests), [
      'run-tests.mjs tests/dist/nope: matches no test file',
    ]);
  });

  for (const s of snippets) {
    test(`${s.file}:${s.line} (sh) names commands, flags, scripts and tests that exist`, () => {
      const problems = shellCommands(s.code).flatMap((words) => problemsOf(words, tests));
      assert.deepEqual(problems, []);
    });
  }
});
