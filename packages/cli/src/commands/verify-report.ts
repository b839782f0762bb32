import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { checkComplianceReport, COMPLIANCE_REPORT_FORMAT, fromReportPdf } from '@docket/ledger';
import { parseStrictJson } from '@docket/protocol';
import { EXIT } from '../exit-codes.js';
import { formatIssue, n } from '../output.js';
import type { Io } from '../output.js';

/** Whether a parsed file is a compliance report (else it is read as an evidence bundle). */
export function isComplianceReport(value: unknown): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<string, unknown>)['format'] === COMPLIANCE_REPORT_FORMAT
  );
}

/**
 * `docket verify REPORT.json --key VKEY`: re-derives every claim of a compliance report from its
 * embedded evidence; exit 1 naming each claim that differs.
 */
export function verifyReport(
  file: string,
  value: unknown,
  vkey: string,
  json: boolean,
  io: Io,
): number {
  const result = checkComplianceReport(value, vkey);
  if (json) {
    io.out(`${JSON.stringify(result)}\n`);
  } else {
    io.out(`report ${file} (${result.type ?? '?'}, evidence ${result.level ?? '?'})\n`);
    io.out(
      `  population ${n(result.population)} entries · claims re-derived ${n(result.claimsRecomputed)} · cited records proven ${n(result.recordsChecked)}\n`,
    );
    if (result.level === 'cited') {
      io.out(
        '  cited evidence: the cited records are proven; counts over the period are not recomputable\n',
      );
    }
    for (const issue of result.issues) io.out(`${formatIssue(issue)}\n`);
    io.out(result.ok ? 'OK: the report verifies\n' : `FAILED: ${n(result.issues.length)} issues\n`);
  }
  return result.ok ? EXIT.ok : EXIT.issues;
}

/** Whether a file is a PDF (its first bytes are `%PDF-`, ISO 32000-1 §7.5.2). */
export function isPdfFile(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(5);
    return readSync(fd, head, 0, 5, 0) === 5 && head.toString('latin1') === '%PDF-';
  } finally {
    closeSync(fd);
  }
}

/**
 * `docket verify REPORT.pdf --key VKEY`: takes the JSON report attached to the PDF (pdf-lib reads
 * the embedded file) and checks it exactly like a JSON report. A PDF without the attachment is
 * `REPORT_PDF_INVALID` (exit 1).
 */
export async function verifyReportPdf(
  file: string,
  vkey: string,
  json: boolean,
  io: Io,
): Promise<number> {
  const attached = await fromReportPdf(readFileSync(file));
  return verifyReport(file, parseStrictJson(attached), vkey, json, io);
}
