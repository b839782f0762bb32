// Retention over HTTP (issue 18): an erasure refused under a legal hold or a minimum retention is
// a 409 problem naming GDPR Art. 17(3) and the hold or policy; bad policies are problems too.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import { api, assertOk, assertProblem, startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.close();
});

test('erasure under a hold or a minimum retention: 409 ERASURE_RESTRICTED naming Art. 17(3)', async () => {
  const admin = api(server.url, server.keys.default.admin);
  const ingest = api(server.url, server.keys.default.ingest);
  const held = sampleDecision({ id: createUuidV7(), subject: { id: 'held-1', type: 'person' } });
  const young = sampleDecision({
    id: createUuidV7(),
    ts: new Date().toISOString(),
    subject: { id: 'young-1', type: 'person' },
  });
  assertOk(await ingest.post('/v1/decisions', { decisions: [held, young] }), 200);

  const bad = await admin.post('/v1/retention', { max: '30d', min: '6mo', basis: 'x' });
  assertProblem(bad, 400, 'RETENTION_INVALID');
  const nothing = await admin.post('/v1/holds', { subject: 'nobody', reason: 'case 1' });
  assertProblem(nothing, 404, 'HOLD_TARGET_NOT_FOUND');

  const { id: holdId } = assertOk<{ id: string }>(
    await admin.post('/v1/holds', { subject: 'held-1', reason: 'case 117' }),
    200,
  );
  const refused = assertProblem(
    await admin.post('/v1/subjects/held-1/erase', { reason: 'DSR-1' }),
    409,
    'ERASURE_RESTRICTED',
  );
  assert.match(refused.detail, /GDPR Art\. 17\(3\)\(e\).*case 117/);
  assert.match(JSON.stringify(refused), new RegExp(holdId));

  assertOk(
    await admin.post('/v1/retention', { max: '6y', min: '6mo', basis: 'EU AI Act Art. 19(1)' }),
    200,
  );
  const min = assertProblem(
    await admin.post('/v1/subjects/young-1/erase', { reason: 'DSR-2' }),
    409,
    'ERASURE_RESTRICTED',
  );
  assert.match(min.detail, /17\(3\)\(b\).*EU AI Act Art\. 19\(1\)/);

  assertOk(await admin.post(`/v1/holds/${holdId}/release`, { reason: 'closed' }), 200);
  const { active } = assertOk<{ active: unknown[] }>(await admin.get('/v1/holds'), 200);
  assert.equal(active.length, 0);
});

test('docket serve purges on its schedule: content past the maximum goes, with a receipt', async () => {
  const scheduled = await startTestServer({ purgeIntervalMs: 200 });
  try {
    const admin = api(scheduled.url, scheduled.keys.default.admin);
    const auditor = api(scheduled.url, scheduled.keys.default.auditor);
    const old = sampleDecision({
      id: createUuidV7(),
      ts: new Date(Date.now() - 90 * 86_400_000).toISOString(),
      subject: { id: 'old-1', type: 'person' },
    });
    const young = sampleDecision({ id: createUuidV7(), ts: new Date().toISOString() });
    assertOk(
      await api(scheduled.url, scheduled.keys.default.ingest).post('/v1/decisions', {
        decisions: [old, young],
      }),
      200,
    );
    assertOk(await admin.post('/v1/retention', { max: '30d', basis: 'GDPR Art. 5(1)(e)' }), 200);
    const deadline = Date.now() + 20_000;
    let view: { content: unknown; erased: boolean; purged: boolean } | undefined;
    while (Date.now() < deadline) {
      view = assertOk<{ content: unknown; erased: boolean; purged: boolean }>(
        await auditor.get(`/v1/decisions/${old.id}`),
        200,
      );
      if (view.content === null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(view?.content, null, 'the old decision lost its content on schedule');
    assert.equal(view.purged, true, 'shown as purged');
    assert.equal(view.erased, false, 'purged is not erased: no key was destroyed');
    const kept = assertOk<{ content: unknown; purged: boolean }>(
      await auditor.get(`/v1/decisions/${young.id}`),
      200,
    );
    assert.notEqual(kept.content, null, 'the young one is kept');
    assert.equal(kept.purged, false);
    const { entries } = assertOk<{ entries: { leaf: string }[] }>(
      await auditor.get('/v1/entries?from=0&limit=100'),
      200,
    );
    const types = entries.map(
      (e) => (JSON.parse(Buffer.from(e.leaf, 'base64').toString('utf8')) as { type: string }).type,
    );
    assert.ok(types.includes('docket.purge/v1'), 'a signed purge receipt was appended');
  } finally {
    await scheduled.close();
  }
});
