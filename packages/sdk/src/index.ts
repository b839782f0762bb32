/**
 * @docket/sdk — capture AI agents' decisions from inside the agent's code: `capture()` and
 * `record()` return at once; batching, retries, gzip, an on-disk spool and receipts happen off
 * the caller's path. Never throws after `createDocket()`. No runtime dependency but
 * `@docket/protocol`; `@opentelemetry/api` is used when present.
 */
export { createDocket, Docket } from './docket.js';
export type { DocketStats, Receipt, ReceiptResult } from './docket.js';
export { consider, currentDecisionId, decide, llm, reason, tool } from './context.js';
export { runInScope } from './run-scope.js';
export type { DecisionInput, RecordMeta } from './context.js';
export { SdkError } from './errors.js';
export { recordChange } from './changes.js';
export type { ChangeInput, RecordChangeOptions } from './changes.js';
export { isJsonObject, toJson, toJsonObject } from './integration/json.js';
export type { Json, JsonObject, JsonReplacer } from './integration/json.js';
export { createReporter } from './integration/reporter.js';
export type { ErrorSink, Reporter } from './integration/reporter.js';
export {
  createRedactor,
  DEFAULT_REDACTION_EXCLUDE,
  RedactionError,
  redactionMarker,
} from './redaction/index.js';
export type {
  DetectorName,
  RedactionErrorCode,
  RedactionOptions,
  Redactor,
} from './redaction/index.js';
export { resolveOptions } from './options.js';
export type { DocketOptions, ResolvedOptions } from './options.js';
export { createHttpTransport, parseRetryAfter } from './transport/http-transport.js';
export type { HttpTransportOptions } from './transport/http-transport.js';
export { createCaFetch } from './transport/ca-fetch.js';
export type { FetchInit, FetchLike } from './transport/ca-fetch.js';
export type {
  Batch,
  InclusionProof,
  ItemResult,
  ProofResult,
  SendResult,
  Transport,
} from './transport/transport.js';
export { SDK_NAME, SDK_VERSION } from './version.js';
export {
  currentReplay,
  RecordedToolError,
  replayDecision,
  requestDigest,
  wrapModel,
  wrapModelSync,
  wrapTool,
  wrapToolSync,
} from './replay/index.js';
export type {
  ModelAnswer,
  ReplayCall,
  ReplayDecisionOptions,
  ReplayDivergence,
  ReplayedDecision,
  ReplayMode,
  ReplayRecording,
  ToolWrapOptions,
} from './replay/index.js';
