/**
 * A LangChain.js callback handler that records what a chain or agent does inside
 * `docket.record()`: each chat model or LLM call as an `llm[]` entry (request messages and
 * invocation parameters, generations with tool calls, token usage), each tool call as a `tools[]`
 * entry (arguments, result or error, duration), and the root chain and agent actions as
 * reasoning steps.
 *
 * LangChain may run handlers outside the caller's async context (background callbacks run from a
 * queue), so the handler never relies on the context at the moment a callback fires alone: a run
 * is bound to a decision when it starts — the parent run's decision, else the decision current when
 * the handler was constructed, else the one current at the start — and the recording of every
 * later callback of that run happens in the captured context (an `AsyncResource`).
 */
import { AsyncResource } from 'node:async_hooks';
import { BaseCallbackHandler } from '@langchain/core/callbacks/base';
import type { Serialized } from '@langchain/core/load/serializable';
import { BaseMessage } from '@langchain/core/messages';
import type { LLMResult } from '@langchain/core/outputs';
import type { AgentAction, AgentFinish } from '@langchain/core/agents';
import type { ChainValues } from '@langchain/core/utils/types';
import { currentDecisionId, llm, reason, tool } from '@docket/sdk';
import { createReporter, isJsonObject, toJson, toJsonObject } from '@docket/sdk';
import type { ErrorSink, Json, JsonObject, Reporter } from '@docket/sdk';

/**
 * Options of {@link DocketCallbackHandler}.
 *
 * @example
 * const options: DocketCallbackHandlerOptions = { docket, chains: 'root' };
 */
export interface DocketCallbackHandlerOptions {
  /** Where the handler's own failures go (`docket.report`, i.e. the SDK's `onError`). */
  readonly docket?: ErrorSink;
  /**
   * Which chain runs become reasoning steps (`kind: "chain"`, with inputs and outputs): the
   * outermost chain of each invocation (`"root"`, the default), every chain (`"all"`) or none.
   */
  readonly chains?: 'root' | 'all' | 'none';
  /**
   * Let LangChain await this handler (default true). The handler is synchronous and fast; awaited
   * callbacks run in the caller's async context and are recorded before the decision ends. With
   * `false` (background callbacks), construct the handler inside `docket.record()` and
   * `await awaitAllCallbacks()` before the decision's function returns.
   */
  readonly awaitHandlers?: boolean;
}

/** A run this handler follows. */
interface Run {
  readonly kind: 'llm' | 'tool' | 'chain';
  readonly scope: AsyncResource;
  readonly started: number;
  readonly root: boolean;
  readonly name: string;
  readonly data: JsonObject;
}

