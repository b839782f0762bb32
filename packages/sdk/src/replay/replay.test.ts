import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DecisionInput, DecisionSink } from '../context.js';
import { decide, runDecision } from '../context.js';
import { replayDecision } from './replay-decision.js';
import { requestDigest } from './session.js';
import { RecordedToolError, wrapModel, wrapTool, wrapToolSync } from './wrap.js';

const agent = { id: 'underwriter', version: '1.0.0' };

/** Records one decision in normal mode and returns it. */
async function recordOnce(run: () => unknown): Promise<DecisionInput> {
  let captured: DecisionInput | undefined;
  const sink: DecisionSink = {
    capture(d) {
      captured = d;
      return d.id ?? '';
    },
    report(error) {
      throw error;
    },
  };
  await runDecision(sink, { agent }, run);
  assert.ok(captured !== undefined);
  return captured;
}

/** A small agent: two tool calls and a model call; the outcome follows the score. */
function makeAgent(calls: { bureau: number; model: number }, extraCall = false, limit = 620) {
  const bureau = wrapTool('bureau.get', (args: { id: string }) => {
    calls.bureau++;
    return { score: args.id === 'A1' ? 700 : 550 };
  });
  const income = wrapToolSync('income.verify', (_args: { id: string }) => {
    throw new Error('payroll timed out');
  });
  const model = wrapModel((request: { model: string; prompt: string }) => {
    calls.model++;
    return { response: { text: `live answer to ${request.prompt}` }, usage: { input_tokens: 3 } };
  });
  return async (id: string) => {
    const { score } = await bureau({ id });
    let verified = true;
    try {
      income({ id });
    } catch (error) {
      verified = !(error instanceof Error && error.message === 'payroll timed out');
    }
    if (extraCall) await bureau({ id: `${id}-again` });
    const { response } = await model({ model: 'gpt-4o', prompt: `score ${score}` });
    decide(score >= limit && !verified ? 'refer' : score >= limit ? 'approve' : 'decline');
    return response;
  };
}

test('normal mode records each wrapped call with its request, result or error', async () => {
  const calls = { bureau: 0, model: 0 };
  const run = makeAgent(calls);
  const recorded = await recordOnce(() => run('A1'));
  assert.deepEqual(calls, { bureau: 1, model: 1 });
  assert.equal(recorded.outcome.action, 'refer');
  assert.deepEqual(
    recorded.tools?.map((t) => [t.name, t.args, t.result ?? t.error]),
    [
      ['bureau.get', { id: 'A1' }, { score: 700 }],
      ['income.verify', { id: 'A1' }, 'payroll timed out'],
    ],
  );
  assert.deepEqual(recorded.llm?.[0]?.request, { model: 'gpt-4o', prompt: 'score 700' });
  // Outside a decision a wrapped tool only calls the function.
  const plain = wrapToolSync('x', (args: { n: number }) => args.n + 1);
  assert.equal(plain({ n: 1 }), 2);
});

test('lockdown answers every call from the recording without calling the functions', async () => {
  const recorded = await recordOnce(() => makeAgent({ bureau: 0, model: 0 })('A1'));
  const calls = { bureau: 0, model: 0 };
  const run = makeAgent(calls);
  const replayed = await replayDecision({
    mode: 'lockdown',
    recording: recorded,
    meta: { agent },
    run: () => run('A1'),
  });
  assert.deepEqual(calls, { bureau: 0, model: 0 });
  assert.equal(replayed.threw, false);
  assert.equal(replayed.divergence, null);
  assert.deepEqual(replayed.unused, { tools: 0, llm: 0 });
  assert.equal(replayed.decision?.outcome.action, 'refer');
  assert.deepEqual(replayed.value, { text: 'live answer to score 700' });
  assert.deepEqual(replayed.decision.tools, recorded.tools);
  assert.deepEqual(replayed.decision.llm, recorded.llm);
});

test('a recorded failure is thrown again as a RecordedToolError with its message', async () => {
  const recorded = await recordOnce(() => makeAgent({ bureau: 0, model: 0 })('A1'));
  let seen: unknown;
  const income = wrapToolSync('income.verify', (_args: { id: string }) => 'never called');
  await replayDecision({
    mode: 'lockdown',
    recording: { tools: recorded.tools!.slice(1) },
    meta: { agent },
    run: () => {
      try {
        income({ id: 'A1' });
      } catch (error) {
        seen = error;
      }
      decide('refer');
    },
  });
  assert.ok(seen instanceof RecordedToolError);
  assert.equal(seen.message, 'payroll timed out');
});

test('an extra tool call diverges at that call, with nothing recorded to compare', async () => {
  const recorded = await recordOnce(() => makeAgent({ bureau: 0, model: 0 })('A1'));
  const replayed = await replayDecision({
    mode: 'lockdown',
    recording: recorded,
    meta: { agent },
    run: () => makeAgent({ bureau: 0, model: 0 }, true)('A1'),
  });
  assert.equal(replayed.threw, true);
  assert.equal((replayed.error as { code?: string }).code, 'REPLAY_DIVERGED');
  assert.equal(replayed.divergence?.code, 'REPLAY_UNRECORDED_CALL');
  assert.equal(replayed.divergence.kind, 'tool');
  assert.equal(replayed.divergence.seq, 2);
  assert.equal(replayed.divergence.recorded, null);
  assert.deepEqual(replayed.divergence.actual.request, { id: 'A1-again' });
});

test('a changed request diverges and shows the recorded and the new request', async () => {
  const recorded = await recordOnce(() => makeAgent({ bureau: 0, model: 0 })('A1'));
  const replayed = await replayDecision({
    mode: 'lockdown',
    recording: recorded,
    meta: { agent },
    run: () => makeAgent({ bureau: 0, model: 0 })('B2'),
  });
  assert.equal(replayed.divergence?.code, 'REPLAY_REQUEST_CHANGED');
  assert.equal(replayed.divergence.seq, 0);
  assert.deepEqual(replayed.divergence.recorded?.request, { id: 'A1' });
  assert.deepEqual(replayed.divergence.actual.request, { id: 'B2' });
  assert.notEqual(replayed.divergence.recorded.digest, replayed.divergence.actual.digest);
  // The agent stopped at the divergence: its decision is the error outcome, not a new one.
  assert.equal(replayed.decision?.outcome.action, 'error');
});

test('counterfactual serves tools from the recording and calls the model live', async () => {
  const recorded = await recordOnce(() => makeAgent({ bureau: 0, model: 0 })('A1'));
  const calls = { bureau: 0, model: 0 };
  const replayed = await replayDecision({
    mode: 'counterfactual',
    recording: recorded,
    meta: { agent },
    run: () => makeAgent(calls, false, 720)('A1'),
  });
  assert.deepEqual(calls, { bureau: 0, model: 1 });
  assert.equal(replayed.divergence, null);
  assert.equal(replayed.decision?.outcome.action, 'decline');
});

test('the request digest is the SHA-256 of the canonical JSON: key order does not matter', () => {
  assert.equal(requestDigest({ a: 1, b: [1, 2] }), requestDigest({ b: [1, 2], a: 1 }));
  assert.notEqual(requestDigest({ a: 1 }), requestDigest({ a: 2 }));
  assert.match(requestDigest({}), /^sha256:[0-9a-f]{64}$/);
});
