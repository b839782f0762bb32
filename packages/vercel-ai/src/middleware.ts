/**
 * A Vercel AI SDK language-model middleware (LanguageModelV3, `ai` 6) that records every model
 * call made inside `docket.record()` as an `llm[]` entry of the current decision: provider and
 * model, the call parameters, the prompt messages, tool definitions, and the response (content
 * with tool calls, finish reason, usage). Tool results the SDK feeds back to the model become
 * `tools[]` entries. Together they are the recorded model and tool I/O a replay serves back.
 */
import { AsyncResource } from 'node:async_hooks';
import type { LanguageModelMiddleware } from 'ai';
import { currentDecisionId, llm, tool } from '@docket/sdk';
import { createReporter, isJsonObject, toJson, toJsonObject } from '@docket/sdk';
import type { ErrorSink, Json, JsonObject } from '@docket/sdk';
import { markToolCallRecorded } from './recorded.js';

// The LanguageModelV3 types, taken from the middleware type that `ai` exports (so the package
// needs `ai` alone as its peer, not `@ai-sdk/provider`).
type WrapGenerate = NonNullable<LanguageModelMiddleware['wrapGenerate']>;
type WrapStream = NonNullable<LanguageModelMiddleware['wrapStream']>;
type CallOptions = Parameters<WrapGenerate>[0]['params'];
type Model = Parameters<WrapGenerate>[0]['model'];
type GenerateResult = Awaited<ReturnType<WrapGenerate>>;
type StreamResult = Awaited<ReturnType<WrapStream>>;
type StreamPart = StreamResult['stream'] extends ReadableStream<infer P> ? P : never;
type Usage = GenerateResult['usage'];

/**
 * Options of {@link createDocketMiddleware}.
 *
 * @example
 * const options: DocketMiddlewareOptions = { docket, toolResults: true };
 */
export interface DocketMiddlewareOptions {
  /** Where the middleware's own failures go (`docket.report`, i.e. the SDK's `onError`). */
  readonly docket?: ErrorSink;
  /**
   * Record the tool results found in a call's prompt (the SDK's previous tool round) as `tools[]`
   * entries, once per tool call id (default true). Tool calls wrapped by `recordTools()` are
   * recorded there, with their duration, and skipped here.
   */
  readonly toolResults?: boolean;
  /** Record the provider's raw request and response bodies too (default false: they are large). */
  readonly rawBodies?: boolean;
}

/** One model call in progress inside a decision. */
interface PendingCall {
  readonly scope: AsyncResource;
  readonly request: JsonObject;
  readonly started: number;
}

/**
 * The middleware. Outside `docket.record()` it passes calls through untouched; inside, it records
 * each call when it settles (for a stream: when the stream ends). It never changes what the
 * model returns and never throws into the host: its own failures go to `options.docket`.
 *
 * @example
 * import { generateText, wrapLanguageModel } from 'ai';
 * const model = wrapLanguageModel({ model: openai('gpt-4o'), middleware: createDocketMiddleware({ docket }) });
 * await docket.record({ agent }, () => generateText({ model, prompt: 'Approve LA-1?' }));
 */
