/**
 * What one client can cost everyone else, and what the server lets slip: hostile bodies are
 * refused before they are parsed (issue 12 item 10), searching content is reading content (item
 * 11), the log never carries a subject's id (item 13), and requests Node's parser refuses or that
 * never finish get a problem body and a closed connection (item 14). Real servers, real sockets;
 * no timing thresholds (the figures are in `npm run bench:server-hostile`).
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import type { LogLine } from '@docket/server';
import { api, assertOk, assertProblem, startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';

/** `n` members `"k0":0,"k1":0,…` (about 11 bytes each). */
const members = (n: number): string => {
  const parts: string[] = [];
  for (let i = 0; i < n; i++) parts.push(`"k${i}":0`);
  return parts.join(',');
};

/** Sends raw bytes on a fresh connection and reads until the server closes it. */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(bytes);
    });
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** The status and problem code of a raw HTTP answer. */
function parseAnswer(text: string): { status: number; type: string; code: unknown } {
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const type = /^content-type: *(.*)$/im.exec(head)?.[1]?.trim() ?? '';
  return {
    status,
    type,
    code: body === '' ? undefined : (JSON.parse(body) as { code: unknown }).code,
  };
}

describe('hardening', () => {
  let server: TestServer;
  const lines: LogLine[] = [];

  before(async () => {
    server = await startTestServer({ log: (line) => lines.push(line) });
  });
  after(async () => {
    await server.close();
  });

  describe('hostile bodies (item 10)', () => {
    test('200,000 unknown keys from an ingest key are refused before parsing, while /healthz answers', async () => {
      const ingest = api(server.url, server.keys.default.ingest);
      const decision = JSON.stringify(sampleDecision({ id: createUuidV7() }));
      const hostile = [
        `{"decisions":[${decision}],${members(200_000)}}`,
        `{"decisions":[${decision.slice(0, -1)},${members(200_000)}}]}`,
        `{"decisions":[${decision}],"x":[${'0,'.repeat(1_200_000)}0]}`,
      ];
      const sent = hostile
        .flatMap((body) => [body, body])
        .map((body) => ingest.post('/v1/decisions', undefined, { raw: body }));
      const health = Array.from({ length: 20 }, () => api(server.url).get('/healthz'));
      for (const res of await Promise.all(sent)) assertProblem(res, 413, 'BODY_TOO_COMPLEX');
      for (const res of await Promise.all(health)) assertOk(res, 200);
      // The same key still records a normal batch, and a full SDK batch (1,000 decisions of 500
      // values each: 500,000 values in all) is not mistaken for a hostile body.
      assertOk(
        await ingest.post('/v1/decisions', { decisions: [sampleDecision({ id: createUuidV7() })] }),
        200,
      );
      const full = Array.from({ length: 1000 }, () => ({
        ...sampleDecision({ id: createUuidV7() }),
        context: { scores: Array.from({ length: 360 }, (_, i) => i) },
      }));
      assertOk(await ingest.post('/v1/decisions', { decisions: full }), 200);
    });

    test('a gzip body is counted once decompressed', async () => {
      const { gzipSync } = await import('node:zlib');
      const res = await api(server.url, server.keys.default.ingest).post(
        '/v1/decisions',
        undefined,
        {
          raw: gzipSync(`{"decisions":[{}],${members(20_000)}}`),
          headers: { 'content-encoding': 'gzip' },
        },
      );
      assertProblem(res, 413, 'BODY_TOO_COMPLEX');
    });
  });

  describe('searching content is reading content (item 11)', () => {
    const subject = `hardening-subject-${createUuidV7()}`;
    const record = sampleDecision({ id: createUuidV7() }) as unknown as Record<string, unknown>;
    record['subject'] = { id: subject, type: 'person' };
    record['goal'] = 'Decide whether the okapi-hardening loan is approved';

    before(async () => {
      assertOk(
        await api(server.url, server.keys.default.ingest).post('/v1/decisions', {
          decisions: [record],
        }),
        200,
      );
    });

    test('a reader may not search by words or by subject', async () => {
      const reader = api(server.url, server.keys.default.reader);
      const byWords = assertProblem(
        await reader.get('/v1/decisions?q=okapi-hardening'),
        403,
        'FORBIDDEN',
      );
      assert.equal(byWords.where, 'query.q');
      const bySubject = assertProblem(
        await reader.get(`/v1/decisions?subject=${subject}`),
        403,
        'FORBIDDEN',
      );
      assert.equal(bySubject.where, 'query.subject');
      // Listing without a search still works, content withheld.
      assertOk(await reader.get('/v1/decisions'), 200);
    });

    test('an auditor may, and the search is in the access log without the words or the id', async () => {
      const auditor = api(server.url, server.keys.default.auditor);
      for (const query of [`subject=${subject}`, 'q=okapi']) {
        const page = assertOk<{ items: { id: string }[] }>(
          await auditor.get(`/v1/decisions?${query}`),
          200,
        );
        assert.ok(
          page.items.some((i) => i.id === record['id']),
          query,
        );
      }
      const log = assertOk<{ items: { record: Record<string, unknown> }[] }>(
        await auditor.get('/v1/access-log?limit=10'),
        200,
      );
      const searches = log.items.map((i) => i.record).filter((r) => r['action'] === 'search');
      assert.deepEqual(
        searches.map((r) => [r['target'], r['actor']]),
        [
          ['decisions by q', server.keyIds.default.auditor],
          ['decisions by subject', server.keyIds.default.auditor],
        ],
      );
      assert.doesNotMatch(JSON.stringify(log), new RegExp(`${subject}|okapi`));
    });
  });

  describe('the log never carries a subject id (item 13)', () => {
    test('an erasure logs the pseudonym; a reason naming the subject is kept as [subject], with a warning', async () => {
      const subject = `erase-me-${createUuidV7()}`;
      const record = sampleDecision({ id: createUuidV7() }) as unknown as Record<string, unknown>;
      record['subject'] = { id: subject, type: 'person' };
      assertOk(
        await api(server.url, server.keys.default.ingest).post('/v1/decisions', {
          decisions: [record],
        }),
        200,
      );
      const admin = api(server.url, server.keys.default.admin);
      const result = assertOk<{
        subject: string;
        warnings: { code: string; where: string }[];
        tombstone: { id: string };
      }>(
        await admin.post(`/v1/subjects/${subject}/erase`, {
          reason: `Art. 17 request from ${subject}`,
        }),
        200,
      );
      assert.deepEqual(
        result.warnings.map((w) => [w.code, w.where]),
        [['REASON_NAMES_SUBJECT', '$.reason']],
      );
      const view = assertOk<{ erasure: { reason: string } }>(
        await admin.get(`/v1/decisions/${String(record['id'])}`),
        200,
      );
      assert.equal(view.erasure.reason, 'Art. 17 request from [subject]');
      // A failed erasure of another id, too, keeps the id out of the log.
      const unknown = `nobody-${createUuidV7()}`;
      assertProblem(
        await admin.post(`/v1/subjects/${unknown}/erase`, { reason: 'test' }),
        404,
        'SUBJECT_NOT_FOUND',
      );
      const text = JSON.stringify(lines);
      assert.ok(!text.includes(subject), 'the subject id is in the server log');
      assert.ok(!text.includes(unknown), 'an unknown subject id is in the server log');
      const erased = lines.find((l) => l['operation'] === 'eraseSubject' && l['status'] === 200);
      assert.ok(erased !== undefined, 'no log line of the erasure');
      assert.equal(erased['path'], '/v1/subjects/{id}/erase');
      assert.equal(erased['subject'], result.subject);
    });
  });

  describe('requests the HTTP parser refuses or that never finish (item 14)', () => {
    // Short timeouts, on a server of its own that gets nothing but these raw requests.
    let slow: TestServer;
    before(async () => {
      slow = await startTestServer({ headersTimeoutMs: 500, requestTimeoutMs: 1_000 });
    });
    after(async () => {
      await slow.close();
    });

    test('a malformed request line is a 400 problem body', async () => {
      const answer = parseAnswer(await rawExchange(slow.url, 'NOT HTTP AT ALL\r\n\r\n'));
      assert.deepEqual(answer, {
        status: 400,
        type: 'application/problem+json',
        code: 'REQUEST_MALFORMED',
      });
    });

    test('headers larger than Node accepts are a 431 problem body', async () => {
      const answer = parseAnswer(
        await rawExchange(
          slow.url,
          `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        ),
      );
      assert.deepEqual(answer, {
        status: 431,
        type: 'application/problem+json',
        code: 'HEADERS_TOO_LARGE',
      });
    });

    test('a body shorter than its Content-Length gets a 408 problem and the connection closed', async () => {
      const answer = parseAnswer(
        await rawExchange(
          slow.url,
          `POST /v1/decisions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${slow.keys.default.ingest}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"decisions":[',
        ),
      );
      // The answer came and the socket closed (rawExchange resolves on close): nothing is held.
      assert.deepEqual(answer, {
        status: 408,
        type: 'application/problem+json',
        code: 'REQUEST_TIMEOUT',
      });
    });

    test('headers that never end get a 408 problem and the connection closed', async () => {
      const answer = parseAnswer(
        await rawExchange(slow.url, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: a'),
      );
      assert.deepEqual(answer, {
        status: 408,
        type: 'application/problem+json',
        code: 'REQUEST_TIMEOUT',
      });
    });
  });
});
