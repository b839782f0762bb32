import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { SDK_VERSION } from './version.js';

test('SDK_VERSION equals package.json version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  assert.equal(SDK_VERSION, pkg.version);
});

test('package.json: no runtime dependency but @docket/protocol; the ledger local mode loads is an optional peer', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };
  assert.deepEqual(Object.keys(pkg.dependencies ?? {}), ['@docket/protocol']);
  // options.ts resolves '@docket/ledger' at run time (local mode): it must be declared.
  assert.equal(typeof pkg.peerDependencies?.['@docket/ledger'], 'string');
  assert.equal(pkg.peerDependenciesMeta?.['@docket/ledger']?.optional, true);
});
