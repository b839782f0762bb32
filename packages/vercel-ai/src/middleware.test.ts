// The middleware with the real AI SDK (`ai` 6, its own MockLanguageModelV3) against a real Docket
// server: `docket serve` as a child process (this package may not import @docket/server), the
// decisions read back over HTTP with the bootstrap admin key.
import assert from 'node:assert/strict';
import { AsyncResource } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  generateText,
  jsonSchema,
  simulateReadableStream,
  stepCountIs,
  streamText,
  tool,
  wrapLanguageModel,
} from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { createDocket, currentDecisionId } from '@docket/sdk';
import type { Docket, SdkError } from '@docket/sdk';
import { createDocketMiddleware, recordTools } from './index.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'cli', 'bin', 'docket.js');

/** An async context made outside any decision. */
const outsideAnyDecision = new AsyncResource('test.outside');

interface Served {
  readonly url: string;
  readonly key: string;
  stop(): Promise<void>;
}

/** `docket serve --json` on a fresh data dir and a free port; its one line gives url and key. */
async function serve(): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'docket-vercel-ai-'));
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [bin, 'serve', '--data', join(dir, 'data'), '--port', '0', '--json'],
    { env: { ...process.env, DOCKET_FLUSH_INTERVAL_MS: '10' } },
  );
  child.stderr.resume();
  const lines = createInterface({ input: child.stdout });
  const [line] = (await once(lines, 'line')) as [string];
  const started = JSON.parse(line) as { url: string; bootstrapKey: string };
  return {
    url: started.url,
    key: started.bootstrapKey,
    stop: async () => {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface ToolEntry {
  name: string;
  args?: Record<string, unknown>;
  result?: unknown;
  error?: string;
  duration?: number;
}
interface LlmEntry {
  request: Record<string, unknown> & {
    messages: { role: string; content: unknown }[];
    params: Record<string, unknown>;
  };
  response: Record<string, unknown> & { content: Record<string, unknown>[] };
  usage?: Record<string, unknown>;
}
interface Stored {
  id: string;
  correlation?: { traceId?: string; spanId?: string };
  outcome: { action: string };
  llm?: LlmEntry[];
  tools?: ToolEntry[];
}

const usage = (input: number, output: number) => ({
  inputTokens: { total: input, noCache: input, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: output, text: output, reasoning: undefined },
});

const generateResult = (content: unknown[], finish: 'stop' | 'tool-calls') => ({
  content: content as never,
  finishReason: { unified: finish, raw: finish },
  usage: usage(20, 8),
  warnings: [],
  response: { id: `resp-${finish}`, modelId: 'mock-model-2024', timestamp: new Date(0) },
});

const creditTool = () =>
  tool({
    description: 'Credit bureau report of an applicant',
    inputSchema: jsonSchema<{ applicant: string }>({
      type: 'object',
      properties: { applicant: { type: 'string' } },
      required: ['applicant'],
    }),
    execute: async ({ applicant }: { applicant: string }) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      return { applicant, score: 742 };
    },
  });

/** A mock model that asks for the credit report, then answers from it. */
const toolRoundModel = () =>
  new MockLanguageModelV3({
    provider: 'mock.openai',
    modelId: 'gpt-mock',
    doGenerate: [
      generateResult(
        [
          {
            type: 'tool-call',
            toolCallId: 'call-1',
            toolName: 'creditReport',
            input: '{"applicant":"A-17"}',
          },
        ],
        'tool-calls',
      ),
      generateResult([{ type: 'text', text: 'approve: score 742' }], 'stop'),
    ],
  });

describe('@docket/vercel-ai with the AI SDK and a real server', () => {
  let server: Served;
  let docket: Docket;
  const errors: SdkError[] = [];

  before(async () => {
    server = await serve();
    docket = createDocket({
      url: server.url,
      apiKey: server.key,
      flushIntervalMs: 5,
      handleExit: false,
      onError: (e) => errors.push(e),
    });
  });
  after(async () => {
    await docket.shutdown();
    await server.stop();
  });

  const readBack = async (id: string): Promise<Stored> => {
    assert.equal(await docket.flush(), true, 'delivered');
    const res = await fetch(`${server.url}/v1/decisions/${id}`, {
      headers: { authorization: `Bearer ${server.key}` },
    });
    assert.equal(res.status, 200);
    const view = (await res.json()) as { content: Stored };
    return view.content;
  };

  test('generateText with a tool round: both model calls and the tool call are in the decision', async () => {
    const model = wrapLanguageModel({
      model: toolRoundModel(),
      middleware: createDocketMiddleware({ docket }),
    });
    const tools = recordTools({ creditReport: creditTool() }, { docket });
    let id = '';
    const text = await docket.record(
      { agent: { id: 'underwriter', version: '2.3.1' }, goal: 'Approve A-17?' },
      async () => {
        id = currentDecisionId()!;
        const result = await generateText({
          model,
          tools,
          system: 'You are an underwriter.',
          prompt: 'Approve applicant A-17?',
          temperature: 0,
          maxOutputTokens: 200,
          seed: 7,
          stopWhen: stepCountIs(3),
        });
        return result.text;
      },
    );
    assert.equal(text, 'approve: score 742', 'the host result is unchanged');

    const stored = await readBack(id);
    assert.equal(stored.llm?.length, 2);
    const [first, second] = stored.llm;
    assert.equal(first!.request.provider, 'mock.openai');
    assert.equal(first!.request.model, 'gpt-mock');
    assert.equal(first!.request.mode, 'generate');
    assert.deepEqual(first!.request.params, { maxOutputTokens: 200, temperature: 0, seed: 7 });
    assert.deepEqual(first!.request.messages[0], {
      role: 'system',
      content: 'You are an underwriter.',
    });
    assert.equal(first!.request.messages[1]!.role, 'user');
    assert.match(JSON.stringify(first!.request.messages[1]), /Approve applicant A-17\?/);
    assert.equal((first!.request.tools as { name: string }[])[0]!.name, 'creditReport');
    assert.deepEqual(first!.response.content, [
      {
        type: 'tool-call',
        toolCallId: 'call-1',
        toolName: 'creditReport',
        input: '{"applicant":"A-17"}',
      },
    ]);
    assert.equal(first!.response.finishReason, 'tool-calls');
    assert.equal(first!.response.modelId, 'mock-model-2024');
    assert.equal(first!.response.timestamp, '1970-01-01T00:00:00.000Z');
    assert.deepEqual(first!.usage, { input_tokens: 20, output_tokens: 8, total_tokens: 28 });

    // The second call carries the tool round in its prompt: what a replay serves back.
    const roles = second!.request.messages.map((m) => m.role);
    assert.deepEqual(roles, ['system', 'user', 'assistant', 'tool']);
    assert.match(JSON.stringify(second!.request.messages[3]), /"score":742/);
    assert.deepEqual(second!.response.content, [{ type: 'text', text: 'approve: score 742' }]);
    assert.equal(second!.response.finishReason, 'stop');

    // The tool call: once (recordTools), with its duration; not again from the second prompt.
    assert.equal(stored.tools?.length, 1);
    const call = stored.tools[0]!;
    assert.equal(call.name, 'creditReport');
    assert.deepEqual(call.args, { applicant: 'A-17' });
    assert.deepEqual(call.result, { applicant: 'A-17', score: 742 });
    assert.ok(typeof call.duration === 'number' && call.duration >= 0);
    assert.deepEqual(errors, []);
  });

  test('without recordTools, the tool results fed back to the model become tools[] entries', async () => {
    const model = wrapLanguageModel({
      model: toolRoundModel(),
      middleware: createDocketMiddleware(),
    });
    const id = await docket.record({ agent: { id: 'underwriter', version: '2.3.1' } }, async () => {
      await generateText({
        model,
        tools: { creditReport: creditTool() },
        prompt: 'Approve applicant A-17?',
        stopWhen: stepCountIs(3),
      });
      return currentDecisionId()!;
    });
    const stored = await readBack(id);
    assert.equal(stored.llm?.length, 2);
    assert.deepEqual(stored.tools, [
      {
        name: 'creditReport',
        args: { applicant: 'A-17' },
        result: { applicant: 'A-17', score: 742 },
      },
    ]);
  });

  test('streamText: the call is recorded once the stream has ended, deltas joined', async () => {
    const model = wrapLanguageModel({
      model: new MockLanguageModelV3({
        provider: 'mock.anthropic',
        modelId: 'claude-mock',
        doStream: {
          stream: simulateReadableStream({
            chunks: [
              { type: 'stream-start', warnings: [] },
              { type: 'response-metadata', id: 'msg-9', modelId: 'claude-mock-2025' },
              { type: 'text-start', id: 't1' },
              { type: 'text-delta', id: 't1', delta: 'escalate' },
              { type: 'text-delta', id: 't1', delta: ': ' },
              { type: 'text-delta', id: 't1', delta: 'income unverified' },
              { type: 'text-end', id: 't1' },
              {
                type: 'finish',
                finishReason: { unified: 'stop', raw: 'end_turn' },
                usage: usage(31, 5),
              },
            ] as never[],
          }),
        },
      }),
      middleware: createDocketMiddleware({ docket }),
    });
    const { id, text } = await docket.record(
      { agent: { id: 'triage', version: '1.0.0' } },
      async () => {
        const result = streamText({ model, prompt: 'Triage claim C-5', temperature: 0.2 });
        // The stream is read from a context that has no decision (as a web handler would).
        const streamed = await outsideAnyDecision.runInAsyncScope(async () => {
          assert.equal(currentDecisionId(), undefined);
          let text = '';
          for await (const delta of result.textStream) text += delta;
          return text;
        });
        return { id: currentDecisionId()!, text: streamed };
      },
    );
    assert.equal(text, 'escalate: income unverified');
    const stored = await readBack(id);
    assert.equal(stored.llm?.length, 1);
    const entry = stored.llm[0]!;
    assert.equal(entry.request.mode, 'stream');
    assert.equal(entry.request.provider, 'mock.anthropic');
    assert.deepEqual(entry.request.params, { temperature: 0.2 });
    assert.deepEqual(entry.response.content, [
      { type: 'text', text: 'escalate: income unverified' },
    ]);
    assert.equal(entry.response.finishReason, 'stop');
    assert.equal(entry.response.rawFinishReason, 'end_turn');
    assert.equal(entry.response.id, 'msg-9');
    assert.equal(entry.response.modelId, 'claude-mock-2025');
    assert.deepEqual(entry.usage, { input_tokens: 31, output_tokens: 5, total_tokens: 36 });
  });

  test('a stream the reader stops early: what was read is recorded, marked cancelled', async () => {
    const model = wrapLanguageModel({
      model: new MockLanguageModelV3({
        doStream: {
          stream: simulateReadableStream({
            chunkDelayInMs: 5,
            chunks: [
              { type: 'stream-start', warnings: [] },
              { type: 'text-start', id: 't1' },
              { type: 'text-delta', id: 't1', delta: 'The applicant' },
              { type: 'text-delta', id: 't1', delta: ' should be' },
              { type: 'text-delta', id: 't1', delta: ' declined' },
              { type: 'text-end', id: 't1' },
              {
                type: 'finish',
                finishReason: { unified: 'stop', raw: 'stop' },
                usage: usage(9, 3),
              },
            ] as never[],
          }),
        },
      }),
      middleware: createDocketMiddleware({ docket }),
    });
    const id = await docket.record({ agent: { id: 'underwriter', version: '2.3.1' } }, async () => {
      const { stream } = await model.doStream({
        prompt: [{ role: 'user', content: [{ type: 'text', text: 'Approve?' }] }],
      });
      const reader = stream.getReader();
      for (let seen = 0; seen < 3; seen++) await reader.read(); // stream-start, text-start, one delta
      await reader.cancel('user stopped the generation');
      return currentDecisionId()!;
    });
    const stored = await readBack(id);
    assert.equal(stored.llm?.length, 1);
    const response = stored.llm[0]!.response;
    assert.equal(response.cancelled, true);
    assert.deepEqual(response.content, [{ type: 'text', text: 'The applicant' }]);
    assert.equal(response.finishReason, undefined, 'the model never finished');
  });

  test('a failing model call: the host gets the same error, the decision records it', async () => {
    const failure = new Error('provider overloaded');
    const model = wrapLanguageModel({
      model: new MockLanguageModelV3({
        doGenerate: () => Promise.reject(failure),
      }),
      middleware: createDocketMiddleware({ docket }),
    });
    let id = '';
    await assert.rejects(
      docket.record({ agent: { id: 'underwriter', version: '2.3.1' } }, async () => {
        id = currentDecisionId()!;
        await generateText({ model, prompt: 'Approve?', maxRetries: 0 });
      }),
      (error: unknown) => error === failure,
    );
    const stored = await readBack(id);
    assert.equal(stored.outcome.action, 'error');
    assert.equal(stored.llm?.length, 1);
    assert.deepEqual(stored.llm[0]!.response.error, {
      name: 'Error',
      message: 'provider overloaded',
    });
  });

  test("inside a trace: the decision's correlation ids are the active span's, the AI SDK's own gen_ai spans share its trace", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    trace.setGlobalTracerProvider(provider);
    try {
      const tracer = trace.getTracer('underwriting');
      const model = wrapLanguageModel({
        model: toolRoundModel(),
        middleware: createDocketMiddleware({ docket }),
      });
      const { id, traceId, spanId } = await tracer.startActiveSpan('underwrite', async (span) => {
        const decided = await docket.record(
          { agent: { id: 'underwriter', version: '2.3.1' } },
          async () => {
            await generateText({
              model,
              tools: { creditReport: creditTool() },
              prompt: 'Approve applicant A-17?',
              stopWhen: stepCountIs(3),
              experimental_telemetry: { isEnabled: true, tracer },
            });
            return currentDecisionId()!;
          },
        );
        span.end();
        return { id: decided, ...span.spanContext() };
      });
      const stored = await readBack(id);
      assert.equal(stored.correlation?.traceId, traceId);
      assert.equal(stored.correlation.spanId, spanId);
      assert.equal(stored.llm?.length, 2);
      const calls = exporter
        .getFinishedSpans()
        .filter((s) => s.name === 'ai.generateText.doGenerate');
      assert.equal(calls.length, 2, 'one AI SDK span per recorded model call');
      for (const call of calls) {
        assert.equal(call.spanContext().traceId, traceId);
        assert.equal(call.attributes['gen_ai.request.model'], 'gpt-mock');
      }
    } finally {
      await provider.shutdown();
      trace.disable();
      context.disable();
    }
  });

  test('outside a decision the middleware passes calls through and records nothing', async () => {
    const before = docket.stats().captured;
    const model = wrapLanguageModel({
      model: toolRoundModel(),
      middleware: createDocketMiddleware({ docket }),
    });
    const tools = recordTools({ creditReport: creditTool() }, { docket });
    const result = await generateText({ model, tools, prompt: 'x', stopWhen: stepCountIs(3) });
    assert.equal(result.text, 'approve: score 742');
    assert.equal(docket.stats().captured, before);
  });

  test("the middleware's own failure goes to onError; the model call proceeds and the decision is kept", async () => {
    const model = wrapLanguageModel({
      model: toolRoundModel(),
      middleware: createDocketMiddleware({ docket }),
    });
    // A value the middleware cannot copy: reading it throws.
    const providerOptions = { mock: {} };
    Object.defineProperty(providerOptions.mock, 'boom', {
      enumerable: true,
      get: () => {
        throw new Error('getter exploded');
      },
    });
    const before = errors.length;
    const { id, text } = await docket.record(
      { agent: { id: 'underwriter', version: '2.3.1' } },
      async () => {
        const result = await generateText({
          model,
          tools: { creditReport: creditTool() },
          prompt: 'Approve applicant A-17?',
          providerOptions,
          stopWhen: stepCountIs(3),
        });
        return { id: currentDecisionId()!, text: result.text };
      },
    );
    assert.equal(text, 'approve: score 742');
    const reported = errors.slice(before);
    assert.deepEqual(
      reported.map((e) => [e.code, e.where]),
      [
        ['VERCEL_AI_RECORD_FAILED', 'generate: request'],
        ['VERCEL_AI_RECORD_FAILED', 'generate: request'],
      ],
    );
    const stored = await readBack(id);
    assert.equal(stored.outcome.action, 'completed');
    assert.equal(stored.llm, undefined, 'calls it could not copy are left out, not half-recorded');
  });
});
