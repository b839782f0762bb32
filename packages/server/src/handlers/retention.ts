import type { HoldTarget } from '@docket/ledger';
import type { Handler } from '../http/context.js';

/** GET /v1/retention: the policies in force. */
export const listRetention: Handler = async (ctx) => {
  const { decisions } = await ctx.tenant();
  return { status: 200, json: { policies: await decisions.retentionPolicies() } };
};

/** POST /v1/retention: set the tenant's or an agent's policy (a `docket.retention/v1` entry). */
export const setRetention: Handler = async (ctx) => {
  const body = ctx.body as { agent?: string; min?: string; max: string; basis: string };
  const { decisions } = await ctx.tenant();
  return { status: 200, json: await decisions.setRetention(body) };
};

/** GET /v1/holds: legal holds in force and released. */
export const listHolds: Handler = async (ctx) => {
  const { decisions } = await ctx.tenant();
  return { status: 200, json: await decisions.holds() };
};

/** POST /v1/holds: place a legal hold; the request's log line never carries a subject id. */
export const createHold: Handler = async (ctx) => {
  const body = ctx.body as { subject?: string; agent?: string; decision?: string; reason: string };
  const targets: HoldTarget[] = [
    ...(body.subject === undefined ? [] : [{ subjectId: body.subject }]),
    ...(body.agent === undefined ? [] : [{ agent: body.agent }]),
    ...(body.decision === undefined ? [] : [{ decisionId: body.decision }]),
  ];
  const { decisions } = await ctx.tenant();
  // None or several targets: a hold on nothing (the ledger names the ground).
  const target = targets.length === 1 ? targets[0]! : ({} as HoldTarget);
  return { status: 200, json: await decisions.placeHold(target, body.reason) };
};

/** POST /v1/holds/{id}/release */
export const releaseHold: Handler = async (ctx) => {
  const { reason } = ctx.body as { reason: string };
  const { decisions } = await ctx.tenant();
  return { status: 200, json: await decisions.releaseHold(ctx.params['id'] as string, reason) };
};

/** POST /v1/purge: purge (or, with dryRun, plan) the content past its maximum retention. */
export const postPurge: Handler = async (ctx) => {
  const { dryRun } = ctx.body as { dryRun?: boolean };
  const { decisions } = await ctx.tenant();
  return { status: 200, json: await decisions.purge({ dryRun: dryRun === true }) };
};
