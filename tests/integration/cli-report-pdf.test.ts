// `docket report --format pdf` checked with Poppler's tools from Debian (poppler-utils, installed
// by .ci/run): pdfinfo reads a valid PDF, pdftotext finds the findings as text before the
// evidence, pdfdetach pulls the attached JSON report, which verifies; `docket verify REPORT.pdf`
// checks the attachment, and a tampered attachment or a PDF without one fails with its code.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import PDFDocument from 'pdfkit';
import { PDFDict, PDFDocument as PdfEditor, PDFName } from 'pdf-lib';
import type { PDFArray } from 'pdf-lib';
import { repoRoot } from '../support/vectors.js';
import { tempDir } from '../support/ledger-fixture.js';
import { seedReportLog } from '../support/report-log.js';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');

function run(cmd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { ...process.env, DOCKET_FLUSH_INTERVAL_MS: '10' },
  });
  if (r.error !== undefined) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
const docket = (...args: string[]) => run(process.execPath, bin, ...args);

/** Replaces the bytes of the PDF's report.json attachment, leaving the pages as they were. */
async function replaceAttachment(pdf: Buffer, edit: (json: string) => string): Promise<Buffer> {
  const doc = await PdfEditor.load(pdf);
  const tree = doc.catalog
    .lookup(PDFName.of('Names'), PDFDict)
    .lookup(PDFName.of('EmbeddedFiles'), PDFDict);
  const names = tree.lookup(PDFName.of('Names')) as PDFArray;
  const ef = (names.lookup(1) as PDFDict).lookup(PDFName.of('EF'), PDFDict);
  const { fromReportPdf } = await import('@docket/ledger');
  const json = edit(await fromReportPdf(pdf));
  const stream = doc.context.flateStream(Buffer.from(json, 'utf8'), { Type: 'EmbeddedFile' });
  ef.set(PDFName.of('F'), doc.context.register(stream));
  return Buffer.from(await doc.save());
}

describe('docket report --format pdf', () => {
  const tmp = tempDir('docket-cli-report-pdf-');
  const data = join(tmp.dir, 'data');
  let vkey = '';

  before(async () => {
    vkey = await seedReportLog(data);
  });
  after(() => {
    tmp.cleanup();
  });

  test('a readable PDF whose attached JSON report verifies (pdfinfo, pdftotext, pdfdetach)', () => {
    for (const [type, extra] of [
      ['eu-ai-act-art12', []],
      ['explanation', ['--subject', 'app-2']],
    ] as const) {
      const pdf = join(tmp.dir, `${type}.pdf`);
      const made = docket(
        'report',
        type,
        '--data',
        data,
        '--format',
        'pdf',
        '--out',
        pdf,
        ...extra,
      );
      assert.equal(made.code, 0, made.stderr);
      const info = run('pdfinfo', pdf);
      assert.equal(info.code, 0, info.stderr);
      assert.match(info.stdout, /Pages:\s+[1-9]/);
      assert.match(info.stdout, /Title:\s+\S/);
      const text = run('pdftotext', '-layout', pdf, '-');
      assert.equal(text.code, 0, text.stderr);
      // Plain-language findings first, evidence after.
      assert.ok(text.stdout.indexOf('Findings') >= 0);
      assert.ok(text.stdout.indexOf('Findings') < text.stdout.indexOf('Evidence level'));
      assert.match(text.stdout, /report\.json/);
      if (type === 'eu-ai-act-art12') {
        assert.match(text.stdout, /\d+ need a customer document/);
        assert.match(text.stdout, /pass,\s+\d+\s+gap/);
      } else {
        assert.match(text.stdout, /erased on \d{4}-\d{2}-\d{2}/);
      }
      const list = run('pdfdetach', '-list', pdf);
      assert.match(list.stdout, /1 embedded files\s+1: report\.json/);
      const dir = join(tmp.dir, `${type}-detached`);
      mkdirSync(dir);
      assert.equal(run('pdfdetach', '-saveall', '-o', dir, pdf).code, 0);
      const detached = join(dir, 'report.json');
      const fromJson = docket('verify', detached, '--key', vkey);
      assert.equal(fromJson.code, 0, fromJson.stdout);
      const fromPdf = docket('verify', pdf, '--key', vkey);
      assert.equal(fromPdf.code, 0, fromPdf.stdout);
      assert.match(fromPdf.stdout, /OK: the report verifies/);
      // The report's own entry records the digest of exactly the attached JSON.
      const report = JSON.parse(readFileSync(detached, 'utf8')) as { type: string };
      assert.equal(report.type, type);
    }
  });

  test('a tampered attachment, or a PDF without one, fails with its code', async () => {
    const pdf = join(tmp.dir, 'eu-ai-act-art12.pdf');
    const original = readFileSync(pdf);
    const tampered = join(tmp.dir, 'tampered.pdf');
    writeFileSync(
      tampered,
      await replaceAttachment(original, (json) => {
        const report = JSON.parse(json) as {
          sections: { claims: { id: string; value: { lacking?: number } }[] }[];
        };
        report.sections[0]!.claims.find((c) => c.id === 'art12.row10')!.value.lacking = 7;
        return JSON.stringify(report);
      }),
    );
    // pdf-lib rewrote the file: it is still a PDF with the attachment, which Poppler reads.
    assert.equal(run('pdfinfo', tampered).code, 0);
    const r = docket('verify', tampered, '--key', vkey);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stdout, /REPORT_CLAIM_MISMATCH.*art12\.row10/);
    // The untouched attachment round-trips through the same rewrite and still verifies.
    const same = join(tmp.dir, 'rewritten.pdf');
    writeFileSync(same, await replaceAttachment(original, (json) => json));
    assert.equal(docket('verify', same, '--key', vkey).code, 0);

    const blank = join(tmp.dir, 'blank.pdf');
    const doc = new PDFDocument();
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((resolve) => doc.on('end', resolve));
    doc.text('Compliance report (trust me)');
    doc.end();
    await ended;
    writeFileSync(blank, Buffer.concat(chunks));
    const noAttachment = docket('verify', blank, '--key', vkey);
    assert.equal(noAttachment.code, 1, noAttachment.stdout + noAttachment.stderr);
    assert.match(noAttachment.stdout + noAttachment.stderr, /REPORT_PDF_INVALID/);
  });

  test('nothing to report writes no PDF; a PDF goes to a file, not stdout', () => {
    const out = join(tmp.dir, 'nothing.pdf');
    const empty = docket(
      'report',
      'integrity',
      '--data',
      data,
      '--from',
      '2099-01-01',
      '--format',
      'pdf',
      '--out',
      out,
    );
    assert.equal(empty.code, 2, empty.stderr);
    assert.match(empty.stderr, /REPORT_NOTHING/);
    assert.equal(existsSync(out), false);
    const stdout = docket('report', 'integrity', '--data', data, '--format', 'pdf', '--out', '-');
    assert.equal(stdout.code, 2);
    assert.match(stdout.stderr, /USAGE.*--out FILE/);
  });
});