export function createDocketMiddleware(
  options: DocketMiddlewareOptions = {},
): LanguageModelMiddleware {
  const report = createReporter(options.docket, '@docket/vercel-ai');
  const toolResults = options.toolResults ?? true;
  const rawBodies = options.rawBodies ?? false;

  const begin = (mode: 'generate' | 'stream', params: CallOptions, model: Model) => {
    try {
      const decisionId = currentDecisionId();
      if (decisionId === undefined) return undefined;
      if (toolResults) recordPromptToolResults(decisionId, params);
      const call: PendingCall = {
        // The stream may be read (and end) outside the caller's async context: the recording
        // runs in the context captured here, where the decision is current.
        scope: new AsyncResource('docket.vercel-ai.llm'),
        request: toRequest(mode, params, model),
        started: performance.now(),
      };
      return call;
    } catch (error) {
      report('VERCEL_AI_RECORD_FAILED', error, `${mode}: request`);
      return undefined;
    }
  };

  const finish = (call: PendingCall, build: () => { response: Json; usage?: JsonObject }) => {
    try {
      const { response, usage } = build();
      const durationMs = Math.max(0, Math.round(performance.now() - call.started));
      const entry = {
        request: call.request,
        response: isJsonObject(response) ? { ...response, durationMs } : response,
        ...(usage === undefined ? {} : { usage }),
      };
      call.scope.runInAsyncScope(() => llm(entry));
    } catch (error) {
      report('VERCEL_AI_RECORD_FAILED', error, 'response');
    }
  };

  return {
    specificationVersion: 'v3',

    wrapGenerate: async ({ doGenerate, params, model }) => {
      const call = begin('generate', params, model);
      if (call === undefined) return doGenerate();
      let result: GenerateResult;
      try {
        result = await doGenerate();
      } catch (error) {
        finish(call, () => ({ response: { error: toJson(error) ?? null } }));
        throw error;
      }
      finish(call, () => toGenerateResponse(result, rawBodies));
      return result;
    },

    wrapStream: async ({ doStream, params, model }) => {
      const call = begin('stream', params, model);
      if (call === undefined) return doStream();
      let result: StreamResult;
      try {
        result = await doStream();
      } catch (error) {
        finish(call, () => ({ response: { error: toJson(error) ?? null } }));
        throw error;
      }
      const collector = createStreamCollector();
      let done = false;
      // Recorded once: at the end of the stream, or with what was read when the reader cancels
      // it (a user stopping the generation) or the provider's stream fails.
      const end = (ending?: JsonObject) => {
        if (done) return;
        done = true;
        finish(call, () => collector.result(rawBodies ? result.request?.body : undefined, ending));
      };
      const source = result.stream.getReader();
      const recorded = new ReadableStream<StreamPart>({
        async pull(controller) {
          let next: Awaited<ReturnType<typeof source.read>>;
          try {
            next = await source.read();
          } catch (error) {
            end({ streamError: toJson(error) ?? null });
            throw error;
          }
          if (next.done) {
            end();
            controller.close();
            return;
          }
          controller.enqueue(next.value);
          try {
            collector.add(next.value);
          } catch (error) {
            report('VERCEL_AI_RECORD_FAILED', error, 'stream: part');
          }
        },
        cancel(reason) {
          end({ cancelled: true });
          return source.cancel(reason);
        },
      });
      return { ...result, stream: recorded };
    },
  };

  /** `tools[]` entries for the tool results in the prompt (the previous round's tool outputs). */
  function recordPromptToolResults(decisionId: string, params: CallOptions): void {
    const calls = new Map<string, { name: string; input: unknown }>();
    for (const message of params.prompt) {
      if (message.role === 'system') continue;
      for (const part of message.content) {
        if (part.type === 'tool-call') {
          calls.set(part.toolCallId, { name: part.toolName, input: part.input });
        } else if (part.type === 'tool-result') {
          if (!markToolCallRecorded(decisionId, part.toolCallId)) continue;
          const input = calls.get(part.toolCallId)?.input;
          tool({
            name: part.toolName,
            ...(input === undefined ? {} : { args: toJsonObject(input) }),
            ...toolOutput(part.output),
          });
        }
      }
    }
  }
}

/**
 * The `llm[].request` of a call: everything that determines the model's answer. Request headers
 * and the abort signal are left out (headers may hold credentials).
 */
function toRequest(mode: 'generate' | 'stream', params: CallOptions, model: Model): JsonObject {
  const settings = toJsonObject({
    maxOutputTokens: params.maxOutputTokens,
    temperature: params.temperature,
    topP: params.topP,
    topK: params.topK,
    presencePenalty: params.presencePenalty,
    frequencyPenalty: params.frequencyPenalty,
    stopSequences: params.stopSequences,
    seed: params.seed,
  });
  return toJsonObject({
    provider: model.provider,
    model: model.modelId,
    mode,
    params: settings,
    messages: params.prompt,
    tools: params.tools,
    toolChoice: params.toolChoice,
    responseFormat: params.responseFormat,
    providerOptions: params.providerOptions,
  });
}

/** The `llm[].response` and `usage` of a finished generate call. */
function toGenerateResponse(
  result: GenerateResult,
  rawBodies: boolean,
): { response: Json; usage?: JsonObject } {
  const response = toJsonObject({
    content: result.content,
    finishReason: result.finishReason.unified,
    rawFinishReason: result.finishReason.raw,
    id: result.response?.id,
    modelId: result.response?.modelId,
    timestamp: result.response?.timestamp,
    warnings: result.warnings.length === 0 ? undefined : result.warnings,
    providerMetadata: result.providerMetadata,
    ...(rawBodies ? { requestBody: result.request?.body, body: result.response?.body } : {}),
  });
  const usage = toUsage(result.usage);
  return usage === undefined ? { response } : { response, usage };
}

