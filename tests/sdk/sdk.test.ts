/**
 * The SDK against the real server in-process: delivery, receipts, idempotent retries through a
 * fault-injecting proxy, a server outage bridged by the spool, record() errors, bad options.
 */
import assert from 'node:assert/strict';
import { createServer, request } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createDocket, SdkError } from '@docket/sdk';
import type { DecisionInput, Docket, DocketOptions } from '@docket/sdk';
import { startServer } from '@docket/server';
import { tempDir } from '../support/ledger-fixture.js';
import { api, assertOk, startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';

const decision = (i: number): DecisionInput => ({
  agent: { id: 'sdk-test-agent', version: '1.0.0' },
  goal: `decision ${i}`,
  context: { i, payload: 'x'.repeat(200) },
  outcome: { action: i % 2 === 0 ? 'approve' : 'decline' },
});

function docketFor(url: string, key: string, extra: DocketOptions = {}) {
  const errors: SdkError[] = [];
  const docket = createDocket({
    url,
    apiKey: key,
    handleExit: false,
    flushIntervalMs: 10,
    retryBaseMs: 5,
    retryMaxMs: 50,
    onError: (e) => errors.push(e),
    env: {},
    ...extra,
  });
  return { docket, errors };
}

/** Polls `condition` every 20 ms; fails after `ms` (a bound against hanging, not a timing claim). */
async function until(condition: () => boolean, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every decision id in the default tenant's log, in log order (with repeats, if any). */
async function idsOnServer(server: { url: string; keys: TestServer['keys'] }): Promise<string[]> {
  const reader = api(server.url, server.keys.default.reader);
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: { id: string }[]; next: string | null } = assertOk(
      await reader.get(`/v1/decisions?limit=200${cursor === null ? '' : `&cursor=${cursor}`}`),
    );
    ids.push(...page.items.map((i) => i.id));
    cursor = page.next;
  } while (cursor !== null);
  return ids.reverse();
}

/** Reads one decision's content as an auditor sees it. */
async function contentOf(server: TestServer, id: string): Promise<Record<string, unknown>> {
  const body: { content: Record<string, unknown> } = assertOk(
    await api(server.url, server.keys.default.auditor).get(`/v1/decisions/${id}`),
  );
  return body.content;
}

const delivered = (d: Docket) => {
  const s = d.stats();
  return s.accepted + s.duplicates + s.rejected + s.failed === s.captured && s.spoolPending === 0;
};

test('capture → durable on the server, snapshot at capture, receipt with proof and checkpoint', async () => {
  const server = await startTestServer();
  const { docket, errors } = docketFor(server.url, server.keys.default.ingest, {
    readKey: server.keys.default.reader,
  });
  try {
    const input = decision(1) as DecisionInput & { context: { i: number } };
    const id = docket.capture(input);
    assert.equal(typeof id, 'string', 'capture returns synchronously');
    input.context.i = 999;
    const r = await docket.receipt(id);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.equal(r.receipt.id, id);
    assert.ok(r.receipt.treeSize > r.receipt.index);
    assert.match(r.receipt.checkpoint ?? '', /\n\n— /);
    const content = await contentOf(server, id);
    assert.deepEqual(content['context'], { i: 1, payload: 'x'.repeat(200) });
    assert.equal((content['producer'] as { id: string }).id, docket.producerId);
    assert.equal(await docket.shutdown(), true);
    assert.deepEqual(errors, []);
  } finally {
    await docket.shutdown();
    await server.close();
  }
});

test('receipt with an ingest key only: RECEIPT_FORBIDDEN, the decision still delivered', async () => {
  const server = await startTestServer();
  const { docket } = docketFor(server.url, server.keys.default.ingest);
  try {
    const id = docket.capture(decision(2));
    const r = await docket.receipt(id);
    assert.ok(!r.ok);
    assert.equal(r.error.code, 'RECEIPT_FORBIDDEN');
    assert.deepEqual(await idsOnServer(server), [id]);
  } finally {
    await docket.shutdown();
    await server.close();
  }
});

/**
 * A proxy in front of the server that, for POST /v1/decisions, plays `faults` in order: `lost`
 * forwards the request and then answers 500 (the server has the batch, the client does not
 * know), `429`/`503` answer without forwarding (Retry-After: 0); then it passes everything.
 */
async function faultProxy(target: string, faults: ('lost' | 429 | 503)[]) {
  const upstream = new URL(target);
  let posts = 0;
  const forward = (req: IncomingMessage, body: Buffer, res: ServerResponse, fail: boolean) => {
    const out = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () => {
          if (fail) {
            res.writeHead(500, { 'content-type': 'application/problem+json' });
            res.end(
              JSON.stringify({
                type: 'urn:x',
                title: 'x',
                status: 500,
                code: 'INJECTED',
                detail: 'lost answer',
              }),
            );
          } else {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            res.end(Buffer.concat(chunks));
          }
        });
      },
    );
    out.on('error', () => res.destroy());
    out.end(body);
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const fault =
        req.method === 'POST' && req.url === '/v1/decisions' ? faults[posts++] : undefined;
      if (fault === 429 || fault === 503) {
        res.writeHead(fault, { 'retry-after': '0', 'content-type': 'application/problem+json' });
        res.end(
          JSON.stringify({
            type: 'urn:x',
            title: 'x',
            status: fault,
            code: 'INJECTED',
            detail: 'busy',
          }),
        );
      } else forward(req, body, res, fault === 'lost');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts: () => posts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

