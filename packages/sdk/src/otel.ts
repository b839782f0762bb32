/**
 * The active OpenTelemetry span, when `@opentelemetry/api` (an optional peer) is installed.
 * Loaded once with a guarded `require`: when it is absent, or fails, every lookup gives nothing.
 */
import { createRequire } from 'node:module';

/** The part of `@opentelemetry/api` the SDK uses. */
export interface OtelApi {
  readonly trace: {
    getActiveSpan(): { spanContext(): { traceId: string; spanId: string } } | undefined;
  };
}

/**
 * W3C Trace Context ids of the current span.
 *
 * @example
 * const ids: SpanIds = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
 */
export interface SpanIds {
  readonly traceId: string;
  readonly spanId: string;
}

let loaded: OtelApi | null | undefined;

/** `@opentelemetry/api`, or null when it is not installed. */
export function loadOtelApi(): OtelApi | null {
  if (loaded !== undefined) return loaded;
  try {
    const required: unknown = createRequire(import.meta.url)('@opentelemetry/api');
    const api = required as Partial<OtelApi> | null;
    loaded = typeof api?.trace?.getActiveSpan === 'function' ? (api as OtelApi) : null;
  } catch {
    loaded = null;
  }
  return loaded;
}

const TRACE_ID = /^(?!0{32})[0-9a-f]{32}$/;
const SPAN_ID = /^(?!0{16})[0-9a-f]{16}$/;

/**
 * The trace and span ids of the active span of `api`; undefined without a valid span (W3C Trace
 * Context §3.2.2: all-zero ids are invalid). Never throws.
 *
 * @example
 * const ids = activeSpanIds(loadOtelApi()); // { traceId, spanId } or undefined
 */
export function activeSpanIds(api: OtelApi | null): SpanIds | undefined {
  if (api === null) return undefined;
  try {
    const context = api.trace.getActiveSpan()?.spanContext();
    if (context === undefined) return undefined;
    if (!TRACE_ID.test(context.traceId) || !SPAN_ID.test(context.spanId)) return undefined;
    return { traceId: context.traceId, spanId: context.spanId };
  } catch {
    return undefined;
  }
}
