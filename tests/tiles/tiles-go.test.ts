/**
 * Issue 19, tlog-tiles: each log of a tenant is served as a tiled log (c2sp.org/tlog-tiles) under
 * `/v1/tiles/{log}/`. A Go client built on golang.org/x/mod's sumdb code (note, tlog), independent
 * of Docket (tests/interop/tiles-client-go), reads it over HTTP with a reader key: it verifies the
 * checkpoint signature, that the tiles hash to the signed root, that every entry of the entry
 * bundles hashes to its level-0 tile hash (erased subjects' entries included), and checks inclusion
 * and consistency proofs it computes from the tiles alone. Needs the `go` toolchain (modules from
 * the Go module proxy, cached in Go's module and build caches); skipped where it is absent, a
 * failure under CI=true.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fromEntryBundle, generateSignerKey, hashLeaf } from '@docket/core';
import { fixtureDecision, tempDir } from '../support/ledger-fixture.js';
import { api, assertOk, assertProblem, startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';
import { repoRoot } from '../support/vectors.js';

const hasGo = spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;
const goOptions = ((): { skip?: string } => {
  if (hasGo) return {};
  const message = 'the go toolchain is not installed: the Go tlog-tiles client test is skipped';
  if (process.env['CI'] === 'true') throw new Error(`${message}; under CI=true this is a failure`);
  return { skip: message };
})();

interface GoResult {
  check: string;
  ok: boolean;
  error?: string;
}

/** 600 entries: full level-0 tiles 0 and 1, a partial one of 88, a partial level-1 tile of 2. */
const COUNT = 600;

