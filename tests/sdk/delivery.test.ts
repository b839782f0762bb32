/**
 * The SDK's delivery promises against a real `docket serve` child process: a 30 s outage under
 * steady load, a host killed right after flush(), a host that ends or gets SIGTERM with decisions
 * pending, and a full queue whose losses reach the ledger as a producer report.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { auditDataDir } from '@docket/ledger';
import { createDocket } from '@docket/sdk';
import type { SdkError } from '@docket/sdk';
import { createKey, docketBin, serveChild } from '../support/child-server.js';
import type { ChildServer } from '../support/child-server.js';
import { tempDir } from '../support/ledger-fixture.js';
import type { ProducerConfig } from '../support/sdk-producer.js';
import { repoRoot } from '../support/vectors.js';

const producerScript = join(repoRoot, 'tests', 'dist', 'support', 'sdk-producer.js');

/** Every decision id on the server, with repeats if there were any. */
async function idsOnServer(url: string, key: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const res = await fetch(
      `${url}/v1/decisions?limit=200${cursor === null ? '' : `&cursor=${cursor}`}`,
      { headers: { authorization: `Bearer ${key}` } },
    );
    assert.equal(res.status, 200);
    const page = (await res.json()) as { items: { id: string }[]; next: string | null };
    ids.push(...page.items.map((i) => i.id));
    cursor = page.next;
  } while (cursor !== null);
  return ids;
}

/** Asserts each of `expected` is on the server exactly once, and nothing else is. */
function assertExactlyOnce(onServer: readonly string[], expected: readonly string[]): void {
  assert.equal(new Set(onServer).size, onServer.length, 'no id is on the server twice');
  assert.equal(onServer.length, expected.length, 'as many decisions as were captured');
  const set = new Set(onServer);
  const missing = expected.filter((id) => !set.has(id));
  assert.deepEqual(missing, [], 'every captured decision is on the server');
}

