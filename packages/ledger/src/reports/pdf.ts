import PDFDocument from 'pdfkit';
import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFDocument as PdfReader,
  PDFHexString,
  PDFName,
  PDFRawStream,
  PDFString,
} from 'pdf-lib';
import { LedgerError } from '../errors.js';
import type { ClaimStatus, ComplianceReport, ReportSection } from './format.js';

/** The name of the JSON report attached to its PDF (PDF 32000-1 §7.11.4, EmbeddedFiles). */
export const REPORT_PDF_ATTACHMENT = 'report.json';

const STATUS: Record<ClaimStatus, string> = {
  pass: 'Pass',
  gap: 'Gap',
  'not-applicable': 'Not applicable',
  'customer-document-required': 'Customer document required',
  'not-evidenced': 'Not evidenced by the log',
  info: 'Finding',
};

// The 14 standard fonts speak WinAnsiEncoding only: anything else would print as a wrong glyph,
// so the few symbols reports use are spelled out and the rest becomes '?'.
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
const SPELLED: Record<string, string> = {
  '≥': '>=',
  '≤': '<=',
  '→': '->',
  '←': '<-',
  '≈': '~',
  '✓': 'ok',
  '×': 'x',
  '−': '-',
};
function latin(text: string): string {
  let out = '';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if ((code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || c === '\n') out += c;
    else if (WIN_ANSI_EXTRA.has(c)) out += c;
    else out += SPELLED[c] ?? '?';
  }
  return out;
}

const MARGIN = 50;
const GREY = '#555555';

/** Column widths of a section's table: #, requirement, status, finding, records. */
const COLUMNS = [22, 120, 70, 206, 77] as const;

/**
 * The report as a PDF a person reads (headings, plain-language findings first, one table per
 * section, the evidence and the command that checks it after), with the JSON report attached as
 * `report.json` (an embedded file), so one file carries both: `docket verify REPORT.pdf --key`
 * checks the attachment. Same report, same bytes (the PDF's dates are the report's).
 *
 * @example
 * writeFileSync('report.pdf', await toReportPdf(report));
 */
