import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SdkError } from './errors.js';
import { resolveOptions } from './options.js';

const KEY = 'dk_abc_def';

/** Asserts that `options` throw OPTION_INVALID naming `where`. */
function assertInvalid(options: Parameters<typeof resolveOptions>[0], where: string): void {
  assert.throws(
    () => resolveOptions({ env: {}, ...options }),
    (e: unknown) => e instanceof SdkError && e.code === 'OPTION_INVALID' && e.where === where,
  );
}

test('defaults and env twins', () => {
  const r = resolveOptions({
    env: {
      DOCKET_URL: 'http://h:1',
      DOCKET_API_KEY: KEY,
      DOCKET_MAX_BATCH: '7',
      DOCKET_GZIP: 'off',
    },
  });
  assert.equal(r.url, 'http://h:1');
  assert.equal(r.apiKey, KEY);
  assert.equal(r.maxBatch, 7);
  assert.equal(r.gzip, false);
  assert.equal(r.flushIntervalMs, 1000);
  assert.match(r.producerId, /^[A-Za-z0-9._-]+-\d+-[0-9a-f]{6}$/);
});

test('a string option read from a possibly unset variable type-checks and falls back to its env twin', () => {
  // Compiled with exactOptionalPropertyTypes: `apiKey: process.env.X` must be accepted as written.
  const unset: Record<string, string | undefined> = {};
  const r = resolveOptions({
    url: unset['DOCKET_URL_OVERRIDE'],
    apiKey: unset['DOCKET_API_KEY_OVERRIDE'],
    spoolDir: unset['DOCKET_SPOOL_OVERRIDE'],
    env: { DOCKET_URL: 'http://h:1', DOCKET_API_KEY: KEY },
  });
  assert.equal(r.url, 'http://h:1');
  assert.equal(r.apiKey, KEY);
  assert.equal(r.spoolDir, undefined);
});

test('explicit options win over env', () => {
  const r = resolveOptions({
    url: 'https://x',
    apiKey: KEY,
    maxBatch: 3,
    env: { DOCKET_MAX_BATCH: '9' },
  });
  assert.equal(r.maxBatch, 3);
});

test('bad options throw OPTION_INVALID naming the option', () => {
  assertInvalid({}, 'url');
  assertInvalid({ url: 'not a url', apiKey: KEY }, 'url');
  assertInvalid({ url: 'ftp://x', apiKey: KEY }, 'url');
  assertInvalid({ url: 'http://x' }, 'apiKey');
  assertInvalid({ url: 'http://x', apiKey: 'secret' }, 'apiKey');
  assertInvalid({ url: 'http://x', apiKey: KEY, maxBatch: 1001 }, 'maxBatch');
  assertInvalid({ url: 'http://x', apiKey: KEY, maxQueue: 0 }, 'maxQueue');
  assertInvalid(
    { url: 'http://x', apiKey: KEY, env: { DOCKET_FLUSH_INTERVAL_MS: 'soon' } },
    'flushIntervalMs',
  );
  assertInvalid({ url: 'http://x', apiKey: KEY, env: { DOCKET_IMMEDIATE: 'maybe' } }, 'immediate');
  assertInvalid({ url: 'http://x', apiKey: KEY, producerId: 'a/b' }, 'producerId');
  assertInvalid({ url: 'http://x', apiKey: KEY, retryBaseMs: 100, retryMaxMs: 10 }, 'retryMaxMs');
  // @ts-expect-error: a wrong type from untyped callers
  assertInvalid({ url: 'http://x', apiKey: KEY, onError: 'log' }, 'onError');
});

test('dataDir without url selects local mode (the embedded ledger is found); with url it is ignored', () => {
  const local = resolveOptions({ dataDir: '/tmp/x', env: {} });
  assert.equal(local.dataDir, '/tmp/x');
  assert.match(local.ledgerUrl ?? '', /^file:.*ledger/);
  const remote = resolveOptions({ url: 'http://x', apiKey: KEY, env: { DOCKET_DATA_DIR: '/d' } });
  assert.equal(remote.dataDir, undefined);
  assert.equal(resolveOptions({ env: { DOCKET_DATA_DIR: '/d' } }).dataDir, '/d');
});

test('the error message names the option and its env twin', () => {
  assert.throws(
    () => resolveOptions({ url: 'http://x', apiKey: KEY, maxBatch: 0, env: {} }),
    /maxBatch \(DOCKET_MAX_BATCH\) must be an integer in 1\.\.1000/,
  );
});
