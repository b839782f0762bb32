/**
 * @docket/otel — Docket decisions in OpenTelemetry traces: `withDecisionSpan()` (an
 * `invoke_agent` span per decision with `docket.decision.id`, `gen_ai.*` attributes and the leaf
 * hash once the receipt arrives) and `DocketSpanProcessor` (tags every span started inside a
 * decision). The SDK already fills `correlation.traceId/spanId` from the active span.
 */
export { DOCKET_ATTRIBUTES, GEN_AI_ATTRIBUTES, toGenAiAttributes } from './attributes.js';
export { receiptAttributes, TRACER_NAME, withDecisionSpan } from './decision-span.js';
export type { DecisionRecorder, DecisionSpanOptions } from './decision-span.js';
export { DocketSpanProcessor } from './span-processor.js';
