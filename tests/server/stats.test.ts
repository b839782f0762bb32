/**
 * GET /v1/stats and the decision list's facet filters, sorts, total, summary and final outcome
 * (issue 20), one server in-process. Every count is compared with a count over the records the
 * test sent, and every list total with the stats count of the same filter. Responses are checked
 * against the OpenAPI document by the server itself (`validateResponses`).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import type { DecisionRecord, StatsView } from '@docket/protocol';
import { api, assertOk, assertProblem, startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';

interface Item {
  id: string;
  content: Record<string, unknown> | null;
  withheld: boolean;
  summary: { agent: string; version: string; outcome: string; confidence: number | null };
  final?: {
    kind: string;
    action: string | null;
    actor: string | null;
    ts: string;
    index: number;
  } | null;
}
interface Page {
  items: Item[];
  next: string | null;
  total: number;
}

const AGENTS = [
  { id: 'loan-underwriter', version: '2.3.1' },
  { id: 'loan-underwriter', version: '2.4.0' },
  { id: 'claims-triage', version: '1.0.0' },
];
const OUTCOMES = ['approve', 'decline', 'refer'];

/** Decision `i`: agent, outcome, model, prompt, policy, confidence and links all vary with i. */
function record(i: number, parent?: string): DecisionRecord {
  const base = sampleDecision({ id: createUuidV7() }) as unknown as Record<string, unknown>;
  const r: Record<string, unknown> = {
    ...base,
    // Two days apart from Monday 2024-11-04: three ISO weeks.
    ts: new Date(Date.UTC(2024, 10, 4, 9) + i * 2 * 86_400_000).toISOString(),
    agent: AGENTS[i % 3]!,
    outcome: { action: OUTCOMES[i % 3]! },
    model: { provider: 'openai', name: i % 2 === 0 ? 'gpt-4o' : 'gpt-4o-mini' },
    prompt: { id: 'underwriting', version: String(10 + (i % 2)) },
    policy: { id: 'lending', version: i < 5 ? '2024.10' : '2024.11' },
    confidence: (i % 10) / 10,
    correlation: {
      traceId: i < 4 ? '4bf92f3577b34da6a3ce929d0e0e4736' : '5bf92f3577b34da6a3ce929d0e0e4737',
      sessionId: `sess-${i % 2}`,
      ...(parent === undefined ? {} : { parentDecisionId: parent }),
    },
  };
  if (i % 4 === 3) delete r['subject'];
  return r as unknown as DecisionRecord;
}

