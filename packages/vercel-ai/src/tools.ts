/**
 * `recordTools()`: wraps the `execute` of AI SDK tools so that each call made inside
 * `docket.record()` becomes a `tools[]` entry with its arguments, result or error and duration.
 */
import type { ToolSet } from 'ai';
import { currentDecisionId, tool } from '@docket/sdk';
import { markToolCallRecorded } from './recorded.js';
import { createReporter, toJson, toJsonObject } from '@docket/sdk';
import type { ErrorSink } from '@docket/sdk';

/**
 * Options of {@link recordTools}.
 *
 * @example
 * const options: RecordToolsOptions = { docket };
 */
export interface RecordToolsOptions {
  /** Where recording failures go (`docket.report`, i.e. the SDK's `onError`). */
  readonly docket?: ErrorSink;
}

type Execute = (input: unknown, options: { toolCallId: string }) => unknown;

/**
 * The same tools, each `execute` wrapped to record its call into the current decision (outside a
 * decision it only calls through). Results and errors reach the AI SDK unchanged; a streaming
 * tool (an async iterable result) is passed through and left to the middleware to record.
 *
 * @example
 * const tools = recordTools({ creditReport: tool({ inputSchema, execute: fetchReport }) }, { docket });
 * await docket.record({ agent }, () => generateText({ model, tools, prompt }));
 */
export function recordTools<TOOLS extends ToolSet>(
  tools: TOOLS,
  options: RecordToolsOptions = {},
): TOOLS {
  const report = createReporter(options.docket, '@docket/vercel-ai');
  const out: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(tools)) {
    const execute = (definition as { execute?: Execute }).execute;
    if (typeof execute !== 'function') {
      out[name] = definition;
      continue;
    }
    const wrapped: Execute = (input, callOptions) => {
      const decisionId = currentDecisionId();
      if (decisionId === undefined) return execute(input, callOptions);
      const started = performance.now();
      const record = (outcome: { result?: unknown; error?: unknown }) => {
        try {
          const toolCallId = callOptions.toolCallId;
          if (typeof toolCallId === 'string' && !markToolCallRecorded(decisionId, toolCallId))
            return;
          const duration = Math.max(0, performance.now() - started);
          tool({
            name,
            args: toJsonObject(input),
            ...('error' in outcome
              ? { error: errorText(outcome.error) }
              : { result: toJson(outcome.result) ?? null }),
            duration,
          });
        } catch (error) {
          report('VERCEL_AI_RECORD_FAILED', error, `tool ${name}`);
        }
      };
      let result: unknown;
      try {
        result = execute(input, callOptions);
      } catch (error) {
        record({ error });
        throw error;
      }
      if (isAsyncIterable(result)) return result;
      if (isPromiseLike(result)) {
        return Promise.resolve(result).then(
          (value) => {
            record({ result: value });
            return value;
          },
          (error: unknown) => {
            record({ error });
            throw error;
          },
        );
      }
      record({ result });
      return result;
    };
    out[name] = { ...definition, execute: wrapped };
  }
  return out as TOOLS;
}

const errorText = (error: unknown): string => {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 16_384 ? `${text.slice(0, 16_381)}...` : text;
};

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  (typeof value === 'object' || typeof value === 'function') &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function';

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function';
