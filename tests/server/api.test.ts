/**
 * The HTTP API end to end, one server in-process: every operation's behaviour, its proofs checked
 * the way a third party would (`@docket/core` and the log's vkey only), and every refusal a
 * problem body. Every response is also checked against the OpenAPI document by the server itself
 * (`validateResponses`), so a body that drifts from the document is a 500 here.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import {
  checkBundle,
  createNoteVerifier,
  hashLeaf,
  openCheckpoint,
  verifyBundle,
  verifyConsistency,
  verifyInclusion,
} from '@docket/core';
import type { Checkpoint } from '@docket/core';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import type { DecisionRecord } from '@docket/protocol';
import { openApiDocument } from '@docket/server';
import type { ApiKeyRole } from '@docket/server';
import { api, assertOk, assertProblem, startTestServer } from '../support/server.js';
import type { Api, ApiResponse, TestServer } from '../support/server.js';

interface ItemResult {
  status: 'accepted' | 'duplicate' | 'rejected';
  position: number;
  id?: string;
  index?: number;
  code?: string;
  where?: string;
  issues?: { code: string; where?: string }[];
}
interface InclusionProofBody {
  index: number;
  treeSize: number;
  leafHash: string;
  hashes: string[];
  checkpoint: string | null;
}
interface EntryViewBody {
  id: string;
  index: number;
  type: string;
  ts: string;
  subject: string | null;
  erased: boolean;
  withheld: boolean;
  content: Record<string, unknown> | null;
}
interface DecisionViewBody extends EntryViewBody {
  events: EntryViewBody[];
  receipt: InclusionProofBody;
}
interface PageBody {
  items: EntryViewBody[];
  next: string | null;
}
interface LogBody {
  tenant: string;
  origin: string;
  vkey: string;
  size: number;
  checkpoint: string;
  access: { origin: string; vkey: string; size: number; checkpoint: string };
}
interface AccessItem {
  id: string;
  index: number;
  ts: string;
  record: {
    actor: string;
    role: string;
    action: string;
    target: string;
    purpose: string | null;
    requestId?: string;
    count?: number;
  };
}
interface EntriesBody {
  log: string;
  entries: { index: number; leaf: string; erased: boolean; fields: unknown; salts: unknown }[];
  next: number | null;
}

const MAX_BODY = 64 * 1024;
const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

/** A record as the API gives it back: whole (`producer.sdk` included, committed as a field). */
function asStored(record: DecisionRecord): DecisionRecord {
  return record;
}

/** Top-level fields to replace; `undefined` removes the field (`subject: undefined`). */
type Overrides = { [K in keyof DecisionRecord]?: DecisionRecord[K] | undefined };

/** A valid decision with a fresh id. */
function decision(overrides: Overrides = {}): DecisionRecord {
  const record = sampleDecision({ id: createUuidV7() }) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) Reflect.deleteProperty(record, key);
    else record[key] = value;
  }
  return record as unknown as DecisionRecord;
}

