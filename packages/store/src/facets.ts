/**
 * Decision facets (model, prompt and policy versions, confidence, trace, session, parent) and
 * outcome updates (human overrides, later outcomes): derived columns the sequencer writes with a
 * batch, so the decision list can be filtered and counted in SQL (`GET /v1/stats`). None holds
 * the subject's personal data: an erasure leaves them, a retention purge removes them.
 */

/** A decision's facet columns (`decision_facets`), by the decision's index. */
export interface FacetRow {
  readonly index: number;
  readonly model: string | null;
  readonly promptVersion: string | null;
  readonly policyVersion: string | null;
  readonly confidence: number | null;
  readonly traceId: string | null;
  readonly sessionId: string | null;
  /** `correlation.parentDecisionId`. */
  readonly parentId: string | null;
}

/** A later outcome of a decision (`decision_updates`): an override or an outcome update event. */
export interface OutcomeUpdateRow {
  /** The event's index. */
  readonly index: number;
  /** The decision's id. */
  readonly decisionId: string;
  readonly kind: 'override' | 'outcome';
  /** The new outcome's action, if the event gives one. */
  readonly action: string | null;
  /** Who made the change (a staff member or a system), if given. */
  readonly actor: string | null;
  readonly ts: string;
}

/** What decisions can be counted by (`group_by` of `GET /v1/stats`). */
export const STATS_DIMENSIONS = [
  'agent',
  'version',
  'outcome',
  'model',
  'prompt_version',
  'policy_version',
  'overridden',
  'erased',
] as const;

/** One of {@link STATS_DIMENSIONS}. */
export type StatsDimension = (typeof STATS_DIMENSIONS)[number];

/** Time buckets of a count (`interval` of `GET /v1/stats`): UTC day, ISO week (Monday), month. */
export type StatsInterval = 'day' | 'week' | 'month';

/** Filters of a decision search on facets (part of `SearchQuery`). */
export interface FacetFilter {
  readonly model?: string;
  readonly promptVersion?: string;
  readonly policyVersion?: string;
  /** Inclusive bounds of the decision's confidence (decisions without one never match). */
  readonly minConfidence?: number;
  readonly maxConfidence?: number;
  readonly traceId?: string;
  readonly sessionId?: string;
  /** Decisions whose `correlation.parentDecisionId` is this id (its children). */
  readonly parentId?: string;
  /** Whether a human override event was recorded for the decision. */
  readonly overridden?: boolean;
  /** Whether the decision's subject was erased. */
  readonly erased?: boolean;
}

/** How a count is grouped: by dimensions, and optionally by time bucket. */
export interface StatsGrouping {
  readonly groupBy: readonly StatsDimension[];
  readonly interval?: StatsInterval;
}

/** One count; `agent` is set for the `version` dimension (a version belongs to an agent). */
export interface StatsCount {
  readonly value: string | null;
  readonly count: number;
  readonly agent?: string | null;
}

/** One count in a time bucket (`start`: the bucket's first day, `YYYY-MM-DD`). */
export interface StatsBucketCount extends StatsCount {
  readonly start: string;
}

/**
 * Counts for one filter: the total, each dimension's counts (most first), and with an interval
 * the total and each dimension's counts per bucket (oldest first).
 */
export interface DecisionStats {
  readonly total: number;
  readonly groups: Partial<Record<StatsDimension, StatsCount[]>>;
  readonly buckets?: { start: string; count: number }[];
  readonly series?: Partial<Record<StatsDimension, StatsBucketCount[]>>;
}

/** How one SQL dialect names tables and cuts time into buckets. */
export interface FacetDialect {
  /** A table's qualified name. */
  table(name: string): string;
  /** The bucket start (`YYYY-MM-DD` text) of a UTC RFC 3339 text column. */
  bucket(interval: StatsInterval, column: string): string;
}

/** Whether decision `e` (an `entries` row) was overridden by a human (`'true'` / `'false'`). */
export function overriddenSql(d: FacetDialect): string {
  return `EXISTS (SELECT 1 FROM ${d.table('decision_updates')} u WHERE u.decision = e.id AND u.kind = 'override')`;
}

/** Whether the key of decision `e`'s subject was destroyed (an erasure). */
export function erasedSql(d: FacetDialect): string {
  return `EXISTS (SELECT 1 FROM ${d.table('subject_keys')} k WHERE k.kid = e.kid AND k.erased_at IS NOT NULL)`;
}

/** The expression a dimension groups by (over `search s`, `entries e`, `decision_facets f`). */
export function dimensionSql(dim: StatsDimension, d: FacetDialect): string {
  switch (dim) {
    case 'agent':
      return 's.agent';
    case 'version':
      return 's.agent_version';
    case 'outcome':
      return 's.action';
    case 'model':
      return 'f.model';
    case 'prompt_version':
      return 'f.prompt_version';
    case 'policy_version':
      return 'f.policy_version';
    case 'overridden':
      return `CASE WHEN ${overriddenSql(d)} THEN 'true' ELSE 'false' END`;
    case 'erased':
      return `CASE WHEN ${erasedSql(d)} THEN 'true' ELSE 'false' END`;
  }
}

/**
 * The conditions on facets of a query (appended to a search's WHERE by `searchSql`), each with
 * its value pushed through `add`.
 */