test('500 after a durable write, 429 and 503: retried, every decision exactly once', async () => {
  const server = await startTestServer();
  const proxy = await faultProxy(server.url, ['lost', 429, 503, 'lost']);
  const { docket } = docketFor(proxy.url, server.keys.default.ingest, {
    maxAttempts: 10,
    maxBatch: 25,
  });
  try {
    const ids = Array.from({ length: 100 }, (_, i) => docket.capture(decision(i)));
    assert.equal(await docket.shutdown(30_000), true);
    const s = docket.stats();
    assert.ok(proxy.posts() > 4, 'every fault was played');
    assert.equal(s.retries, 4);
    assert.equal(s.accepted + s.duplicates, 100);
    assert.ok(s.duplicates > 0, 'the batches whose answer was lost came back as duplicates');
    assert.equal(s.failed, 0);
    const onServer = await idsOnServer(server);
    assert.equal(onServer.length, 100);
    assert.deepEqual(new Set(onServer), new Set(ids));
  } finally {
    await docket.shutdown();
    await proxy.close();
    await server.close();
  }
});

test('server down mid-load, back on the same data dir and port: zero lost, zero duplicated', async () => {
  const spool = tempDir('docket-sdk-spool-');
  const first = await startTestServer();
  const port = Number(new URL(first.url).port);
  let restarted: { close(): Promise<void> } | undefined;
  const { docket, errors } = docketFor(first.url, first.keys.default.ingest, {
    spoolDir: spool.dir,
    maxAttempts: 2,
    maxBatch: 20,
    requestTimeoutMs: 5000,
  });
  try {
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) ids.push(docket.capture(decision(i)));
    assert.equal(await docket.flush(), true);
    await first.stop();
    // While the server is away: captures keep returning at once and go to the spool.
    for (let i = 60; i < 160; i++) ids.push(docket.capture(decision(i)));
    await until(() => docket.stats().spooled > 0 && docket.stats().queued === 0, 'spooled batches');
    assert.ok(errors.some((e) => e.code === 'SEND_UNREACHABLE'));
    const server = await startServer({
      dataDir: first.dataDir,
      port,
      host: '127.0.0.1',
      bootstrapAdminKey: false,
      ledger: { flushIntervalMs: 5 },
      log: () => undefined,
    });
    restarted = server;
    for (let i = 160; i < 200; i++) ids.push(docket.capture(decision(i)));
    await until(() => delivered(docket), 'delivery of the spool');
    assert.equal(await docket.shutdown(), true);
    const s = docket.stats();
    assert.deepEqual([s.captured, s.failed, s.dropped, s.spoolPending], [200, 0, 0, 0]);
    const onServer = await idsOnServer(first);
    assert.equal(onServer.length, 200, 'zero lost, zero duplicated');
    assert.deepEqual(new Set(onServer), new Set(ids));
    // Batches are delivered in order: everything sent before the outage precedes the spool.
    // (Order inside one batch is the server's to choose.)
    assert.deepEqual(new Set(onServer.slice(0, 60)), new Set(ids.slice(0, 60)));
  } finally {
    await docket.shutdown();
    await restarted?.close();
    await first.close();
    spool.cleanup();
  }
});

test('immediate mode (serverless): each capture is sent at once, without waiting for the interval', async () => {
  const server = await startTestServer();
  const { docket } = docketFor(server.url, server.keys.default.ingest, {
    immediate: true,
    flushIntervalMs: 3_600_000,
  });
  try {
    const id = docket.capture(decision(1));
    await until(() => docket.stats().accepted === 1, 'the decision sent without a flush');
    assert.deepEqual(await idsOnServer(server), [id]);
  } finally {
    await docket.shutdown();
    await server.close();
  }
});

test('record(): the host error reaches the caller unchanged and the decision records it', async () => {
  const server = await startTestServer();
  const { docket } = docketFor(server.url, server.keys.default.ingest);
  try {
    const failure = new RangeError('model quota exceeded');
    let id = '';
    await assert.rejects(
      docket.record({ agent: { id: 'sdk-test-agent', version: '1.0.0' }, goal: 'g' }, async () => {
        const { currentDecisionId } = await import('@docket/sdk');
        id = currentDecisionId() ?? '';
        throw failure;
      }),
      (e: unknown) => e === failure,
    );
    assert.equal(await docket.shutdown(), true);
    const content = await contentOf(server, id);
    assert.deepEqual(content['outcome'], {
      action: 'error',
      value: { name: 'RangeError', message: 'model quota exceeded' },
    });
    assert.deepEqual(content['metadata'], {
      error: { name: 'RangeError', message: 'model quota exceeded' },
    });
  } finally {
    await docket.shutdown();
    await server.close();
  }
});

test('bad options: the constructor throws OPTION_INVALID naming the option', () => {
  assert.throws(
    () => createDocket({ url: 'http://127.0.0.1:1', apiKey: 'not-a-key', env: {} }),
    (e: unknown) => e instanceof SdkError && e.code === 'OPTION_INVALID' && e.where === 'apiKey',
  );
  assert.throws(
    () =>
      createDocket({
        env: {
          DOCKET_URL: 'http://127.0.0.1:1',
          DOCKET_API_KEY: 'dk_a_b',
          DOCKET_MAX_BATCH: '5000',
        },
      }),
    (e: unknown) => e instanceof SdkError && e.where === 'maxBatch',
  );
});