describe('HTTP API', () => {
  let server: TestServer;
  /** Set once started: what `after` closes even when `before` failed half-way. */
  let started: TestServer | undefined;
  let vkey: string;
  const as = (role: ApiKeyRole): Api => api(server.url, server.keys.default[role]);
  const tag = randomBytes(4).toString('hex');

  /** Posts records with the ingest key (10 a batch: the body limit is small); all accepted. */
  async function ingest(records: readonly DecisionRecord[]): Promise<number[]> {
    const indices: number[] = [];
    for (let i = 0; i < records.length; i += 10) {
      const batch = records.slice(i, i + 10);
      const res = await as('ingest').post('/v1/decisions', { decisions: batch });
      const { results } = assertOk<{ results: ItemResult[] }>(res, 200);
      assert.deepEqual(
        results.map((r) => r.status),
        batch.map(() => 'accepted'),
        res.text,
      );
      indices.push(...results.map((r) => r.index!));
    }
    return indices;
  }

  async function checkpoint(): Promise<{ note: string; checkpoint: Checkpoint }> {
    const res = await as('reader').get('/v1/checkpoint');
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    return {
      note: res.text,
      checkpoint: openCheckpoint(res.text, createNoteVerifier(vkey)).checkpoint,
    };
  }

  /** Asserts that an inclusion proof verifies against its (or the given) signed checkpoint. */
  function assertInclusion(proof: InclusionProofBody, signed?: Checkpoint): void {
    const cp =
      signed ?? openCheckpoint(proof.checkpoint ?? '', createNoteVerifier(vkey)).checkpoint;
    assert.equal(cp.size, proof.treeSize);
    verifyInclusion(proof.index, cp.size, b64(proof.leafHash), proof.hashes.map(b64), cp.root);
  }

  before(async () => {
    server = await startTestServer({ maxBodyBytes: MAX_BODY });
    started = server;
    const log = assertOk<LogBody>(await as('reader').get('/v1/log'), 200);
    vkey = log.vkey;
  });
  after(async () => {
    await started?.close();
  });

  describe('POST /v1/decisions', () => {
    test('answers accepted, duplicate and rejected per record, each with its position', async () => {
      const a = decision();
      const b = decision({ subject: undefined });
      const bad = { ...decision(), confidence: 7 };
      const notADecision = { hello: 'world' };
      const res = await as('ingest').post('/v1/decisions', {
        decisions: [a, b, a, bad, notADecision],
      });
      const { results } = assertOk<{ results: ItemResult[] }>(res, 200);
      assert.deepEqual(
        results.map((r) => [r.position, r.status, r.id]),
        [
          [0, 'accepted', a.id],
          [1, 'accepted', b.id],
          [2, 'duplicate', a.id],
          [3, 'rejected', bad.id],
          [4, 'rejected', undefined],
        ],
      );
      assert.equal(results[2]!.index, results[0]!.index);
      assert.notEqual(results[0]!.index, results[1]!.index);
      assert.equal(results[3]!.code, 'DECISION_INVALID');
      assert.equal(results[3]!.where, '$.decisions[3].confidence');
      assert.ok(
        results[3]!.issues?.some((i) => i.code === 'SCHEMA_RANGE'),
        res.text,
      );
      assert.equal(results[4]!.code, 'DECISION_INVALID');
      assert.match(results[4]!.where ?? '', /^\$\.decisions\[4\]/);
      assert.equal(results[3]!.index, undefined);

      // Sent again later: the original index, nothing appended.
      const size = assertOk<LogBody>(await as('reader').get('/v1/log')).size;
      const again = assertOk<{ results: ItemResult[] }>(
        await as('ingest').post('/v1/decisions', { decisions: [a] }),
        200,
      );
      assert.deepEqual(again.results, [
        { status: 'duplicate', position: 0, id: a.id, index: results[0]!.index },
      ]);
      assert.equal(assertOk<LogBody>(await as('reader').get('/v1/log')).size, size);
    });

    test('the index is answered once durable: signed, readable and provable at once', async () => {
      const records = Array.from({ length: 10 }, () => decision());
      const indices = await ingest(records);
      // No waiting: the answer came after the flush that signed them.
      const { checkpoint: cp } = await checkpoint();
      for (const [i, record] of records.entries()) {
        assert.ok(cp.size > indices[i]!, `index ${indices[i]} not in checkpoint of ${cp.size}`);
        const proof = assertOk<InclusionProofBody>(
          await as('reader').get(`/v1/decisions/${record.id}/proof`),
          200,
        );
        assert.equal(proof.index, indices[i]);
        assertInclusion(proof);
      }
      const page = assertOk<EntriesBody>(
        await as('auditor').get(`/v1/entries?from=${Math.min(...indices)}&limit=10`),
      );
      assert.deepEqual(
        page.entries.map((e) => e.index).sort((x, y) => x - y),
        [...indices].sort((x, y) => x - y),
      );
    });

    test('the same record sent at once on many connections is appended once', async () => {
      const record = decision();
      const answers = await Promise.all(
        Array.from({ length: 12 }, () =>
          as('ingest').post('/v1/decisions', { decisions: [record] }),
        ),
      );
      const results = answers.map(
        (res) => assertOk<{ results: ItemResult[] }>(res, 200).results[0]!,
      );
      assert.deepEqual(results.map((r) => r.status).sort(), [
        'accepted',
        ...Array.from({ length: 11 }, () => 'duplicate'),
      ]);
      assert.equal(new Set(results.map((r) => r.index)).size, 1);
      const page = assertOk<PageBody>(await as('reader').get(`/v1/decisions?limit=200`));
      assert.equal(page.items.filter((i) => i.id === record.id).length, 1);
    });

    test('1000 records is the most a batch holds: 1001 is refused whole (400), nothing appended', async () => {
      const full = assertOk<{ results: ItemResult[] }>(
        await as('ingest').post('/v1/decisions', {
          decisions: Array.from({ length: 1000 }, () => ({})),
        }),
        200,
      );
      assert.equal(full.results.length, 1000);
      assert.ok(full.results.every((r, i) => r.status === 'rejected' && r.position === i));

      const size = assertOk<LogBody>(await as('reader').get('/v1/log')).size;
      const decisions = Array.from({ length: 1001 }, () => ({}));
      const problem = assertProblem(
        await as('ingest').post('/v1/decisions', { decisions }),
        400,
        'REQUEST_INVALID',
      );
      assert.equal(problem.where, '$.decisions');
      assertProblem(await as('ingest').post('/v1/decisions', { decisions: [] }), 400);
      assert.equal(assertOk<LogBody>(await as('reader').get('/v1/log')).size, size);
    });

    test('a body over the limit is 413, also when only its gzip inflation is', async () => {
      const big = JSON.stringify({ decisions: [{ padding: 'x'.repeat(MAX_BODY) }] });
      assertProblem(
        await as('ingest').post('/v1/decisions', undefined, { raw: big }),
        413,
        'BODY_TOO_LARGE',
      );
      const bomb = gzipSync(Buffer.from(big));
      assert.ok(bomb.length < MAX_BODY);
      assertProblem(
        await as('ingest').post('/v1/decisions', undefined, {
          raw: bomb,
          headers: { 'content-encoding': 'gzip' },
        }),
        413,
        'BODY_TOO_LARGE',
      );
      // The server is fine afterwards (the refused body was drained, not left on the socket).
      assertOk(await as('reader').get('/v1/log'), 200);
    });

    test('a gzip body is accepted', async () => {
      const record = decision();
      const res = await as('ingest').post('/v1/decisions', undefined, {
        raw: gzipSync(JSON.stringify({ decisions: [record] })),
        headers: { 'content-encoding': 'gzip' },
      });
      const { results } = assertOk<{ results: ItemResult[] }>(res, 200);
      assert.equal(results[0]!.status, 'accepted');
      const view = assertOk<DecisionViewBody>(
        await as('auditor').get(`/v1/decisions/${record.id}`),
      );
      assert.deepEqual(view.content, asStored(record));
    });

    test('wrong content type or encoding is 415; bad bytes, JSON or shape are 400 with a code', async () => {
      const body = JSON.stringify({ decisions: [decision()] });
      const post = (raw: string | Uint8Array, headers: Record<string, string> = {}) =>
        as('ingest').post('/v1/decisions', undefined, { raw, headers });
      assertProblem(
        await post(body, { 'content-type': 'text/plain' }),
        415,
        'MEDIA_TYPE_UNSUPPORTED',
      );
      assertProblem(
        await post(body, { 'content-type': 'application/x-www-form-urlencoded' }),
        415,
        'MEDIA_TYPE_UNSUPPORTED',
      );
      assertProblem(await post(body, { 'content-encoding': 'br' }), 415, 'MEDIA_TYPE_UNSUPPORTED');
      assertOk(await post(body, { 'content-type': 'application/json; charset=utf-8' }), 200);
      assertProblem(await post('{"decisions": ['), 400, 'INVALID_JSON');
      assertProblem(await post('{"decisions": [], "decisions": [{}]}'), 400, 'DUPLICATE_KEY');
      assertProblem(await post('{"decisions": [{"goal": "\\ud800"}]}'), 400, 'LONE_SURROGATE');
      assertProblem(await post('{"decisions": [{"n": 9007199254740993}]}'), 400, 'UNSAFE_INTEGER');
      assertProblem(
        await post(`{"decisions": [${'['.repeat(5000)}${']'.repeat(5000)}]}`),
        400,
        'DEPTH_EXCEEDED',
      );
      assertProblem(await post(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), 400, 'ENCODING_INVALID');
      assertProblem(
        await post(randomBytes(64), { 'content-encoding': 'gzip' }),
        400,
        'ENCODING_INVALID',
      );
      const unknown = assertProblem(
        await post(JSON.stringify({ decisions: [decision()], extra: 1 })),
        400,
        'REQUEST_INVALID',
      );
      assert.equal(unknown.where, '$.extra');
      assertProblem(await post('[]'), 400, 'REQUEST_INVALID');
      assertProblem(await post('{"decisions": [1, "x"]}'), 400, 'REQUEST_INVALID');
    });
  });

  describe('GET /v1/decisions/{id}', () => {
    test('gives the record as sent, its events, and a receipt that verifies', async () => {
      const record = decision();
      const [index] = await ingest([record]);
      const effect = assertOk<{ status: string; index: number }>(
        await as('ingest').post(`/v1/decisions/${record.id}/events`, {
          kind: 'effect',
          effect: { email: 'sent' },
        }),
        201,
      );
      const view = assertOk<DecisionViewBody>(
        await as('auditor').get(`/v1/decisions/${record.id}`),
      );
      assert.equal(view.id, record.id);
      assert.equal(view.index, index);
      assert.equal(view.type, 'docket.decision/v1');
      assert.equal(view.erased, false);
      assert.equal(view.withheld, false);
      assert.equal(typeof view.subject, 'string');
      assert.notEqual(view.subject, record.subject!.id, 'the subject is a pseudonym');
      assert.deepEqual(view.content, asStored(record));
      assert.equal(view.events.length, 1);
      assert.equal(view.events[0]!.index, effect.index);
      assert.equal(view.events[0]!.subject, view.subject);
      assert.deepEqual(view.events[0]!.content, {
        kind: 'effect',
        effect: { email: 'sent' },
        decision: record.id,
      });

      // The receipt: its leaf hash is the hash of the stored leaf, the proof leads to the root
      // of a checkpoint signed by the log's key.
      const { receipt } = view;
      assert.equal(receipt.index, index);
      const [entry] = assertOk<EntriesBody>(
        await as('auditor').get(`/v1/entries?from=${index}&limit=1`),
      ).entries;
      assert.equal(hashLeaf(b64(entry!.leaf)).toString('base64'), receipt.leafHash);
      assertInclusion(receipt);
      // A receipt that cannot fail to verify would prove nothing: a wrong leaf must not verify.
      assert.throws(() => {
        assertInclusion({ ...receipt, leafHash: hashLeaf(Buffer.from('x')).toString('base64') });
      });
    });

    test('a reader gets content of decisions without a subject, and none of those with one', async () => {
      const secret = decision({ subject: { id: `reader-subject-${tag}`, type: 'person' } });
      const clear = decision({ subject: undefined });
      await ingest([secret, clear]);
      await as('ingest').post(`/v1/decisions/${secret.id}/events`, {
        kind: 'override',
        actor: 'j.doe',
        reason: 'manual review',
      });
      const hidden = assertOk<DecisionViewBody>(
        await as('reader').get(`/v1/decisions/${secret.id}`),
      );
      assert.equal(hidden.withheld, true);
      assert.equal(hidden.content, null);
      assert.equal(hidden.events.length, 1);
      assert.equal(hidden.events[0]!.withheld, true);
      assert.equal(hidden.events[0]!.content, null);
      // No content, no override (who or why); only what a reader may see (issue 20): agent,
      // version, outcome class and confidence.
      const { summary, ...rest } = hidden as DecisionViewBody & { summary: unknown };
      assert.doesNotMatch(JSON.stringify(rest), /manual review|credit-underwriter|j\.doe/);
      assert.deepEqual(summary, {
        agent: 'credit-underwriter',
        version: '2.3.1',
        outcome: 'approve',
        confidence: 0.82,
      });
      assert.equal('final' in hidden, false);
      assertInclusion(hidden.receipt);
      const shown = assertOk<DecisionViewBody>(await as('reader').get(`/v1/decisions/${clear.id}`));
      assert.equal(shown.withheld, false);
      assert.equal(shown.subject, null);
      assert.deepEqual(shown.content, asStored(clear));
      // The auditor sees both.
      const audited = assertOk<DecisionViewBody>(
        await as('auditor').get(`/v1/decisions/${secret.id}`),
      );
      assert.deepEqual(audited.content, asStored(secret));
      // In lists too.
      const page = assertOk<PageBody>(await as('reader').get(`/v1/decisions?limit=200`));
      assert.deepEqual(
        page.items.filter((i) => i.id === secret.id).map((i) => [i.id, i.withheld, i.content]),
        [[secret.id, true, null]],
      );
    });

    test('an unknown id is 404 DECISION_NOT_FOUND; an event id is not a decision', async () => {
      assertProblem(
        await as('reader').get(`/v1/decisions/${createUuidV7()}`),
        404,
        'DECISION_NOT_FOUND',
      );
      const record = decision();
      await ingest([record]);
      const event = assertOk<{ id: string }>(
        await as('ingest').post(`/v1/decisions/${record.id}/events`, {
          kind: 'outcome',
          outcome: { action: 'funded' },
        }),
        201,
      );
      for (const path of ['', '/proof', '/bundle']) {
        assertProblem(
          await as('auditor').get(`/v1/decisions/${event.id}${path}`),
          404,
          'DECISION_NOT_FOUND',
        );
      }
      assertProblem(
        await as('reader').get(`/v1/decisions/${'x'.repeat(65)}`),
        400,
        'PARAM_INVALID',
      );
    });
  });

  describe('GET /v1/decisions (search)', () => {
    test('each filter finds exactly its decisions, newest first', async () => {
      const agent = `filter-agent-${tag}`;
      const s1 = `filter-subject-a-${tag}`;
      const s2 = `filter-subject-b-${tag}`;
      const run = (name: string) => ({
        orchestrator: { kind: 'dagster', runId: `${name}-${tag}` },
      });
      const d1 = decision({
        agent: { id: agent, version: '1.0' },
        outcome: { action: `approve-${tag}` },
        subject: { id: s1, type: 'person' },
        ts: '2025-01-01T00:00:00.000Z',
        correlation: run('run-a'),
        goal: 'Approve the zebra loan',
        reasoning: ['Plain reason.'],
      });
      const d2 = decision({
        agent: { id: agent, version: '2.0' },
        outcome: { action: `decline-${tag}` },
        subject: undefined,
        ts: '2025-01-02T00:00:00.000Z',
        correlation: run('run-b'),
        goal: 'Decline the giraffe loan',
        reasoning: ['Because of the zebra rule.'],
      });
      const d3 = decision({
        agent: { id: agent, version: '2.0' },
        outcome: { action: `approve-${tag}` },
        subject: { id: s2, type: 'person' },
        ts: '2025-01-03T00:00:00.000Z',
        correlation: run('run-a'),
        goal: 'Approve the giraffe loan',
        reasoning: ['Plain reason.'],
      });
      const d4 = decision({
        agent: { id: agent, version: '1.0' },
        outcome: { action: `refer-${tag}` },
        subject: { id: s1, type: 'person' },
        ts: '2025-01-04T00:00:00.000Z',
        correlation: undefined,
        goal: 'Refer the okapi case',
        reasoning: ['Plain reason.'],
      });
      const all = [d1, d2, d3, d4];
      const indices = await ingest(all);
      const indexOf = new Map(all.map((d, i) => [d.id, indices[i]!]));
      const find = async (query: string): Promise<string[]> => {
        const page = assertOk<PageBody>(await as('auditor').get(`/v1/decisions?${query}`));
        assert.equal(page.next, null);
        const got = page.items.map((i) => i.index);
        assert.deepEqual(
          got,
          [...got].sort((x, y) => y - x),
          'newest first',
        );
        return page.items.map((i) => i.id);
      };
      const expect = (...ds: DecisionRecord[]): string[] =>
        ds.map((d) => d.id).sort((x, y) => indexOf.get(y)! - indexOf.get(x)!);
      const q = (params: Record<string, string>) => new URLSearchParams(params).toString();

      assert.deepEqual(await find(q({ agent })), expect(d1, d2, d3, d4));
      assert.deepEqual(await find(q({ agent, agentVersion: '2.0' })), expect(d2, d3));
      assert.deepEqual(await find(q({ subject: s1 })), expect(d1, d4));
      assert.deepEqual(await find(q({ subject: s2 })), expect(d3));
      assert.deepEqual(await find(q({ action: `approve-${tag}` })), expect(d1, d3));
      assert.deepEqual(
        await find(q({ agent, since: '2025-01-02T00:00:00Z', until: '2025-01-04T00:00:00Z' })),
        expect(d2, d3),
      );
      assert.deepEqual(
        await find(q({ agent, since: '2025-01-03T12:00:00+12:00' })),
        expect(d3, d4),
      );
      assert.deepEqual(await find(q({ runId: `run-a-${tag}` })), expect(d1, d3));
      assert.deepEqual(await find(q({ agent, q: 'zebra' })), expect(d1, d2));
      assert.deepEqual(await find(q({ agent, q: 'giraffe loan' })), expect(d2, d3));
      assert.deepEqual(await find(q({ agent, q: 'zebra giraffe' })), expect(d2));
      assert.deepEqual(await find(q({ agent, q: 'okapi', subject: s1 })), expect(d4));
      assert.deepEqual(await find(q({ agent, agentVersion: '3.0' })), []);
      assert.deepEqual(await find(q({ subject: `nobody-${tag}` })), []);
    });

    test('cursor pages: every decision once, none missed, also while more arrive', async () => {
      const agent = `page-agent-${tag}`;
      const records = Array.from({ length: 23 }, () =>
        decision({ agent: { id: agent, version: '1' } }),
      );
      await ingest(records);
      for (const limit of [1, 5, 23, 200]) {
        const seen: EntryViewBody[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const path: string = `/v1/decisions?agent=${agent}&limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`;
          const page = assertOk<PageBody>(await as('reader').get(path));
          assert.ok(page.items.length <= limit);
          seen.push(...page.items);
          cursor = page.next;
          pages++;
          // Newer decisions of the same agent arrive between pages: they are above the cursor.
          if (pages === 2) await ingest([decision({ agent: { id: agent, version: '1' } })]);
          assert.ok(pages <= 30, 'pagination does not end');
        } while (cursor !== null);
        const ids = seen.map((i) => i.id);
        assert.equal(new Set(ids).size, ids.length, `limit ${limit}: an item twice`);
        for (const r of records) assert.ok(ids.includes(r.id), `limit ${limit}: ${r.id} missed`);
        const indices = seen.map((i) => i.index);
        assert.deepEqual(
          indices,
          [...indices].sort((x, y) => y - x),
        );
        if (limit === 200) assert.equal(pages, 1);
      }
    });

    test('bad cursors, unknown and repeated parameters, bad values are 400 problems', async () => {
      const reader = as('reader');
      assertProblem(await reader.get('/v1/decisions?cursor=nope!'), 400, 'CURSOR_INVALID');
      assertProblem(await reader.get('/v1/decisions?cursor=YWJj'), 400, 'CURSOR_INVALID');
      const unknown = assertProblem(
        await reader.get('/v1/decisions?colour=red'),
        400,
        'PARAM_UNKNOWN',
      );
      assert.equal(unknown.where, 'query.colour');
      assertProblem(await reader.get('/v1/decisions?agent=a&agent=b'), 400, 'PARAM_INVALID');
      for (const bad of [
        'limit=0',
        'limit=201',
        'limit=ten',
        'since=yesterday',
        'until=2025-13-01',
      ]) {
        assertProblem(await reader.get(`/v1/decisions?${bad}`), 400, 'PARAM_INVALID');
      }
      const words = Array.from({ length: 17 }, (_, i) => `w${i}`).join(' ');
      assertProblem(
        await as('auditor').get(`/v1/decisions?q=${encodeURIComponent(words)}`),
        400,
        'PARAM_INVALID',
      );
      assertProblem(await as('auditor').get('/v1/access-log?cursor=%25%25'), 400, 'CURSOR_INVALID');
      assertProblem(await reader.get('/v1/log?x=1'), 400, 'PARAM_UNKNOWN');
    });
  });

  describe('change records', () => {
    test('an admin records a change once; a reader lists it with its receive time', async () => {
      const change = {
        schema: 'docket.change/v1',
        id: createUuidV7(),
        ts: '2026-03-01T09:00:00Z',
        agent: { id: `loan-${tag}`, version: '2.4.0' },
        model: { provider: 'openai', name: 'gpt-4o' },
        prompt: { hash: 'sha256:abc' },
        policy: { id: 'credit-policy', version: '2026-02' },
        author: 'a.dev',
        approver: 'r.risk',
        replayRun: 'replay-1',
      };
      const first = assertOk<{ status: string; index: number }>(
        await as('admin').post('/v1/changes', change),
        201,
      );
      const again = assertOk<{ status: string; index: number }>(
        await as('admin').post('/v1/changes', change),
        200,
      );
      assert.deepEqual([again.status, again.index], ['duplicate', first.index]);
      assertProblem(await as('ingest').post('/v1/changes', change), 403, 'FORBIDDEN');
      assertProblem(
        await as('admin').post('/v1/changes', { ...change, id: createUuidV7(), approver: '' }),
        400,
      );
      const { items } = assertOk<{
        items: { index: number; change: unknown; receivedAt?: string }[];
      }>(await as('reader').get(`/v1/changes?agent=loan-${tag}`), 200);
      assert.equal(items.length, 1);
      const [listed] = items;
      assert.ok(listed !== undefined);
      assert.deepEqual(listed.change, change);
      assert.equal(listed.index, first.index);
      assert.ok(listed.receivedAt !== undefined);
    });
  });

  describe('POST /v1/decisions/{id}/events', () => {
    test('effect, override and outcome are recorded; an override needs actor and reason', async () => {
      const record = decision();
      await ingest([record]);
      const path = `/v1/decisions/${record.id}/events`;
      const eventId = `evt-${tag}`;
      const first = assertOk<{ status: string; id: string; index: number }>(
        await as('ingest').post(path, { id: eventId, kind: 'effect', effect: { refund: 12 } }),
        201,
      );
      assert.deepEqual([first.status, first.id], ['accepted', eventId]);
      const again = assertOk<{ status: string; index: number }>(
        await as('admin').post(path, { id: eventId, kind: 'effect', effect: { refund: 12 } }),
        200,
      );
      assert.deepEqual([again.status, again.index], ['duplicate', first.index]);

      const missing = assertProblem(
        await as('ingest').post(path, { kind: 'override', reason: 'because' }),
        400,
        'REQUEST_INVALID',
      );
      assert.equal(missing.where, '$.actor');
      assertProblem(
        await as('ingest').post(path, { kind: 'override', actor: 'j.doe' }),
        400,
        'REQUEST_INVALID',
      );
      assertProblem(
        await as('ingest').post(path, { kind: 'override', actor: '', reason: 'x' }),
        400,
        'REQUEST_INVALID',
      );
      assertProblem(await as('ingest').post(path, { kind: 'effect' }), 400, 'REQUEST_INVALID');
      assertProblem(
        await as('ingest').post(path, { kind: 'outcome', outcome: {} }),
        400,
        'REQUEST_INVALID',
      );
      assertProblem(await as('ingest').post(path, { kind: 'veto' }), 400, 'REQUEST_INVALID');
      const extra = assertProblem(
        await as('ingest').post(path, { kind: 'effect', effect: {}, colour: 'red' }),
        400,
        'REQUEST_INVALID',
      );
      assert.equal(extra.where, '$.colour');
      assertProblem(
        await as('ingest').post(path, { kind: 'effect', effect: {}, ts: 'yesterday' }),
        400,
        'REQUEST_INVALID',
      );
      assertOk(
        await as('ingest').post(path, {
          kind: 'override',
          actor: 'j.doe',
          reason: 'policy exception',
        }),
        201,
      );
      assertOk(
        await as('ingest').post(path, {
          kind: 'outcome',
          outcome: { action: 'repaid', value: 25000 },
          ts: '2026-01-01T00:00:00Z',
        }),
        201,
      );
      assertProblem(
        await as('ingest').post(`/v1/decisions/${createUuidV7()}/events`, {
          kind: 'effect',
          effect: {},
        }),
        404,
        'DECISION_NOT_FOUND',
      );

      const view = assertOk<DecisionViewBody>(
        await as('auditor').get(`/v1/decisions/${record.id}`),
      );
      assert.deepEqual(
        view.events.map((e) => e.content?.['kind']),
        ['effect', 'override', 'outcome'],
      );
      const override = view.events[1]!.content!;
      assert.equal(override['actor'], 'j.doe');
      assert.equal(override['reason'], 'policy exception');
      assert.equal(view.events[2]!.ts, '2026-01-01T00:00:00Z');
      assert.ok(view.events.every((e) => e.type === 'docket.event/v1' && e.index > view.index));
    });
  });

  describe('proofs', () => {
    test('proof?size=N verifies against the checkpoint of size N; consistency between checkpoints', async () => {
      const record = decision();
      const [index] = await ingest([record]);
      const first = await checkpoint();
      await ingest(Array.from({ length: 7 }, () => decision()));
      const second = await checkpoint();
      assert.ok(second.checkpoint.size > first.checkpoint.size);

      const old = assertOk<InclusionProofBody>(
        await as('reader').get(`/v1/decisions/${record.id}/proof?size=${first.checkpoint.size}`),
      );
      assert.equal(old.treeSize, first.checkpoint.size);
      assertInclusion(old, first.checkpoint);
      // Against the newer root the old proof must fail: the check is real.
      assert.throws(() => {
        verifyInclusion(
          old.index,
          old.treeSize,
          b64(old.leafHash),
          old.hashes.map(b64),
          second.checkpoint.root,
        );
      });
      const latest = assertOk<InclusionProofBody>(
        await as('reader').get(`/v1/decisions/${record.id}/proof`),
      );
      assert.ok(latest.treeSize >= second.checkpoint.size);
      assertInclusion(latest);
      assertProblem(
        await as('reader').get(`/v1/decisions/${record.id}/proof?size=${index}`),
        400,
        'SIZE_INVALID',
      );
      assertProblem(
        await as('reader').get(`/v1/decisions/${record.id}/proof?size=${latest.treeSize + 1000}`),
        400,
        'SIZE_INVALID',
      );
      assertProblem(
        await as('reader').get(`/v1/decisions/${record.id}/proof?size=0`),
        400,
        'PARAM_INVALID',
      );

      const [from, to] = [first.checkpoint, second.checkpoint];
      const proof = assertOk<{ from: number; to: number; hashes: string[] }>(
        await as('reader').get(`/v1/proofs/consistency?from=${from.size}&to=${to.size}`),
      );
      assert.deepEqual([proof.from, proof.to], [from.size, to.size]);
      verifyConsistency(from.size, to.size, proof.hashes.map(b64), from.root, to.root);
      assert.throws(() => {
        verifyConsistency(from.size, to.size, proof.hashes.map(b64), to.root, from.root);
      });
      const same = assertOk<{ hashes: string[] }>(
        await as('reader').get(`/v1/proofs/consistency?from=${to.size}&to=${to.size}`),
      );
      assert.deepEqual(same.hashes, []);
      assertProblem(
        await as('reader').get(`/v1/proofs/consistency?from=${to.size}&to=${from.size}`),
        400,
        'SIZE_INVALID',
      );
      assertProblem(
        await as('reader').get(`/v1/proofs/consistency?from=1&to=${to.size + 10_000}`),
        400,
        'SIZE_INVALID',
      );
      assertProblem(
        await as('reader').get(`/v1/proofs/consistency?from=0&to=1`),
        400,
        'PARAM_INVALID',
      );
      assertProblem(await as('reader').get(`/v1/proofs/consistency?to=1`), 400, 'PARAM_INVALID');
    });
  });

  describe('bundles and erasure', () => {
    test('a bundle verifies offline with the vkey and discloses the named fields only', async () => {
      const record = decision();
      await ingest([record]);
      const res = await as('auditor').get(
        `/v1/decisions/${record.id}/bundle?disclose=outcome,goal`,
      );
      const bundle = assertOk<{ format: string; disclosed: Record<string, { value: unknown }> }>(
        res,
      );
      assert.equal(bundle.format, 'docket.bundle/v1');
      const check = checkBundle(bundle, vkey);
      assert.ok(check.ok, JSON.stringify(check));
      assert.deepEqual([...check.verifiedFields].sort(), ['goal', 'outcome']);
      assert.deepEqual(Object.keys(bundle.disclosed).sort(), ['goal', 'outcome']);
      assert.deepEqual(bundle.disclosed['outcome']!.value, record.outcome);
      assert.equal(bundle.disclosed['goal']!.value, record.goal);
      verifyBundle(bundle, vkey);
      // A changed disclosure or another log's key must not verify.
      const forged = structuredClone(bundle);
      forged.disclosed['goal']!.value = 'Something else';
      const forgedCheck = checkBundle(forged, vkey);
      assert.equal(forgedCheck.ok, false);
      assert.ok(forgedCheck.issues.some((i) => i.code === 'COMMITMENT_MISMATCH'));
      const acme = assertOk<LogBody>(await api(server.url, server.keys.acme.reader).get('/v1/log'));
      assert.equal(checkBundle(bundle, acme.vkey).ok, false);

      const none = assertOk(await as('admin').get(`/v1/decisions/${record.id}/bundle`));
      assert.deepEqual(checkBundle(none, vkey).verifiedFields, []);

      const unknown = assertProblem(
        await as('auditor').get(`/v1/decisions/${record.id}/bundle?disclose=outcome,shoe_size`),
        400,
        'FIELD_UNKNOWN',
      );
      assert.equal(unknown.where, 'query.disclose');
    });

    test('erase: content gone (erased: true), proofs still verify, disclosure is 409', async () => {
      const subject = `erase-subject-${tag}`;
      const records = [
        decision({ subject: { id: subject, type: 'person' } }),
        decision({ subject: { id: subject, type: 'person' } }),
      ];
      const other = decision({ subject: { id: `other-${tag}`, type: 'person' } });
      await ingest([...records, other]);
      assertOk(
        await as('ingest').post(`/v1/decisions/${records[0]!.id}/events`, {
          kind: 'override',
          actor: 'a',
          reason: 'b',
        }),
        201,
      );
      for (const role of ['ingest', 'reader', 'auditor'] as const) {
        assertProblem(
          await as(role).post(`/v1/subjects/${subject}/erase`, { reason: 'request #1' }),
          403,
          'FORBIDDEN',
        );
      }
      assertProblem(
        await as('admin').post(`/v1/subjects/${subject}/erase`, { reason: '   ' }),
        400,
        'REQUEST_INVALID',
      );
      assertProblem(
        await as('admin').post(`/v1/subjects/${subject}/erase`, {}),
        400,
        'REQUEST_INVALID',
      );
      const result = assertOk<{
        subject: string;
        keysDestroyed: number;
        decisions: number;
        tombstone: { id: string; index: number } | null;
      }>(
        await as('admin').post(`/v1/subjects/${subject}/erase`, { reason: 'GDPR Art. 17 #7' }),
        200,
      );
      assert.equal(result.decisions, 2);
      assert.ok(result.keysDestroyed >= 1);
      assert.notEqual(result.tombstone, null);

      for (const r of records) {
        const view = assertOk<DecisionViewBody>(await as('auditor').get(`/v1/decisions/${r.id}`));
        assert.equal(view.erased, true);
        assert.equal(view.content, null);
        assert.equal(view.subject, result.subject);
        assert.ok(view.events.every((e) => e.erased && e.content === null));
        assertInclusion(view.receipt);
        // The decision links the tombstone of its erasure; a reader sees it without the reason.
        const { erasure } = view as DecisionViewBody & { erasure: Record<string, unknown> | null };
        assert.deepEqual(
          { ...erasure, ts: undefined },
          {
            id: result.tombstone!.id,
            index: result.tombstone!.index,
            ts: undefined,
            reason: 'GDPR Art. 17 #7',
          },
        );
        const forReader = assertOk<{ erasure: Record<string, unknown> }>(
          await as('reader').get(`/v1/decisions/${r.id}`),
        );
        assert.equal(forReader.erasure['reason'], undefined);
        assert.equal(forReader.erasure['id'], result.tombstone!.id);
        assertProblem(
          await as('auditor').get(`/v1/decisions/${r.id}/bundle?disclose=outcome`),
          409,
          'CONTENT_ERASED',
        );
        const bundle = assertOk<{ erased: boolean }>(
          await as('auditor').get(`/v1/decisions/${r.id}/bundle`),
        );
        assert.equal(bundle.erased, true);
        verifyBundle(bundle, vkey);
      }
      assertProblem(
        await as('admin').get(`/v1/decisions/${records[0]!.id}/bundle?disclose=nope`),
        400,
        'FIELD_UNKNOWN',
      );
      // Another subject is untouched.
      const kept = assertOk<DecisionViewBody>(await as('auditor').get(`/v1/decisions/${other.id}`));
      assert.deepEqual(kept.content, asStored(other));
      // Erasure leaves no lookup by the person's id: listed by subject, none is found (issue 12).
      const page = assertOk<{ items: unknown[] }>(
        await as('auditor').get(`/v1/decisions?subject=${subject}`),
      );
      assert.deepEqual(page.items, []);
      // Again: nothing left to destroy.
      const again = assertOk<{ keysDestroyed: number; tombstone: unknown }>(
        await as('admin').post(`/v1/subjects/${subject}/erase`, { reason: 'again' }),
      );
      assert.deepEqual([again.keysDestroyed, again.tombstone], [0, null]);
      assertProblem(
        await as('admin').post(`/v1/subjects/nobody-${tag}/erase`, { reason: 'x' }),
        404,
        'SUBJECT_NOT_FOUND',
      );
    });
  });

  describe('access log', () => {
    test('records reads, lists, bundles, exports and erasures with the X-Docket-Purpose', async () => {
      const subject = `access-subject-${tag}`;
      const agent = `access-agent-${tag}`;
      const record = decision({
        subject: { id: subject, type: 'person' },
        agent: { id: agent, version: '1' },
      });
      const [index] = await ingest([record]);
      const purpose = 'GDPR Art. 15 request #42';
      const call = async (
        role: ApiKeyRole,
        action: string,
        send: (c: Api, h: Record<string, string>) => Promise<unknown>,
      ) => {
        const requestId = `req-${action}-${randomBytes(6).toString('hex')}`;
        await send(as(role), { 'x-docket-purpose': purpose, 'x-request-id': requestId });
        return requestId;
      };
      const ids = {
        read: await call('auditor', 'read', async (c, headers) =>
          assertOk(await c.get(`/v1/decisions/${record.id}`, { headers })),
        ),
        list: await call('auditor', 'list', async (c, headers) =>
          assertOk(await c.get(`/v1/decisions?agent=${agent}`, { headers })),
        ),
        bundle: await call('auditor', 'bundle', async (c, headers) =>
          assertOk(await c.get(`/v1/decisions/${record.id}/bundle?disclose=goal`, { headers })),
        ),
        export: await call('auditor', 'export', async (c, headers) =>
          assertOk(await c.get(`/v1/entries?from=${index}&limit=1`, { headers })),
        ),
        erase: await call('admin', 'erase', async (c, headers) =>
          assertOk(
            await c.post(`/v1/subjects/${subject}/erase`, { reason: 'Art. 17' }, { headers }),
          ),
        ),
      };
      // A reader shown no content leaves no record.
      const withheld = await call('reader', 'withheld', async (c, headers) =>
        assertOk(await c.get(`/v1/decisions/${record.id}`, { headers })),
      );

      const items: AccessItem[] = [];
      let cursor: string | null = null;
      do {
        const path: string = `/v1/access-log?limit=3${cursor === null ? '' : `&cursor=${cursor}`}`;
        const page = assertOk<{ items: AccessItem[]; next: string | null }>(
          await as('auditor').get(path),
        );
        items.push(...page.items);
        cursor = page.next;
      } while (cursor !== null);
      const indices = items.map((i) => i.index);
      assert.deepEqual(
        indices,
        [...indices].sort((x, y) => y - x),
        'newest first',
      );
      assert.equal(new Set(indices).size, indices.length, 'no record twice');
      assert.equal(Math.min(...indices), 0, 'down to the first record');

      const byRequest = (id: string) => items.filter((i) => i.record.requestId === id);
      for (const [action, requestId] of Object.entries(ids)) {
        const found = byRequest(requestId);
        assert.equal(found.length, 1, `${action}: ${JSON.stringify(found)}`);
        const { record: r } = found[0]!;
        assert.equal(r.action, action);
        assert.equal(r.purpose, purpose);
        const role = action === 'erase' ? 'admin' : 'auditor';
        assert.equal(r.role, role);
        assert.equal(r.actor, server.keyIds.default[role]);
      }
      assert.equal(byRequest(ids.read)[0]!.record.target, record.id);
      assert.equal(byRequest(ids.bundle)[0]!.record.target, record.id);
      assert.equal(byRequest(ids.bundle)[0]!.record.count, 1);
      assert.equal(byRequest(ids.list)[0]!.record.count, 1);
      assert.equal(byRequest(ids.export)[0]!.record.count, 1);
      assert.equal(byRequest(ids.erase)[0]!.record.count, 1);
      assert.deepEqual(byRequest(withheld), []);

      // Without the header the purpose is null (the erased record has no content left to read:
      // read a decision without a subject).
      const clear = decision({ subject: undefined });
      await ingest([clear]);
      const plainId = `plain-${tag}`;
      assertOk(
        await as('auditor').get(`/v1/decisions/${clear.id}`, {
          headers: { 'x-request-id': plainId },
        }),
      );
      const recent = assertOk<{ items: AccessItem[] }>(
        await as('auditor').get('/v1/access-log?limit=5'),
      );
      const plainItem = recent.items.find((i) => i.record.requestId === plainId);
      assert.ok(plainItem !== undefined, JSON.stringify(recent));
      assert.equal(plainItem.record.purpose, null);
      assert.equal(plainItem.record.target, clear.id);
      const size = recent.items[0]!.index + 1;
      assertProblem(
        await as('auditor').get(`/v1/decisions/${record.id}`, {
          headers: { 'x-docket-purpose': 'p'.repeat(501) },
        }),
        400,
        'HEADER_INVALID',
      );
      const last = assertOk<{ items: AccessItem[] }>(
        await as('auditor').get('/v1/access-log?limit=1'),
      );
      assert.equal(
        last.items[0]!.index + 1,
        size,
        'a refused request reads nothing, records nothing',
      );
    });
  });

  describe('keys', () => {
    test('an admin creates, lists and revokes keys of its tenant; a revoked key is 401', async () => {
      const admin = as('admin');
      const created = assertOk<{
        id: string;
        key: string;
        role: string;
        tenant: string;
        revokedAt: null;
      }>(await admin.post('/v1/keys', { role: 'reader', name: `ci ${tag}` }), 201);
      assert.equal(created.tenant, 'default');
      assert.equal(created.role, 'reader');
      assert.match(created.key, new RegExp(`^dk_${created.id}_`));
      assertOk(await api(server.url, created.key).get('/v1/log'), 200);
      const listed = assertOk<{ items: Record<string, unknown>[] }>(await admin.get('/v1/keys'));
      const row = listed.items.find((k) => k['id'] === created.id);
      assert.equal(row?.['name'], `ci ${tag}`);
      assert.ok(listed.items.every((k) => k['tenant'] === 'default'));
      assert.doesNotMatch(JSON.stringify(listed), /secret|dk_/i);
      const revoked = assertOk<{ revokedAt: string | null }>(
        await admin.post(`/v1/keys/${created.id}/revoke`, undefined, { raw: '' }),
        200,
      );
      assert.equal(typeof revoked.revokedAt, 'string');
      assertProblem(await api(server.url, created.key).get('/v1/log'), 401, 'UNAUTHENTICATED');
      assertProblem(
        await admin.post('/v1/keys/abcdefghijklmnop/revoke', undefined, { raw: '' }),
        404,
        'KEY_NOT_FOUND',
      );
      assertProblem(await admin.post('/v1/keys', { role: 'root' }), 400, 'REQUEST_INVALID');
      assertProblem(
        await admin.post('/v1/keys', { role: 'reader', tenant: 'acme' }),
        400,
        'REQUEST_INVALID',
      );
    });
  });

  describe('system and routing', () => {
    test('/metrics has every metric family, with this tenant’s counts', async () => {
      const res = await as('admin').get('/metrics');
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
      const families: Record<string, string> = {
        docket_decisions_ingested_total: 'counter',
        docket_decisions_duplicate_total: 'counter',
        docket_decisions_rejected_total: 'counter',
        docket_flush_duration_seconds: 'histogram',
        docket_http_requests_total: 'counter',
        docket_pool_depth: 'gauge',
        docket_tree_size: 'gauge',
        docket_process_uptime_seconds: 'gauge',
      };
      for (const [name, type] of Object.entries(families)) {
        assert.ok(res.text.includes(`# TYPE ${name} ${type}\n`), `${name} missing`);
        assert.ok(res.text.includes(`# HELP ${name} `), `${name} has no help`);
      }
      const value = (series: string): number => {
        const line = res.text.split('\n').find((l) => l.startsWith(`${series} `));
        assert.ok(line !== undefined, `${series} missing:\n${res.text}`);
        return Number(line.slice(series.length + 1));
      };
      assert.ok(value('docket_decisions_ingested_total{tenant="default"}') > 0);
      assert.ok(value('docket_decisions_duplicate_total{tenant="default"}') > 0);
      assert.ok(
        value('docket_decisions_rejected_total{tenant="default",code="DECISION_INVALID"}') > 0,
      );
      assert.ok(value('docket_flush_duration_seconds_count{tenant="default",log="decisions"}') > 0);
      assert.ok(
        value(
          'docket_http_requests_total{tenant="default",operation="postDecisions",status="200"}',
        ) > 0,
      );
      const { size } = assertOk<LogBody>(await as('reader').get('/v1/log'));
      assert.equal(value('docket_tree_size{tenant="default",log="decisions"}'), size);
      // Every sample line is `name{labels} number`.
      for (const line of res.text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
        assert.match(line, /^[a-z_]+(\{[^}]*\})? -?[\d.e+-]+$/, line);
      }
    });

    test('/openapi.json is the document; /healthz and /readyz answer without a key', async () => {
      const doc = await api(server.url).get('/openapi.json');
      assert.equal(doc.status, 200);
      assert.deepEqual(doc.body, JSON.parse(JSON.stringify(openApiDocument)));
      assert.deepEqual(assertOk(await api(server.url).get('/healthz'), 200), { status: 'ok' });
      assert.deepEqual(assertOk(await api(server.url).get('/readyz'), 200), { status: 'ok' });
    });

    test('an unknown route is a 404 problem; a wrong method a 405 with Allow', async () => {
      const client = as('admin');
      for (const path of [
        '/',
        '/v2/decisions',
        '/v1/decisions/a/b/c',
        '/v1/log/',
        '/v1/decisions//proof',
      ]) {
        assertProblem(await client.get(path), 404, 'NOT_FOUND');
      }
      const res = await client.send('DELETE', '/v1/decisions');
      assertProblem(res, 405, 'METHOD_NOT_ALLOWED');
      assert.deepEqual((res.headers.get('allow') ?? '').split(/,\s*/).sort(), ['GET', 'POST']);
      const put = await client.send('PUT', '/v1/log');
      assertProblem(put, 405, 'METHOD_NOT_ALLOWED');
      assert.equal(put.headers.get('allow'), 'GET');
      const get = await client.get('/v1/subjects/x/erase');
      assertProblem(get, 405, 'METHOD_NOT_ALLOWED');
      assert.equal(get.headers.get('allow'), 'POST');
    });

    test('every problem carries the request id it answers', async () => {
      const res = await as('reader').get('/nope', { headers: { 'x-request-id': `trace-${tag}` } });
      const problem = assertProblem(res, 404);
      assert.equal(res.headers.get('x-request-id'), `trace-${tag}`);
      assert.ok(problem.instance?.endsWith(`trace-${tag}`), problem.instance);
    });
  });

  // Each of these found a bug once (fixed): an event id colliding with another entry, a leap
  // second in the record, ledger `where`s in CLI terms, short search limits, 401 without a scheme.
  describe('regressions', () => {
    test('an event id that is already a decision’s id is not answered as a duplicate of that decision', async () => {
      const [a, b] = [decision(), decision()];
      await ingest([a, b]);
      const res = await as('ingest').post(`/v1/decisions/${a.id}/events`, {
        id: b.id,
        kind: 'effect',
        effect: {},
      });
      // Either refused, or recorded as a new event: never "duplicate" pointing at decision b.
      if (res.status < 300) {
        assert.equal((res.body as { status: string }).status, 'accepted', res.text);
      } else {
        assertProblem(res);
      }
      const view = assertOk<DecisionViewBody>(await as('auditor').get(`/v1/decisions/${a.id}`));
      assert.equal(view.events.length, res.status < 300 ? 1 : 0);
    });

    test('a problem’s `where` names the HTTP location, also for errors of the ledger', async () => {
      const record = decision();
      await ingest([record]);
      const unknown = createUuidV7();
      const cases: [() => Promise<ApiResponse>, string][] = [
        [() => as('reader').get(`/v1/decisions/${unknown}`), 'path.id'],
        [
          () =>
            as('ingest').post(`/v1/decisions/${unknown}/events`, { kind: 'effect', effect: {} }),
          'path.id',
        ],
        [() => as('admin').post(`/v1/subjects/nobody-${tag}/erase`, { reason: 'x' }), 'path.id'],
        [() => as('reader').get(`/v1/decisions/${record.id}/proof?size=${2 ** 40}`), 'query.size'],
        [() => as('reader').get('/v1/proofs/consistency?from=5&to=3'), 'query.from'],
      ];
      const wrong: string[] = [];
      for (const [send, where] of cases) {
        const res = await send();
        const problem = assertProblem(res);
        if (problem.where !== where) wrong.push(`${problem.code}: ${problem.where} ≠ ${where}`);
      }
      assert.deepEqual(wrong, []);
    });

    test('every decision the API accepts can be searched by its agent, version and action', async () => {
      const long = (c: string) => `${c.repeat(247)}-${tag}`; // 256 characters
      const record = decision({
        agent: { id: long('a'), version: long('v') },
        outcome: { action: long('x') },
      });
      await ingest([record]);
      const wrong: string[] = [];
      for (const [name, value] of [
        ['agent', record.agent.id],
        ['agentVersion', record.agent.version],
        ['action', record.outcome.action],
      ] as const) {
        const res = await as('reader').get(`/v1/decisions?${name}=${value}`);
        const ids = res.status === 200 ? (res.body as PageBody).items.map((i) => i.id) : [];
        if (!ids.includes(record.id)) wrong.push(`${name}: ${res.status}`);
      }
      assert.deepEqual(wrong, []);
    });

    test('a decision at a leap second (valid RFC 3339, accepted by checkDecision) is not a 500', async () => {
      const leap = decision({ ts: '2016-12-31T23:59:60Z' });
      const other = decision();
      const res = await as('ingest').post('/v1/decisions', { decisions: [other, leap] });
      // Accepted or rejected on its own: the batch is answered, the other record with it.
      const { results } = assertOk<{ results: ItemResult[] }>(res, 200);
      assert.equal(results[0]!.status, 'accepted');
      assert.ok(['accepted', 'rejected'].includes(results[1]!.status), res.text);
    });

    test('a 401 says how to authenticate (WWW-Authenticate, RFC 9110 §11.6.1)', async () => {
      const res = await api(server.url).get('/v1/log');
      assertProblem(res, 401, 'UNAUTHENTICATED');
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer\b/i);
    });
  });
});
