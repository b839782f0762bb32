/**
 * The whole access-control matrix, roles × operations × tenants, driven by the OpenAPI document
 * (`listOperations()` and each operation's `x-docket-roles`): a new operation is covered as soon
 * as it is in the document, and fails here until it has a request in {@link MATRIX}.
 *
 * For every operation with roles: each role of tenant `default` on `default`'s resources gets 2xx
 * when the document allows it and a 403 FORBIDDEN problem otherwise; keys of tenant `acme` on the
 * same requests get 404 for by-id operations and only their own data (items, counts, access
 * records, metrics) everywhere else; no key, a malformed, unknown or revoked key is a 401 problem.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createNoteVerifier, openCheckpoint } from '@docket/core';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import type { DecisionRecord } from '@docket/protocol';
import { listOperations } from '@docket/server';
import type { OperationSpec } from '@docket/server';
import type { ApiKeyRole } from '@docket/server';
import { api, assertOk, assertProblem, ROLES, startTestServer } from '../support/server.js';
import type { ApiResponse, TestServer } from '../support/server.js';

/** One request: path parameters, query and JSON body (for operations that take one). */
interface RequestSpec {
  readonly path?: Readonly<Record<string, string>>;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Not sent: what the request is about (for {@link MatrixEntry.unchanged}). */
  readonly about?: string;
}

/** What the tests know of the two tenants' data. */
interface Fixture {
  readonly server: TestServer;
  /** `default`'s vkey and the ids of its decisions and events (an `acme` answer names none). */
  readonly defaultVkey: string;
  readonly defaultIds: ReadonlySet<string>;
  /** A `default` decision with a subject, and a linked event. */
  readonly decisionId: string;
}

interface MatrixEntry {
  /** A valid request on `default`'s resources; called for every call (fresh ids for writes). */
  request(f: Fixture): RequestSpec | Promise<RequestSpec>;
  /**
   * What an allowed key of `acme` gets for the same request: `not-found` for operations on one
   * resource by id, else a check that the answer holds `acme`'s own data only.
   */
  readonly acme: 'not-found' | ((res: ApiResponse, f: Fixture) => void | Promise<void>);
  /** After `acme` tried the request: `default`'s resource is as it was. */
  readonly unchanged?: (f: Fixture, spec: RequestSpec) => Promise<void>;
}

/** A public operation: answers without a key. */
interface PublicEntry {
  readonly public: true;
}

const key = (f: Fixture, tenant: 'default' | 'acme', role: ApiKeyRole): string =>
  f.server.keys[tenant][role];

/** Decodes the leaf envelopes of every entry of a log of `acme` (read with its auditor key). */
async function acmeLeaves(
  f: Fixture,
  log: 'decisions' | 'access' = 'decisions',
): Promise<{ id: string; type: string; index: number }[]> {
  const res = await api(f.server.url, key(f, 'acme', 'auditor')).get(
    `/v1/entries?log=${log}&limit=10000`,
  );
  const { entries } = assertOk<{ entries: { leaf: string }[] }>(res, 200);
  return entries.map(
    (e) =>
      JSON.parse(Buffer.from(e.leaf, 'base64').toString('utf8')) as {
        id: string;
        type: string;
        index: number;
      },
  );
}

async function acmeVkey(f: Fixture): Promise<string> {
  return assertOk<{ vkey: string }>(
    await api(f.server.url, key(f, 'acme', 'reader')).get('/v1/log'),
  ).vkey;
}

async function acmeSize(f: Fixture): Promise<number> {
  return (await acmeLeaves(f)).length;
}

async function defaultSize(f: Fixture): Promise<number> {
  const res = await api(f.server.url, key(f, 'default', 'reader')).get('/v1/log');
  return assertOk<{ size: number }>(res).size;
}

const decision = (): DecisionRecord =>
  sampleDecision({
    id: createUuidV7(),
    subject: { id: `person-${randomBytes(4).toString('hex')}`, type: 'person' },
  });

