/**
 * The decision context of `docket.record()`: an AsyncLocalStorage scope in which the agent's code
 * (and integrations) add alternatives, reasoning steps, tool and model calls and the outcome.
 * Each addition is snapshotted when it is made; outside a decision the helpers do nothing.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DecisionRecord } from '@docket/protocol';
import { createUuidV7 } from '@docket/protocol';
import { SdkError, toSdkError } from './errors.js';

/**
 * What `capture()` takes: a v1 record without the fields the SDK fills (`schema`, `producer`);
 * `id` (UUIDv7) and `ts` are made when absent.
 *
 * @example
 * const input: DecisionInput = { agent: { id: 'underwriter', version: '2.3.1' }, outcome: { action: 'approve' } };
 */
export type DecisionInput = Omit<DecisionRecord, 'id' | 'schema' | 'ts' | 'producer'> & {
  readonly id?: string;
  readonly ts?: string;
};

/**
 * What `record()` takes: a decision input whose outcome may come later from `decide()`.
 *
 * @example
 * const meta: RecordMeta = { agent: { id: 'underwriter', version: '2.3.1' }, goal: 'Approve LA-1?' };
 */
export type RecordMeta = Omit<DecisionInput, 'outcome'> & { readonly outcome?: DecisionOutcome };

/** Where a finished decision goes (the Docket instance). */
export interface DecisionSink {
  capture(decision: DecisionInput): string;
  report(error: SdkError): void;
}

/** A decision being recorded. */
interface ActiveDecision {
  readonly id: string;
  readonly sink: DecisionSink;
  readonly alternatives: DecisionAlternative[];
  readonly reasoning: (string | DecisionReasoningStep)[];
  readonly tools: DecisionToolCall[];
  readonly llm: DecisionLlmCall[];
  outcome: DecisionOutcome | undefined;
  confidence: number | undefined;
  /** Lists that reached the schema's limit (reported once each). */
  readonly full: Set<string>;
}

// The record's part types, derived from DecisionRecord (the protocol package exports the record).
type DecisionAlternative = NonNullable<DecisionRecord['alternatives']>[number];
type DecisionReasoningStep = Exclude<
  Extract<DecisionRecord['reasoning'], readonly unknown[]>[number],
  string
>;
type DecisionToolCall = NonNullable<DecisionRecord['tools']>[number];
type DecisionLlmCall = NonNullable<DecisionRecord['llm']>[number];
type DecisionOutcome = DecisionRecord['outcome'];
type JsonObject = NonNullable<DecisionRecord['context']>;

const storage = new AsyncLocalStorage<ActiveDecision>();

/** The record schema's `maxItems` of alternatives, reasoning, tools and llm. */
export const MAX_CONTEXT_ITEMS = 1000;

/**
 * Pushes onto one of the decision's lists unless it is full: a record over the schema's limit
 * would be refused whole, so later items are left out and reported once (`CONTEXT_LIMIT`).
 */
function pushCapped<T>(active: ActiveDecision, what: string, list: T[], item: T): void {
  if (list.length < MAX_CONTEXT_ITEMS) {
    list.push(item);
    return;
  }
  if (active.full.has(what)) return;
  active.full.add(what);
  active.sink.report(
    new SdkError(
      'CONTEXT_LIMIT',
      `${what}(): decision ${active.id} already has ${MAX_CONTEXT_ITEMS}; later ones are left out of the record`,
      { where: what },
    ),
  );
}

/** Adds a snapshot of `value` to the active decision; false outside a decision. */
function add<T>(what: string, value: T, push: (active: ActiveDecision, copy: T) => void): boolean {
  const active = storage.getStore();
  if (active === undefined) return false;
  try {
    push(active, structuredClone(value));
    return true;
  } catch (error) {
    active.sink.report(
      toSdkError('CONTEXT_INVALID', error, `${what}() could not snapshot its argument`),
    );
    return false;
  }
}

/**
 * Records an option the agent considered. Returns false (and does nothing) outside `record()`.
 *
 * @example
 * consider({ action: 'decline', score: 0.11, reason: 'DTI above limit' });
 */
export function consider(alternative: DecisionAlternative): boolean {
  return add('consider', alternative, (a, copy) => {
    pushCapped(a, 'consider', a.alternatives, copy);
  });
}

/**
 * Records one reasoning step (a text or a structured step).
 *
 * @example
 * reason({ kind: 'rule', text: 'DTI 0.31 is under 0.43' });
 */
export function reason(step: string | DecisionReasoningStep): boolean {
  return add('reason', step, (a, copy) => {
    pushCapped(a, 'reason', a.reasoning, copy);
  });
}

