// The compliance-report operations of the OpenAPI document (issue 15), kept apart so document.ts
// only spreads them in. Auditors and admins: a report reads every entry of its period.
import type { PathHelpers } from './retention.js';

/** The helpers these paths need besides {@link PathHelpers}. */
export interface ReportPathHelpers extends PathHelpers {
  readonly purposeHeader: object;
}

const text = { type: 'string', minLength: 1, maxLength: 256 };
const time = { type: 'string', minLength: 1, maxLength: 64, description: 'RFC 3339 or a date.' };

const range = {
  type: 'object',
  required: ['start', 'end'],
  properties: { start: { type: 'integer' }, end: { type: 'integer' } },
};

const report = {
  type: 'object',
  description:
    'A docket.compliance-report/v1 report: findings, claims naming their records, the signed ' +
    'checkpoint and the evidence (docs/reports.md). `docket verify REPORT.json --key` checks it.',
  required: [
    'format',
    'id',
    'type',
    'title',
    'params',
    'generatedAt',
    'summary',
    'sections',
    'evidence',
    'record',
  ],
  properties: {
    format: { const: 'docket.compliance-report/v1' },
    id: { type: 'string' },
    type: { type: 'string' },
    title: { type: 'string' },
    params: { type: 'object' },
    generatedAt: { type: 'string' },
    summary: { type: 'array', items: { type: 'string' } },
    sections: { type: 'array', items: { type: 'object' } },
    evidence: { type: 'object', required: ['level', 'checkpoint', 'treeSize', 'range', 'leaves'] },
    record: { type: 'object', required: ['id', 'index', 'digest'] },
  },
};

/**
 * `POST /v1/reports` and `GET /v1/reports/{id}`, as OpenAPI path items.
 *
 * @example
 * const paths = { ...reportPaths({ json, problemResponse, authProblems, bodyProblems, purposeHeader }) };
 */
export function reportPaths(h: ReportPathHelpers): Record<string, object> {
  return {
    '/v1/reports': {
      post: {
        operationId: 'postReport',
        summary: 'Generate a compliance report (recorded in the log and the access log)',
        description:
          'Generates the report over the tenant’s log up to its latest checkpoint, appends its ' +
          '`docket.compliance-report/v1` entry (type, parameters, tree size, checkpoint, digest) and ' +
          'an access-log entry. Nothing to report (no records in the period, a subject with no ' +
          'decision) is `REPORT_NOTHING`, never an empty report.',
        'x-docket-roles': ['auditor', 'admin'],
        parameters: [h.purposeHeader],
        requestBody: {
          required: true,
          content: h.json({
            type: 'object',
            additionalProperties: false,
            required: ['type'],
            properties: {
              type: { ...text, description: 'integrity, eu-ai-act-art12 or explanation.' },
              from: { ...time, description: 'Start of the period, inclusive (receive time).' },
              to: { ...time, description: 'End of the period, exclusive.' },
              agent: text,
              subject: { ...text, description: 'The data subject’s id (explanation).' },
              evidence: { enum: ['full', 'cited'], default: 'full' },
            },
          }),
        },
        responses: {
          '201': {
            description: 'Generated and recorded; `Location` is `/v1/reports/{id}`.',
            headers: { Location: { schema: { type: 'string' } } },
            content: h.json({
              type: 'object',
              required: [
                'id',
                'type',
                'title',
                'params',
                'generatedAt',
                'summary',
                'evidence',
                'entry',
              ],
              properties: {
                id: { type: 'string' },
                type: { type: 'string' },
                title: { type: 'string' },
                params: { type: 'object' },
                generatedAt: { type: 'string' },
                summary: { type: 'array', items: { type: 'string' } },
                evidence: {
                  type: 'object',
                  required: ['level', 'treeSize', 'range'],
                  properties: {
                    level: { enum: ['full', 'cited'] },
                    treeSize: { type: 'integer' },
                    range,
                  },
                },
                entry: {
                  type: 'object',
                  required: ['id', 'index', 'digest'],
                  properties: {
                    id: { type: 'string' },
                    index: { type: 'integer' },
                    digest: { type: 'string' },
                  },
                },
              },
            }),
          },
          '400': h.problemResponse(
            'Unknown type or bad parameters (REPORT_TYPE_UNKNOWN, REPORT_PARAMS_INVALID).',
          ),
          '404': h.problemResponse('Nothing to report (REPORT_NOTHING).'),
          ...h.authProblems,
          ...h.bodyProblems,
        },
      },
    },
    '/v1/reports/{id}': {
      get: {
        operationId: 'getReport',
        summary: 'A recorded compliance report, as JSON, HTML or PDF',
        description:
          'Reports are not stored: the report is regenerated from its entry (parameters, tree ' +
          'size, checkpoint) and must match the digest the entry records, so erasure and purge ' +
          'reach reports too (`REPORT_GONE` when records it read were erased or purged since). ' +
          'The PDF carries the JSON as its `report.json` attachment.',
        'x-docket-roles': ['auditor', 'admin'],
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: 'Report id (UUIDv7).',
            schema: { type: 'string', minLength: 1, maxLength: 64 },
          },
          {
            name: 'format',
            in: 'query',
            required: false,
            schema: { enum: ['json', 'html', 'pdf'], default: 'json' },
          },
          {
            name: 'subject',
            in: 'query',
            required: false,
            description:
              'An explanation report’s subject id: the log names the subject by pseudonym only.',
            schema: text,
          },
          h.purposeHeader,
        ],
        responses: {
          '200': {
            description: 'The report.',
            content: {
              ...h.json(report),
              'text/html': { schema: { type: 'string' } },
              'application/pdf': {
                schema: { type: 'string', contentMediaType: 'application/pdf' },
              },
            },
          },
          '400': h.problemResponse(
            'An explanation report without its subject (REPORT_PARAMS_INVALID).',
          ),
          '404': h.problemResponse('No report with this id (REPORT_NOT_FOUND).'),
          '410': h.problemResponse('Can no longer be regenerated as recorded (REPORT_GONE).'),
          ...h.authProblems,
        },
      },
    },
  };
}
