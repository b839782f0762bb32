// The drift operation of the OpenAPI document (issue 16), kept apart so document.ts only spreads
// it in. Auditors and admins: a drift report reads every decision of an agent.
import type { PathHelpers } from './retention.js';

const population = (name: string, description: string): object => ({
  name,
  in: 'query',
  required: true,
  description,
  schema: { type: 'string', minLength: 1, maxLength: 200 },
});

const signal = {
  type: 'object',
  required: ['signal', 'kind', 'test', 'effect', 'minEffect', 'p', 'q', 'verdict'],
  properties: {
    signal: { type: 'string' },
    kind: { enum: ['output', 'behaviour', 'input'] },
    test: { enum: ['chi-square', 'ks', 'domain-classifier', 'stratified-chi-square'] },
    effect: { type: 'number', description: 'Share change, normalized Wasserstein or AUC.' },
    minEffect: { type: 'number' },
    p: { type: 'number' },
    q: { type: 'number', description: 'Benjamini–Hochberg adjusted p-value.' },
    verdict: { enum: ['drift', 'no-drift', 'insufficient-data'] },
    baselineCount: { type: 'integer' },
    currentCount: { type: 'integer' },
    js: { type: 'number' },
    psi: { type: 'number' },
    psiBand: { enum: ['none', 'moderate', 'major'] },
    ks: { type: 'number' },
    categories: { type: 'array', items: { type: 'object' } },
    terms: { type: 'array', items: { type: 'object' } },
    reason: { type: 'string' },
  },
};

const side = {
  type: 'object',
  required: ['population', 'count'],
  properties: { population: { type: 'string' }, count: { type: 'integer' } },
};

/**
 * `GET /v1/drift`, as OpenAPI path items.
 *
 * @example
 * const paths = { ...driftPaths(helpers) };
 */
export function driftPaths(h: PathHelpers): Record<string, object> {
  return {
    '/v1/drift': {
      get: {
        operationId: 'getDrift',
        summary: 'Drift between two populations of one agent (versions or time windows)',
        description:
          'One row per signal (test, statistic, threshold, Benjamini–Hochberg q, verdict), whether the ' +
          'behaviour or the inputs changed, and the decision pairs on the same input that differ most. ' +
          'A side with too few decisions gives `insufficient-data`, never an error.',
        'x-docket-roles': ['auditor', 'admin'],
        parameters: [
          { name: 'agent', in: 'query', required: true, schema: { type: 'string', minLength: 1 } },
          population('baseline', '`version=V` or `from=TIME[,to=TIME]` (RFC 3339).'),
          population('current', 'As `baseline`.'),
          {
            name: 'pairs',
            in: 'query',
            required: false,
            description: 'Most decision pairs returned (default 50).',
            schema: { type: 'string', pattern: '^[0-9]{1,4}$' },
          },
        ],
        responses: {
          '200': {
            description: 'The drift report.',
            content: h.json({
              type: 'object',
              required: ['agentId', 'baseline', 'current', 'report', 'pairs'],
              properties: {
                agentId: { type: 'string' },
                baseline: side,
                current: side,
                report: {
                  type: 'object',
                  required: ['signals', 'behaviour', 'input', 'overall'],
                  properties: {
                    signals: { type: 'array', items: signal },
                    behaviour: { enum: ['drift', 'no-drift', 'insufficient-data'] },
                    input: { enum: ['drift', 'no-drift', 'insufficient-data'] },
                    overall: { enum: ['drift', 'no-drift', 'insufficient-data'] },
                  },
                },
                pairs: { type: 'array', items: { type: 'object' } },
              },
            }),
          },
          '400': h.problemResponse('A population that does not parse, or a window in the future.'),
          '404': h.problemResponse('Unknown agent, or a version it does not have.'),
          ...h.authProblems,
        },
      },
    },
  };
}
