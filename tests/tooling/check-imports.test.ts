/**
 * Self-test of scripts/check-imports.mjs on small fixture trees written to a temporary directory:
 * each rule of the layer check accepts the allowed form and rejects the others, with its message.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';

/** What scripts/check-imports.mjs exports (a plain .mjs script, outside the TypeScript build). */
interface CheckImportsModule {
  readonly checkImports: (root: string) => { problems: string[]; modules: number };
}
const { checkImports } = (await import(
  new URL('../../../scripts/check-imports.mjs', import.meta.url).href
)) as CheckImportsModule;
const scratch = mkdtempSync(join(tmpdir(), 'docket-check-imports-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** package name → package.json fields beyond the name. */
type Manifests = Record<string, Record<string, unknown>>;

const BASE_MANIFESTS: Manifests = {
  protocol: {},
  ledger: { dependencies: { '@docket/protocol': '0.1.0' } },
  sdk: {
    dependencies: { '@docket/protocol': '0.1.0' },
    peerDependencies: { '@docket/ledger': '0.1.0' },
    peerDependenciesMeta: { '@docket/ledger': { optional: true } },
  },
  web: { dependencies: { '@docket/protocol': '0.1.0' } },
};

const BASE_FILES: Record<string, string> = {
  'protocol/src/index.ts': 'export type Wire = { readonly id: string };\n',
  'ledger/src/index.ts': "import { x } from '@docket/protocol';\nexport const y = x;\n",
  'sdk/src/index.ts':
    "export const where = (): string => import.meta.resolve('@docket/ledger');\n" +
    "export const load = (): Promise<unknown> => import('@docket/ledger');\n",
  'web/src/index.ts':
    "import type { Wire } from '@docket/protocol';\n" +
    "import { type Wire as Same } from '@docket/protocol';\n" +
    "export type { Wire as Again } from '@docket/protocol';\n" +
    "export type View = Wire & Same & import('@docket/protocol').Wire;\n",
};

let trees = 0;

/** Writes a tree (the base one with `files` and `manifests` over it) and runs the check on it. */
function check(
  files: Record<string, string>,
  manifests: Manifests = {},
): { ok: boolean; out: string; modules: number } {
  const root = join(scratch, String(trees++));
  const all = { ...BASE_MANIFESTS, ...manifests };
  for (const [pkg, fields] of Object.entries(all)) {
    mkdirSync(join(root, 'packages', pkg, 'src'), { recursive: true });
    writeFileSync(
      join(root, 'packages', pkg, 'package.json'),
      JSON.stringify({ name: `@docket/${pkg}`, ...fields }),
    );
  }
  for (const [path, text] of Object.entries({ ...BASE_FILES, ...files })) {
    mkdirSync(dirname(join(root, 'packages', path)), { recursive: true });
    writeFileSync(join(root, 'packages', path), text);
  }
  const { problems, modules } = checkImports(root);
  return { ok: problems.length === 0, out: problems.join('\n'), modules };
}

function assertFails(result: { ok: boolean; out: string }, message: RegExp): void {
  assert.equal(result.ok, false, 'the check passed');
  assert.match(result.out, message);
}

describe('scripts/check-imports.mjs', () => {
  test('accepts the base tree: type-only web → protocol, sdk → ledger at run time', () => {
    const result = check({});
    assert.equal(result.ok, true, result.out);
    assert.equal(result.modules, 4);
  });

  test('web may not import protocol code (a value import)', () => {
    assertFails(
      check({ 'web/src/app.ts': "import { canonicalize } from '@docket/protocol';\n" }),
      /web\/src\/app\.ts: web may import @docket\/protocol for types only .*found a static import/,
    );
  });

  test('web: a named import that mixes a type and a value is a value import', () => {
    assertFails(
      check({ 'web/src/app.ts': "import { type Wire, canonicalize } from '@docket/protocol';\n" }),
      /for types only/,
    );
  });

  test('web: a dynamic import of protocol is code too', () => {
    assertFails(
      check({ 'web/src/app.ts': "export const p = import('@docket/protocol');\n" }),
      /for types only .*found a dynamic import/,
    );
  });

  test('web may not import other packages, even for types', () => {
    assertFails(
      check({ 'web/src/app.ts': "import type { Ledger } from '@docket/ledger';\n" }),
      /web may not import @docket\/ledger \(allowed: none; types only: protocol\)/,
    );
  });

  test('sdk → ledger without the optional peer declaration fails', () => {
    assertFails(
      check(
        {},
        {
          sdk: {
            dependencies: { '@docket/protocol': '0.1.0' },
            peerDependencies: { '@docket/ledger': '0.1.0' },
          },
        },
      ),
      /sdk\/src\/index\.ts: loads @docket\/ledger at run time, which packages\/sdk\/package\.json does not declare as an optional peer/,
    );
  });

  test('sdk → ledger by a static import fails, declared or not', () => {
    assertFails(
      check({ 'sdk/src/local.ts': "import { createLedger } from '@docket/ledger';\n" }),
      /sdk may reach @docket\/ledger only at run time .*found a static import/,
    );
  });

  test('a dynamic import or import.meta.resolve of a forbidden package is seen', () => {
    const dynamic = check({ 'sdk/src/x.ts': "export const c = import('@docket/web');\n" });
    assertFails(dynamic, /sdk\/src\/x\.ts: sdk may not import @docket\/web/);
    const resolved = check({
      'ledger/src/x.ts': "export const u = import.meta.resolve('@docket/sdk');\n",
    });
    assertFails(resolved, /ledger\/src\/x\.ts: ledger may not import @docket\/sdk/);
  });

  test('an import in a comment or a string is not an import', () => {
    const result = check({
      'sdk/src/doc.ts':
        "/** @example import('@docket/web'); import.meta.resolve('@docket/core') */\n" +
        "// import { a } from '@docket/server';\n" +
        'export const text = "import { a } from \'@docket/server\'";\n',
    });
    assert.equal(result.ok, true, result.out);
  });

  test('an allowed package that package.json does not declare fails', () => {
    assertFails(
      check({}, { ledger: {} }),
      /ledger\/src\/index\.ts: imports @docket\/protocol, which packages\/ledger\/package\.json does not declare/,
    );
  });

  test('an import cycle fails with its path', () => {
    assertFails(
      check({
        'ledger/src/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
        'ledger/src/b.ts': "import type { A } from './c.js';\nexport const b = 1 as A;\n",
        'ledger/src/c.ts': "import { a } from './a.js';\nexport type A = typeof a;\n",
      }),
      /import cycle: packages\/ledger\/src\/a\.ts → .*b\.ts → .*c\.ts → .*a\.ts/,
    );
  });
});
