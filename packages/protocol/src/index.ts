/**
 * @docket/protocol — the wire contract: decision record v1 (schema, types, validation),
 * strict I-JSON parsing and RFC 8785 canonical JSON, UUIDv7, the error base, and the wire types
 * (API views, receipts, leaf envelopes, bundles, checkpoints; also at `@docket/protocol/wire`).
 * No runtime dependencies.
 */
export { DocketError, ProtocolError, toCheckResult } from './errors.js';
export type { CheckResult, DocketErrorOptions, Issue } from './errors.js';
export {
  ERROR_CODES,
  errorCodeOr,
  EXIT_CODES,
  exitCodeOf,
  httpStatusOf,
  isErrorCode,
} from './errors-catalogue.js';
export type { ErrorCode, ErrorCodeEntry } from './errors-catalogue.js';
export { canonicalBytes, canonicalize, MAX_JSON_DEPTH, parseStrictJson } from './json/index.js';
export type { CanonicalizeOptions } from './json/index.js';
export {
  assertDecision,
  checkDecision,
  DECISION_SCHEMA_V1,
  DecisionInvalidError,
  decisionSchemaV1,
  sampleDecision,
} from './decision/index.js';
export type {
  CheckDecisionResult,
  DecisionRecord,
  JsonValue,
  SampleDecisionOverrides,
} from './decision/index.js';
export {
  assertProducerReport,
  checkProducerReport,
  PRODUCER_REPORT_SCHEMA_V1,
  ProducerReportInvalidError,
  toSeqRanges,
} from './producer/index.js';
export type { ProducerLosses, ProducerReport } from './producer/index.js';
export {
  assertChangeRecord,
  ChangeInvalidError,
  CHANGE_SCHEMA_V1,
  checkChangeRecord,
} from './change/index.js';
export type { ChangeRecord } from './change/index.js';
export type {
  BundleErasure,
  Checkpoint,
  DecisionView,
  DisclosedField,
  EntriesPage,
  EntryView,
  ErasureView,
  EvidenceBundle,
  ExportEvent,
  ExportHeader,
  ExportProof,
  ExportRecord,
  ExportSelection,
  ExportFinalOutcome,
  ExportTrailer,
  InclusionProof,
  LeafEnvelope,
  LogEntry,
  LogInfo,
  LogView,
  Receipt,
} from './wire/index.js';
export type {
  DecisionListPage,
  DecisionSummary,
  FinalOutcome,
  StatsCountView,
  StatsView,
} from './wire/index.js';
export { createUuidV7, isUuidV7, uuidV7Timestamp } from './uuid/index.js';