const MAX_TEXT = 16_384;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const clip = (text: string): string =>
  text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 3)}...` : text;

/**
 * The handler. Pass it in `callbacks` of an invocation (or a model, tool or chain); outside a
 * decision it records nothing. It never throws into LangChain: its own failures go to
 * `options.docket`.
 *
 * @example
 * await docket.record({ agent }, async () => {
 *   const handler = new DocketCallbackHandler({ docket });
 *   return chain.invoke({ question }, { callbacks: [handler] });
 * });
 */
export class DocketCallbackHandler extends BaseCallbackHandler {
  name = 'docket';
  readonly #report: Reporter;
  readonly #chains: 'root' | 'all' | 'none';
  /** The decision current at construction, if any. */
  readonly #scope: AsyncResource | undefined;
  readonly #runs: Map<string, Run>;

  constructor(options: DocketCallbackHandlerOptions = {}) {
    super({ _awaitHandler: options.awaitHandlers ?? true });
    this.#report = createReporter(options.docket, '@docket/langchain');
    this.#chains = options.chains ?? 'root';
    this.#scope =
      currentDecisionId() === undefined ? undefined : new AsyncResource('docket.langchain');
    this.#runs = new Map();
  }

  /** The same handler: copies share the runs they follow and the decision they were made in. */
  override copy(): this {
    return this;
  }

  // ---- model calls ----

  override handleChatModelStart(
    serialized: Serialized,
    messages: BaseMessage[][],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.#guard('handleChatModelStart', () => {
      const batches = messages.map((list) => list.map(toMessage));
      this.#start('llm', runId, parentRunId, runName ?? lastId(serialized), {
        ...modelRequest(serialized, extraParams, metadata, tags),
        messages: batches.length === 1 ? batches[0]! : batches,
      });
    });
  }

  override handleLLMStart(
    serialized: Serialized,
    prompts: string[],
    runId: string,
    parentRunId?: string,
    extraParams?: Record<string, unknown>,
    tags?: string[],
    metadata?: Record<string, unknown>,
    runName?: string,
  ): void {
    this.#guard('handleLLMStart', () => {
      this.#start('llm', runId, parentRunId, runName ?? lastId(serialized), {
        ...modelRequest(serialized, extraParams, metadata, tags),
        prompts,
      });
    });
  }

  override handleLLMEnd(output: LLMResult, runId: string): void {
    this.#guard('handleLLMEnd', () => {
      const run = this.#end(runId, 'llm');
      if (run === undefined) return;
      const generations = output.generations.map((list) =>
        list.map((generation) =>
          toJsonObject({
            text: generation.text,
            message:
              'message' in generation && isMessage(generation.message)
                ? toMessage(generation.message)
                : undefined,
            generationInfo: generation.generationInfo,
          }),
        ),
      );
      const usage = toUsage(output);
      const entry = {
        request: run.data,
        response: toJsonObject({
          generations: generations.length === 1 ? generations[0] : generations,
          llmOutput: output.llmOutput,
          durationMs: elapsed(run),
        }),
        ...(usage === undefined ? {} : { usage }),
      };
      run.scope.runInAsyncScope(() => llm(entry));
    });
  }

  override handleLLMError(error: unknown, runId: string): void {
    this.#guard('handleLLMError', () => {
      const run = this.#end(runId, 'llm');
      if (run === undefined) return;
      const entry = {
        request: run.data,
        response: { error: toJson(error) ?? null, durationMs: elapsed(run) },
      };
      run.scope.runInAsyncScope(() => llm(entry));
    });
  }

  // ---- tools ----

  override handleToolStart(
    serialized: Serialized,
    input: string,
    runId: string,
    parentRunId?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    runName?: string,
    toolCallId?: string,
  ): void {
    this.#guard('handleToolStart', () => {
      const name = runName ?? serializedName(serialized) ?? lastId(serialized);
      this.#start('tool', runId, parentRunId, name, {
        args: toolArgs(input),
        ...(toolCallId === undefined ? {} : { toolCallId }),
      });
    });
  }

  override handleToolEnd(output: unknown, runId: string): void {
    this.#guard('handleToolEnd', () => {
      const run = this.#end(runId, 'tool');
      if (run === undefined) return;
      const call = {
        name: run.name,
        args: run.data.args as JsonObject,
        result: toolResult(output),
        duration: elapsed(run),
      };
      run.scope.runInAsyncScope(() => tool(call));
    });
  }

  override handleToolError(error: unknown, runId: string): void {
    this.#guard('handleToolError', () => {
      const run = this.#end(runId, 'tool');
      if (run === undefined) return;
      const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const call = {
        name: run.name,
        args: run.data.args as JsonObject,
        error: clip(text),
        duration: elapsed(run),
      };
      run.scope.runInAsyncScope(() => tool(call));
    });
  }

  // ---- chains and agents ----

  // LangChain's CallbackManager calls this with (chain, inputs, runId, parentRunId, tags,
  // metadata, runType, runName, extra), while the declared types list (…, runId, runType, tags,
  // metadata, runName, parentRunId): the ids tell which order a caller used.
  override handleChainStart(
    serialized: Serialized,
    inputs: ChainValues,
    runId: string,
    fourth?: string,
    _tags?: string[],
    _metadata?: Record<string, unknown>,
    seventh?: string,
    eighth?: string,
  ): void {
    this.#guard('handleChainStart', () => {
      const declaredOrder = eighth !== undefined && UUID.test(eighth);
      const parentRunId = declaredOrder ? eighth : fourth;
      const runName = declaredOrder ? seventh : eighth;
      this.#start('chain', runId, parentRunId, runName ?? lastId(serialized), {
        inputs: toJson(inputs, plainMessage) ?? null,
      });
    });
  }

  override handleChainEnd(outputs: ChainValues, runId: string): void {
    this.#guard('handleChainEnd', () => {
      this.#endChain(runId, 'completed', { outputs: toJson(outputs, plainMessage) ?? null });
    });
  }

  override handleChainError(error: unknown, runId: string): void {
    this.#guard('handleChainError', () => {
      this.#endChain(runId, 'failed', { error: toJson(error) ?? null });
    });
  }

  /** Records the end of a recorded chain as one reasoning step of its decision. */
  #endChain(runId: string, how: 'completed' | 'failed', result: Record<string, Json>): void {
    const run = this.#end(runId, 'chain');
    if (run === undefined || !this.#recordsChain(run)) return;
    const step = {
      kind: 'chain',
      text: clip(`${run.name} ${how}`),
      data: toJsonObject({ inputs: run.data.inputs, ...result, durationMs: elapsed(run) }),
    };
    run.scope.runInAsyncScope(() => reason(step));
  }

  override handleAgentAction(action: AgentAction, runId: string): void {
    this.#guard('handleAgentAction', () => {
      const scope = this.#runs.get(runId)?.scope ?? this.#scopeFor(undefined);
      if (scope === undefined) return;
      const input =
        typeof action.toolInput === 'string' ? action.toolInput : JSON.stringify(action.toolInput);
      const step = {
        kind: 'agent_action',
        text: clip(action.log.trim() === '' ? `${action.tool}(${input})` : action.log),
        data: toJsonObject({ tool: action.tool, toolInput: action.toolInput }),
      };
      scope.runInAsyncScope(() => reason(step));
    });
  }

  override handleAgentEnd(finish: AgentFinish, runId: string): void {
    this.#guard('handleAgentEnd', () => {
      const scope = this.#runs.get(runId)?.scope ?? this.#scopeFor(undefined);
      if (scope === undefined) return;
      const step = {
        kind: 'agent_finish',
        text: clip(finish.log.trim() === '' ? 'agent finished' : finish.log),
        data: toJsonObject(finish.returnValues),
      };
      scope.runInAsyncScope(() => reason(step));
    });
  }

  // ---- runs ----

  /** The decision a new run belongs to: its parent's, the constructor's, or the current one. */
  #scopeFor(parentRunId: string | undefined): AsyncResource | undefined {
    const parent = parentRunId === undefined ? undefined : this.#runs.get(parentRunId);
    if (parent !== undefined) return parent.scope;
    if (this.#scope !== undefined) return this.#scope;
    return currentDecisionId() === undefined ? undefined : new AsyncResource('docket.langchain');
  }

  #start(
    kind: Run['kind'],
    runId: string,
    parentRunId: string | undefined,
    name: string,
    data: JsonObject,
  ): void {
    const scope = this.#scopeFor(parentRunId);
    if (scope === undefined) return;
    const root = parentRunId === undefined || !this.#runs.has(parentRunId);
    this.#runs.set(runId, { kind, scope, started: performance.now(), root, name, data });
  }

  #end(runId: string, kind: Run['kind']): Run | undefined {
    const run = this.#runs.get(runId);
    if (run?.kind !== kind) return undefined;
    this.#runs.delete(runId);
    return run;
  }

  #recordsChain(run: Run): boolean {
    return this.#chains === 'all' || (this.#chains === 'root' && run.root);
  }

  /** Runs `fn`; a failure is reported, never thrown into LangChain. */
  #guard(where: string, fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#report('LANGCHAIN_RECORD_FAILED', error, where);
    }
  }
}

const elapsed = (run: Run): number => Math.max(0, Math.round(performance.now() - run.started));

const lastId = (serialized: Serialized | undefined): string => {
  const id = (serialized as { id?: unknown } | undefined)?.id;
  const last = Array.isArray(id) ? (id as unknown[]).at(-1) : undefined;
  return typeof last === 'string' && last !== '' ? last : 'unknown';
};

const serializedName = (serialized: Serialized | undefined): string | undefined => {
  const name = (serialized as { name?: unknown; kwargs?: { name?: unknown } } | undefined)?.kwargs
    ?.name;
  return typeof name === 'string' && name !== '' ? name : undefined;
};

/**
 * The request part of a model call: provider and model from LangSmith's `ls_*` metadata (what
 * LangChain's integrations set), the invocation parameters, the model class.
 */
function modelRequest(
  serialized: Serialized,
  extraParams: Record<string, unknown> | undefined,
  metadata: Record<string, unknown> | undefined,
  tags: string[] | undefined,
): JsonObject {
  const params = toJsonObject(extraParams?.invocation_params);
  const modelName =
    metadata?.ls_model_name ?? params.model ?? params.model_name ?? params.modelName;
  return toJsonObject({
    provider: metadata?.ls_provider,
    model: modelName,
    modelType: metadata?.ls_model_type,
    class: lastId(serialized),
    params,
    tags: tags === undefined || tags.length === 0 ? undefined : tags,
  });
}

const isMessage = (value: unknown): value is BaseMessage => BaseMessage.isInstance(value);

/** JSON replacer: a message nested in chain inputs or outputs by its plain form. */
const plainMessage = (value: object): unknown => (isMessage(value) ? toMessage(value) : undefined);

/** A message as plain JSON: its type and the fields a replay needs (no `lc_*` bookkeeping). */
function toMessage(message: BaseMessage): JsonObject {
  const m = message as BaseMessage & {
    tool_calls?: unknown;
    invalid_tool_calls?: unknown;
    usage_metadata?: unknown;
    tool_call_id?: unknown;
    artifact?: unknown;
    status?: unknown;
  };
  const empty = (value: unknown) =>
    value === undefined ||
    (Array.isArray(value) && value.length === 0) ||
    (isJsonObject(value) && Object.keys(value).length === 0);
  const optional = (value: unknown) => (empty(value) ? undefined : value);
  return toJsonObject({
    type: message.type,
    content: message.content,
    name: message.name,
    id: message.id,
    tool_calls: optional(m.tool_calls),
    invalid_tool_calls: optional(m.invalid_tool_calls),
    tool_call_id: m.tool_call_id,
    artifact: m.artifact,
    status: m.status,
    additional_kwargs: optional(message.additional_kwargs),
    response_metadata: optional(message.response_metadata),
    usage_metadata: m.usage_metadata,
  });
}

/** Token usage with OpenTelemetry GenAI names, from the message or the provider's llmOutput. */
function toUsage(output: LLMResult): JsonObject | undefined {
  let input = 0;
  let outputTokens = 0;
  let total = 0;
  let found = false;
  for (const list of output.generations) {
    for (const generation of list) {
      const message = (generation as { message?: { usage_metadata?: unknown } }).message;
      const usage = message?.usage_metadata as
        { input_tokens?: number; output_tokens?: number; total_tokens?: number } | undefined;
      if (usage === undefined) continue;
      found = true;
      input += usage.input_tokens ?? 0;
      outputTokens += usage.output_tokens ?? 0;
      total += usage.total_tokens ?? (usage.input_tokens ?? 0) + (usage.output_tokens ?? 0);
    }
  }
  if (found) return { input_tokens: input, output_tokens: outputTokens, total_tokens: total };
  const tokenUsage = (output.llmOutput as { tokenUsage?: unknown } | undefined)?.tokenUsage as
    { promptTokens?: number; completionTokens?: number; totalTokens?: number } | undefined;
  if (tokenUsage === undefined) return undefined;
  return toJsonObject({
    input_tokens: tokenUsage.promptTokens,
    output_tokens: tokenUsage.completionTokens,
    total_tokens: tokenUsage.totalTokens,
  });
}

/** Tool input: an object as is, a JSON object text parsed, anything else as `{ input }`. */
function toolArgs(input: unknown): JsonObject {
  if (typeof input === 'string') {
    try {
      const parsed: unknown = JSON.parse(input);
      if (isJsonObject(parsed)) return toJsonObject(parsed);
    } catch {
      // Not JSON: the text itself is the input.
    }
    return { input };
  }
  return toJsonObject(input);
}

/** A tool's output: a ToolMessage's content (and artifact), anything else as JSON. */
function toolResult(output: unknown): Json {
  if (isMessage(output)) {
    const message = toMessage(output);
    return message.artifact === undefined
      ? (message.content ?? null)
      : { content: message.content ?? null, artifact: message.artifact };
  }
  return toJson(output) ?? null;
}
