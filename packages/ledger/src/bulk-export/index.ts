/** Bulk export of decisions (`docket.export/v1` JSON Lines or CSV), streamed in index order. */
export { csvCell, csvHeader, csvRow, CSV_COLUMNS } from './csv.js';
export { exportRecords, exportText } from './records.js';
export type { ExportLine, ExportOptions, ExportSource } from './records.js';
export { normalizeSelection, parseSelection } from './selection.js';