/** Runs the producer script; resolves its line reader and exit. */
function startProducer(config: ProducerConfig): {
  child: ChildProcessWithoutNullStreams;
  next: () => Promise<Record<string, unknown>>;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  stderr: () => string;
} {
  const child = spawn(process.execPath, [producerScript], {
    env: { ...process.env, DOCKET_PRODUCER: JSON.stringify(config) },
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    child,
    next: async () => {
      const line: IteratorResult<string> = await lines.next();
      assert.ok(line.done !== true, `producer ended early: ${stderr}`);
      return JSON.parse(line.value) as Record<string, unknown>;
    },
    exited: once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>,
    stderr: () => stderr,
  };
}

async function withServer(
  fn: (
    server: ChildServer,
    keys: { ingest: string; reader: string },
    data: string,
  ) => Promise<void>,
): Promise<void> {
  const tmp = tempDir('docket-sdk-delivery-');
  const data = join(tmp.dir, 'data');
  const server = await serveChild(data);
  try {
    const admin = server.bootstrapKey!;
    const keys = {
      ingest: await createKey(server.url, admin, 'ingest'),
      reader: await createKey(server.url, admin, 'auditor'),
    };
    await fn(server, keys, data);
  } finally {
    await server.stop('SIGKILL');
    tmp.cleanup();
  }
}

describe('SDK delivery against a real docket serve', () => {
  test('server killed and away for 30 s under steady load, then back: zero lost, zero duplicated', async (t) => {
    const tmp = tempDir('docket-sdk-outage-');
    const data = join(tmp.dir, 'data');
    let server = await serveChild(data);
    const admin = server.bootstrapKey!;
    const ingest = await createKey(server.url, admin, 'ingest').catch(async (error: unknown) => {
      await server.stop('SIGKILL');
      throw error;
    });
    const errors: SdkError[] = [];
    const docket = createDocket({
      url: server.url,
      apiKey: ingest,
      spoolDir: join(tmp.dir, 'spool'),
      flushIntervalMs: 50,
      maxAttempts: 2,
      retryBaseMs: 50,
      retryMaxMs: 1000,
      requestTimeoutMs: 2000,
      handleExit: false,
      onError: (e) => errors.push(e),
      env: {},
    });
    const ids: string[] = [];
    const load = setInterval(() => {
      for (let i = 0; i < 2; i++) {
        ids.push(
          docket.capture({
            agent: { id: 'steady-load', version: '1.0.0' },
            goal: `steady decision ${ids.length}`,
            context: { n: ids.length, payload: 'x'.repeat(300) },
            outcome: { action: 'approve' },
          }),
        );
      }
    }, 5);
    const phase = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      await phase(3000);
      const port = server.port;
      // A crash, not a clean stop: whatever was in flight gets no answer.
      await server.stop('SIGKILL');
      const atKill = ids.length;
      await phase(30_000);
      const duringOutage = ids.length - atKill;
      const spooledDuringOutage = docket.stats().spooled;
      server = await serveChild(data, port);
      await phase(3000);
      clearInterval(load);
      assert.equal(await docket.shutdown(60_000), true, 'everything delivered by shutdown');
      const s = docket.stats();
      assert.deepEqual(
        [s.captured, s.dropped, s.failed, s.rejected, s.spoolPending],
        [ids.length, 0, 0, 0, 0],
      );
      assert.ok(duringOutage > 1000, `captures kept returning during the outage (${duringOutage})`);
      assert.ok(spooledDuringOutage > 0, 'batches went to the spool while the server was away');
      assert.ok(errors.some((e) => e.code === 'SEND_UNREACHABLE'));
      const reader = await createKey(server.url, admin, 'reader');
      assertExactlyOnce(await idsOnServer(server.url, reader), ids);
      t.diagnostic(
        `outage: ${ids.length} captured (${duringOutage} during 30 s down), ${s.spooled} batches spooled, ${s.duplicates} duplicates answered, ${s.retries} retries`,
      );
      await server.stop('SIGTERM');
      const verify = spawnSync(process.execPath, [docketBin, 'verify', '--data', data], {
        encoding: 'utf8',
      });
      assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    } finally {
      clearInterval(load);
      await docket.shutdown(1000);
      await server.stop('SIGKILL');
      tmp.cleanup();
    }
  });

  test('host killed right after flush() returned: nothing lost', () =>
    withServer(async (server, keys) => {
      const producer = startProducer({
        mode: 'flush-then-hang',
        count: 500,
        url: server.url,
        apiKey: keys.ingest,
        flushIntervalMs: 60_000,
      });
      const { ids } = (await producer.next()) as { ids: string[] };
      assert.deepEqual(await producer.next(), { flushed: true });
      producer.child.kill('SIGKILL');
      await producer.exited;
      assertExactlyOnce(await idsOnServer(server.url, keys.reader), ids);
    }));

  test('host killed after flush() while the server is away: the spool survives and a new process delivers it', async () => {
    const tmp = tempDir('docket-sdk-killspool-');
    const data = join(tmp.dir, 'data');
    const spoolDir = join(tmp.dir, 'spool');
    let server = await serveChild(data);
    try {
      const admin = server.bootstrapKey!;
      const ingest = await createKey(server.url, admin, 'ingest');
      const reader = await createKey(server.url, admin, 'reader');
      const port = server.port;
      await server.stop('SIGKILL');
      const first = startProducer({
        mode: 'flush-then-hang',
        count: 300,
        url: server.url,
        apiKey: ingest,
        spoolDir,
        producerId: 'first-host',
      });
      const { ids } = (await first.next()) as { ids: string[] };
      // flush() resolves true once everything is durable in the spool (fsync per batch).
      assert.deepEqual(await first.next(), { flushed: true });
      first.child.kill('SIGKILL');
      await first.exited;
      server = await serveChild(data, port);
      const second = startProducer({
        mode: 'end',
        count: 0,
        url: server.url,
        apiKey: ingest,
        spoolDir,
        producerId: 'second-host',
      });
      const [code] = await second.exited;
      assert.equal(code, 0, second.stderr());
      assertExactlyOnce(await idsOnServer(server.url, reader), ids);
    } finally {
      await server.stop('SIGKILL');
      tmp.cleanup();
    }
  });

  test('a host that just ends: beforeExit delivers what is pending; SIGTERM likewise, then the process ends by SIGTERM', () =>
    withServer(async (server, keys) => {
      const ending = startProducer({
        mode: 'end',
        count: 200,
        url: server.url,
        apiKey: keys.ingest,
        flushIntervalMs: 60_000,
      });
      const { ids: endIds } = (await ending.next()) as { ids: string[] };
      const [code] = await ending.exited;
      assert.equal(code, 0, ending.stderr());
      const signalled = startProducer({
        mode: 'hang',
        count: 200,
        url: server.url,
        apiKey: keys.ingest,
        flushIntervalMs: 60_000,
      });
      const { ids: termIds } = (await signalled.next()) as { ids: string[] };
      signalled.child.kill('SIGTERM');
      const [, signal] = await signalled.exited;
      assert.equal(signal, 'SIGTERM', 'the default action of SIGTERM is restored after the flush');
      assertExactlyOnce(await idsOnServer(server.url, keys.reader), [...endIds, ...termIds]);
    }));

  test('a full queue: the drops reach the ledger as a producer report explaining the seq gap', () =>
    withServer(async (server, keys, data) => {
      const docket = createDocket({
        url: server.url,
        apiKey: keys.ingest,
        producerId: 'overflowing-host',
        maxQueue: 10,
        flushIntervalMs: 60_000,
        handleExit: false,
        onError: () => undefined,
        env: {},
      });
      const ids = Array.from({ length: 50 }, (_, i) =>
        docket.capture({ agent: { id: 'burst', version: '1' }, outcome: { action: `a${i}` } }),
      );
      assert.equal(await docket.flush(10_000), true);
      // Later captures go through again: seqs 10–49 are a gap in the middle of the sequence.
      ids.push(docket.capture({ agent: { id: 'burst', version: '1' }, outcome: { action: 'z' } }));
      assert.equal(await docket.shutdown(10_000), true);
      assert.deepEqual([docket.stats().dropped, docket.stats().reports], [40, 1]);
      const delivered = [...ids.slice(0, 10), ids[50]!];
      assertExactlyOnce(await idsOnServer(server.url, keys.reader), delivered);
      // The report is an entry of the log: find it among the leaves and read its content.
      const res = await fetch(`${server.url}/v1/entries?limit=100`, {
        headers: { authorization: `Bearer ${keys.reader}` },
      });
      const { entries } = (await res.json()) as {
        entries: { leaf: string; fields: Record<string, unknown> }[];
      };
      const typeOf = (leaf: string) =>
        (JSON.parse(Buffer.from(leaf, 'base64').toString('utf8')) as { type: string }).type;
      const reports = entries.filter((e) => typeOf(e.leaf) === 'docket.producer/v1');
      assert.equal(reports.length, 1);
      const content = reports[0]!.fields;
      assert.deepEqual(content['producer'], { id: 'overflowing-host', sdk: '@docket/sdk@0.1.0' });
      assert.deepEqual(content['gaps'], [[10, 49]]);
      assert.deepEqual(content['reasons'], { QUEUE_FULL: 40 });
      assert.equal((content['losses'] as { dropped: number }).dropped, 40);
      // The audit counts the gap as explained, not as a PRODUCER_SEQ_GAP warning.
      await server.stop('SIGTERM');
      const audit = await auditDataDir(data);
      assert.equal(audit.ok, true);
      assert.deepEqual([audit.producerReports, audit.explainedSeqs], [1, 40]);
      assert.deepEqual(
        audit.issues.filter((i) => i.code === 'PRODUCER_SEQ_GAP'),
        [],
      );
    }));
});
