/**
 * `withDecisionSpan()`: one `invoke_agent` span per decision, so tracing tools show where the
 * proof lives. The decision id is made before the span starts, so the span carries
 * `docket.decision.id` from its start (with the GenAI attributes the conventions ask for at
 * creation time) and the decision's `correlation.traceId/spanId` point at this span.
 *
 * The leaf hash exists only once the ledger has sequenced the record (`docket.receipt(id)`,
 * up to a flush interval after the decision ends), and an ended span cannot take attributes.
 * Two ways, chosen by `receipt`:
 *  - `"span"` (default): the decision span ends with the decision; when the receipt arrives, a
 *    short child span `docket.receipt` is emitted in the same trace with the decision id, leaf
 *    hash, leaf index, tree size and checkpoint origin. The decision span's timing stays true.
 *  - `"attribute"`: the decision span stays open (in the background; the caller is never held)
 *    until the receipt arrives, which sets the leaf hash on the decision span itself. Its
 *    duration then includes the sequencing delay.
 *  - `"none"`: no receipt is fetched.
 * A receipt needs a key that may read proofs (the SDK's `readKey`); with an ingest key alone the
 * receipt span carries `docket.receipt.error.code` = RECEIPT_FORBIDDEN instead.
 */
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, Span, Tracer } from '@opentelemetry/api';
import { createUuidV7 } from '@docket/protocol';
import { SdkError } from '@docket/sdk';
import type { Docket, ReceiptResult, RecordMeta } from '@docket/sdk';
import { DOCKET_ATTRIBUTES, toGenAiAttributes } from './attributes.js';

/** The tracer name (instrumentation scope) of this package. */
export const TRACER_NAME = '@docket/otel';

/**
 * What `withDecisionSpan` needs of a Docket client.
 *
 * @example
 * const recorder: DecisionRecorder = createDocket({ url, apiKey, readKey });
 */
export type DecisionRecorder = Pick<Docket, 'record' | 'receipt' | 'report'>;

/**
 * Options of {@link withDecisionSpan}.
 *
 * @example
 * const options: DecisionSpanOptions = { receipt: 'span', onReceipt: (r) => r.ok && save(r.receipt) };
 */
export interface DecisionSpanOptions {
  /** Tracer to use (default: the global provider's tracer `@docket/otel`). */
  readonly tracer?: Tracer;
  /** Span name (default `invoke_agent {agent.id}`, as the GenAI agent span conventions name it). */
  readonly spanName?: string;
  /** More attributes for the decision span. */
  readonly attributes?: Attributes;
  /** Where the leaf hash goes (see the module comment); default `"span"`. */
  readonly receipt?: 'span' | 'attribute' | 'none';
  /** How long to wait for the receipt, in ms (default 30000). */
  readonly receiptTimeoutMs?: number;
  /** Called with the receipt result once it is known (never with `receipt: "none"`). */
  readonly onReceipt?: (result: ReceiptResult) => void;
}

/**
 * Runs `fn` as `docket.record(meta, fn)` inside a new active span for the decision and returns
 * its result unchanged (its error is rethrown unchanged, and marks the span). Tracing failures
 * go to `docket.report`; they never reach the host.
 *
 * @example
 * const answer = await withDecisionSpan(docket, { agent: { id: 'underwriter', version: '2.3.1' } }, async () => {
 *   decide('approve', 0.9);
 *   return 'approved';
 * });
 */
