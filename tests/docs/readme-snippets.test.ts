// Every TypeScript and JavaScript snippet of the READMEs and docs (the rule: markdown-snippets.ts)
// as a reader would paste it: each becomes a module of a throwaway project whose node_modules are
// the workspace's, is type-checked by tsc with the repository's strict options, and, unless marked
// no-run, runs with node against a real `docket serve` started here (DOCKET_URL and DOCKET_API_KEY
// set, the README's address http://127.0.0.1:7420 replaced by the server's); a run passes when it
// exits 0 and the server then holds more decisions than before. Excerpt blocks are checked line by
// line against the file they quote. The Python snippets are run by
// clients/python/tests/test_readme_snippets.py.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createKey, serveChild } from '../support/child-server.js';
import type { ChildServer } from '../support/child-server.js';
import { tempDir } from '../support/ledger-fixture.js';
import { repoRoot } from '../support/vectors.js';
import { extractSnippets, markdownFiles, missingExcerptLines } from './markdown-snippets.js';
import type { Snippet } from './markdown-snippets.js';

const README_URL = 'http://127.0.0.1:7420';
const all: Snippet[] = markdownFiles(repoRoot).flatMap((file) =>
  extractSnippets(readFileSync(join(repoRoot, file), 'utf8'), file),
);
const where = (s: Snippet): string => `${s.file}:${s.line}`;
const typed = all.filter(
  (s) => (s.language === 'ts' || s.language === 'js') && s.mode !== 'skip' && s.mode !== 'excerpt',
);

/**
 * node_modules of the throwaway project: links to every package of the workspace's node_modules,
 * then those only nested in a workspace package (`ai` under packages/vercel-ai), scopes merged.
 */
function linkNodeModules(target: string): void {
  const sources = [
    join(repoRoot, 'node_modules'),
    ...readdirSync(join(repoRoot, 'packages')).map((p) =>
      join(repoRoot, 'packages', p, 'node_modules'),
    ),
  ].filter((dir) => existsSync(dir));
  const link = (from: string, to: string): void => {
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const dest = join(to, entry.name);
      if (entry.name.startsWith('@') && entry.isDirectory()) {
        mkdirSync(dest, { recursive: true });
        link(join(from, entry.name), dest);
      } else if (!existsSync(dest)) {
        symlinkSync(join(from, entry.name), dest);
      }
    }
  };
  mkdirSync(target, { recursive: true });
  for (const source of sources) link(source, target);
}

/** Decisions the server holds (every agent, first page of 200 is plenty here). */
async function decisionCount(url: string, key: string): Promise<number> {
  const res = await fetch(`${url}/v1/decisions?limit=200`, {
    headers: { authorization: `Bearer ${key}` },
  });
  const body = (await res.json()) as { items?: unknown[] };
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.items!.length;
}

describe('README and docs snippets (TypeScript, JavaScript, excerpts)', () => {
  const tmp = tempDir('docket-snippets-');
  const project = join(tmp.dir, 'project');
  const diagnostics = new Map<string, string[]>();
  let server: ChildServer | undefined;
  let url = '';
  let adminKey = '';
  let ingestKey = '';

  before(async () => {
    linkNodeModules(join(project, 'node_modules'));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ type: 'module' }));
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        // A reader's project: `strict` and Node's ES modules, as `tsc --init` and the packages'
        // own READMEs assume; not this repository's extra flags (exactOptionalPropertyTypes).
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          skipLibCheck: true,
          types: ['node'],
          outDir: 'out',
          rootDir: 'src',
        },
        include: ['src'],
      }),
    );
    mkdirSync(join(project, 'src'));
    typed.forEach((s, i) => {
      // `export {}` makes every snippet a module (top-level await) with its own scope.
      writeFileSync(join(project, 'src', `snippet-${i}.${s.language}`), `${s.code}export {};\n`);
    });
    const tsc = spawnSync(
      process.execPath,
      [
        join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        project,
        '--pretty',
        'false',
        '--allowJs',
        '--checkJs',
      ],
      { encoding: 'utf8', cwd: project },
    );
    let file = 'other';
    for (const line of tsc.stdout.split('\n').filter(Boolean)) {
      // A diagnostic's first line names its file; indented lines continue it.
      if (!line.startsWith(' ')) file = /^src[\\/](snippet-\d+)\./.exec(line)?.[1] ?? 'other';
      diagnostics.set(file, [...(diagnostics.get(file) ?? []), line]);
    }
    assert.ok(tsc.status === 0 || diagnostics.size > 0, `tsc failed: ${tsc.stderr}`);
    server = await serveChild(join(tmp.dir, 'data'));
    url = server.url;
    adminKey = server.bootstrapKey!;
    ingestKey = await createKey(url, adminKey, 'ingest');
  });

  after(async () => {
    await server?.stop();
    tmp.cleanup();
  });

  test('the rule finds snippets, and skips stay rare', () => {
    assert.ok(typed.length >= 5, `only ${typed.length} TypeScript snippets found`);
    const skipped = all.filter((s) => s.mode === 'skip');
    assert.ok(skipped.length <= 5, `too many skips: ${skipped.map(where).join(', ')}`);
  });

  test('tsc reports nothing outside the snippets', () => {
    assert.deepEqual(diagnostics.get('other') ?? [], []);
  });

  for (const [i, s] of typed.entries()) {
    test(`${where(s)} (${s.language}) type-checks`, () => {
      assert.deepEqual(diagnostics.get(`snippet-${i}`) ?? [], []);
    });
    if (s.mode !== 'run') continue;
    test(`${where(s)} (${s.language}) runs against docket serve`, async () => {
      const runnable = join(project, 'run', `snippet-${i}.js`);
      mkdirSync(dirname(runnable), { recursive: true });
      const compiled = readFileSync(join(project, 'out', `snippet-${i}.js`), 'utf8');
      writeFileSync(runnable, compiled.replaceAll(README_URL, url));
      const before = await decisionCount(url, adminKey);
      const run = spawnSync(process.execPath, [runnable], {
        encoding: 'utf8',
        cwd: project,
        env: {
          ...process.env,
          DOCKET_URL: url,
          DOCKET_API_KEY: ingestKey,
          DOCKET_FLUSH_INTERVAL_MS: '10',
        },
        timeout: 120_000,
      });
      assert.equal(run.status, 0, `exit ${run.status}: ${run.stderr}`);
      // The server acknowledges a batch once it is durable, and the SDK flushes before exit.
      const after = await decisionCount(url, adminKey);
      assert.ok(after > before, `no decision reached the server (${before} → ${after})`);
    });
  }

  for (const s of all.filter((x) => x.mode === 'excerpt')) {
    test(`${where(s)} (${s.language}) is an excerpt of ${s.note}`, () => {
      const path = join(repoRoot, dirname(s.file), s.note!);
      assert.ok(existsSync(path), `${s.note} does not exist`);
      assert.deepEqual(missingExcerptLines(s.code, readFileSync(path, 'utf8')), []);
    });
  }
});