export async function toReportPdf(report: ComplianceReport): Promise<Buffer> {
  const at = new Date(report.generatedAt);
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    bufferPages: false,
    info: {
      Title: latin(report.title),
      Author: report.generator,
      Subject: `${report.type} report ${report.id}`,
      CreationDate: at,
      ModDate: at,
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  const width = doc.page.width - 2 * MARGIN;
  const heading = (text: string): void => {
    doc.moveDown(0.8).font('Helvetica-Bold').fontSize(13).fillColor('black');
    doc.text(latin(text), MARGIN, undefined, { width });
    doc.moveDown(0.3).font('Helvetica').fontSize(10);
  };
  const p = report.params;
  doc.font('Helvetica-Bold').fontSize(18).text(latin(report.title), { width });
  doc.moveDown(0.3).font('Helvetica').fontSize(9).fillColor(GREY);
  doc.text(
    latin(
      [
        `Log ${report.log.origin}`,
        `period ${p.from ?? 'the start of the log'} to ${p.to ?? 'the latest checkpoint'}`,
        ...(p.agent === undefined ? [] : [`agent ${p.agent}`]),
        ...(report.subjectId === undefined ? [] : [`about ${report.subjectId}`]),
        `generated ${report.generatedAt} by ${report.generator}`,
        `report ${report.id}`,
      ].join(' · '),
    ),
    { width },
  );
  doc.fillColor('black');
  heading('Findings');
  for (const line of report.summary) doc.text(latin(`•  ${line}`), { width, indent: 0 });
  for (const section of report.sections) {
    heading(section.title);
    table(doc, section);
  }
  heading('Scope boundary');
  for (const line of report.scopeBoundary) doc.text(latin(`•  ${line}`), { width });
  heading('Evidence');
  const ev = report.evidence;
  doc.text(
    latin(
      `Evidence level: ${ev.level === 'full' ? 'full — every entry of the period is included, so every count can be recomputed' : 'cited — only the records cited, each with an inclusion proof; counts are stated, not recomputable'}. Period: entries ${ev.range.start} to ${ev.range.end - 1} of a signed tree of ${ev.treeSize}.`,
    ),
    { width },
  );
  doc.moveDown(0.5).text('Signed checkpoint:', { width });
  doc.font('Courier').fontSize(8).text(latin(ev.checkpoint), { width });
  doc.font('Helvetica').fontSize(10).moveDown(0.5);
  doc.text(
    latin(
      `The JSON report, with all its evidence, is attached to this PDF as ${REPORT_PDF_ATTACHMENT}. Check it offline: ${report.verifyCommand.replace('REPORT.json', 'REPORT.pdf')}`,
    ),
    { width },
  );
  if (report.record !== undefined) {
    doc
      .moveDown(0.5)
      .text(
        latin(
          `This report is recorded in the log as entry ${report.record.index} (${report.record.id}), digest ${report.record.digest}.`,
        ),
        { width },
      );
  }
  doc.file(Buffer.from(`${JSON.stringify(report, null, 1)}\n`, 'utf8'), {
    name: REPORT_PDF_ATTACHMENT,
    type: 'application/json',
    description: 'The compliance report (docket.compliance-report/v1) with its evidence',
    creationDate: at,
    modifiedDate: at,
  });
  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

/** One section's claims as a table whose rows break across pages with the header repeated. */
function table(doc: PDFKit.PDFDocument, section: ReportSection): void {
  const header = ['#', 'Requirement', 'Status', 'Finding', 'Records'];
  const bottom = doc.page.height - MARGIN;
  const row = (cells: readonly string[], bold: boolean): void => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    const heights = cells.map((c, i) => doc.heightOfString(c, { width: COLUMNS[i]! - 6 }));
    const h = Math.max(...heights) + 6;
    if (doc.y + h > bottom) {
      doc.addPage();
      if (!bold) row(header, true);
      doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(8);
    }
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((c, i) => {
      const w = COLUMNS[i]!;
      doc.rect(x, y, w, h).lineWidth(0.5).strokeColor('#999999').stroke();
      doc.text(c, x + 3, y + 3, { width: w - 6 });
      x += w;
    });
    doc.x = MARGIN;
    doc.y = y + h;
  };
  row(header, true);
  section.claims.forEach((c, i) => {
    row(
      [
        String(i + 1),
        latin(`${c.title}${c.source === undefined ? '' : `\n${c.source}`}`),
        latin(STATUS[c.status]),
        latin(c.finding),
        c.records.length === 0 ? '—' : c.records.map((r) => `leaf ${r.index}`).join(', '),
      ],
      false,
    );
  });
  doc.font('Helvetica').fontSize(10);
}

const textOf = (value: unknown): string | undefined =>
  value instanceof PDFString || value instanceof PDFHexString ? value.decodeText() : undefined;

/** The (name, file specification) pairs of a name tree node and its kids (PDF 32000-1 §7.9.6). */
function namesOf(node: PDFDict, depth = 0): Array<[string, PDFDict]> {
  if (depth > 32) return [];
  const out: Array<[string, PDFDict]> = [];
  const names = node.lookupMaybe(PDFName.of('Names'), PDFArray);
  if (names !== undefined) {
    for (let i = 0; i + 1 < names.size(); i += 2) {
      const name = textOf(names.lookup(i));
      const spec = names.lookup(i + 1);
      if (name !== undefined && spec instanceof PDFDict) out.push([name, spec]);
    }
  }
  const kids = node.lookupMaybe(PDFName.of('Kids'), PDFArray);
  if (kids !== undefined) {
    for (let i = 0; i < kids.size(); i++) {
      const kid = kids.lookup(i);
      if (kid instanceof PDFDict) out.push(...namesOf(kid, depth + 1));
    }
  }
  return out;
}

/**
 * The JSON report attached to a report PDF (its `report.json` embedded file), parsed by pdf-lib;
 * the caller checks it like a JSON report. `REPORT_PDF_INVALID` when the file is not a PDF or
 * carries no such attachment.
 *
 * @example
 * const report = await fromReportPdf(readFileSync('report.pdf'));
 */
export async function fromReportPdf(bytes: Uint8Array): Promise<string> {
  let pdf: PdfReader;
  try {
    pdf = await PdfReader.load(bytes, { updateMetadata: false, throwOnInvalidObject: true });
  } catch (cause) {
    throw new LedgerError('REPORT_PDF_INVALID', 'the file is not a readable PDF', {
      where: '$',
      cause,
    });
  }
  const tree = pdf.catalog
    .lookupMaybe(PDFName.of('Names'), PDFDict)
    ?.lookupMaybe(PDFName.of('EmbeddedFiles'), PDFDict);
  const spec = (tree === undefined ? [] : namesOf(tree)).find(
    ([name]) => name === REPORT_PDF_ATTACHMENT,
  )?.[1];
  const file = spec?.lookupMaybe(PDFName.of('EF'), PDFDict)?.lookup(PDFName.of('F'));
  const stream = file instanceof PDFRawStream ? file : undefined;
  if (stream === undefined) {
    throw new LedgerError(
      'REPORT_PDF_INVALID',
      `the PDF has no ${REPORT_PDF_ATTACHMENT} attachment: it is not a Docket report`,
      { where: 'EmbeddedFiles' },
    );
  }
  try {
    return Buffer.from(decodePDFRawStream(stream).decode()).toString('utf8');
  } catch (cause) {
    throw new LedgerError(
      'REPORT_PDF_INVALID',
      `the ${REPORT_PDF_ATTACHMENT} attachment cannot be decoded`,
      { where: 'EmbeddedFiles', cause },
    );
  }
}
