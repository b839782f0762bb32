/**
 * `DocketSpanProcessor`: every span started inside `docket.record()` gets `docket.decision.id`,
 * whoever starts it (the AI SDK's telemetry, an HTTP client instrumentation, the agent's own
 * spans), so a trace view leads from any of them to the decision and its proof.
 */
import type { Attributes, Context, Span } from '@opentelemetry/api';
import { currentDecisionId } from '@docket/sdk';
import { DOCKET_ATTRIBUTES } from './attributes.js';

/**
 * A SpanProcessor (structurally the one of `@opentelemetry/sdk-trace-base`) that tags spans
 * started inside a decision. It only sets an attribute at start; it exports nothing. A span that
 * already names its decision (the `withDecisionSpan` span) is left as it is.
 *
 * @example
 * const provider = new BasicTracerProvider({
 *   spanProcessors: [new DocketSpanProcessor(), new BatchSpanProcessor(exporter)],
 * });
 */
export class DocketSpanProcessor {
  /** Tags `span` with the current decision's id, if there is one. Never throws. */
  onStart(span: Span, _parentContext: Context): void {
    try {
      const id = currentDecisionId();
      if (id === undefined) return;
      const attributes = (span as Span & { attributes?: Attributes }).attributes;
      if (attributes?.[DOCKET_ATTRIBUTES.decisionId] !== undefined) return;
      span.setAttribute(DOCKET_ATTRIBUTES.decisionId, id);
    } catch {
      // A tracing hook must never break the traced code.
    }
  }

  /** Nothing to do when a span ends. */
  onEnd(_span: unknown): void {
    // The attribute was set at start; spans are exported by the other processors.
  }

  /** Nothing is buffered. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Nothing to release. */
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
