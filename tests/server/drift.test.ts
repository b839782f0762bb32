// Drift over HTTP (issue 16): GET /v1/drift compares two versions of an agent ingested through the
// API (features caught up on the request), and answers bad input with coded problems.
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

/** `n` decisions of one version; version 2.0.0 denies most of what 1.0.0 approved. */
function decisions(version: string, n: number): unknown[] {
  return Array.from({ length: n }, (_, i) => {
    const base = sampleDecision({ id: createUuidV7() });
    const deny = version === '2.0.0' ? i % 10 < 7 : i % 10 < 2;
    return {
      ...base,
      subject: { id: `drift-${version}-${i}`, type: 'person' },
      agent: { id: 'drift-agent', version },
      context: { segment: i % 2 === 0 ? 'retail' : 'smb', amount: 1000 + (i % 40) * 50 },
      outcome: { action: deny ? 'deny' : 'approve' },
    };
  });
}

test('GET /v1/drift: an outcome change between versions is drift; the inputs did not change', async () => {
  const ingest = api(server.url, server.keys.default.ingest);
  for (const v of ['1.0.0', '2.0.0']) {
    assertOk(await ingest.post('/v1/decisions', { decisions: decisions(v, 200) }), 200);
  }
  const auditor = api(server.url, server.keys.default.auditor);
  const res = await auditor.get(
    '/v1/drift?agent=drift-agent&baseline=version%3D1.0.0&current=version%3D2.0.0',
  );
  const body = assertOk<{
    baseline: { count: number };
    current: { count: number };
    report: {
      overall: string;
      behaviour: string;
      input: string;
      signals: { signal: string; verdict: string }[];
    };
    pairs: { kind: string }[];
  }>(res, 200);
  assert.equal(body.baseline.count, 200);
  assert.equal(body.current.count, 200);
  assert.equal(body.report.signals.find((s) => s.signal === 'outcome')?.verdict, 'drift');
  assert.equal(body.report.behaviour, 'drift');
  assert.equal(body.report.input, 'no-drift');
  assert.ok(body.pairs.some((p) => p.kind === 'same-input-different-outcome'));
  // A reader may not: a drift report reads every decision of the agent.
  const reader = api(server.url, server.keys.default.reader);
  assert.equal(
    (
      await reader.get(
        '/v1/drift?agent=drift-agent&baseline=version%3D1.0.0&current=version%3D2.0.0',
      )
    ).status,
    403,
  );
});

test('GET /v1/drift: unknown agent or version, bad or future windows are coded problems; an empty side is insufficient data', async () => {
  const ingest = api(server.url, server.keys.default.ingest);
  const records = [sampleDecision({ id: createUuidV7() }), sampleDecision({ id: createUuidV7() })];
  assertOk(await ingest.post('/v1/decisions', { decisions: records }), 200);
  const auditor = api(server.url, server.keys.default.auditor);
  const q = (agent: string, baseline: string, current: string): string =>
    `/v1/drift?agent=${agent}&baseline=${encodeURIComponent(baseline)}&current=${encodeURIComponent(current)}`;
  assertProblem(
    await auditor.get(q('nobody', 'version=1', 'version=2')),
    404,
    'DRIFT_AGENT_UNKNOWN',
  );
  assertProblem(
    await auditor.get(q('credit-underwriter', 'version=2.3.1', 'version=9.9.9')),
    404,
    'DRIFT_VERSION_UNKNOWN',
  );
  assertProblem(
    await auditor.get(q('credit-underwriter', 'version', 'version=1')),
    400,
    'DRIFT_POPULATION_INVALID',
  );
  assertProblem(
    await auditor.get(
      q('credit-underwriter', 'from=2026-02-01T00:00:00Z,to=2026-01-01T00:00:00Z', 'version=1'),
    ),
    400,
    'DRIFT_POPULATION_INVALID',
  );
  assertProblem(
    await auditor.get(q('credit-underwriter', 'version=2.3.1', 'from=2999-01-01T00:00:00Z')),
    400,
    'DRIFT_WINDOW_FUTURE',
  );
  const empty = assertOk<{ report: { overall: string }; current: { count: number } }>(
    await auditor.get(
      q('credit-underwriter', 'version=2.3.1', 'from=2000-01-01T00:00:00Z,to=2000-01-02T00:00:00Z'),
    ),
    200,
  );
  assert.equal(empty.current.count, 0);
  assert.equal(empty.report.overall, 'insufficient-data');
  assert.doesNotMatch(JSON.stringify(empty), /NaN|null,"p"/);
});
