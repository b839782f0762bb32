/**
 * The browser UI shares the wire types of `@docket/protocol` with `import type` only: the compiled
 * modules the server sends to browsers must load no package of the monorepo (no Node code).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../../../packages/web/dist', import.meta.url));
const src = fileURLToPath(new URL('../../../packages/web/src', import.meta.url));

const files = (dir: string, ext: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, ext);
    return name.endsWith(ext) && !name.endsWith(`.test${ext}`) ? [path] : [];
  });

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"]([^'"]+)['"]/g;

test('web sources import @docket/protocol (types), and its compiled modules import none', () => {
  const sources = files(src, '.ts').map((f) => readFileSync(f, 'utf8'));
  assert.ok(
    sources.some((text) => text.includes("from '@docket/protocol/wire'")),
    'no web module imports the wire types: this test would prove nothing',
  );
  const modules = files(dist, '.js');
  assert.ok(modules.length > 10, `only ${modules.length} modules in ${dist}: run npx tsc -b`);
  for (const file of modules) {
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(SPECIFIER)) {
      assert.ok(!spec!.startsWith('@docket/'), `${file} loads ${spec}: Node code in the browser`);
    }
  }
});
