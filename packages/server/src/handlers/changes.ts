import type { Handler } from '../http/context.js';

/** POST /v1/changes: one change record appended (idempotent by id); waits until durable. */
export const postChange: Handler = async (ctx) => {
  const { decisions } = await ctx.tenant();
  const result = await decisions.appendChange(ctx.body);
  return { status: result.status === 'accepted' ? 201 : 200, json: result };
};

/** GET /v1/changes?agent=: the change records, oldest first. */
export const listChanges: Handler = async (ctx) => {
  const agent = ctx.params['agent'] as string | undefined;
  const { decisions } = await ctx.tenant();
  const items = await decisions.changes(agent === undefined ? {} : { agentId: agent });
  return { status: 200, json: { items } };
};
