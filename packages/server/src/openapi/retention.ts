// The retention, legal-hold and purge operations of the OpenAPI document (issue 18), kept apart so
// document.ts only spreads them in. Admin only: what is kept is a compliance decision.

/** The helpers of document.ts these paths are built with (passed in: no import cycle). */
export interface PathHelpers {
  readonly json: (schema: object) => object;
  readonly problemResponse: (description: string) => object;
  readonly authProblems: object;
  readonly bodyProblems: object;
}

const duration = {
  type: 'string',
  pattern: '^[1-9][0-9]{0,4}(d|w|mo|y)$',
  description: 'Whole days, weeks, calendar months or years: 30d, 12w, 6mo, 6y.',
};

const policy = {
  type: 'object',
  required: ['scope', 'agent', 'min', 'max', 'basis', 'id', 'index', 'ts'],
  properties: {
    scope: { type: 'string', description: '`tenant`, or `agent:<id>`.' },
    agent: { type: ['string', 'null'] },
    min: { type: ['string', 'null'] },
    max: { type: 'string' },
    basis: { type: 'string' },
    id: { type: 'string', description: 'The `docket.retention/v1` entry that set it.' },
    index: { type: 'integer' },
    ts: { type: 'string' },
  },
};

const hold = {
  type: 'object',
  required: ['id', 'index', 'ts', 'kind', 'target', 'reason'],
  properties: {
    id: { type: 'string' },
    index: { type: 'integer' },
    ts: { type: 'string' },
    kind: { enum: ['subject', 'agent', 'decision'] },
    target: { type: 'string', description: 'Agent id, decision id, or the subject’s pseudonym.' },
    reason: { type: 'string' },
    releasedBy: { type: 'string' },
  },
};

const text = { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' };

/**
 * The paths of retention policies, legal holds and purge.
 *
 * @example
 * const paths = { ...otherPaths, ...retentionPaths({ json, problemResponse, authProblems, bodyProblems }) };
 */
export function retentionPaths(h: PathHelpers): Record<string, object> {
  const entryResult = h.json({
    type: 'object',
    required: ['status', 'id', 'index'],
    properties: {
      status: { enum: ['accepted', 'duplicate'] },
      id: { type: 'string' },
      index: { type: 'integer' },
    },
  });
  return {
    '/v1/retention': {
      get: {
        operationId: 'listRetention',
        summary: 'The retention policies in force (one per scope: tenant, agent)',
        'x-docket-roles': ['admin'],
        responses: {
          '200': {
            description: 'Policies.',
            content: h.json({
              type: 'object',
              required: ['policies'],
              properties: { policies: { type: 'array', items: policy } },
            }),
          },
          ...h.authProblems,
        },
      },
      post: {
        operationId: 'setRetention',
        summary: 'Set the retention policy of the tenant or of one agent (appended to the log)',
        description:
          'Refused: a maximum below the minimum (RETENTION_INVALID, 400); overlapping policies where a maximum would come before a minimum (RETENTION_CONFLICT, 409).',
        'x-docket-roles': ['admin'],
        requestBody: {
          required: true,
          content: h.json({
            type: 'object',
            additionalProperties: false,
            required: ['max', 'basis'],
            properties: {
              agent: { type: 'string', minLength: 1, maxLength: 256 },
              min: duration,
              max: duration,
              basis: text,
            },
          }),
        },
        responses: {
          '200': { description: 'The entry that set it.', content: entryResult },
          '409': h.problemResponse('Overlapping policies (RETENTION_CONFLICT).'),
          ...h.bodyProblems,
          ...h.authProblems,
        },
      },
    },
    '/v1/holds': {
      get: {
        operationId: 'listHolds',
        summary: 'Legal holds in force, and released',
        'x-docket-roles': ['admin'],
        responses: {
          '200': {
            description: 'Holds.',
            content: h.json({
              type: 'object',
              required: ['active', 'released'],
              properties: {
                active: { type: 'array', items: hold },
                released: { type: 'array', items: hold },
              },
            }),
          },
          ...h.authProblems,
        },
      },
      post: {
        operationId: 'createHold',
        summary: 'Place a legal hold on a subject, an agent or a decision (appended to the log)',
        'x-docket-roles': ['admin'],
        requestBody: {
          required: true,
          content: h.json({
            type: 'object',
            additionalProperties: false,
            required: ['reason'],
            properties: {
              subject: { type: 'string', minLength: 1, maxLength: 500 },
              agent: { type: 'string', minLength: 1, maxLength: 256 },
              decision: { type: 'string', minLength: 1, maxLength: 64 },
              reason: text,
            },
          }),
        },
        responses: {
          '200': {
            description: 'The hold’s entry (its id is the hold’s id).',
            content: entryResult,
          },
          '404': h.problemResponse('A hold on nothing (HOLD_TARGET_NOT_FOUND).'),
          ...h.bodyProblems,
          ...h.authProblems,
        },
      },
    },
    '/v1/holds/{id}/release': {
      post: {
        operationId: 'releaseHold',
        summary: 'Release a legal hold (appended to the log)',
        'x-docket-roles': ['admin'],
        parameters: [
          {
            name: 'id',
            in: 'path',
            required: true,
            description: 'The hold’s id.',
            schema: { type: 'string', minLength: 1, maxLength: 64 },
          },
        ],
        requestBody: {
          required: true,
          content: h.json({
            type: 'object',
            additionalProperties: false,
            required: ['reason'],
            properties: { reason: text },
          }),
        },
        responses: {
          '200': { description: 'The release’s entry.', content: entryResult },
          '404': h.problemResponse('No such hold in force (HOLD_NOT_FOUND).'),
          ...h.bodyProblems,
          ...h.authProblems,
        },
      },
    },
    '/v1/purge': {
      post: {
        operationId: 'postPurge',
        summary: 'Purge the content of records past their maximum retention, with receipts',
        description:
          'Each batch appends a signed purge receipt in the transaction that removes the content; every leaf and proof stays valid. With dryRun, reports what would be purged and kept.',
        'x-docket-roles': ['admin'],
        requestBody: {
          required: true,
          content: h.json({
            type: 'object',
            additionalProperties: false,
            properties: { dryRun: { type: 'boolean' } },
          }),
        },
        responses: {
          '200': {
            description: 'What was purged and kept, and why.',
            content: h.json({
              type: 'object',
              required: ['dryRun', 'purgedDecisions', 'purgedEntries', 'batches', 'kept'],
              properties: {
                dryRun: { type: 'boolean' },
                purgedDecisions: { type: 'integer' },
                purgedEntries: { type: 'integer' },
                batches: { type: 'array', items: { type: 'object' } },
                kept: { type: 'array', items: { type: 'object' } },
              },
            }),
          },
          ...h.bodyProblems,
          ...h.authProblems,
        },
      },
    },
  };
}