export function facetConditions(
  query: FacetFilter,
  d: FacetDialect,
  add: (clause: (p: string) => string, value: unknown) => void,
  test: (clause: string) => void,
): void {
  if (query.model !== undefined) add((p) => `f.model = ${p}`, query.model);
  if (query.promptVersion !== undefined) {
    add((p) => `f.prompt_version = ${p}`, query.promptVersion);
  }
  if (query.policyVersion !== undefined) {
    add((p) => `f.policy_version = ${p}`, query.policyVersion);
  }
  if (query.minConfidence !== undefined) add((p) => `f.confidence >= ${p}`, query.minConfidence);
  if (query.maxConfidence !== undefined) add((p) => `f.confidence <= ${p}`, query.maxConfidence);
  if (query.traceId !== undefined) add((p) => `f.trace_id = ${p}`, query.traceId);
  if (query.sessionId !== undefined) add((p) => `f.session_id = ${p}`, query.sessionId);
  if (query.parentId !== undefined) add((p) => `f.parent_id = ${p}`, query.parentId);
  if (query.overridden !== undefined) {
    test(query.overridden ? overriddenSql(d) : `NOT ${overriddenSql(d)}`);
  }
  if (query.erased !== undefined) test(query.erased ? erasedSql(d) : `NOT ${erasedSql(d)}`);
}

/** The FROM clause of a search or a count: search rows, their entries and their facets. */
export function searchFrom(d: FacetDialect): string {
  return `${d.table('search')} s JOIN ${d.table('entries')} e ON e.idx = s.idx
    LEFT JOIN ${d.table('decision_facets')} f ON f.idx = s.idx`;
}

/** A grouped count's raw row. */
export interface RawCountRow {
  value: string | null;
  agent?: string | null;
  start?: string;
  n: number | string;
}

/**
 * The statements of a stats query: the total, then per dimension its counts, then with an
 * interval the buckets and per dimension its counts by bucket. `where`/`values`: the filter.
 */
export function statsStatements(
  query: StatsGrouping,
  d: FacetDialect,
  where: string,
): { key: string; sql: string }[] {
  const from = `FROM ${searchFrom(d)} ${where}`;
  const out = [{ key: 'total', sql: `SELECT NULL AS value, count(*) AS n ${from}` }];
  const agent = (dim: StatsDimension): string => (dim === 'version' ? ', s.agent AS agent' : '');
  const agentGroup = (dim: StatsDimension): string => (dim === 'version' ? ', s.agent' : '');
  for (const dim of query.groupBy) {
    const v = dimensionSql(dim, d);
    out.push({
      key: `group:${dim}`,
      sql: `SELECT ${v} AS value${agent(dim)}, count(*) AS n ${from} GROUP BY ${v}${agentGroup(dim)} ORDER BY n DESC, value`,
    });
  }
  if (query.interval !== undefined) {
    const b = d.bucket(query.interval, 's.ts');
    out.push({
      key: 'buckets',
      sql: `SELECT ${b} AS start, NULL AS value, count(*) AS n ${from} GROUP BY ${b} ORDER BY start`,
    });
    for (const dim of query.groupBy) {
      const v = dimensionSql(dim, d);
      out.push({
        key: `series:${dim}`,
        sql: `SELECT ${b} AS start, ${v} AS value${agent(dim)}, count(*) AS n ${from} GROUP BY ${b}, ${v}${agentGroup(dim)} ORDER BY start, n DESC, value`,
      });
    }
  }
  return out;
}

/** Assembles the rows of {@link statsStatements} (by key) into {@link DecisionStats}. */
export function toDecisionStats(
  query: StatsGrouping,
  rows: ReadonlyMap<string, readonly RawCountRow[]>,
): DecisionStats {
  const count = (r: RawCountRow): StatsCount => ({
    value: r.value,
    count: Number(r.n),
    ...(r.agent === undefined ? {} : { agent: r.agent }),
  });
  const groups: Partial<Record<StatsDimension, StatsCount[]>> = {};
  for (const dim of query.groupBy) groups[dim] = (rows.get(`group:${dim}`) ?? []).map(count);
  const total = Number(rows.get('total')?.[0]?.n ?? 0);
  if (query.interval === undefined) return { total, groups };
  const series: Partial<Record<StatsDimension, StatsBucketCount[]>> = {};
  for (const dim of query.groupBy) {
    series[dim] = (rows.get(`series:${dim}`) ?? []).map((r) => ({
      start: r.start ?? '',
      ...count(r),
    }));
  }
  const buckets = (rows.get('buckets') ?? []).map((r) => ({
    start: r.start ?? '',
    count: Number(r.n),
  }));
  return { total, groups, buckets, series };
}

/** A `decision_updates` row as both drivers return it. */
export interface RawUpdate {
  idx: number | string;
  decision: string;
  kind: string;
  action: string | null;
  actor: string | null;
  ts: string;
}

/** A `decision_updates` row as the port's type. */
export const toUpdate = (r: RawUpdate): OutcomeUpdateRow => ({
  index: Number(r.idx),
  decisionId: r.decision,
  kind: r.kind === 'override' ? 'override' : 'outcome',
  action: r.action,
  actor: r.actor,
  ts: r.ts,
});
