// recordChange: a change record from a deployment script reaches the log through the HTTP API,
// and every failure rejects with a code (unlike capture(), the caller must know).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DocketError } from '@docket/protocol';
import { recordChange } from '@docket/sdk';
import { api, assertOk, startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';

let server: TestServer | undefined;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.close();
});

const change = {
  agent: { id: 'sdk-agent', version: '3.1.0' },
  model: { name: 'gpt-4o' },
  prompt: { hash: 'sha256:def' },
  author: 'a.dev',
  approver: 'r.risk',
};

const code = (expected: string) => (e: unknown) => e instanceof DocketError && e.code === expected;

test('an admin key records a change once; the log lists it', async () => {
  assert.ok(server !== undefined);
  const options = { url: server.url, apiKey: server.keys.default.admin };
  const first = await recordChange(change, options);
  assert.equal(first.status, 'accepted');
  const again = await recordChange({ ...change, id: first.id }, options);
  assert.deepEqual([again.status, again.index], ['duplicate', first.index]);
  const { items } = assertOk<{ items: { change: { id: string; approver: string } }[] }>(
    await api(server.url, server.keys.default.reader).get('/v1/changes?agent=sdk-agent'),
    200,
  );
  assert.deepEqual(
    items.map((i) => i.change.id),
    [first.id],
  );
});

test('a bad change, a key that is not admin and no server each reject with their code', async () => {
  assert.ok(server !== undefined);
  await assert.rejects(
    recordChange({ ...change, approver: '' }, { url: server.url, apiKey: 'x' }),
    code('CHANGE_INVALID'),
  );
  await assert.rejects(
    recordChange(change, { url: server.url, apiKey: server.keys.default.ingest }),
    code('FORBIDDEN'),
  );
  await assert.rejects(
    recordChange(change, { url: 'http://127.0.0.1:1', apiKey: 'x' }),
    code('SERVER_UNREACHABLE'),
  );
});