/**
 * Records one tool call with its I/O (what replay serves back).
 *
 * @example
 * tool({ name: 'credit_bureau.get_report', args: { id: 'A1' }, result: report, duration: 184 });
 */
export function tool(call: DecisionToolCall): boolean {
  return add('tool', call, (a, copy) => {
    pushCapped(a, 'tool', a.tools, copy);
  });
}

/**
 * Records one model call with its request, response and usage.
 *
 * @example
 * llm({ request: { model: 'gpt-4o', messages }, response: completion, usage: { input_tokens: 812 } });
 */
export function llm(call: DecisionLlmCall): boolean {
  return add('llm', call, (a, copy) => {
    pushCapped(a, 'llm', a.llm, copy);
  });
}

/**
 * Sets the outcome (an action name or a full outcome) and optionally the confidence (0–1).
 *
 * @example
 * decide({ action: 'approve', value: { amount: 25000 } }, 0.82);
 */
export function decide(outcome: DecisionOutcome | string, confidence?: number): boolean {
  const value = typeof outcome === 'string' ? { action: outcome } : outcome;
  return add('decide', value, (a, copy) => {
    a.outcome = copy;
    if (confidence !== undefined) a.confidence = confidence;
  });
}

/**
 * The id of the decision being recorded (for links and integrations), or undefined.
 *
 * @example
 * const parent = currentDecisionId();
 */
export function currentDecisionId(): string | undefined {
  return storage.getStore()?.id;
}

const errorSummary = (error: unknown): JsonObject =>
  error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'NonError', message: String(error) };

/** Builds the finished decision and hands it to the sink; never throws. */
function finish(active: ActiveDecision, meta: RecordMeta, failed: boolean, error: unknown): void {
  try {
    const outcome =
      active.outcome ??
      meta.outcome ??
      (failed ? { action: 'error', value: errorSummary(error) } : { action: 'completed' });
    const reasoning =
      active.reasoning.length === 0
        ? meta.reasoning
        : [
            ...(typeof meta.reasoning === 'string' ? [meta.reasoning] : (meta.reasoning ?? [])),
            ...active.reasoning,
          ];
    const decision: DecisionInput = {
      ...meta,
      id: active.id,
      outcome,
      ...(active.confidence === undefined ? {} : { confidence: active.confidence }),
      ...(active.alternatives.length === 0
        ? {}
        : { alternatives: [...(meta.alternatives ?? []), ...active.alternatives] }),
      ...(reasoning === undefined ? {} : { reasoning }),
      ...(active.tools.length === 0 ? {} : { tools: [...(meta.tools ?? []), ...active.tools] }),
      ...(active.llm.length === 0 ? {} : { llm: [...(meta.llm ?? []), ...active.llm] }),
      ...(failed ? { metadata: { ...meta.metadata, error: errorSummary(error) } } : {}),
    };
    active.sink.capture(decision);
  } catch (caught) {
    active.sink.report(
      toSdkError('RECORD_FAILED', caught, 'record() could not build its decision'),
    );
  }
}

/**
 * Runs `fn` inside a new decision context and captures the decision when it settles. The result
 * of `fn` (or its promise) resolves unchanged; its error is rethrown unchanged after being
 * recorded (`metadata.error`, and outcome `error` unless `decide()` was called).
 *
 * @example
 * const answer = runDecision(sink, { agent }, () => agent.run(input));
 */
export function runDecision<T>(sink: DecisionSink, meta: RecordMeta, fn: () => T): T {
  let snapshot: RecordMeta;
  try {
    snapshot = structuredClone(meta);
  } catch (error) {
    sink.report(toSdkError('RECORD_FAILED', error, 'record() could not snapshot its meta'));
    return fn();
  }
  const parent = storage.getStore()?.id;
  if (parent !== undefined && snapshot.correlation?.parentDecisionId === undefined) {
    snapshot = { ...snapshot, correlation: { ...snapshot.correlation, parentDecisionId: parent } };
  }
  const active: ActiveDecision = {
    id: snapshot.id ?? createUuidV7(),
    sink,
    alternatives: [],
    reasoning: [],
    tools: [],
    llm: [],
    full: new Set(),
    outcome: undefined,
    confidence: undefined,
  };
  return storage.run(active, () => {
    let result: T;
    try {
      result = fn();
    } catch (error) {
      finish(active, snapshot, true, error);
      throw error;
    }
    if (isPromiseLike(result)) {
      return result.then(
        (value) => {
          finish(active, snapshot, false, undefined);
          return value;
        },
        (error: unknown) => {
          finish(active, snapshot, true, error);
          throw error;
        },
      ) as T;
    }
    finish(active, snapshot, false, undefined);
    return result;
  });
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
