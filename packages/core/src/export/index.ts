/** Offline checking of bulk exports (`docket.export/v1`) and the final outcome they state. */
export { createExportChecker, EXPORT_FORMAT } from './check.js';
export type { ExportCheck, ExportChecker } from './check.js';
export { finalOutcomeOf } from './final-outcome.js';
