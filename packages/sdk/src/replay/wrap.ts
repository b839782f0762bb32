/**
 * The recording wrappers: `wrapTool(name, fn)` and `wrapModel(fn)` make a function's calls part
 * of the decision (`tools[]`, `llm[]`) in normal mode, and answer them from the recording in
 * replay mode. Outside a decision and outside a replay they only call `fn`: the normal path adds
 * one AsyncLocalStorage lookup and the snapshot `tool()`/`llm()` already made.
 */
import { performance } from 'node:perf_hooks';
import type { DecisionRecord, JsonValue } from '@docket/protocol';
import { llm, tool } from '../context.js';
import { currentReplay } from './session.js';

type JsonObject = NonNullable<DecisionRecord['context']>;

/**
 * Options of {@link wrapTool} and {@link wrapToolSync}.
 *
 * @example
 * const lookup = wrapToolSync('bureau.get', simulate, { duration: () => 180 });
 */
export interface ToolWrapOptions {
  /** The duration to record instead of the measured one (simulations and tests). */
  readonly duration?: () => number;
}

/**
 * What a wrapped model function returns: the response and, when known, the usage.
 *
 * @example
 * const answer: ModelAnswer = { response: completion, usage: { input_tokens: 812 } };
 */
export interface ModelAnswer {
  readonly response: JsonValue;
  readonly usage?: JsonObject;
}

const errorText = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** The error a recorded failed call is answered with (its message is the recorded one). */
export class RecordedToolError extends Error {
  override readonly name = 'RecordedToolError';
}

function recordTool(
  name: string,
  args: JsonObject,
  outcome: { result: unknown } | { error: unknown },
  duration: number,
): void {
  tool({
    name,
    args,
    ...('result' in outcome
      ? outcome.result === undefined
        ? {}
        : { result: outcome.result as JsonValue }
      : { error: errorText(outcome.error) }),
    duration,
  });
}

/** Answers a tool call from the replay session (or returns undefined: no replay). */
function replayTool(
  name: string,
  args: JsonObject,
): { readonly result: unknown } | { readonly error: string } | undefined {
  const session = currentReplay();
  if (session === undefined) return undefined;
  const recorded = session.nextTool(name, args);
  // The replayed decision records the call again, as served, so the diff can compare tools.
  tool(recorded);
  return recorded.error === undefined ? { result: recorded.result } : { error: recorded.error };
}

/**
 * Wraps a synchronous tool: each call is recorded in the current decision (name, args, result or
 * error, duration); under replay it is answered from the recording without calling `fn`.
 *
 * @example
 * const quote = wrapToolSync('pricing.quote', (args: { score: number }) => grid(args.score));
 */
export function wrapToolSync<A extends JsonObject, R>(
  name: string,
  fn: (args: A) => R,
  options: ToolWrapOptions = {},
): (args: A) => R {
  return (args: A): R => {
    const served = replayTool(name, args);
    if (served !== undefined) {
      if ('error' in served) throw new RecordedToolError(served.error);
      return served.result as R;
    }
    const start = performance.now();
    let result: R;
    try {
      result = fn(args);
    } catch (error) {
      recordTool(name, args, { error }, options.duration?.() ?? performance.now() - start);
      throw error;
    }
    recordTool(name, args, { result }, options.duration?.() ?? performance.now() - start);
    return result;
  };
}

/**
 * Wraps an async tool: like {@link wrapToolSync}, for a function returning a promise.
 *
 * @example
 * const getReport = wrapTool('credit_bureau.get_report', (args: { id: string }) => bureau.get(args.id));
 * const report = await getReport({ id: 'A1' });
 */
export function wrapTool<A extends JsonObject, R>(
  name: string,
  fn: (args: A) => Promise<R> | R,
  options: ToolWrapOptions = {},
): (args: A) => Promise<R> {
  return async (args: A): Promise<R> => {
    const served = replayTool(name, args);
    if (served !== undefined) {
      if ('error' in served) throw new RecordedToolError(served.error);
      return served.result as R;
    }
    const start = performance.now();
    let result: R;
    try {
      result = await fn(args);
    } catch (error) {
      recordTool(name, args, { error }, options.duration?.() ?? performance.now() - start);
      throw error;
    }
    recordTool(name, args, { result }, options.duration?.() ?? performance.now() - start);
    return result;
  };
}

/** Answers a model call from the replay session in lockdown (undefined: call the model). */
function replayModel(request: JsonObject): ModelAnswer | undefined {
  const session = currentReplay();
  if (session === undefined || session.mode !== 'lockdown') return undefined;
  const recorded = session.nextLlm(request);
  llm(recorded);
  return {
    response: recorded.response ?? null,
    ...(recorded.usage === undefined ? {} : { usage: recorded.usage }),
  };
}

function recordModel(request: JsonObject, answer: ModelAnswer): void {
  llm({
    request,
    response: answer.response,
    ...(answer.usage === undefined ? {} : { usage: answer.usage }),
  });
}

/**
 * Wraps a synchronous model call: `fn(request)` returns the response (and usage); each call is
 * recorded in `llm[]`. Under a lockdown replay it is answered from the recording; under a
 * counterfactual replay `fn` is called live.
 *
 * @example
 * const complete = wrapModelSync((request) => ({ response: simulate(request) }));
 */
export function wrapModelSync<Q extends JsonObject>(
  fn: (request: Q) => ModelAnswer,
): (request: Q) => ModelAnswer {
  return (request: Q): ModelAnswer => {
    const served = replayModel(request);
    if (served !== undefined) return served;
    const answer = fn(request);
    recordModel(request, answer);
    return answer;
  };
}

/**
 * Wraps an async model call: like {@link wrapModelSync}, for a function returning a promise.
 *
 * @example
 * const complete = wrapModel(async (request) => ({ response: await openai.chat.completions.create(request) }));
 */
export function wrapModel<Q extends JsonObject>(
  fn: (request: Q) => Promise<ModelAnswer> | ModelAnswer,
): (request: Q) => Promise<ModelAnswer> {
  return async (request: Q): Promise<ModelAnswer> => {
    const served = replayModel(request);
    if (served !== undefined) return served;
    const answer = await fn(request);
    recordModel(request, answer);
    return answer;
  };
}
