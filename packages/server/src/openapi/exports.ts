// The bulk export operation of the OpenAPI document (issue 18), kept apart so document.ts only
// spreads it in. Auditor and admin: an export carries content.
import { CONTENT_ROLES } from '../auth/roles.js';

/** The helpers of document.ts this path is built with (passed in: no import cycle). */
export interface ExportPathHelpers {
  readonly problemResponse: (description: string) => object;
  readonly authProblems: object;
  readonly purposeHeader: object;
}

const param = (name: string, schema: object, description: string): object => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

const name = { type: 'string', minLength: 1, maxLength: 200 };
const time = {
  type: 'string',
  maxLength: 40,
  description: 'A date (2024-11-01) or RFC 3339 time.',
};

/**
 * The path of the streamed bulk export.
 *
 * @example
 * const paths = { ...otherPaths, ...exportPaths({ problemResponse, authProblems, purposeHeader }) };
 */
export function exportPaths(h: ExportPathHelpers): Record<string, object> {
  return {
    '/v1/exports': {
      get: {
        operationId: 'getExport',
        summary: 'Bulk export of the decisions a selection matches, streamed (JSON Lines or CSV)',
        description:
          'Streams every decision the selection matches, in index order, below the latest checkpoint: ' +
          'as docket.export/v1 JSON Lines (a header, one record per decision with its final outcome ' +
          'and events, a trailer with the count; with proofs=true, the signed checkpoint in the header ' +
          'and each entry’s envelope, salts and inclusion proof, checkable offline by ' +
          '`docket verify FILE --key VKEY`), or as CSV (the main fields flattened, the final outcome ' +
          'after overrides, the events as JSON). One access-log entry names the selection and the ' +
          'tree size, which together fix exactly which records were exported; it is durable before ' +
          'the first record leaves.',
        'x-docket-roles': CONTENT_ROLES,
        parameters: [
          param('agent', name, 'Only this agent’s decisions.'),
          param('version', name, 'Only this agent version.'),
          param('subject', name, 'Only decisions about this data subject (their own id).'),
          param('from', time, 'Decisions at or after this time (their ts).'),
          param('to', time, 'Decisions before this time.'),
          param(
            'format',
            { enum: ['jsonl', 'csv'], default: 'jsonl' },
            'docket.export/v1 JSON Lines, or CSV.',
          ),
          param(
            'proofs',
            { type: 'boolean', default: false },
            'With each entry’s inclusion proof (JSON Lines only).',
          ),
          h.purposeHeader,
        ],
        responses: {
          '200': {
            description: 'The export, streamed.',
            content: {
              'application/x-ndjson': { schema: { type: 'string' } },
              'text/csv': { schema: { type: 'string' } },
            },
          },
          '400': h.problemResponse('A bad selection (SELECTION_INVALID).'),
          ...h.authProblems,
        },
      },
    },
  };
}
