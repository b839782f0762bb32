/**
 * `@docket/protocol/wire`: the shapes that cross a process boundary (API views, receipts, leaf
 * envelopes, evidence bundles, checkpoints, the decision record), declared once. Types only, no
 * runtime code and no Node types, so browser code imports it with `import type` and nothing of
 * this package reaches its output (scripts/check-imports.mjs enforces the `import type`).
 */
export type { DecisionRecord } from '../decision/types.js';
export type { JsonObject, JsonValue } from '../decision/json-value.js';
export type {
  BundleErasure,
  Checkpoint,
  DisclosedField,
  EvidenceBundle,
  LeafEnvelope,
} from './evidence.js';
export type {
  DecisionView,
  EntriesPage,
  EntryView,
  ErasureView,
  InclusionProof,
  LogEntry,
  LogInfo,
  LogView,
  Receipt,
} from './views.js';
export type {
  ExportEvent,
  ExportHeader,
  ExportProof,
  ExportRecord,
  ExportSelection,
  ExportTrailer,
  ExportFinalOutcome,
} from './export.js';
export type {
  DecisionListPage,
  DecisionSummary,
  FinalOutcome,
  StatsCountView,
  StatsView,
} from './stats.js';
