import { ENTRY_TYPES } from '@docket/core';
import type {
  DecisionListPage,
  DecisionSummary,
  DecisionView,
  FinalOutcome,
  Issue,
  JsonValue,
} from '@docket/protocol';
import { DocketError } from '@docket/protocol';
import type { AppendResult, DecisionQuery } from '@docket/ledger';
import { ServerError } from '../errors.js';
import { principalOf } from '../http/context.js';
import type { Handler, RequestContext } from '../http/context.js';
import { fromCursor, toCursor, toEntryView } from './views.js';
import { cosignedBundle, cosignedProof } from '../witnessing/cosigned-evidence.js';
import {
  finalOutcomes,
  fromOffsetCursor,
  parseDecisionFilter,
  seesFinal,
  toOffsetCursor,
  toSummary,
} from './stats.js';

/** Batch item results (`ItemResult` in the document). */
type ItemResult =
  | { status: 'accepted' | 'duplicate'; position: number; id: string; index: number }
  | {
      status: 'rejected';
      position: number;
      id?: string;
      code: string;
      message: string;
      where?: string;
      issues?: unknown;
    };

/** Errors that reject one record; anything else (store down, shutting down) fails the request. */
const RECORD_ERRORS = new Set(['DECISION_INVALID']);

/** POST /v1/decisions: each record appended on its own; the answer waits until all are durable. */
export const postDecisions: Handler = async (ctx) => {
  const { tenant } = principalOf(ctx);
  const { decisions } = await ctx.tenant();
  const records = (ctx.body as { decisions: unknown[] }).decisions;
  const settled = await Promise.allSettled(records.map((r) => decisions.append(r)));
  const results: ItemResult[] = [];
  let failure: Error | undefined;
  settled.forEach((s, position) => {
    const raw = records[position] as { id?: unknown } | null;
    const id = typeof raw?.id === 'string' ? raw.id : undefined;
    if (s.status === 'fulfilled') {
      const r: AppendResult = s.value;
      results.push({ status: r.status, position, id: r.id, index: r.index });
      if (r.status === 'accepted') ctx.services.metrics.accepted(tenant, 1);
      else ctx.services.metrics.duplicate(tenant, 1);
    } else if (s.reason instanceof DocketError && RECORD_ERRORS.has(s.reason.code)) {
      const problem = s.reason;
      ctx.services.metrics.rejected(tenant, problem.code);
      results.push({
        status: 'rejected',
        position,
        ...(id === undefined ? {} : { id }),
        code: problem.code,
        message: problem.message,
        ...(problem.where === undefined
          ? {}
          : { where: `$.decisions[${position}]${problem.where.slice(1)}` }),
        // Paths of the record's issues, as the item's own: within the batch.
        ...('issues' in problem
          ? {
              issues: (problem.issues as Issue[]).map((i) =>
                i.where?.startsWith('$') === true
                  ? { ...i, where: `$.decisions[${position}]${i.where.slice(1)}` }
                  : i,
              ),
            }
          : {}),
      });
    } else {
      failure ??= s.reason instanceof Error ? s.reason : new Error(String(s.reason));
    }
  });
  // The records that were appended are durable and stay; a retry of the batch gets them back
  // as duplicates (same ids), so failing the whole request loses nothing.
  if (failure !== undefined) throw failure;
  return { status: 200, json: { results } };
};

/** POST /v1/producer-reports: each report appended (idempotent by id); waits until durable. */
export const postProducerReports: Handler = async (ctx) => {
  const { decisions } = await ctx.tenant();
  const reports = (ctx.body as { reports: unknown[] }).reports;
  const results: ItemResult[] = [];
  // In order: a producer's reports are numbered, and a batch is small (≤ 100).
  for (const [position, report] of reports.entries()) {
    try {
      const r = await decisions.appendProducerReport(report);
      results.push({ status: r.status, position, id: r.id, index: r.index });
    } catch (error) {
      if (!(error instanceof DocketError) || error.code !== 'REPORT_INVALID') throw error;
      results.push({
        status: 'rejected',
        position,
        code: error.code,
        message: error.message,
        ...(error.where === undefined
          ? {}
          : { where: `$.reports[${position}]${error.where.slice(1)}` }),
      });
    }
  }
  return { status: 200, json: { results } };
};

