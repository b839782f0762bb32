/**
 * Local mode: `createDocket({ dataDir })` runs an embedded ledger in a worker thread. Decisions are
 * durable in the data directory, receipts verify offline, the directory audits clean, a host
 * killed after flush() loses nothing; and the active OpenTelemetry span fills the correlation.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { auditDataDir, openLedger } from '@docket/ledger';
import { consider, createDocket, decide } from '@docket/sdk';
import type { SdkError } from '@docket/sdk';
import { tempDir, verifyReceipt } from '../support/ledger-fixture.js';
import { repoRoot } from '../support/vectors.js';

const decision = (i: number) => ({
  agent: { id: 'local-agent', version: '1.0.0' },
  goal: `local decision ${i}`,
  subject: { id: `applicant-${i % 7}`, type: 'person' },
  context: { i },
  outcome: { action: i % 2 === 0 ? 'approve' : 'decline' },
});

test('local mode: an embedded ledger in a worker; receipts verify; the data dir audits clean', async () => {
  const tmp = tempDir('docket-sdk-local-');
  const errors: SdkError[] = [];
  const docket = createDocket({
    dataDir: tmp.dir,
    handleExit: false,
    flushIntervalMs: 5,
    onError: (e) => errors.push(e),
    env: {},
  });
  try {
    const ids = Array.from({ length: 300 }, (_, i) => docket.capture(decision(i)));
    const recorded = docket.record(
      { agent: { id: 'local-agent', version: '1.0.0' }, goal: 'record() in local mode' },
      () => {
        consider({ action: 'decline', score: 0.2 });
        decide('approve', 0.8);
        return 'done';
      },
    );
    assert.equal(recorded, 'done');
    const receipt = await docket.receipt(ids[42]!);
    assert.ok(receipt.ok, receipt.ok ? '' : receipt.error.message);
    assert.equal(await docket.shutdown(), true);
    assert.deepEqual(errors, []);
    assert.equal(docket.stats().accepted, 301);

    const ledger = await openLedger({ dataDir: tmp.dir });
    try {
      const { vkey, size } = await ledger.info();
      assert.equal(size, 301);
      const r = receipt.receipt;
      verifyReceipt({ ...r, proof: [...r.hashes], checkpoint: r.checkpoint! }, vkey);
      const seqs = await Promise.all(ids.map(async (id) => (await ledger.read(id)).envelope));
      assert.deepEqual(
        seqs.map((e) => e.producer?.seq),
        ids.map((_, i) => i),
      );
    } finally {
      await ledger.close();
    }
    const report = await auditDataDir(tmp.dir);
    assert.equal(report.ok, true, JSON.stringify(report.issues.slice(0, 3)));
  } finally {
    await docket.shutdown();
    tmp.cleanup();
  }
});

test('local mode: a host killed right after flush() loses nothing', async () => {
  const tmp = tempDir('docket-sdk-local-kill-');
  try {
    const child = spawn(process.execPath, [join(repoRoot, 'tests/dist/support/sdk-producer.js')], {
      env: {
        ...process.env,
        DOCKET_PRODUCER: JSON.stringify({
          mode: 'flush-then-hang',
          count: 400,
          dataDir: tmp.dir,
          flushIntervalMs: 60_000,
        }),
      },
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const exited = once(child, 'exit');
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first: IteratorResult<string> = await lines.next();
    assert.ok(first.done !== true, stderr);
    const { ids } = JSON.parse(first.value) as { ids: string[] };
    const second: IteratorResult<string> = await lines.next();
    assert.ok(second.done !== true, stderr);
    assert.deepEqual(JSON.parse(second.value), { flushed: true });
    child.kill('SIGKILL');
    await exited;
    const ledger = await openLedger({ dataDir: tmp.dir });
    try {
      assert.equal((await ledger.info()).size, 400);
      for (const id of ids) assert.equal((await ledger.read(id)).envelope.id, id);
    } finally {
      await ledger.close();
    }
  } finally {
    tmp.cleanup();
  }
});

test('the active OpenTelemetry span (real @opentelemetry/api and SDK) fills traceId and spanId', async () => {
  const tmp = tempDir('docket-sdk-otel-');
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  const provider = new BasicTracerProvider();
  trace.setGlobalTracerProvider(provider);
  const docket = createDocket({ dataDir: tmp.dir, handleExit: false, env: {} });
  try {
    const tracer = trace.getTracer('docket-test');
    const { id, traceId, spanId } = await tracer.startActiveSpan('agent.decide', async (span) => {
      await new Promise((r) => setTimeout(r, 1));
      const captured = docket.capture(decision(1));
      span.end();
      return { id: captured, ...span.spanContext() };
    });
    assert.equal(await docket.shutdown(), true);
    const ledger = await openLedger({ dataDir: tmp.dir });
    try {
      const entry = await ledger.read(id);
      assert.deepEqual(entry.fields?.['correlation'], { traceId, spanId });
    } finally {
      await ledger.close();
    }
  } finally {
    trace.disable();
    context.disable();
    await provider.shutdown();
    await docket.shutdown();
    tmp.cleanup();
  }
});