describe('tlog-tiles read path', { timeout: 300_000 }, () => {
  const tmp = tempDir('docket-tiles-');
  let server: TestServer;
  let oldCheckpoint = '';
  after(async () => {
    await server.close();
    tmp.cleanup();
  });

  before(async () => {
    server = await startTestServer({ ledger: { flushIntervalMs: 5 } });
    const ingest = api(server.url, server.keys.default.ingest);
    for (let at = 0; at < COUNT; at += 100) {
      const decisions = Array.from({ length: 100 }, (_, i) => fixtureDecision(at + i));
      assertOk(await ingest.post('/v1/decisions', { decisions }), 200);
      if (at === 200) {
        oldCheckpoint = (await api(server.url, server.keys.default.reader).get('/v1/checkpoint'))
          .text;
      }
    }
    // Erased entries keep their leaf (the envelope with its commitments) in the bundles.
    assertOk(
      await api(server.url, server.keys.default.admin).post('/v1/subjects/applicant-2/erase', {
        reason: 'tiles test',
      }),
    );
  });

  const runGo = async (input: object): Promise<GoResult[]> => {
    const binary = join(tmp.dir, 'tiles-client');
    if (spawnSync(binary, ['-h']).error !== undefined) {
      const build = spawnSync('go', ['build', '-o', binary, '.'], {
        cwd: join(repoRoot, 'tests', 'interop', 'tiles-client-go'),
        encoding: 'utf8',
        timeout: 300_000,
      });
      assert.equal(build.status, 0, `go build failed: ${build.stderr}`);
    }
    // Asynchronously: the server answers from this process's event loop.
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(JSON.stringify(input));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 0, stderr);
    return JSON.parse(stdout) as GoResult[];
  };

  test(
    'a Go sumdb/tlog client verifies the checkpoint, tiles, bundles and proofs',
    goOptions,
    async () => {
      const info = assertOk<{ origin: string; vkey: string; size: number }>(
        await api(server.url, server.keys.default.reader).get('/v1/log'),
      );
      assert.ok(info.size > COUNT, 'the erasure appended a tombstone');
      const results = await runGo({
        prefix: `${server.url}/v1/tiles/decisions`,
        key: server.keys.default.reader,
        vkey: info.vkey,
        oldCheckpoint,
        records: [0, 1, 255, 256, 511, 512, COUNT - 1, info.size - 1],
      });
      for (const r of results) assert.equal(r.ok, true, `${r.check}: ${r.error}`);
      assert.deepEqual(
        results.map((r) => r.check),
        [
          'checkpoint',
          'root',
          'entries',
          ...[0, 1, 255, 256, 511, 512, COUNT - 1, info.size - 1].map((i) => `inclusion ${i}`),
          'consistency 300',
        ],
      );
    },
  );

  test(
    'the Go client refuses the checkpoint under another key of the same name',
    goOptions,
    async () => {
      const { origin } = assertOk<{ origin: string }>(
        await api(server.url, server.keys.default.reader).get('/v1/log'),
      );
      const results = await runGo({
        prefix: `${server.url}/v1/tiles/decisions`,
        key: server.keys.default.reader,
        vkey: generateSignerKey(origin).vkey,
        records: [],
      });
      const [first] = results;
      assert.ok(first !== undefined);
      assert.equal(first.check, 'checkpoint');
      assert.equal(first.ok, false);
    },
  );

  test('the access log is a tiled log too', goOptions, async () => {
    const info = assertOk<{ access: { vkey: string; size: number } }>(
      await api(server.url, server.keys.default.reader).get('/v1/log'),
    );
    const results = await runGo({
      prefix: `${server.url}/v1/tiles/access`,
      key: server.keys.default.reader,
      vkey: info.access.vkey,
      records: [0],
    });
    for (const r of results) assert.equal(r.ok, true, `${r.check}: ${r.error}`);
  });

  test('tiles are bytes of the tree: a partial tile is a prefix of the full one', async () => {
    const reader = api(server.url, server.keys.default.reader);
    const full = await fetchBytes(server, '/v1/tiles/decisions/tile/0/000');
    assert.equal(full.length, 256 * 32);
    const partial = await fetchBytes(server, '/v1/tiles/decisions/tile/0/000.p/7');
    assert.deepEqual(partial, full.subarray(0, 7 * 32));
    const bundle = fromEntryBundle(
      await fetchBytes(server, '/v1/tiles/decisions/tile/entries/000'),
    );
    assert.equal(bundle.length, 256);
    bundle.forEach((leaf, i) => {
      assert.deepEqual(hashLeaf(leaf), full.subarray(i * 32, (i + 1) * 32), `leaf ${i}`);
    });
    const res = await reader.get('/v1/tiles/decisions/tile/0/000');
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.match(res.headers.get('cache-control') ?? '', /immutable/);
    const checkpoint = await reader.get('/v1/tiles/decisions/checkpoint');
    assert.equal(checkpoint.text, (await reader.get('/v1/checkpoint')).text);
  });

  test('refusals: beyond the tree, a malformed path, no key, an ingest key', async () => {
    const reader = api(server.url, server.keys.default.reader);
    // Level 0 has 2 full tiles and a partial one: tile 2 is not full, entries tile 3 does not exist.
    assertProblem(await reader.get('/v1/tiles/decisions/tile/0/002'), 404, 'TILE_NOT_FOUND');
    assertProblem(await reader.get('/v1/tiles/decisions/tile/entries/003'), 404, 'TILE_NOT_FOUND');
    assertProblem(await reader.get('/v1/tiles/decisions/tile/2/000.p/1'), 404, 'TILE_NOT_FOUND');
    for (const bad of [
      '0/2',
      '0/x000/002',
      '0/000.p/256',
      '0/000.p/0',
      '01/000',
      '64/000',
      'x/000',
    ]) {
      assertProblem(await reader.get(`/v1/tiles/decisions/tile/${bad}`), 400, 'TILE_PATH_INVALID');
    }
    assertProblem(await reader.get('/v1/tiles/nope/checkpoint'), 400);
    assertProblem(await api(server.url).get('/v1/tiles/decisions/tile/0/000'), 401);
    assertProblem(
      await api(server.url, server.keys.default.ingest).get('/v1/tiles/decisions/tile/0/000'),
      403,
    );
  });
});

async function fetchBytes(server: TestServer, path: string): Promise<Buffer> {
  const res = await fetch(`${server.url}${path}`, {
    headers: { authorization: `Bearer ${server.keys.default.reader}` },
  });
  assert.equal(res.status, 200, path);
  return Buffer.from(await res.arrayBuffer());
}
