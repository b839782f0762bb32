// GET /v1/stats and the filters, sorts, total, summary and final outcome of GET /v1/decisions
// (issue 20): one parser of the filter, so a count is always of the decisions the list shows.
import type { DecisionQuery, DecisionStatsQuery, Ledger, ReadEntry } from '@docket/ledger';
import type { DecisionSummary, FinalOutcome, StatsView } from '@docket/protocol';
import type { StatsDimension, StatsInterval } from '@docket/store';
import { STATS_DIMENSIONS } from '@docket/store';
import { CONTENT_ROLES } from '../auth/roles.js';
import type { ApiKeyRole } from '../auth/roles.js';
import { ServerError } from '../errors.js';
import { principalOf } from '../http/context.js';
import type { Handler, RequestContext } from '../http/context.js';

/** The filter parameters of `GET /v1/decisions` and `GET /v1/stats`, as the validator coerced them. */
interface FilterParams {
  agent?: string;
  agentVersion?: string;
  subject?: string;
  action?: string;
  since?: string;
  until?: string;
  runId?: string;
  q?: string;
  model?: string;
  promptVersion?: string;
  policyVersion?: string;
  minConfidence?: number;
  maxConfidence?: number;
  overridden?: boolean;
  erased?: boolean;
  traceId?: string;
  sessionId?: string;
  parentId?: string;
}

/** A filter as the ledger takes it, and what of it reads content (`q`, `subject`). */
export interface DecisionFilter {
  readonly query: Omit<DecisionQuery, 'limit'>;
  /** Parameters that read content: only content roles may use them; the use is logged. */
  readonly searched: readonly string[];
}

/**
 * Reads the filter of a decision list or count from its query parameters. `FORBIDDEN` when a
 * role that may not read content searches by words or subject; `PARAM_INVALID` for more than 16
 * words or an empty confidence range.
 *
 * @example
 * const { query, searched } = parseDecisionFilter(ctx.params, role);
 */
