// The decision list's filters and GET /v1/stats in the OpenAPI document (issue 20), kept apart so
// document.ts only spreads them in.
import { STATS_DIMENSIONS } from '@docket/store';
import type { PathHelpers } from './retention.js';

const query = (name: string, schema: object, description: string): object => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
const text = { type: 'string', minLength: 1, maxLength: 256 };
const confidence = { type: 'number', minimum: 0, maximum: 1 };

/**
 * The filters `GET /v1/decisions` and `GET /v1/stats` share, beyond the first ones (agent, version,
 * subject, action, period, run, words).
 */
export const FACET_PARAMS: readonly object[] = [
  query(
    'model',
    text,
    'Model, `name@version` (or `name`), as `GET /v1/stats?group_by=model` lists.',
  ),
  query('promptVersion', text, 'Prompt, `id@version`, as `group_by=prompt_version` lists.'),
  query('policyVersion', text, 'Policy, `id@version`, as `group_by=policy_version` lists.'),
  query('minConfidence', confidence, 'Confidence at least this (decisions without one excluded).'),
  query('maxConfidence', confidence, 'Confidence at most this.'),
  query('overridden', { type: 'boolean' }, 'Whether a human override was recorded.'),
  query('erased', { type: 'boolean' }, "Whether the subject's data was erased."),
  query('traceId', text, 'W3C trace id (`correlation.traceId`).'),
  query('sessionId', text, 'Session id (`correlation.sessionId`).'),
  query('parentId', text, 'Children of this decision (`correlation.parentDecisionId`).'),
];

/** `sort` of `GET /v1/decisions`. */
export const SORT_PARAM = query(
  'sort',
  { enum: ['newest', 'oldest', 'confidence_desc', 'confidence_asc'], default: 'newest' },
  'Order: newest or oldest first, or by confidence (decisions without one last).',
);

const count = {
  type: 'object',
  required: ['value', 'count'],
  properties: {
    value: { type: ['string', 'null'] },
    count: { type: 'integer', minimum: 0 },
    agent: { type: ['string', 'null'], description: 'The agent of a `version` count.' },
    start: { type: 'string', description: 'The bucket’s first day (in `series`).' },
  },
};

/** Schemas of the list's extras and of the counts. */
export const STATS_SCHEMAS = {
  DecisionSummary: {
    type: 'object',
    description:
      'What every reading role sees of a decision: agent, version, outcome class, confidence (null once erased).',
    required: ['agent', 'version', 'outcome', 'confidence'],
    properties: {
      agent: { type: ['string', 'null'] },
      version: { type: ['string', 'null'] },
      outcome: { type: ['string', 'null'] },
      confidence: { type: ['number', 'null'] },
    },
  },
  FinalOutcome: {
    type: ['object', 'null'],
    description: 'The last override or outcome update (content roles only); null when none.',
    required: ['kind', 'action', 'actor', 'ts', 'index'],
    properties: {
      kind: { enum: ['override', 'outcome'] },
      action: { type: ['string', 'null'] },
      actor: { type: ['string', 'null'] },
      ts: { type: 'string' },
      index: { type: 'integer', minimum: 0 },
    },
  },
  DecisionStats: {
    type: 'object',
    required: ['total', 'groups'],
    properties: {
      total: { type: 'integer', minimum: 0 },
      groups: {
        type: 'object',
        description: 'Per dimension of `group_by`, its counts, most first.',
        additionalProperties: { type: 'array', items: count },
      },
      interval: { enum: ['day', 'week', 'month'] },
      buckets: {
        type: 'array',
        description: 'Per time bucket (UTC; weeks start on Monday), oldest first.',
        items: {
          type: 'object',
          required: ['start', 'count'],
          properties: { start: { type: 'string' }, count: { type: 'integer', minimum: 0 } },
        },
      },
      series: {
        type: 'object',
        description: 'Per dimension, its counts in each bucket.',
        additionalProperties: { type: 'array', items: count },
      },
    },
  },
};

/** The `/v1/stats` path, with the same filters and roles as `GET /v1/decisions`. */
export function statsPaths(
  h: PathHelpers & {
    readonly roles: readonly string[];
    readonly filters: readonly object[];
    readonly ref: (name: string) => object;
  },
): Record<string, object> {
  return {
    '/v1/stats': {
      get: {
        operationId: 'getStats',
        summary: 'Count decisions, by dimension and time',
        description:
          'Counts the decisions that `GET /v1/decisions` with the same filter lists (its `total`), per dimension of `group_by` and, with `interval`, per UTC day, ISO week or month. `subject` and `q` need a content role and are recorded in the access log, as in the list.',
        'x-docket-roles': h.roles,
        parameters: [
          query(
            'group_by',
            { type: 'string', maxLength: 200 },
            `Comma-separated dimensions: ${STATS_DIMENSIONS.join(', ')}.`,
          ),
          query('interval', { enum: ['day', 'week', 'month'] }, 'Also count per time bucket.'),
          ...h.filters,
        ],
        responses: {
          '200': { description: 'The counts.', content: h.json(h.ref('DecisionStats')) },
          ...h.authProblems,
        },
      },
    },
  };
}
