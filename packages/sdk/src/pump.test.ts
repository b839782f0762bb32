import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ProducerReport } from '@docket/protocol';
import { SdkError } from './errors.js';
import { LossAccount } from './losses.js';
import { resolveOptions } from './options.js';
import type { DocketOptions } from './options.js';
import { createPreparer } from './prepare.js';
import { backoffMs, DeliveryPump } from './pump.js';
import { BoundedQueue } from './queue.js';
import type { QueuedRecord } from './queue.js';
import { ReceiptBook } from './receipts.js';
import type { Batch, SendResult, Transport } from './transport/transport.js';

// The pump's timers are unref'd (they must not keep a host alive): keep the test's loop alive.
const keepAlive = setInterval(() => undefined, 60_000);
after(() => {
  clearInterval(keepAlive);
});

const accept = (batch: Batch): SendResult => ({
  ok: true,
  results: batch.ids.map((id, position) => ({
    status: 'accepted' as const,
    position,
    id,
    index: position,
  })),
});

function makePump(answer: (batch: Batch, n: number) => SendResult, extra: DocketOptions = {}) {
  const sent: Batch[] = [];
  const transport: Transport = {
    send: (batch) => Promise.resolve(answer(batch, sent.push(batch))),
    proof: () => Promise.reject(new Error('no proofs')),
  };
  const options = resolveOptions({
    transport,
    producerId: 'p',
    retryBaseMs: 1,
    retryMaxMs: 2,
    maxAttempts: 3,
    handleExit: false,
    env: {},
    ...extra,
  });
  const errors: SdkError[] = [];
  const queue = new BoundedQueue<QueuedRecord>(100);
  const losses = new LossAccount({ id: 'p', sdk: 'test' });
  const receipts = new ReceiptBook();
  const pump = new DeliveryPump({
    options,
    transport,
    queue,
    losses,
    receipts,
    producerId: 'p',
    prepare: createPreparer({ redact: undefined, validate: false }, { id: 'p', sdk: 'test' }),
    report: (e) => errors.push(e),
  });
  const push = (seq: number) => {
    const id = `id-${seq}`;
    queue.push({ id, seq, json: JSON.stringify({ id }) });
    receipts.track(id);
    return id;
  };
  return { pump, push, sent, errors, losses, receipts };
}

test('backoffMs: full jitter under an exponential ceiling, Retry-After wins, capped', () => {
  const o = { retryBaseMs: 100, retryMaxMs: 1000 };
  assert.equal(
    backoffMs(0, o, undefined, () => 0),
    50,
  );
  assert.equal(
    backoffMs(0, o, undefined, () => 1),
    100,
  );
  assert.equal(
    backoffMs(3, o, undefined, () => 1),
    800,
  );
  assert.equal(
    backoffMs(10, o, undefined, () => 1),
    1000,
  );
  assert.equal(
    backoffMs(0, o, 700, () => 0),
    700,
  );
  assert.equal(
    backoffMs(0, o, 5000, () => 0),
    5000,
    'the server’s Retry-After beats retryMaxMs',
  );
});

test('flushed() resolves once everything in memory is delivered; receipts settle', async () => {
  const { pump, push, sent, receipts } = makePump(accept);
  const ids = [push(0), push(1), push(2)];
  const waiting = receipts.wait(ids[2]!);
  await pump.flushed();
  assert.deepEqual(
    sent.flatMap((b) => b.ids),
    ids,
  );
  assert.deepEqual(await waiting, { ok: true, index: 2 });
  assert.equal(pump.counts.accepted, 3);
  await pump.stop();
});

test('retryable failures are retried; a final refusal is a reported loss with its seqs', async () => {
  const failure = (retryable: boolean): SendResult => ({
    ok: false,
    retryable,
    error: new SdkError('SERVER_UNREACHABLE', 'down'),
  });
  const { pump, push, sent, errors, losses } = makePump((batch, n) =>
    n === 1 ? failure(true) : n === 2 ? failure(false) : accept(batch),
  );
  push(0);
  push(1);
  await pump.flushed();
  assert.equal(pump.counts.retries, 1);
  assert.equal(losses.totals.failed, 2);
  assert.ok(errors.some((e) => e.code === 'SERVER_UNREACHABLE'));
  // The loss report leaves with the next batch (here a batch of its own: nothing else is queued).
  const [report, ...more] = sent.flatMap((b) => b.reports ?? []);
  assert.equal(more.length, 0);
  assert.deepEqual((JSON.parse(report!) as ProducerReport).gaps, [[0, 1]]);
  await pump.stop();
});

test('after maxAttempts the batch goes to the spool and is delivered from it later', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-pump-'));
  try {
    let down = true;
    const { pump, push, sent } = makePump(
      (batch): SendResult =>
        down
          ? { ok: false, retryable: true, error: new SdkError('SERVER_UNREACHABLE', 'down') }
          : accept(batch),
      { spoolDir: dir },
    );
    push(0);
    await pump.flushed();
    assert.equal(pump.counts.spooled, 1);
    assert.equal(pump.spoolPending, 1);
    // flushed() counts the spool as done while the server fails; wait for the spool itself.
    down = false;
    const spoolPending = () => pump.spoolPending;
    while (spoolPending() > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(pump.counts.accepted, 1);
    assert.ok(sent.length >= 4);
    await pump.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stop() gives up what cannot be spooled, as SHUTDOWN_DEADLINE losses', async () => {
  const { pump, push, losses, errors } = makePump((): SendResult => ({
    ok: false,
    retryable: true,
    error: new SdkError('SERVER_UNREACHABLE', 'down'),
  }));
  push(0);
  push(1);
  pump.setDeadline(Date.now());
  await pump.stop();
  assert.equal(losses.totals.failed, 2);
  assert.ok(errors.some((e) => e.code === 'SHUTDOWN_DEADLINE'));
});
