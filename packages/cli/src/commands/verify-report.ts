import { checkComplianceReport, COMPLIANCE_REPORT_FORMAT } from '@docket/ledger';
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
