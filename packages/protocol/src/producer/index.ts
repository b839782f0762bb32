/** The producer report: losses a producer owns up to, as a ledger entry. */
export {
  assertProducerReport,
  checkProducerReport,
  PRODUCER_REPORT_SCHEMA_V1,
  ProducerReportInvalidError,
} from './report.js';
export { toSeqRanges } from './ranges.js';
export type { ProducerLosses, ProducerReport } from './report.js';