const producerReport = () => ({
  schema: 'docket.producer-report/v1',
  id: createUuidV7(),
  ts: new Date().toISOString(),
  producer: { id: `matrix-${randomBytes(4).toString('hex')}` },
  reportSeq: 0,
  losses: { dropped: 3, rejected: 0, failed: 0, redactionFailed: 0, invalid: 0 },
  gaps: [[4, 6]],
  reasons: { QUEUE_FULL: 3 },
});

const changeRecord = () => ({
  schema: 'docket.change/v1',
  id: createUuidV7(),
  ts: new Date().toISOString(),
  agent: { id: `matrix-${randomBytes(4).toString('hex')}`, version: '1.0.0' },
  author: 'a.dev',
  approver: 'r.risk',
});

/**
 * One valid request per operation of the document. An operation missing here fails the matrix.
 */
const MATRIX: Readonly<Record<string, MatrixEntry | PublicEntry>> = {
  postDecisions: {
    request: () => ({ body: { decisions: [decision()] } }),
    acme: (res) => {
      const { results } = assertOk<{ results: { status: string }[] }>(res, 200);
      assert.deepEqual(
        results.map((r) => r.status),
        ['accepted'],
      );
    },
  },
  postProducerReports: {
    request: () => ({ body: { reports: [producerReport()] } }),
    acme: async (res, f) => {
      const { results } = assertOk<{ results: { status: string; id: string }[] }>(res, 200);
      assert.equal(results[0]?.status, 'accepted');
      const leaf = (await acmeLeaves(f)).find((l) => l.id === results[0]?.id);
      assert.equal(leaf?.type, 'docket.producer/v1', 'the report is in acme’s own log');
    },
  },
  postChange: {
    request: () => ({ body: changeRecord() }),
    acme: async (res, f) => {
      const { id } = assertOk<{ id: string }>(res, 201);
      const leaf = (await acmeLeaves(f)).find((l) => l.id === id);
      assert.equal(leaf?.type, 'docket.change/v1', 'the change is in acme’s own log');
    },
  },
  listChanges: {
    request: () => ({}),
    acme: async (res, f) => {
      const { items } = assertOk<{ items: { index: number; change: { id: string } }[] }>(res, 200);
      const own = new Set((await acmeLeaves(f)).map((l) => l.id));
      for (const item of items)
        assert.ok(own.has(item.change.id), `${item.change.id} is not acme's`);
    },
  },
  getStats: {
    request: () => ({ query: { group_by: 'agent' } }),
    acme: async (res, f) => {
      // Counts of acme's own decisions only.
      const { total } = assertOk<{ total: number }>(res, 200);
      const own = (await acmeLeaves(f)).filter((l) => l.type === 'docket.decision/v1');
      assert.equal(total, own.length);
    },
  },
  getDrift: {
    request: () => ({
      query: { agent: 'credit-underwriter', baseline: 'version=2.3.1', current: 'version=2.3.1' },
    }),
    acme: async (res, f) => {
      // acme's own decisions of that agent only: no more than its log holds.
      const r = assertOk<{ baseline: { count: number } }>(res, 200);
      const decisions = (await acmeLeaves(f)).filter((l) => l.type === 'docket.decision/v1');
      assert.ok(r.baseline.count <= decisions.length, `${r.baseline.count} > ${decisions.length}`);
    },
  },
  postReport: {
    request: () => ({ body: { type: 'integrity', evidence: 'cited' } }),
    acme: async (res, f) => {
      const { id } = assertOk<{ id: string }>(res, 201);
      const leaf = (await acmeLeaves(f)).find((l) => l.id === id);
      assert.equal(leaf?.type, 'docket.compliance-report/v1', 'the report is in acme’s own log');
    },
  },
  getReport: {
    request: async (f) => {
      const created = await api(f.server.url, key(f, 'default', 'admin')).post('/v1/reports', {
        type: 'integrity',
        evidence: 'cited',
      });
      return { path: { id: assertOk<{ id: string }>(created, 201).id } };
    },
    acme: 'not-found',
  },
  listDecisions: {
    request: () => ({ query: { limit: '200' } }),
    acme: async (res, f) => {
      const { items } = assertOk<{ items: { id: string }[] }>(res, 200);
      const own = new Set((await acmeLeaves(f)).map((l) => l.id));
      assert.ok(items.length > 0, 'acme has decisions of its own');
      for (const item of items) assert.ok(own.has(item.id), `${item.id} is not acme's`);
    },
  },
  getDecision: {
    request: (f) => ({ path: { id: f.decisionId } }),
    acme: 'not-found',
  },
  postEvent: {
    request: (f) => {
      const marker = `call-${randomBytes(6).toString('hex')}`;
      return {
        path: { id: f.decisionId },
        body: { kind: 'effect', effect: { marker } },
        about: marker,
      };
    },
    acme: 'not-found',
    unchanged: async (f, spec) => {
      const res = await api(f.server.url, key(f, 'default', 'auditor')).get(
        `/v1/decisions/${f.decisionId}`,
      );
      const view = assertOk<{ events: unknown[] }>(res, 200);
      assert.ok(view.events.length > 0);
      assert.ok(!res.text.includes(spec.about!), 'acme’s event landed on default’s decision');
    },
  },
  getProof: {
    request: (f) => ({ path: { id: f.decisionId } }),
    acme: 'not-found',
  },
  getBundle: {
    request: (f) => ({ path: { id: f.decisionId }, query: { disclose: 'outcome' } }),
    acme: 'not-found',
  },
  getExport: {
    request: () => ({ query: { proofs: 'true' } }),
    acme: async (res, f) => {
      assert.equal(res.status, 200, res.text);
      const lines = res.text.trimEnd().split('\n');
      const records = lines.slice(1, -1).map((l) => JSON.parse(l) as { id: string });
      const own = new Set((await acmeLeaves(f)).map((l) => l.id));
      assert.ok(records.length > 0, 'acme has decisions of its own');
      for (const r of records) assert.ok(own.has(r.id), `${r.id} is not acme's`);
    },
  },
  getCheckpoint: {
    request: () => ({}),
    acme: async (res, f) => {
      assert.equal(res.status, 200, res.text);
      const { vkey } = assertOk<{ vkey: string }>(
        await api(f.server.url, key(f, 'acme', 'reader')).get('/v1/log'),
      );
      const { checkpoint } = openCheckpoint(res.text, createNoteVerifier(vkey));
      assert.equal(checkpoint.size, await acmeSize(f));
      assert.notEqual(checkpoint.size, await defaultSize(f));
      assert.throws(() => openCheckpoint(res.text, createNoteVerifier(f.defaultVkey)));
    },
  },
  // tlog-tiles (issue 19): the key's tenant's log, as for /v1/checkpoint.
  getTilesCheckpoint: {
    request: () => ({ path: { log: 'decisions' } }),
    acme: async (res, f) => {
      assert.equal(res.status, 200, res.text);
      const { checkpoint } = openCheckpoint(res.text, createNoteVerifier(await acmeVkey(f)));
      assert.equal(checkpoint.size, await acmeSize(f));
    },
  },
  getTile: {
    request: () => ({ path: { log: 'decisions', tile: '0/000.p/1' } }),
    acme: async (res, f) => {
      // acme's first leaf hash, not default's.
      assert.equal(res.status, 200, res.text);
      const own = await api(f.server.url, key(f, 'acme', 'reader')).get(
        '/v1/tiles/decisions/tile/0/000.p/1',
      );
      const theirs = await api(f.server.url, key(f, 'default', 'reader')).get(
        '/v1/tiles/decisions/tile/0/000.p/1',
      );
      assert.equal(res.text, own.text);
      assert.notEqual(res.text, theirs.text);
    },
  },
  getConsistency: {
    request: async (f) => ({ query: { from: '1', to: String(await defaultSize(f)) } }),
    // acme's tree is smaller than default's: the sizes are checked against acme's own log.
    acme: (res) => {
      assertProblem(res, 400, 'SIZE_INVALID');
    },
  },
  getLog: {
    request: () => ({}),
    acme: async (res, f) => {
      const log = assertOk<{
        tenant: string;
        size: number;
        vkey: string;
        access: { size: number };
      }>(res, 200);
      assert.equal(log.tenant, 'acme');
      assert.notEqual(log.vkey, f.defaultVkey);
      assert.equal(log.size, await acmeSize(f));
      assert.notEqual(log.size, await defaultSize(f));
      // acme's access log: what acme did, plus the one export that acmeSize() just recorded.
      const access = await acmeLeaves(f, 'access');
      assert.equal(access.length, log.access.size + 1);
      assert.ok(access.every((e) => e.type === 'docket.access/v1'));
    },
  },
  getEntries: {
    request: () => ({ query: { log: 'decisions', limit: '10000' } }),
    acme: async (res, f) => {
      const { entries } = assertOk<{ entries: { leaf: string }[] }>(res, 200);
      const ids = entries.map(
        (e) => (JSON.parse(Buffer.from(e.leaf, 'base64').toString('utf8')) as { id: string }).id,
      );
      for (const id of ids) assert.ok(!f.defaultIds.has(id), `default's ${id} in acme's entries`);
      assert.equal(ids.length, await acmeSize(f));
    },
  },
  eraseSubject: {
    // A fresh subject of default's each time, so every call has content to erase.
    request: async (f) => {
      const record = decision();
      const res = await api(f.server.url, key(f, 'default', 'ingest')).post('/v1/decisions', {
        decisions: [record],
      });
      assertOk(res, 200);
      return { path: { id: record.subject!.id }, body: { reason: 'matrix' }, about: record.id };
    },
    acme: 'not-found',
    unchanged: async (f, spec) => {
      const res = await api(f.server.url, key(f, 'default', 'auditor')).get(
        `/v1/decisions/${spec.about!}`,
      );
      const view = assertOk<{ erased: boolean; content: unknown }>(res, 200);
      assert.equal(view.erased, false);
      assert.notEqual(view.content, null);
    },
  },
  // Retention, legal holds and purge (issue 18): admin only, each tenant its own.
  listRetention: {
    request: () => ({}),
    acme: (res) => {
      const { policies } = assertOk<{ policies: { basis: string }[] }>(res, 200);
      assert.ok(policies.every((p) => p.basis !== 'matrix-default'));
    },
  },
  setRetention: {
    request: () => ({ body: { max: '10y', min: '6mo', basis: 'matrix-default' } }),
    acme: async (res, f) => {
      assertOk(res, 200);
      // acme's policy is acme's: default's log shows only its own.
      const own = await api(f.server.url, key(f, 'acme', 'admin')).get('/v1/retention');
      assert.equal(assertOk<{ policies: unknown[] }>(own, 200).policies.length, 1);
    },
  },
  listHolds: {
    request: () => ({}),
    acme: (res) => {
      const { active } = assertOk<{ active: { reason: string }[] }>(res, 200);
      assert.ok(active.every((h) => h.reason !== 'matrix-default'));
    },
  },
  createHold: {
    request: (f) => ({ body: { decision: f.decisionId, reason: 'matrix-default' } }),
    acme: 'not-found',
  },
  releaseHold: {
    // A fresh hold of default's each time, so every call has one to release.
    request: async (f) => {
      const res = await api(f.server.url, key(f, 'default', 'admin')).post('/v1/holds', {
        decision: f.decisionId,
        reason: 'matrix-default',
      });
      const { id } = assertOk<{ id: string }>(res, 200);
      return { path: { id }, body: { reason: 'matrix' }, about: id };
    },
    acme: 'not-found',
    unchanged: async (f, spec) => {
      const res = await api(f.server.url, key(f, 'default', 'admin')).get('/v1/holds');
      const { active } = assertOk<{ active: { id: string }[] }>(res, 200);
      assert.ok(active.some((h) => h.id === spec.about));
    },
  },
  postPurge: {
    request: () => ({ body: { dryRun: true } }),
    acme: (res) => {
      assert.equal(assertOk<{ dryRun: boolean }>(res, 200).dryRun, true);
    },
  },
  getAccessLog: {
    request: () => ({ query: { limit: '200' } }),
    acme: (res, f) => {
      const { items } = assertOk<{ items: { record: { actor: string } }[] }>(res, 200);
      const own = new Set(Object.values(f.server.keyIds.acme));
      assert.ok(items.length > 0);
      for (const { record } of items) assert.ok(own.has(record.actor), record.actor);
    },
  },
  listKeys: {
    request: () => ({}),
    acme: (res, f) => {
      const { items } = assertOk<{ items: { id: string; tenant: string }[] }>(res, 200);
      const others = new Set(Object.values(f.server.keyIds.default));
      for (const k of items) {
        assert.equal(k.tenant, 'acme');
        assert.ok(!others.has(k.id));
      }
      for (const id of Object.values(f.server.keyIds.acme)) {
        assert.ok(items.some((k) => k.id === id));
      }
    },
  },
  createKey: {
    request: () => ({ body: { role: 'reader', name: 'matrix' } }),
    acme: (res) => {
      assert.equal(assertOk<{ tenant: string }>(res, 201).tenant, 'acme');
    },
  },
  revokeKey: {
    request: async (f) => {
      // A fresh key of default's each time: never one the matrix itself uses.
      const res = await api(f.server.url, key(f, 'default', 'admin')).post('/v1/keys', {
        role: 'reader',
        name: 'to revoke',
      });
      const id = assertOk<{ id: string }>(res, 201).id;
      return { path: { id }, about: id };
    },
    acme: 'not-found',
    unchanged: async (f, spec) => {
      const res = await api(f.server.url, key(f, 'default', 'admin')).get('/v1/keys');
      const { items } = assertOk<{ items: { id: string; revokedAt: string | null }[] }>(res, 200);
      assert.equal(items.find((k) => k.id === spec.about)?.revokedAt, null);
    },
  },
  getMetrics: {
    request: () => ({}),
    acme: (res) => {
      assert.equal(res.status, 200, res.text);
      assert.ok(res.text.includes('tenant="acme"'), res.text);
      assert.ok(!res.text.includes('tenant="default"'), res.text);
    },
  },
  getHealth: { public: true },
  getReady: { public: true },
  getOpenApi: { public: true },
};