describe('GET /v1/stats and the decision list’s facets', () => {
  let server: TestServer;
  let started: TestServer | undefined;
  const as = (role: 'ingest' | 'reader' | 'auditor' | 'admin') =>
    api(server.url, server.keys.default[role]);
  const records: DecisionRecord[] = [];
  const overridden = new Set<string>();

  before(async () => {
    server = await startTestServer();
    started = server;
    for (let i = 0; i < 10; i++) records.push(record(i, i > 0 ? records[0]!.id : undefined));
    const res = await as('ingest').post('/v1/decisions', { decisions: records });
    assertOk(res, 200);
    // Decisions 1 and 4 overridden (4 twice: the last one is final); 2 has an outcome update.
    const events: [number, Record<string, unknown>][] = [
      [
        1,
        {
          kind: 'override',
          actor: 'J. Doe',
          reason: 'r',
          outcome: { action: 'approve' },
          ts: '2024-11-07T10:00:00Z',
        },
      ],
      [
        4,
        {
          kind: 'override',
          actor: 'A. Roe',
          reason: 'r',
          outcome: { action: 'refer' },
          ts: '2024-11-13T10:00:00Z',
        },
      ],
      [
        4,
        {
          kind: 'override',
          actor: 'J. Doe',
          reason: 'r',
          outcome: { action: 'decline' },
          ts: '2024-11-14T10:00:00Z',
        },
      ],
      [2, { kind: 'outcome', actor: 'system', reason: 'r', outcome: { action: 'settle' } }],
      [3, { kind: 'effect', effect: { type: 'loan.funded' } }],
    ];
    for (const [i, body] of events) {
      assertOk(await as('ingest').post(`/v1/decisions/${records[i]!.id}/events`, body), 201);
      if (body['kind'] === 'override') overridden.add(records[i]!.id);
    }
  });
  after(async () => {
    await started?.close();
  });

  const stats = async (query: string): Promise<StatsView> =>
    assertOk<StatsView>(await as('auditor').get(`/v1/stats?${query}`), 200);
  const list = async (query: string, role: 'reader' | 'auditor' = 'auditor'): Promise<Page> =>
    assertOk<Page>(await as(role).get(`/v1/decisions?limit=200&${query}`), 200);

  test('counts by every dimension and week match the records sent', async () => {
    const s = await stats(
      'group_by=agent,version,outcome,model,prompt_version,policy_version,overridden,erased&interval=week',
    );
    assert.equal(s.total, 10);
    const count = (values: (string | null)[]) => {
      const m = new Map<string | null, number>();
      for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
      return m;
    };
    const asMap = (dim: string) =>
      new Map((s.groups[dim] ?? []).map((c) => [c.value, c.count] as const));
    assert.deepEqual(asMap('agent'), count(records.map((r) => r.agent.id)));
    assert.deepEqual(asMap('outcome'), count(records.map((r) => r.outcome.action)));
    assert.deepEqual(asMap('model'), count(records.map((r) => r.model!.name)));
    assert.deepEqual(
      asMap('prompt_version'),
      count(records.map((r) => `underwriting@${r.prompt!.version!}`)),
    );
    assert.deepEqual(
      asMap('policy_version'),
      count(records.map((r) => `lending@${r.policy!.version!}`)),
    );
    assert.deepEqual(asMap('overridden'), count(records.map((r) => String(overridden.has(r.id)))));
    assert.deepEqual(asMap('erased'), new Map([['false', 10]]));
    // A version is counted with its agent.
    assert.deepEqual(
      (s.groups['version'] ?? []).map((c) => `${c.agent}@${c.value}:${c.count}`).sort(),
      ['claims-triage@1.0.0:3', 'loan-underwriter@2.3.1:4', 'loan-underwriter@2.4.0:3'],
    );
    // Weeks start on Monday: Nov 4 (i 0–3), Nov 11 (4–6), Nov 18 (7–9).
    assert.deepEqual(s.buckets, [
      { start: '2024-11-04', count: 4 },
      { start: '2024-11-11', count: 3 },
      { start: '2024-11-18', count: 3 },
    ]);
    const weekOutcomes = (s.series?.['outcome'] ?? [])
      .filter((c) => c.start === '2024-11-04')
      .map((c) => `${c.value}:${c.count}`)
      .sort();
    assert.deepEqual(weekOutcomes, ['approve:2', 'decline:1', 'refer:1']);
  });

  test('each facet narrows the list, and the list total is the count of that facet value', async () => {
    const s = await stats('group_by=agent,outcome,model,prompt_version,policy_version,overridden');
    const param: Record<string, string> = {
      agent: 'agent',
      outcome: 'action',
      model: 'model',
      prompt_version: 'promptVersion',
      policy_version: 'policyVersion',
      overridden: 'overridden',
    };
    let checked = 0;
    for (const [dim, counts] of Object.entries(s.groups)) {
      for (const c of counts) {
        const q = `${param[dim]!}=${encodeURIComponent(c.value ?? '')}`;
        const page = await list(q);
        assert.equal(page.total, c.count, q);
        assert.equal(page.items.length, c.count, q);
        assert.ok(c.count < 10, `${q} narrows the list`);
        checked++;
      }
    }
    assert.ok(checked >= 12);
    // Combined with a confidence range and an absolute period.
    const page = await list(
      'model=gpt-4o&minConfidence=0.2&maxConfidence=0.6&since=2024-11-05T00:00:00Z&until=2024-11-16T00:00:00Z',
    );
    const expected = records
      .filter(
        (r, i) =>
          i % 2 === 0 &&
          r.confidence! >= 0.2 &&
          r.confidence! <= 0.6 &&
          r.ts >= '2024-11-05' &&
          r.ts < '2024-11-16',
      )
      .map((r) => r.id);
    assert.deepEqual(page.items.map((i) => i.id).sort(), expected.sort());
    assert.equal(page.total, expected.length);
    assert.equal(
      (
        await stats(
          'model=gpt-4o&minConfidence=0.2&maxConfidence=0.6&since=2024-11-05T00:00:00Z&until=2024-11-16T00:00:00Z',
        )
      ).total,
      expected.length,
    );
  });

  test('threads: by trace, session and parent', async () => {
    assert.equal((await list('traceId=4bf92f3577b34da6a3ce929d0e0e4736')).total, 4);
    assert.equal((await list('sessionId=sess-1')).total, 5);
    const children = await list(`parentId=${records[0]!.id}`);
    assert.deepEqual(
      children.items.map((i) => i.id).sort(),
      records
        .slice(1)
        .map((r) => r.id)
        .sort(),
    );
  });

  test('sorts by confidence or time, pages by cursor', async () => {
    const byConfidence = records
      .map((r) => ({ id: r.id, c: r.confidence! }))
      .sort((a, b) => b.c - a.c)
      .map((r) => r.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = assertOk<Page>(
        await as('auditor').get(
          `/v1/decisions?sort=confidence_desc&limit=3${cursor === null ? '' : `&cursor=${cursor}`}`,
        ),
        200,
      );
      assert.equal(page.total, 10);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.next;
    } while (cursor !== null);
    assert.deepEqual(seen, byConfidence);
    const oldest = await list('sort=oldest');
    assert.deepEqual(
      oldest.items.map((i) => i.id),
      records.map((r) => r.id),
    );
  });

  test('an overridden decision shows its final outcome in the list and on its page', async () => {
    const page = await list('overridden=true');
    const byId = new Map(page.items.map((i) => [i.id, i]));
    const { index, ...final } = byId.get(records[1]!.id)!.final!;
    assert.ok(Number.isInteger(index));
    assert.deepEqual(final, {
      kind: 'override',
      action: 'approve',
      actor: 'J. Doe',
      ts: '2024-11-07T10:00:00Z',
    });
    assert.equal(byId.get(records[4]!.id)?.final?.action, 'decline');
    const view = assertOk<{ final: { action: string; actor: string } }>(
      await as('auditor').get(`/v1/decisions/${records[4]!.id}`),
      200,
    );
    assert.equal(view.final.action, 'decline');
    assert.equal(view.final.actor, 'J. Doe');
    // Not overridden: null (an outcome update is a final outcome too).
    const all = await list('');
    assert.equal(all.items.find((i) => i.id === records[0]!.id)?.final, null);
    assert.equal(all.items.find((i) => i.id === records[2]!.id)?.final?.action, 'settle');
  });

  test('a reader sees agent, version, outcome class and time of decisions about a person, no content, no final', async () => {
    const page = await list('', 'reader');
    const item = page.items.find((i) => i.id === records[1]!.id)!;
    assert.equal(item.withheld, true);
    assert.equal(item.content, null);
    assert.deepEqual(item.summary, {
      agent: 'loan-underwriter',
      version: '2.4.0',
      outcome: 'decline',
      confidence: 0.1,
    });
    assert.equal('final' in item, false);
    // Counts are for readers too; by subject or words they are not.
    assert.equal(
      assertOk<StatsView>(await as('reader').get('/v1/stats?group_by=outcome'), 200).total,
      10,
    );
    assertProblem(await as('reader').get('/v1/stats?subject=applicant-88213'), 403, 'FORBIDDEN');
    assertProblem(await as('ingest').get('/v1/stats'), 403, 'FORBIDDEN');
  });

  test('bad input: an unknown dimension, an empty confidence range, another order’s cursor', async () => {
    assertProblem(await as('auditor').get('/v1/stats?group_by=agent,colour'), 400, 'PARAM_INVALID');
    assertProblem(
      await as('auditor').get('/v1/decisions?minConfidence=0.8&maxConfidence=0.2'),
      400,
      'PARAM_INVALID',
    );
    const paged = assertOk<Page>(await as('auditor').get('/v1/decisions?limit=2'), 200);
    assertProblem(
      await as('auditor').get(`/v1/decisions?sort=oldest&cursor=${paged.next!}`),
      400,
      'CURSOR_INVALID',
    );
  });
});