export function withDecisionSpan<T>(
  docket: DecisionRecorder,
  meta: RecordMeta,
  fn: () => T,
  options: DecisionSpanOptions = {},
): T {
  let id: string;
  let span: Span;
  let tracer: Tracer;
  try {
    id = meta.id ?? createUuidV7();
    tracer = options.tracer ?? trace.getTracer(TRACER_NAME);
    span = tracer.startSpan(options.spanName ?? `invoke_agent ${meta.agent.id}`, {
      kind: SpanKind.INTERNAL,
      attributes: {
        ...toGenAiAttributes(meta),
        [DOCKET_ATTRIBUTES.decisionId]: id,
        ...options.attributes,
      },
    });
  } catch (error) {
    report(docket, error, 'start');
    return docket.record(meta, fn);
  }

  const settle = (failed: boolean, error: unknown): void => {
    try {
      if (failed) {
        const name = error instanceof Error ? error.name : 'Error';
        span.setAttribute('error.type', name);
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        if (error instanceof Error) span.recordException(error);
      }
      span.addEvent('docket.decision.recorded', { [DOCKET_ATTRIBUTES.decisionId]: id });
      attachReceipt(docket, tracer, span, id, options);
    } catch (caught) {
      report(docket, caught, 'end');
    }
  };

  let result: T;
  try {
    result = context.with(trace.setSpan(context.active(), span), () =>
      docket.record({ ...meta, id }, fn),
    );
  } catch (error) {
    settle(true, error);
    throw error;
  }
  if (isPromiseLike(result)) {
    return result.then(
      (value) => {
        settle(false, undefined);
        return value;
      },
      (error: unknown) => {
        settle(true, error);
        throw error;
      },
    ) as T;
  }
  settle(false, undefined);
  return result;
}

/** Ends the decision span and puts the receipt where `options.receipt` says. */
function attachReceipt(
  docket: DecisionRecorder,
  tracer: Tracer,
  span: Span,
  id: string,
  options: DecisionSpanOptions,
): void {
  const mode = options.receipt ?? 'span';
  if (mode !== 'attribute') span.end();
  if (mode === 'none') return;
  void docket.receipt(id, { timeoutMs: options.receiptTimeoutMs ?? 30_000 }).then((result) => {
    try {
      const attributes = receiptAttributes(id, result);
      if (mode === 'attribute') {
        span.setAttributes(attributes);
        span.end();
      } else {
        // A child of the (ended) decision span, in the same trace: late children are normal
        // in OpenTelemetry (the parent is named by its span context, not held open).
        const parent = trace.setSpan(ROOT_CONTEXT, span);
        const child = tracer.startSpan(
          'docket.receipt',
          { kind: SpanKind.INTERNAL, attributes },
          parent,
        );
        if (!result.ok)
          child.setStatus({ code: SpanStatusCode.ERROR, message: result.error.message });
        child.end();
      }
      options.onReceipt?.(result);
    } catch (error) {
      report(docket, error, 'receipt');
    }
  });
}

/**
 * The receipt as span attributes (`docket.receipt.*`), or its error code.
 *
 * @example
 * span.setAttributes(receiptAttributes(id, await docket.receipt(id)));
 */
export function receiptAttributes(id: string, result: ReceiptResult): Attributes {
  if (!result.ok) {
    return {
      [DOCKET_ATTRIBUTES.decisionId]: id,
      [DOCKET_ATTRIBUTES.receiptError]: result.error.code,
    };
  }
  const { leafHash, index, treeSize, checkpoint } = result.receipt;
  const origin = checkpoint?.split('\n', 1)[0];
  return {
    [DOCKET_ATTRIBUTES.decisionId]: id,
    [DOCKET_ATTRIBUTES.leafHash]: leafHash,
    [DOCKET_ATTRIBUTES.leafIndex]: index,
    [DOCKET_ATTRIBUTES.treeSize]: treeSize,
    ...(origin === undefined || origin === ''
      ? {}
      : { [DOCKET_ATTRIBUTES.checkpointOrigin]: origin }),
  };
}

function report(docket: DecisionRecorder, error: unknown, where: string): void {
  try {
    const message = error instanceof Error ? error.message : String(error);
    docket.report(
      new SdkError('OTEL_SPAN_FAILED', `@docket/otel: ${message}`, { where, cause: error }),
    );
  } catch {
    // Reporting must never reach the host.
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
