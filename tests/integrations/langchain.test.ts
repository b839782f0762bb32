// @docket/langchain with the real LangChain.js (@langchain/core 1.x: its fake chat models, a real
// tool, a prompt | model chain, its CallbackManager) against a real Docket server; the decisions
// are read back over HTTP with an auditor key.
import assert from 'node:assert/strict';
import { AsyncResource } from 'node:async_hooks';
import { after, before, describe, test } from 'node:test';
import { awaitAllCallbacks } from '@langchain/core/callbacks/promises';
import { CallbackManager } from '@langchain/core/callbacks/manager';
import { AIMessageChunk, HumanMessage } from '@langchain/core/messages';
import type { BaseMessage } from '@langchain/core/messages';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { DynamicStructuredTool } from '@langchain/core/tools';
import { FakeListChatModel, FakeStreamingChatModel } from '@langchain/core/utils/testing';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createDocket, currentDecisionId } from '@docket/sdk';
import type { Docket, SdkError } from '@docket/sdk';
import { DocketCallbackHandler } from '@docket/langchain';
import { api, startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';

interface Stored {
  id: string;
  correlation?: { traceId?: string; spanId?: string };
  outcome: { action: string };
  reasoning?: (string | { kind?: string; text: string; data?: Record<string, unknown> })[];
  llm?: {
    request: Record<string, unknown> & { messages?: Record<string, unknown>[] };
    response: Record<string, unknown> & {
      generations?: { text: string; message?: Record<string, unknown> }[];
    };
    usage?: Record<string, unknown>;
  }[];
  tools?: { name: string; args?: unknown; result?: unknown; error?: string; duration?: number }[];
}

/** An async context made outside any decision. */
const outsideAnyDecision = new AsyncResource('test.outside');

const agent = { agent: { id: 'underwriter', version: '2.3.1' } };

const creditReport = new DynamicStructuredTool({
  name: 'credit_report',
  description: 'Credit bureau report of an applicant',
  schema: {
    type: 'object',
    properties: { applicant: { type: 'string' } },
    required: ['applicant'],
  },
  func: (input: { applicant: string }) =>
    Promise.resolve(JSON.stringify({ applicant: input.applicant, score: 742 })),
});

/** A chat model whose answer is one call of the credit report tool. */
const toolCallingModel = () =>
  new FakeStreamingChatModel({
    chunks: [
      new AIMessageChunk({
        content: '',
        tool_calls: [
          { name: 'credit_report', args: { applicant: 'A-17' }, id: 'call_1', type: 'tool_call' },
        ],
      }),
    ],
  });

describe('@docket/langchain with LangChain.js and a real server', () => {
  let server: TestServer;
  let docket: Docket;
  const errors: SdkError[] = [];

  before(async () => {
    server = await startTestServer();
    docket = createDocket({
      url: server.url,
      apiKey: server.keys.default.ingest,
      flushIntervalMs: 5,
      handleExit: false,
      onError: (e) => errors.push(e),
    });
  });
  after(async () => {
    await docket.shutdown();
    await server.close();
  });

  const readBack = async (id: string): Promise<Stored> => {
    assert.equal(await docket.flush(), true, 'delivered');
    const res = await api(server.url, server.keys.default.auditor).get(`/v1/decisions/${id}`);
    assert.equal(res.status, 200, res.text);
    return (res.body as { content: Stored }).content;
  };

  test('a chain, a tool call and a second model call: llm[], tools[] and the root chain step', async () => {
    const { id, answer } = await docket.record(agent, async () => {
      const handler = new DocketCallbackHandler({ docket });
      const config = { callbacks: [handler] };
      const prompt = ChatPromptTemplate.fromMessages([
        ['system', 'You are an underwriter.'],
        ['human', '{question}'],
      ]);
      const ai = await prompt
        .pipe(toolCallingModel())
        .invoke({ question: 'Approve A-17?' }, config);
      const call = ai.tool_calls![0]!;
      const toolMessage = (await creditReport.invoke(call, config)) as BaseMessage;
      const final = await new FakeListChatModel({ responses: ['approve: score 742'] }).invoke(
        [new HumanMessage('Approve A-17?'), ai, toolMessage],
        config,
      );
      return { id: currentDecisionId()!, answer: final.content };
    });
    assert.equal(answer, 'approve: score 742');

    const stored = await readBack(id);
    assert.equal(stored.llm?.length, 2);
    const [first, second] = stored.llm;
    assert.equal(first!.request.class, 'FakeStreamingChatModel');
    assert.deepEqual(
      first!.request.messages!.map((m) => [m.type, m.content]),
      [
        ['system', 'You are an underwriter.'],
        ['human', 'Approve A-17?'],
      ],
    );
    const toolCalls = first!.response.generations![0]!.message!.tool_calls as {
      name: string;
      args: unknown;
      id: string;
    }[];
    assert.equal(toolCalls[0]!.name, 'credit_report');
    assert.deepEqual(toolCalls[0]!.args, { applicant: 'A-17' });
    assert.equal(toolCalls[0]!.id, 'call_1');

    // The second call saw the tool round: what a replay serves back.
    assert.deepEqual(
      second!.request.messages!.map((m) => m.type),
      ['human', 'ai', 'tool'],
    );
    assert.equal(second!.request.messages![2]!.tool_call_id, 'call_1');
    assert.equal(second!.request.class, 'FakeListChatModel');
    assert.equal(second!.response.generations![0]!.text, 'approve: score 742');

    assert.equal(stored.tools?.length, 1);
    const recorded = stored.tools[0]!;
    assert.equal(recorded.name, 'credit_report');
    assert.deepEqual(recorded.args, { applicant: 'A-17' });
    assert.deepEqual(JSON.parse(recorded.result as string), { applicant: 'A-17', score: 742 });
    assert.ok(typeof recorded.duration === 'number' && recorded.duration >= 0);

    // One root chain (the prompt | model sequence) as a reasoning step; its inner steps are not.
    const chains = (stored.reasoning ?? []).filter(
      (s): s is { kind: string; text: string; data: Record<string, unknown> } =>
        typeof s === 'object' && s.kind === 'chain',
    );
    assert.equal(chains.length, 1);
    assert.equal(chains[0]!.text, 'RunnableSequence completed');
    assert.deepEqual(chains[0]!.data.inputs, { question: 'Approve A-17?' });
    const output = chains[0]!.data.outputs as { type: string; tool_calls: { id: string }[] };
    assert.equal(output.type, 'ai', 'a message output in its plain form');
    assert.equal(output.tool_calls[0]!.id, 'call_1');
    assert.deepEqual(errors, []);
  });

  test('a streamed answer is recorded once, whole', async () => {
    const id = await docket.record(agent, async () => {
      const model = new FakeListChatModel({ responses: ['decline: DTI 0.51'] });
      let text = '';
      for await (const chunk of await model.stream('Approve A-18?', {
        callbacks: [new DocketCallbackHandler({ docket })],
      })) {
        text += chunk.content as string;
      }
      assert.equal(text, 'decline: DTI 0.51');
      return currentDecisionId()!;
    });
    const stored = await readBack(id);
    assert.equal(stored.llm?.length, 1);
    assert.equal(stored.llm[0]!.response.generations![0]!.text, 'decline: DTI 0.51');
    assert.equal(stored.llm[0]!.request.messages![0]!.content, 'Approve A-18?');
  });

  test('one handler made outside any decision: concurrent decisions each get their own calls', async () => {
    const shared = new DocketCallbackHandler({ docket });
    const run = (applicant: string) =>
      docket.record({ ...agent, subject: { id: applicant } }, async () => {
        const model = new FakeListChatModel({ responses: [`ok ${applicant}`], sleep: 5 });
        await model.invoke(`Approve ${applicant}?`, { callbacks: [shared] });
        return currentDecisionId()!;
      });
    const [a, b] = await Promise.all([run('A-1'), run('B-2')]);
    for (const [id, applicant] of [
      [a, 'A-1'],
      [b, 'B-2'],
    ] as const) {
      const stored = await readBack(id);
      assert.equal(stored.llm?.length, 1, applicant);
      assert.equal(stored.llm[0]!.request.messages![0]!.content, `Approve ${applicant}?`);
      assert.equal(stored.llm[0]!.response.generations![0]!.text, `ok ${applicant}`);
    }
  });

  test('background callbacks, runs started outside the decision: a handler made inside it still records into it', async () => {
    const id = await docket.record(agent, async () => {
      const handler = new DocketCallbackHandler({ docket, awaitHandlers: false });
      assert.equal(handler.awaitHandlers, false);
      // The runs start (and their callbacks fire) where no decision is current.
      await outsideAnyDecision.runInAsyncScope(async () => {
        assert.equal(currentDecisionId(), undefined);
        await new FakeListChatModel({ responses: ['refer'] }).invoke('Approve A-19?', {
          callbacks: [handler],
        });
        await creditReport.invoke({ applicant: 'A-19' } as never, { callbacks: [handler] });
      });
      await awaitAllCallbacks();
      return currentDecisionId()!;
    });
    const stored = await readBack(id);
    assert.equal(stored.llm?.length, 1);
    assert.equal(stored.tools?.length, 1);
    assert.deepEqual(stored.tools[0]!.args, { applicant: 'A-19' });
  });

  test("agent actions and a failing tool, through LangChain's CallbackManager", async () => {
    const failing = new DynamicStructuredTool({
      name: 'income_check',
      description: 'Verifies income',
      schema: { type: 'object', properties: { applicant: { type: 'string' } } },
      func: () => Promise.reject(new Error('bureau unavailable')),
    });
    const id = await docket.record(agent, async () => {
      const handler = new DocketCallbackHandler({ docket });
      const manager = CallbackManager.configure([handler])!;
      const chainRun = await manager.handleChainStart(
        { lc: 1, type: 'not_implemented', id: ['agent_executor'] },
        { input: 'Approve A-20?' },
      );
      await chainRun.handleAgentAction({
        tool: 'income_check',
        toolInput: { applicant: 'A-20' },
        log: 'I should verify income first.',
      });
      await assert.rejects(
        failing.invoke({ applicant: 'A-20' } as never, { callbacks: chainRun.getChild() }),
        /bureau unavailable/,
      );
      await chainRun.handleAgentEnd({
        returnValues: { output: 'escalate' },
        log: 'Income could not be verified.',
      });
      await chainRun.handleChainEnd({ output: 'escalate' });
      return currentDecisionId()!;
    });
    const stored = await readBack(id);
    const steps = (stored.reasoning ?? []) as { kind: string; text: string; data?: unknown }[];
    assert.deepEqual(
      steps.map((s) => [s.kind, s.text]),
      [
        ['agent_action', 'I should verify income first.'],
        ['agent_finish', 'Income could not be verified.'],
        ['chain', 'agent_executor completed'],
      ],
    );
    assert.deepEqual(steps[0]!.data, { tool: 'income_check', toolInput: { applicant: 'A-20' } });
    assert.equal(stored.tools?.length, 1);
    assert.equal(stored.tools[0]!.name, 'income_check');
    assert.match(stored.tools[0]!.error!, /bureau unavailable/);
    assert.equal(stored.tools[0]!.result, undefined);
  });

  test("inside a trace: the decision carries the active span's ids next to its model call", async () => {
    const provider = new BasicTracerProvider();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
    try {
      const handler = new DocketCallbackHandler({ docket });
      const { id, traceId, spanId } = await trace
        .getTracer('claims')
        .startActiveSpan('triage', async (span) => {
          const decided = await docket.record(agent, async () => {
            await new FakeListChatModel({ responses: ['escalate'] }).invoke('Triage C-5', {
              callbacks: [handler],
            });
            return currentDecisionId()!;
          });
          span.end();
          return { id: decided, ...span.spanContext() };
        });
      const stored = await readBack(id);
      assert.equal(stored.correlation?.traceId, traceId);
      assert.equal(stored.correlation.spanId, spanId);
      assert.equal(stored.llm?.length, 1);
    } finally {
      await provider.shutdown();
      trace.disable();
      context.disable();
    }
  });

  test('outside a decision the handler records nothing and changes nothing', async () => {
    const before = docket.stats().captured;
    const handler = new DocketCallbackHandler({ docket });
    const answer = await new FakeListChatModel({ responses: ['fine'] }).invoke('hi', {
      callbacks: [handler],
    });
    assert.equal(answer.content, 'fine');
    await docket.flush();
    assert.equal(docket.stats().captured, before);
  });
});