/** Sends `spec` for `op` with an Authorization header (or none). */
async function send(
  f: Fixture,
  op: OperationSpec,
  spec: RequestSpec,
  authorization: string | undefined,
): Promise<{ res: ApiResponse; sent: string }> {
  let path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = spec.path?.[name];
    assert.ok(value !== undefined, `${op.operationId}: no value for path parameter ${name}`);
    return encodeURIComponent(value);
  });
  const query = new URLSearchParams(spec.query ?? {}).toString();
  if (query !== '') path += `?${query}`;
  assert.equal(
    spec.body !== undefined,
    op.body !== undefined,
    `${op.operationId}: a body exactly when the document has one`,
  );
  const headers: Record<string, string> = {
    'x-docket-purpose': 'access matrix',
    ...(authorization === undefined ? {} : { authorization }),
    ...(spec.body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  const raw = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  const res = await api(f.server.url).send(op.method, path, {
    headers,
    ...(raw === undefined ? {} : { raw }),
  });
  return { res, sent: `${op.method} ${path} ${raw ?? ''}` };
}

const operations = listOperations();
const guarded = operations.filter((op) => op.roles.length > 0);

describe('access matrix: roles × operations × tenants', () => {
  let f: Fixture;
  /** Set once started: what `after` closes even when `before` failed half-way. */
  let started: TestServer | undefined;

  before(async () => {
    const server = await startTestServer();
    started = server;
    const as = (tenant: 'default' | 'acme', role: ApiKeyRole) =>
      api(server.url, server.keys[tenant][role]);
    const records = Array.from({ length: 12 }, decision);
    const ingested = assertOk<{ results: { status: string }[] }>(
      await as('default', 'ingest').post('/v1/decisions', { decisions: records }),
      200,
    );
    assert.ok(ingested.results.every((r) => r.status === 'accepted'));
    const decisionId = records[0]!.id;
    const event = assertOk<{ id: string }>(
      await as('default', 'ingest').post(`/v1/decisions/${decisionId}/events`, {
        kind: 'override',
        actor: 'j.doe',
        reason: 'matrix',
      }),
      201,
    );
    // default's access log gets records of its own; acme gets two decisions and one read.
    assertOk(await as('default', 'auditor').get(`/v1/decisions/${decisionId}`), 200);
    assertOk(
      await as('acme', 'ingest').post('/v1/decisions', { decisions: [decision(), decision()] }),
      200,
    );
    assertOk(await as('acme', 'auditor').get('/v1/decisions'), 200);
    const log = assertOk<{ vkey: string }>(await as('default', 'reader').get('/v1/log'));
    f = {
      server,
      defaultVkey: log.vkey,
      defaultIds: new Set([...records.map((r) => r.id), event.id]),
      decisionId,
    };
  });
  after(async () => {
    await started?.close();
  });

  test('every operation of the document has a request in the matrix', () => {
    const missing = operations.map((op) => op.operationId).filter((id) => !(id in MATRIX));
    assert.deepEqual(missing, [], `operations without a matrix entry: ${missing.join(', ')}`);
    const stale = Object.keys(MATRIX).filter((id) => !operations.some((o) => o.operationId === id));
    assert.deepEqual(stale, [], `matrix entries for no operation: ${stale.join(', ')}`);
    for (const op of operations) {
      const entry = MATRIX[op.operationId]!;
      assert.equal('public' in entry, op.roles.length === 0, `${op.operationId}: public or not`);
    }
    // The document names only known roles, and every guarded operation allows admin.
    for (const op of guarded) {
      for (const role of op.roles) assert.ok(ROLES.includes(role), `${op.operationId}: ${role}`);
    }
  });

  for (const op of operations.filter((o) => o.roles.length === 0)) {
    test(`${op.operationId}: public, with or without a key`, async () => {
      for (const authorization of [undefined, `Bearer ${f.server.keys.acme.reader}`, 'Bearer x']) {
        const { res } = await send(f, op, {}, authorization);
        assert.equal(res.status, 200, res.text);
      }
    });
  }

  for (const op of guarded) {
    describe(`${op.method} ${op.path} (${op.operationId}: ${op.roles.join(', ')})`, () => {
      const entry = (): MatrixEntry => {
        const e = MATRIX[op.operationId];
        assert.ok(e !== undefined && !('public' in e), `no matrix entry for ${op.operationId}`);
        return e;
      };

      for (const role of ROLES) {
        const allowed = op.roles.includes(role);
        test(`default ${role} on default: ${allowed ? '2xx' : '403'}`, async () => {
          const spec = await entry().request(f);
          const { res, sent } = await send(f, op, spec, `Bearer ${key(f, 'default', role)}`);
          if (allowed) {
            assert.ok(res.status >= 200 && res.status < 300, `${sent} → ${res.status} ${res.text}`);
          } else {
            const problem = assertProblem(res, 403, 'FORBIDDEN');
            assert.equal(problem.where, 'header.authorization');
          }
        });
      }

      for (const role of ROLES) {
        const allowed = op.roles.includes(role);
        const expect = entry().acme;
        test(`acme ${role} on default's resources: ${allowed ? (expect === 'not-found' ? '404' : 'its own data') : '403'}`, async () => {
          const spec = await entry().request(f);
          const { res, sent } = await send(f, op, spec, `Bearer ${key(f, 'acme', role)}`);
          assert.ok(res.status < 200 || res.status >= 300 || allowed, `${sent} → ${res.status}`);
          // Nothing of default's in any answer, beyond what the request itself named.
          for (const id of [
            ...f.defaultIds,
            f.defaultVkey,
            ...Object.values(f.server.keyIds.default),
          ]) {
            if (!sent.includes(id)) assert.ok(!res.text.includes(id), `${sent} leaks ${id}`);
          }
          if (!allowed) {
            assertProblem(res, 403, 'FORBIDDEN');
          } else if (expect === 'not-found') {
            assertProblem(res, 404);
            assert.match((res.body as { code: string }).code, /NOT_FOUND$/);
          } else {
            await expect(res, f);
          }
          await entry().unchanged?.(f, spec);
        });
      }

      test('no key, a malformed, unknown or revoked key: 401', async () => {
        const admin = key(f, 'default', 'admin');
        const [, id] = /^dk_([a-z2-7]{16})_/.exec(admin)!;
        const created = assertOk<{ id: string; key: string }>(
          await api(f.server.url, admin).post('/v1/keys', { role: 'admin', name: 'revoked' }),
          201,
        );
        assertOk(await api(f.server.url, admin).send('POST', `/v1/keys/${created.id}/revoke`), 200);
        const secret = randomBytes(32).toString('base64url');
        const cases: Record<string, string | undefined> = {
          'no key': undefined,
          'not bearer': `Basic ${Buffer.from('admin:admin').toString('base64')}`,
          'empty bearer': 'Bearer ',
          'not a docket key': 'Bearer hunter2',
          'truncated key': `Bearer ${admin.slice(0, -1)}`,
          'unknown id': `Bearer dk_${'a'.repeat(16)}_${secret}`,
          'wrong secret': `Bearer dk_${id}_${secret}`,
          'two keys': `Bearer ${admin} ${admin}`,
          revoked: `Bearer ${created.key}`,
        };
        const details = new Set<string>();
        for (const [name, authorization] of Object.entries(cases)) {
          const spec = await entry().request(f);
          const { res, sent } = await send(f, op, spec, authorization);
          const problem = assertProblem(res, 401, 'UNAUTHENTICATED');
          assert.equal(problem.where, 'header.authorization', `${name}: ${sent}`);
          if (authorization !== undefined) details.add(problem.detail);
        }
        // One message for every bad key: a caller learns nothing about which ids exist.
        assert.equal(details.size, 1, [...details].join(' | '));
      });
    });
  }

  test('the default tenant’s admins see every tenant’s metrics', async () => {
    const res = await api(f.server.url, key(f, 'default', 'admin')).get('/metrics');
    assert.equal(res.status, 200, res.text);
    assert.ok(res.text.includes('docket_tree_size{tenant="acme",log="decisions"}'), res.text);
    assert.ok(res.text.includes('docket_tree_size{tenant="default",log="decisions"}'), res.text);
  });

  test('a tenant’s ids are its own: acme may record a decision with an id default used', async () => {
    const as = (tenant: 'default' | 'acme', role: ApiKeyRole) =>
      api(f.server.url, f.server.keys[tenant][role]);
    const record = decision();
    const first = assertOk<{ results: { status: string }[] }>(
      await as('default', 'ingest').post('/v1/decisions', { decisions: [record] }),
    );
    assert.equal(first.results[0]!.status, 'accepted');
    const second = assertOk<{ results: { status: string }[] }>(
      await as('acme', 'ingest').post('/v1/decisions', { decisions: [record] }),
    );
    assert.equal(second.results[0]!.status, 'accepted', 'not a duplicate of default’s');
    const mine = assertOk<{ subject: string }>(
      await as('acme', 'auditor').get(`/v1/decisions/${record.id}`),
    );
    const theirs = assertOk<{ subject: string }>(
      await as('default', 'auditor').get(`/v1/decisions/${record.id}`),
    );
    // Each tenant pseudonymizes subjects under its own key: no linking across tenants.
    assert.notEqual(mine.subject, theirs.subject);
    const list = assertOk<{ items: unknown[] }>(
      await as('acme', 'auditor').get(`/v1/decisions?subject=${record.subject!.id}`),
    );
    assert.equal(list.items.length, 1);
  });
});
