import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkDecision, checkProducerReport, parseStrictJson } from '@docket/protocol';
import type { ProducerReport } from '@docket/protocol';
import type { DecisionInput } from './context.js';
import { consider, decide, llm, reason, tool } from './context.js';
import { createDocket } from './docket.js';
import { runInScope } from './run-scope.js';
import { Spool } from './spool.js';
import type { DocketOptions } from './options.js';
import type { SdkError } from './errors.js';
import type { Batch, SendResult, Transport } from './transport/transport.js';

/** A transport that records what it gets and answers from a script (then accepts). */
function fakeTransport(
  script: SendResult['ok'] extends boolean ? (SendResult | 'accept')[] : never,
) {
  const batches: Batch[] = [];
  let index = 0;
  const transport: Transport = {
    send(batch) {
      batches.push(batch);
      const next = script.shift() ?? 'accept';
      if (next !== 'accept') return Promise.resolve(next);
      return Promise.resolve({
        ok: true,
        results: batch.ids.map((id, position) => ({
          status: 'accepted' as const,
          position,
          id,
          index: index++,
        })),
      });
    },
    proof: () => Promise.reject(new Error('no proofs here')),
  };
  return { transport, batches };
}

const decision = (): DecisionInput => ({
  agent: { id: 'underwriter', version: '1.0.0' },
  context: { amount: 100 },
  outcome: { action: 'approve' },
});

function make(transport: Transport, extra: DocketOptions = {}) {
  const errors: SdkError[] = [];
  const docket = createDocket({
    transport,
    handleExit: false,
    producerId: 'test-producer',
    retryBaseMs: 1,
    retryMaxMs: 2,
    onError: (e) => errors.push(e),
    env: {},
    ...extra,
  });
  return { docket, errors };
}

const records = (batches: Batch[]) =>
  batches.flatMap((b) => b.records.map((r) => JSON.parse(r) as Record<string, unknown>));

const reports = (batches: Batch[]) =>
  batches.flatMap((b) => (b.reports ?? []).map((r) => JSON.parse(r) as ProducerReport));

test('capture returns the id at once; later mutation does not change the record', async () => {
  const { transport, batches } = fakeTransport([]);
  const { docket, errors } = make(transport);
  const input = decision() as { context: { amount: number } } & DecisionInput;
  const id = docket.capture(input);
  assert.equal(batches.length, 0, 'nothing is sent on the caller path');
  input.context.amount = 999;
  assert.equal(await docket.shutdown(), true);
  const [sent] = records(batches);
  assert.equal(sent?.['id'], id);
  assert.deepEqual(sent['context'], { amount: 100 });
  assert.deepEqual(sent['producer'], { id: 'test-producer', seq: 0, sdk: '@docket/sdk@0.1.0' });
  assert.equal(checkDecision(sent).ok, true);
  assert.deepEqual(errors, []);
});

test('the record: the SDK sets id, schema and ts; a caller’s own id and ts win, its producer is replaced', async () => {
  const { transport, batches } = fakeTransport([]);
  const { docket } = make(transport);
  const plain = docket.capture(decision());
  const own = docket.capture({
    ...decision(),
    id: '01890a5d-ac96-774b-bcce-b302099a8057',
    ts: '2024-11-07T10:00:00.000Z',
    producer: { id: 'someone-else', seq: 99 },
  } as DecisionInput);
  assert.equal(await docket.shutdown(), true);
  const [first, second] = records(batches);
  assert.equal(first?.['id'], plain);
  assert.equal(first['schema'], 'docket.decision/v1');
  assert.ok(!Number.isNaN(Date.parse(first['ts'] as string)));
  assert.deepEqual(first['context'], { amount: 100 });
  assert.equal(second?.['id'], own);
  assert.equal(own, '01890a5d-ac96-774b-bcce-b302099a8057');
  assert.equal(second['ts'], '2024-11-07T10:00:00.000Z');
  assert.deepEqual(second['producer'], { id: 'test-producer', seq: 1, sdk: '@docket/sdk@0.1.0' });
  for (const record of [first, second]) assert.equal(checkDecision(record).ok, true);
});

