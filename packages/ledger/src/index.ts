/**
 * @docket/ledger — the ledger service over a store: the sequencer (pool → flush → one signed
 * checkpoint), the key ring (pseudonyms, subject data keys), erasure, receipts, evidence export and
 * the full audit.
 */
export { auditDataDir, MAX_EXPLAINED_GAPS } from './audit.js';
export { checkProducerSeqs, reportedGapsOf } from './producer-seqs.js';
export type { ProducerSeqCheck, ReportedGap } from './producer-seqs.js';
export { describeLog } from './describe.js';
export type { AuditOptions, AuditReport, ExplainedGap } from './audit.js';
export { CheckpointSigner } from './checkpoint-signer.js';
export {
  dataDirPaths,
  generateLogKey,
  readLogKey,
  readLogVkey,
  readMasterKey,
} from './data-dir.js';
export type { DataDirPaths } from './data-dir.js';
export { LedgerError } from './errors.js';
export { KeyRing } from './keyring.js';
export { Ledger, openLedger } from './ledger.js';
export type {
  AppendResult,
  DecisionQuery,
  DecisionStatsQuery,
  EraseResult,
  Erasure,
  EventInput,
  InclusionProof,
  LogInfo,
  ReadEntry,
  Receipt,
  RecordedChange,
} from './ledger.js';
export { pgUrlOf, resolveLedgerOptions } from './options.js';
export { cutoffOf, parseDuration } from './retention/duration.js';
export type { Duration } from './retention/duration.js';
export type { HoldList, HoldTarget, LegalHold } from './retention/holds.js';
export type { RetentionInput, RetentionPolicy } from './retention/policies.js';
export type { PurgeBatch, PurgeKept, PurgeOptions, PurgeReport } from './retention/purge.js';
export {
  assertTenantName,
  DEFAULT_TENANT,
  listTenantLogs,
  tenantLogs,
  tenantOrigin,
} from './tenant-logs.js';
export type { LogLocation } from './tenant-logs.js';
export { proveConsistency, proveInclusion, storeRootAt } from './store-proofs.js';
export type { FlushListener, LedgerOptions, ResolvedLedgerOptions } from './options.js';
export {
  csvHeader,
  csvRow,
  CSV_COLUMNS,
  exportText,
  normalizeSelection,
  parseSelection,
} from './bulk-export/index.js';
export type { ExportLine, ExportOptions } from './bulk-export/index.js';
export { checkComplianceReport } from './reports/verify.js';
export type { ReportCheck } from './reports/verify.js';
export { createComplianceReport, readRecordedReport, reportDigest } from './reports/generate.js';
export type { PinnedReport, ReportOptions, ReportRequest } from './reports/generate.js';
export { COMPLIANCE_REPORT_FORMAT, REPORT_TYPES } from './reports/format.js';
export type {
  Claim,
  ClaimStatus,
  ComplianceReport,
  EvidenceLevel,
  ReportEvidence,
  ReportParams,
  ReportSection,
  ReportType,
} from './reports/format.js';
export type { ComplianceReportEntry } from './reports/entry.js';
export { toReportHtml } from './reports/html.js';
export { fromReportPdf, REPORT_PDF_ATTACHMENT, toReportPdf } from './reports/pdf.js';
export { hammingHex, simHash, tokenize, toDriftFeatures } from './drift/features.js';
export type { DriftFeatures } from './drift/features.js';
export type { FeatureCatchUp, FeatureEntry } from './drift/feature-index.js';
export { createDriftReport, pairDecisions } from './drift/report.js';
export type {
  DecisionPair,
  DriftOptions,
  DriftReport,
  DriftSignal,
  DriftVerdict,
  FieldDiff,
  IndexedFeatures,
  PairOptions,
  SignalKind,
} from './drift/report.js';
export { formatPopulation, parsePopulation, runDrift } from './drift/query.js';
export type { DriftQuery, DriftResult, Population } from './drift/query.js';
export { createSyntheticPopulation } from './drift/synthetic.js';
export type { InjectedChange } from './drift/synthetic.js';
export {
  benjaminiHochberg,
  chiSquare,
  domainClassifier,
  jensenShannon,
  ksTwoSample,
  psi,
  psiBand,
  rocAuc,
  wassersteinNormed,
} from './drift/stats.js';
export type { DomainClassifierResult, SeparatingTerm, TestResult } from './drift/stats.js';
export { BACKUP_FORMAT, backupDataDir, restoreDataDir, toBackupManifest } from './backup/index.js';
export type { BackupFile, BackupManifest, BackupOptions } from './backup/index.js';