export function parseDecisionFilter(params: object, role: ApiKeyRole): DecisionFilter {
  const p = params as FilterParams;
  // Finding decisions by the words of their content, or by their subject, reads content: only
  // content roles may, and the search is on record in the access log.
  const searched = [
    ...(p.q === undefined ? [] : ['q']),
    ...(p.subject === undefined ? [] : ['subject']),
  ];
  if (searched.length > 0 && !CONTENT_ROLES.includes(role)) {
    throw new ServerError(
      'FORBIDDEN',
      `a ${role} key may not search by ${searched.join(' or ')}: that reads content (roles: ${CONTENT_ROLES.join(', ')})`,
      { where: `query.${searched[0]!}` },
    );
  }
  const words = p.q === undefined ? [] : p.q.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
  if (words.length > 16) {
    throw new ServerError('PARAM_INVALID', 'at most 16 words in q', { where: 'query.q' });
  }
  if (p.minConfidence !== undefined && p.maxConfidence !== undefined) {
    if (p.minConfidence > p.maxConfidence) {
      throw new ServerError('PARAM_INVALID', 'minConfidence is above maxConfidence', {
        where: 'query.minConfidence',
      });
    }
  }
  const set = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
    (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
  const query: Omit<DecisionQuery, 'limit'> = {
    ...set('agentId', p.agent),
    ...set('agentVersion', p.agentVersion),
    ...set('subjectId', p.subject),
    ...set('action', p.action),
    ...set('since', p.since === undefined ? undefined : new Date(p.since).toISOString()),
    ...set('until', p.until === undefined ? undefined : new Date(p.until).toISOString()),
    ...set('runId', p.runId),
    ...set('words', words.length === 0 ? undefined : words),
    ...set('model', p.model),
    ...set('promptVersion', p.promptVersion),
    ...set('policyVersion', p.policyVersion),
    ...set('minConfidence', p.minConfidence),
    ...set('maxConfidence', p.maxConfidence),
    ...set('overridden', p.overridden),
    ...set('erased', p.erased),
    ...set('traceId', p.traceId),
    ...set('sessionId', p.sessionId),
    ...set('parentId', p.parentId),
  };
  return { query, searched };
}

/** GET /v1/stats: counts of the decisions the same filter lists, by dimension and time bucket. */
export const getStats: Handler = async (ctx) => {
  const { role } = principalOf(ctx);
  const { query, searched } = parseDecisionFilter(ctx.params, role);
  const groupBy = parseGroupBy(ctx.params['group_by'] as string | undefined);
  const interval = ctx.params['interval'] as StatsInterval | undefined;
  const { decisions } = await ctx.tenant();
  const statsQuery: DecisionStatsQuery = {
    ...query,
    groupBy,
    ...(interval === undefined ? {} : { interval }),
  };
  const stats = await decisions.decisionStats(statsQuery);
  if (searched.length > 0) {
    await ctx.recordAccess('search', `decision counts by ${searched.join(' and ')}`, stats.total);
  }
  const json: StatsView = {
    total: stats.total,
    groups: stats.groups,
    ...(interval === undefined ? {} : { interval }),
    ...(stats.buckets === undefined ? {} : { buckets: stats.buckets }),
    ...(stats.series === undefined ? {} : { series: stats.series }),
  };
  return { status: 200, json };
};

/** `group_by=agent,outcome` as dimensions (each once); `PARAM_INVALID` for an unknown one. */
function parseGroupBy(raw: string | undefined): StatsDimension[] {
  const names = (raw ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter((d) => d !== '');
  for (const name of names) {
    if (!(STATS_DIMENSIONS as readonly string[]).includes(name)) {
      throw new ServerError(
        'PARAM_INVALID',
        `no dimension ${JSON.stringify(name)} (one of ${STATS_DIMENSIONS.join(', ')})`,
        { where: 'query.group_by' },
      );
    }
  }
  return [...new Set(names)] as StatsDimension[];
}

const OFFSET_CURSOR = /^o1\.(\d{1,9})$/;

/**
 * The cursor of a page in an order other than newest first: the rows already shown.
 *
 * @example
 * const next = toOffsetCursor(100);
 */
export function toOffsetCursor(offset: number): string {
  return Buffer.from(`o1.${offset}`, 'utf8').toString('base64url');
}

/** The offset an offset cursor stands for; `CURSOR_INVALID` for anything else. */
export function fromOffsetCursor(cursor: string): number {
  const m = /^[A-Za-z0-9_-]*$/.test(cursor)
    ? OFFSET_CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
    : null;
  if (m === null) {
    throw new ServerError('CURSOR_INVALID', 'not a cursor of this API (use a page’s `next`)', {
      where: 'query.cursor',
    });
  }
  return Number(m[1]);
}

/**
 * What every reading role may see of a decision: agent, version, outcome class, confidence.
 *
 * @example
 * const summary = toSummary(entry); // { agent: 'loan-underwriter', version: '2.3.1', outcome: 'decline', confidence: 0.81 }
 */
export function toSummary(entry: ReadEntry): DecisionSummary {
  const f = entry.fields;
  const agent = f?.['agent'] as { id?: unknown; version?: unknown } | undefined;
  const outcome = f?.['outcome'] as { action?: unknown } | undefined;
  const confidence = f?.['confidence'];
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    agent: text(agent?.id),
    version: text(agent?.version),
    outcome: text(outcome?.action),
    confidence: typeof confidence === 'number' ? confidence : null,
  };
}

/**
 * Each decision's final outcome: its last override or outcome update (decisions without one
 * absent). Content roles only: who overrode and when is about the subject's case.
 */
export async function finalOutcomes(
  decisions: Ledger,
  ids: readonly string[],
): Promise<Map<string, FinalOutcome>> {
  const updates = await decisions.outcomeUpdates(ids);
  const out = new Map<string, FinalOutcome>();
  for (const [id, rows] of updates) {
    const last = rows.at(-1);
    if (last === undefined) continue;
    const { kind, action, actor, ts, index } = last;
    out.set(id, { kind, action, actor, ts, index });
  }
  return out;
}

/** Whether a role may see final outcomes (who overrode a decision about a person). */
export const seesFinal = (ctx: RequestContext): boolean =>
  CONTENT_ROLES.includes(principalOf(ctx).role);
