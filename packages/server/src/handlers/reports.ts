import {
  createComplianceReport,
  readRecordedReport,
  toReportHtml,
  toReportPdf,
} from '@docket/ledger';
import type { EvidenceLevel } from '@docket/ledger';
import type { Handler, Reply } from '../http/context.js';

/** The body of POST /v1/reports (checked against the OpenAPI document first). */
interface ReportBody {
  readonly type: string;
  readonly from?: string;
  readonly to?: string;
  readonly agent?: string;
  readonly subject?: string;
  readonly evidence?: EvidenceLevel;
}

/**
 * POST /v1/reports — generates a compliance report over the tenant's log, appends its
 * `docket.compliance-report/v1` entry and an access-log entry, and answers 201 with its id, its
 * entry and its findings; `Location` is where to read it (JSON, HTML or PDF).
 */
export const postReport: Handler = async (ctx) => {
  const body = ctx.body as ReportBody;
  const { decisions } = await ctx.tenant();
  const purpose = ctx.purpose ?? 'compliance report';
  const report = await createComplianceReport(decisions, body, {
    actor: ctx.principal?.keyId ?? 'unknown',
    purpose,
  });
  await ctx.recordAccess(
    'report',
    `report ${report.id} ${report.type}`,
    report.evidence.range.end - report.evidence.range.start,
  );
  return {
    status: 201,
    headers: { location: `/v1/reports/${report.id}` },
    json: {
      id: report.id,
      type: report.type,
      title: report.title,
      params: report.params,
      generatedAt: report.generatedAt,
      summary: report.summary,
      evidence: {
        level: report.evidence.level,
        treeSize: report.evidence.treeSize,
        range: report.evidence.range,
      },
      entry: report.record!,
    },
  };
};

/**
 * GET /v1/reports/{id}?format=json|html|pdf[&subject=] — a recorded report, regenerated from its
 * entry and checked against the digest it records (reports are not stored: see
 * docs/reports.md); the read is an access-log entry.
 */
export const getReport: Handler = async (ctx) => {
  const id = ctx.params['id'] as string;
  const format = (ctx.params['format'] as string | undefined) ?? 'json';
  const { decisions } = await ctx.tenant();
  const report = await readRecordedReport(
    decisions,
    id,
    ctx.params['subject'] as string | undefined,
  );
  await ctx.recordAccess('read', `report ${id} ${format}`);
  const filename = `docket-${report.type}-${id}.${format}`;
  const headers = { 'content-disposition': `inline; filename="${filename}"` };
  if (format === 'pdf') {
    return {
      status: 200,
      contentType: 'application/pdf',
      headers,
      bytes: await toReportPdf(report),
    } satisfies Reply;
  }
  if (format === 'html') {
    return {
      status: 200,
      contentType: 'text/html; charset=utf-8',
      headers,
      text: toReportHtml(report),
    };
  }
  return { status: 200, json: report };
};
