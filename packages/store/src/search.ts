import type { ExpectedSearchRow, SearchQuery, SearchRowProblem } from './ledger-store.js';
import { facetConditions } from './facets.js';
import type { FacetDialect } from './facets.js';

/** How one SQL dialect spells placeholders and full-text search. */
export interface SearchDialect extends FacetDialect {
  /** The i-th placeholder (1-based): `?` or `$i`. */
  param(i: number): string;
  /** The full-text condition on `s`, given the placeholder of the words. */
  wordsTest(placeholder: string): string;
  /** The words as that placeholder's value. */
  wordsValue(words: readonly string[]): unknown;
}

/**
 * The WHERE … ORDER BY … LIMIT tail of a decision search over `search s`, shared by both adapters.
 * Only filters that are set appear, so each combination is its own (cacheable) statement.
 */
export function searchSql(
  query: SearchQuery,
  dialect: SearchDialect,
): { sql: string; values: unknown[] } {
  const param = (i: number): string => dialect.param(i);
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (clause: (p: string) => string, value: unknown): void => {
    values.push(value);
    where.push(clause(param(values.length)));
  };
  if (query.agentId !== undefined) add((p) => `s.agent = ${p}`, query.agentId);
  if (query.agentVersion !== undefined) add((p) => `s.agent_version = ${p}`, query.agentVersion);
  if (query.subject !== undefined) add((p) => `s.subject = ${p}`, query.subject);
  if (query.action !== undefined) add((p) => `s.action = ${p}`, query.action);
  if (query.since !== undefined) add((p) => `s.ts >= ${p}`, query.since);
  if (query.until !== undefined) add((p) => `s.ts < ${p}`, query.until);
  if (query.runId !== undefined) add((p) => `s.run_id = ${p}`, query.runId);
  if (query.words !== undefined && query.words.length > 0) {
    add((p) => dialect.wordsTest(p), dialect.wordsValue(query.words));
  }
  facetConditions(query, dialect, add, (clause) => where.push(clause));
  if (query.before !== undefined) add((p) => `s.idx < ${p}`, query.before);
  values.push(query.limit);
  const limit = param(values.length);
  values.push(query.offset ?? 0);
  const offset = param(values.length);
  return {
    sql: `${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`} ORDER BY ${ORDERS[query.sort ?? 'newest']} LIMIT ${limit} OFFSET ${offset}`,
    values,
  };
}

/** ORDER BY of each sort; ties by index, so pages by offset are stable. */
const ORDERS: Record<NonNullable<SearchQuery['sort']>, string> = {
  newest: 's.idx DESC',
  oldest: 's.ts ASC, s.idx ASC',
  confidence_desc: 'f.confidence DESC NULLS LAST, s.idx DESC',
  confidence_asc: 'f.confidence ASC NULLS LAST, s.idx DESC',
};

/**
 * The WHERE clause (no order, no limit, no cursor) of a search: the filter a count shares with
 * the list, so the count is of exactly the decisions the list pages through.
 */
export function searchWhere(
  query: Omit<SearchQuery, 'limit'>,
  dialect: SearchDialect,
): { sql: string; values: unknown[] } {
  const { before: _before, ...filter } = query;
  const { sql, values } = searchSql({ ...filter, limit: 0 }, dialect);
  // Limit and offset are the last two values, ORDER BY the tail of the statement.
  return { sql: sql.slice(0, sql.lastIndexOf(' ORDER BY ')), values: values.slice(0, -2) };
}

/** An FTS5 query that requires every word, each quoted so no word is read as an operator. */
export function fts5Words(words: readonly string[]): string {
  return words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' AND ');
}

/** A stored `search` row's columns, as both adapters name them. */
export interface RawSearchRow {
  idx: number;
  agent: string | null;
  agent_version: string | null;
  subject: string | null;
  action: string | null;
  ts: string;
  run_id: string | null;
}

/**
 * Compares stored search rows and full-text texts (by index; a decision with no text has no
 * text row) with the rows an audit derived; every stored index not expected is `extra`.
 */
export function diffSearchRows(
  expected: readonly ExpectedSearchRow[],
  stored: ReadonlyMap<number, RawSearchRow>,
  texts: ReadonlyMap<number, string>,
): SearchRowProblem[] {
  const problems: SearchRowProblem[] = [];
  const wanted = new Set<number>();
  for (const e of expected) {
    // A purged decision keeps no search row: any row left of it is extra.
    if (e.content === 'purged') continue;
    wanted.add(e.index);
    const s = stored.get(e.index);
    if (s === undefined) {
      problems.push({ index: e.index, problem: 'missing', columns: [] });
      continue;
    }
    const columns: string[] = [];
    if (s.subject !== e.subject) columns.push('subject');
    if (s.ts !== e.ts) columns.push('ts');
    const text = texts.get(e.index);
    const c = e.content;
    if (typeof c === 'object') {
      if (s.agent !== c.agentId) columns.push('agentId');
      if (s.agent_version !== c.agentVersion) columns.push('agentVersion');
      if (s.action !== c.action) columns.push('action');
      if (s.run_id !== c.runId) columns.push('runId');
      if ((text ?? '') !== c.text) columns.push('text');
    } else if (c === 'erased' && text !== undefined) {
      columns.push('text');
    }
    if (columns.length > 0) problems.push({ index: e.index, problem: 'changed', columns });
  }
  for (const index of new Set([...stored.keys(), ...texts.keys()])) {
    if (!wanted.has(index)) problems.push({ index, problem: 'extra', columns: [] });
  }
  return problems.sort((a, b) => a.index - b.index);
}