/**
 * Usage with OpenTelemetry GenAI names (`gen_ai.usage.input_tokens` → `input_tokens`, …); the
 * provider's raw usage under `raw`.
 */
function toUsage(usage: Usage | undefined): JsonObject | undefined {
  if (usage === undefined) return undefined;
  const input = usage.inputTokens.total;
  const output = usage.outputTokens.total;
  return toJsonObject({
    input_tokens: input,
    output_tokens: output,
    total_tokens: input === undefined || output === undefined ? undefined : input + output,
    cache_read_input_tokens: usage.inputTokens.cacheRead,
    cache_creation_input_tokens: usage.inputTokens.cacheWrite,
    reasoning_tokens: usage.outputTokens.reasoning,
    raw: usage.raw,
  });
}

/** `result` or `error` of a tool entry from a LanguageModelV3 tool result output. */
function toolOutput(output: unknown): { result?: Json; error?: string } {
  if (!isJsonObject(toJson(output))) return { result: toJson(output) ?? null };
  const o = output as { type?: unknown; value?: unknown; reason?: unknown };
  switch (o.type) {
    case 'text':
    case 'json':
      return { result: toJson(o.value) ?? null };
    case 'error-text':
      return { error: clip(String(o.value)) };
    case 'error-json':
      return { error: clip(JSON.stringify(toJson(o.value) ?? null)) };
    case 'execution-denied':
      return {
        error: clip(`execution denied${typeof o.reason === 'string' ? `: ${o.reason}` : ''}`),
      };
    default:
      return { result: toJson(output) ?? null };
  }
}

/** The schema allows tool errors of at most 16384 characters. */
const clip = (text: string): string =>
  text.length > 16_384 ? `${text.slice(0, 16_381)}...` : text;

/**
 * Collects a LanguageModelV3 stream into the same response shape a generate call has: text and
 * reasoning deltas joined per part, tool calls, files and sources in order, finish and usage.
 */
function createStreamCollector() {
  const content: JsonObject[] = [];
  const open = new Map<string, { type: string; text: string }>();
  let meta: JsonObject = {};
  let finish: JsonObject = {};
  let usage: JsonObject | undefined;
  let warnings: Json | undefined;
  const errors: Json[] = [];

  return {
    add(part: StreamPart): void {
      switch (part.type) {
        case 'text-start':
        case 'reasoning-start': {
          const entry = {
            type: part.type === 'text-start' ? 'text' : 'reasoning',
            text: '',
          };
          open.set(`${part.type}:${part.id}`, entry);
          content.push(entry);
          break;
        }
        case 'text-delta':
        case 'reasoning-delta': {
          const kind = part.type === 'text-delta' ? 'text-start' : 'reasoning-start';
          let entry = open.get(`${kind}:${part.id}`);
          if (entry === undefined) {
            entry = { type: part.type === 'text-delta' ? 'text' : 'reasoning', text: '' };
            open.set(`${kind}:${part.id}`, entry);
            content.push(entry);
          }
          entry.text += part.delta;
          break;
        }
        case 'tool-call':
        case 'tool-result':
        case 'tool-approval-request':
        case 'file':
        case 'source':
          content.push(toJsonObject(part));
          break;
        case 'stream-start':
          if (part.warnings.length > 0) warnings = toJson(part.warnings);
          break;
        case 'response-metadata':
          meta = toJsonObject({ id: part.id, modelId: part.modelId, timestamp: part.timestamp });
          break;
        case 'finish':
          finish = toJsonObject({
            finishReason: part.finishReason.unified,
            rawFinishReason: part.finishReason.raw,
            providerMetadata: part.providerMetadata,
          });
          usage = toUsage(part.usage);
          break;
        case 'error':
          errors.push(toJson(part.error) ?? null);
          break;
        default:
          // text-end, reasoning-end, tool-input-*, raw: nothing the finished call needs.
          break;
      }
    },
    result(
      requestBody: unknown,
      ending: JsonObject | undefined,
    ): { response: Json; usage?: JsonObject } {
      const response: JsonObject = {
        content,
        ...finish,
        ...meta,
        ...(warnings === undefined ? {} : { warnings }),
        ...(errors.length === 0 ? {} : { errors }),
        ...(requestBody === undefined ? {} : toJsonObject({ requestBody })),
        ...ending,
      };
      return usage === undefined ? { response } : { response, usage };
    },
  };
}
