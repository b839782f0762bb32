import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createUuidV7, DocketError, sampleDecision } from '@docket/protocol';
import { openLedger } from '../ledger.js';
import { createComplianceReport } from './generate.js';
import { fromReportPdf, toReportPdf } from './pdf.js';
import { checkComplianceReport } from './verify.js';

test('the PDF carries the JSON report as report.json, byte for byte, and verifies', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-report-pdf-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const ledger = await openLedger({ dataDir: dir, create: true });
  for (let seq = 0; seq < 3; seq++) {
    await ledger.append(
      sampleDecision({
        id: createUuidV7(),
        ts: new Date().toISOString(),
        subject: { id: `app-${seq}`, type: 'loan_applicant' },
        producer: { id: 'w', seq },
      }),
    );
  }
  await ledger.flush();
  const report = await createComplianceReport(ledger, { type: 'integrity' }, { record: false });
  const vkey = ledger.vkey;
  await ledger.close();
  const pdf = await toReportPdf(report);
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  const attached = await fromReportPdf(pdf);
  assert.equal(attached, `${JSON.stringify(report, null, 1)}\n`);
  assert.equal(checkComplianceReport(JSON.parse(attached), vkey).ok, true);
  // Same report, same bytes: the PDF's dates and file id come from the report.
  assert.deepEqual(await toReportPdf(report), pdf);
});

test('a file that is not a report PDF is REPORT_PDF_INVALID', async () => {
  for (const bytes of [Buffer.from('{"format":"docket.compliance-report/v1"}'), Buffer.alloc(0)]) {
    await assert.rejects(
      fromReportPdf(bytes),
      (e: unknown) => e instanceof DocketError && e.code === 'REPORT_PDF_INVALID',
    );
  }
});