test('the snapshot adds only the fields a decision lacks: no duplicate keys with its own correlation, id, ts or schema', async () => {
  const { transport, batches } = fakeTransport([]);
  const { docket, errors } = make(transport);
  const correlation = { sessionId: 'session-1', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' };
  const withCorrelation = docket.capture({ ...decision(), correlation });
  const own = docket.capture({
    ...decision(),
    id: '01890a5d-ac96-774b-bcce-b302099a8057',
    ts: '2024-11-07T10:00:00.000Z',
    schema: 'docket.decision/v1',
    correlation,
  } as DecisionInput);
  const empty = docket.capture({} as DecisionInput);
  assert.equal(await docket.shutdown(), true);
  const sent = batches.flatMap((b) => b.records);
  assert.equal(sent.length, 2);
  // The strict parser refuses a duplicate key (the server's I-JSON profile does too).
  const [first, second] = sent.map((json) => parseStrictJson(json) as Record<string, unknown>);
  assert.equal(first?.['id'], withCorrelation);
  assert.equal(first['schema'], 'docket.decision/v1');
  assert.ok(!Number.isNaN(Date.parse(first['ts'] as string)));
  assert.deepEqual(first['correlation'], correlation);
  assert.equal(second?.['id'], own);
  assert.equal(own, '01890a5d-ac96-774b-bcce-b302099a8057');
  assert.equal(second['ts'], '2024-11-07T10:00:00.000Z');
  assert.deepEqual(second['correlation'], correlation);
  for (const record of [first, second]) assert.equal(checkDecision(record).ok, true);
  // `{}` has no agent: the background check names it.
  assert.deepEqual(
    errors.map((e) => e.code),
    ['DECISION_INVALID'],
  );
  assert.match(errors[0]!.message, new RegExp(empty));
});

test('invalid decision: capture returns its id at once; the background check makes it a reported loss with its seq', async () => {
  const { transport, batches } = fakeTransport([]);
  const { docket, errors } = make(transport);
  const invalidId = docket.capture({ agent: { id: 'a', version: '1' }, outcome: { action: '' } });
  const circular: Record<string, unknown> = { agent: { id: 'a', version: '1' } };
  circular['self'] = circular;
  docket.capture(circular as unknown as DecisionInput);
  docket.capture(decision());
  await docket.shutdown();
  // The snapshot that cannot be made fails on the caller's path (no seq); the schema check runs
  // in the background, after the seq was assigned.
  assert.deepEqual(
    errors.map((e) => e.code),
    ['CAPTURE_FAILED', 'DECISION_INVALID'],
  );
  assert.match(errors[1]!.message, new RegExp(`${invalidId} \\(seq 0\\)`));
  assert.equal(errors[1]!.where, '$.outcome.action');
  assert.equal(docket.stats().invalid, 2);
  assert.deepEqual(
    records(batches).map((r) => (r['producer'] as { seq: number }).seq),
    [1],
  );
  // The losses reach the ledger as a producer report; seq 0's gap is explained.
  const [report, ...more] = reports(batches);
  assert.deepEqual(more, []);
  assert.deepEqual(checkProducerReport(report), []);
  assert.deepEqual(report?.losses, {
    dropped: 0,
    rejected: 0,
    failed: 0,
    redactionFailed: 0,
    invalid: 2,
  });
  assert.deepEqual(report.gaps, [[0, 0]]);
  assert.deepEqual(report.reasons, { DECISION_INVALID: 1, CAPTURE_FAILED: 1 });
});

test('a full queue drops, counts and reports once; seq gap is explained by the counter', async () => {
  const { transport, batches } = fakeTransport([]);
  const { docket, errors } = make(transport, { maxQueue: 2, flushIntervalMs: 60_000 });
  for (let i = 0; i < 5; i++) docket.capture(decision());
  assert.equal(docket.stats().dropped, 3);
  assert.deepEqual(
    errors.map((e) => e.code),
    ['QUEUE_FULL'],
  );
  await docket.shutdown();
  assert.equal(records(batches).length, 2);
  assert.equal(docket.stats().accepted, 2);
  // The gap (seqs 2–4) is explained in the ledger by the producer's report.
  const [report] = reports(batches);
  assert.equal(report?.producer.id, 'test-producer');
  assert.equal(report.reportSeq, 0);
  assert.equal(report.losses.dropped, 3);
  assert.deepEqual(report.gaps, [[2, 4]]);
  assert.deepEqual(report.reasons, { QUEUE_FULL: 3 });
});

test('retryable failures are retried; a final refusal is counted as failed', async () => {
  const { SdkError } = await import('./errors.js');
  const busy: SendResult = {
    ok: false,
    retryable: true,
    retryAfterMs: 1,
    error: new SdkError('SEND_FAILED', '503'),
  };
  const bad: SendResult = {
    ok: false,
    retryable: false,
    error: new SdkError('SEND_FAILED', '401'),
  };
  const { transport, batches } = fakeTransport([busy, busy, 'accept', bad]);
  const { docket } = make(transport, { maxAttempts: 10 });
  docket.capture(decision());
  assert.equal(await docket.flush(), true);
  docket.capture(decision());
  await docket.shutdown();
  // Three attempts of the first batch, the refused second one, then the report of its loss.
  assert.equal(batches.length, 5);
  const s = docket.stats();
  assert.deepEqual([s.accepted, s.retries, s.failed], [1, 2, 1]);
  assert.deepEqual(batches[4]?.ids, []);
  const [report] = reports(batches);
  assert.deepEqual([report?.losses.failed, report?.gaps], [1, [[1, 1]]]);
  assert.deepEqual(report?.reasons, { SEND_FAILED: 1 });
});

test('a throwing transport or onError never reaches the host', async () => {
  const transport: Transport = {
    send: () => Promise.reject(new Error('boom')),
    proof: () => Promise.reject(new Error('boom')),
  };
  const docket = createDocket({
    transport,
    handleExit: false,
    maxAttempts: 1,
    retryBaseMs: 1,
    retryMaxMs: 1,
    env: {},
    onError: () => {
      throw new Error('bad hook');
    },
  });
  docket.capture(decision());
  assert.equal(await docket.shutdown(50), false);
  assert.equal(docket.stats().failed, 1);
  const r = await docket.receipt('0192fcbd-73f4-7a4c-9d31-5e8f2b6c40a7');
  assert.equal(r.ok, false);
});

test('record(): result unchanged, context helpers collected, error rethrown and recorded', async () => {
  const { transport, batches } = fakeTransport([]);
  const { docket } = make(transport);
  const value = { answer: 42 };
  const out = await docket.record({ agent: { id: 'a', version: '1' }, goal: 'g' }, async () => {
    consider({ action: 'decline', score: 0.1 });
    reason('because');
    tool({ name: 't', args: { x: 1 } });
    await Promise.resolve();
    decide({ action: 'approve' }, 0.9);
    return value;
  });
  assert.equal(out, value);
  const failure = new TypeError('agent broke');
  await assert.rejects(
    docket.record({ agent: { id: 'a', version: '1' } }, () => Promise.reject(failure)),
    (e: unknown) => e === failure,
  );
  assert.throws(
    () =>
      docket.record({ agent: { id: 'a', version: '1' } }, () => {
        throw failure;
      }),
    (e: unknown) => e === failure,
  );
  assert.equal(consider({ action: 'outside' }), false);
  await docket.shutdown();
  const [ok, bad, badSync] = records(batches);
  assert.deepEqual(ok?.['outcome'], { action: 'approve' });
  assert.equal(ok['confidence'], 0.9);
  assert.deepEqual(ok['alternatives'], [{ action: 'decline', score: 0.1 }]);
  assert.deepEqual(ok['reasoning'], ['because']);
  assert.deepEqual(ok['tools'], [{ name: 't', args: { x: 1 } }]);
  for (const r of [bad, badSync]) {
    assert.deepEqual(r?.['outcome'], {
      action: 'error',
      value: { name: 'TypeError', message: 'agent broke' },
    });
    assert.deepEqual(r['metadata'], { error: { name: 'TypeError', message: 'agent broke' } });
  }
});

test('capture after shutdown is dropped and reported', async () => {
  const { transport } = fakeTransport([]);
  const { docket, errors } = make(transport);
  await docket.shutdown();
  assert.equal(docket.shutdown(), docket.shutdown(), 'idempotent');
  docket.capture(decision());
  assert.equal(docket.stats().dropped, 1);
  assert.equal(errors.at(-1)?.code, 'CLOSED');
});

test('redaction runs before the snapshot leaves; a failing redactor drops and counts (fail closed)', async () => {
  const { transport, batches } = fakeTransport([]);
  const { docket } = make(transport, { redact: { paths: ['$.context.amount'] } });
  docket.capture(decision());
  await docket.shutdown();
  assert.match(JSON.stringify(records(batches)[0]?.['context']), /REDACTED/);

  const second = fakeTransport([]);
  const { docket: failing, errors } = make(second.transport, {
    redact: () => {
      throw new Error('detector crashed');
    },
  });
  failing.capture(decision());
  await failing.shutdown();
  // Nothing of the record left the process; only the report that one was lost.
  assert.deepEqual(records(second.batches), []);
  assert.equal(reports(second.batches)[0]?.losses.redactionFailed, 1);
  assert.deepEqual(reports(second.batches)[0]?.gaps, [[0, 0]]);
  assert.equal(failing.stats().redactionFailed, 1);
  assert.equal(errors[0]?.code, 'REDACTION_FAILED');
});

test('bad redaction options throw at construction', () => {
  assert.throws(() => make(fakeTransport([]).transport, { redact: { paths: ['$.id'] } }), {
    code: 'OPTION_INVALID',
  });
});

test('a batch a dead process left in the spool is delivered by the next one, even if it shuts down at once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-sdk-adopt-'));
  try {
    const dead = await Spool.open(dir, 'dead-host', () => undefined);
    for (const [seq, id] of ['left-behind', 'and-another'].entries()) {
      const record = JSON.stringify({ id, producer: { id: 'dead-host', seq } });
      await dead.append({ ids: [id], seqs: [seq], records: [record] });
    }
    await dead.close(); // lock gone: adoptable, as after a crash
    const { transport, batches } = fakeTransport([]);
    const { docket } = make(transport, { spoolDir: dir });
    assert.equal(await docket.shutdown(), true);
    assert.deepEqual(
      batches.map((b) => b.ids),
      [['left-behind'], ['and-another']],
    );
    assert.equal(docket.stats().spoolPending, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a decision list at the schema limit leaves later items out (reported once) instead of losing the record', async () => {
  const { transport, batches } = fakeTransport([]);
  const { docket, errors } = make(transport);
  docket.record({ agent: { id: 'chatty', version: '1' } }, () => {
    for (let i = 0; i < 1005; i++) llm({ request: { i } });
    decide('done');
  });
  await docket.shutdown();
  const [sent] = records(batches);
  assert.equal((sent?.['llm'] as unknown[]).length, 1000);
  assert.equal(checkDecision(sent).ok, true);
  assert.deepEqual(
    errors.map((e) => e.code),
    ['CONTEXT_LIMIT'],
  );
});

test('inside runInScope, every capture carries the run under the caller’s own fields', async () => {
  const { transport, batches } = fakeTransport([]);
  const { docket } = make(transport);
  runInScope(
    { kind: 'temporal', runId: 'run-1', attempt: 0 },
    { 'temporal.namespace': 'prod' },
    () => {
      docket.capture(decision());
      docket.capture({
        ...decision(),
        correlation: { orchestrator: { kind: 'temporal', step: 'mine' } },
      });
    },
  );
  docket.capture(decision());
  await docket.shutdown();
  const [first, second, outside] = records(batches);
  assert.deepEqual((first?.['correlation'] as Record<string, unknown>)['orchestrator'], {
    kind: 'temporal',
    runId: 'run-1',
    attempt: 0,
  });
  assert.deepEqual(first?.['tags'], { 'temporal.namespace': 'prod' });
  assert.deepEqual((second?.['correlation'] as Record<string, unknown>)['orchestrator'], {
    kind: 'temporal',
    runId: 'run-1',
    attempt: 0,
    step: 'mine',
  });
  assert.equal(outside?.['correlation'], undefined);
});
