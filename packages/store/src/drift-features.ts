/**
 * Drift features (issue 16): a small row per decision, derived from its content by the ledger's
 * catch-up pass, so a drift report reads these rows instead of decrypting every decision. A row
 * holds derived personal data (reasoning terms, context fields), so it goes with the subject's
 * erasure and with a retention purge of its decision.
 */
export interface FeatureRow {
  readonly index: number;
  readonly agentId: string;
  readonly agentVersion: string;
  /** The decision time, as UTC RFC 3339 with milliseconds (text order is time order). */
  readonly ts: string;
  /** Subject pseudonym (hex HMAC), or null. */
  readonly subject: string | null;
  /**
   * The subject data key the content was read with, or null. A row whose key is erased by the
   * time it is written is not written, so a catch-up racing an erasure leaves nothing behind.
   */
  readonly kid: string | null;
  /** The features, as JSON (the ledger defines their shape). */
  readonly body: string;
}

/** Which feature rows to read: one agent, optionally one version and a time window. */
export interface FeatureQuery {
  readonly agentId: string;
  readonly agentVersion?: string;
  /** Inclusive lower bound of `ts`. */
  readonly since?: string;
  /** Exclusive upper bound of `ts`. */
  readonly until?: string;
  /** Only rows with a larger index (the cursor). */
  readonly after?: number;
  readonly limit: number;
}

/** How many feature rows one agent version has, and their time span. */
export interface FeatureVersionCount {
  readonly agentVersion: string;
  readonly count: number;
  readonly first: string;
  readonly last: string;
}

/**
 * The part of the storage port that keeps drift features (both adapters implement it).
 *
 * @example
 * await store.putFeatures([{ index, agentId, agentVersion, ts, subject, kid, body }]);
 * const rows = await store.scanFeatures({ agentId: 'loan-approver', limit: 10_000 });
 */
export interface FeatureStore {
  /** Inserts or replaces rows (skipping rows whose `kid` is erased); returns how many were written. */
  putFeatures(rows: readonly FeatureRow[]): Promise<number>;
  /** Rows matching the query, in index order. */
  scanFeatures(query: FeatureQuery): Promise<FeatureRow[]>;
  /** Per version of one agent: row count and time span, by version. */
  featureVersions(agentId: string): Promise<FeatureVersionCount[]>;
}

/** The WHERE clause and values of a feature query, for either dialect's placeholders. */
export function featureQuerySql(
  query: FeatureQuery,
  param: (i: number) => string,
): { sql: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (clause: (p: string) => string, value: unknown): void => {
    values.push(value);
    where.push(clause(param(values.length)));
  };
  add((p) => `agent = ${p}`, query.agentId);
  if (query.agentVersion !== undefined) add((p) => `agent_version = ${p}`, query.agentVersion);
  if (query.since !== undefined) add((p) => `ts >= ${p}`, query.since);
  if (query.until !== undefined) add((p) => `ts < ${p}`, query.until);
  if (query.after !== undefined) add((p) => `idx > ${p}`, query.after);
  values.push(query.limit);
  return {
    sql: `WHERE ${where.join(' AND ')} ORDER BY idx LIMIT ${param(values.length)}`,
    values,
  };
}

/** A stored feature row's columns, as both adapters name them. */
export interface RawFeatureRow {
  idx: number;
  agent: string;
  agent_version: string;
  ts: string;
  subject: string | null;
  kid: string | null;
  body: string;
}

/** A stored row as a {@link FeatureRow}. */
export function toFeatureRow(r: RawFeatureRow): FeatureRow {
  return {
    index: r.idx,
    agentId: r.agent,
    agentVersion: r.agent_version,
    ts: r.ts,
    subject: r.subject,
    kid: r.kid,
    body: r.body,
  };
}