/** GET /v1/decisions: search, newest first (or by time or confidence), cursor pagination. */
export const listDecisions: Handler = async (ctx) => {
  const { role } = principalOf(ctx);
  const { query, searched } = parseDecisionFilter(ctx.params, role);
  const p = ctx.params as { cursor?: string; limit: number; sort?: DecisionQuery['sort'] };
  const sort = p.sort ?? 'newest';
  // Newest first pages by index (stable while the log grows); other orders by offset.
  const offset = sort === 'newest' || p.cursor === undefined ? 0 : fromOffsetCursor(p.cursor);
  const { decisions } = await ctx.tenant();
  const [found, stats] = await Promise.all([
    decisions.search({
      ...query,
      ...(sort === 'newest' ? {} : { sort, offset }),
      ...(sort === 'newest' && p.cursor !== undefined ? { before: fromCursor(p.cursor) } : {}),
      limit: p.limit + 1,
    }),
    decisions.decisionStats({ ...query, groupBy: [] }),
  ]);
  const page = found.slice(0, p.limit);
  const finals = seesFinal(ctx)
    ? await finalOutcomes(
        decisions,
        page.map((e) => e.envelope.id),
      )
    : undefined;
  const items = page.map((e) => ({
    ...toEntryView(e, role),
    summary: toSummary(e),
    ...(finals === undefined ? {} : { final: finals.get(e.envelope.id) ?? null }),
  }));
  const shown = items.filter((i) => i.content !== null).length;
  if (searched.length > 0) {
    // What was searched by, not the words or the subject id (personal data in a permanent log).
    await ctx.recordAccess('search', `decisions by ${searched.join(' and ')}`, items.length);
  } else if (shown > 0) {
    await ctx.recordAccess('list', `decisions ${items[0]!.index}..${items.at(-1)!.index}`, shown);
  }
  const next =
    found.length <= p.limit
      ? null
      : sort === 'newest'
        ? toCursor(page.at(-1)!.index)
        : toOffsetCursor(offset + p.limit);
  const json: DecisionListPage = { items, next, total: stats.total };
  return { status: 200, json };
};

/** Reads a decision of the caller's tenant; any other entry type is not found. */
async function readDecision(ctx: RequestContext, id: string) {
  const { decisions } = await ctx.tenant();
  const entry = await decisions.read(id);
  if (entry.envelope.type !== ENTRY_TYPES.decision) {
    throw new ServerError('DECISION_NOT_FOUND', `no decision with id ${id}`, { where: 'path.id' });
  }
  return { decisions, entry };
}

/** GET /v1/decisions/{id}: the record, its events and its receipt. */
export const getDecision: Handler = async (ctx) => {
  const { role } = principalOf(ctx);
  const id = ctx.params['id'] as string;
  const { decisions, entry } = await readDecision(ctx, id);
  const [events, proof] = await Promise.all([decisions.events(id), decisions.inclusionProof(id)]);
  const receipt = await cosignedProof(ctx.services.witnessing, proof);
  const view = toEntryView(entry, role);
  const eventViews = events.map((e) => toEntryView(e, role));
  if (view.content !== null || eventViews.some((e) => e.content !== null)) {
    await ctx.recordAccess('read', id);
  }
  // An erased decision links its tombstone (the reason is for the roles that may read content).
  const found = view.erased ? await decisions.erasureOf(id) : null;
  const erasure =
    found === null || role !== 'reader'
      ? found
      : { id: found.id, index: found.index, ts: found.ts };
  const final = seesFinal(ctx)
    ? ((await finalOutcomes(decisions, [id])).get(id) ?? null)
    : undefined;
  const json: DecisionView & { summary: DecisionSummary; final?: FinalOutcome | null } = {
    ...view,
    events: eventViews,
    receipt,
    erasure,
    summary: toSummary(entry),
    ...(final === undefined ? {} : { final }),
  };
  return { status: 200, json };
};

/** POST /v1/decisions/{id}/events: a linked fact, durable before the answer. */
export const postEvent: Handler = async (ctx) => {
  const id = ctx.params['id'] as string;
  const {
    id: eventId,
    ts,
    ...fields
  } = ctx.body as {
    id?: string;
    ts?: string;
  } & Record<string, JsonValue>;
  const { decisions } = await ctx.tenant();
  const result = await decisions.appendEvent(id, {
    ...(eventId === undefined ? {} : { id: eventId }),
    ...(ts === undefined ? {} : { ts }),
    fields,
  });
  return { status: result.status === 'accepted' ? 201 : 200, json: result };
};

/** GET /v1/decisions/{id}/proof?size=N */
export const getProof: Handler = async (ctx) => {
  const id = ctx.params['id'] as string;
  const size = ctx.params['size'] as number | undefined;
  const { decisions } = await readDecision(ctx, id);
  const proof = await decisions.inclusionProof(id, size);
  return { status: 200, json: await cosignedProof(ctx.services.witnessing, proof) };
};

/** GET /v1/decisions/{id}/bundle?disclose=a,b */
export const getBundle: Handler = async (ctx) => {
  const id = ctx.params['id'] as string;
  const disclose = ((ctx.params['disclose'] as string | undefined) ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const { decisions, entry } = await readDecision(ctx, id);
  // `all`: every committed field (none once erased: nothing is left to disclose).
  const fields =
    disclose.length === 1 && disclose[0] === 'all'
      ? entry.fields === null
        ? []
        : Object.keys(entry.envelope.commitments)
      : disclose;
  let bundle;
  try {
    bundle = await decisions.exportBundle(id, fields);
  } catch (error) {
    // Over HTTP the field list is the query parameter.
    if (error instanceof DocketError && error.where === 'disclose') {
      throw new ServerError(error.code, error.message, { where: 'query.disclose', cause: error });
    }
    throw error;
  }
  await ctx.recordAccess('bundle', id, fields.length);
  return { status: 200, json: await cosignedBundle(ctx.services.witnessing, bundle) };
};
