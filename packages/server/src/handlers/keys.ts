import { ServerError } from '../errors.js';
import { createApiKey } from '../auth/api-key.js';
import { principalOf } from '../http/context.js';
import type { Handler } from '../http/context.js';
import type { ApiKeyRow } from '@docket/store';
import type { ApiKeyRole } from '../auth/roles.js';

/** A key row without its secret hash. */
const view = ({ secretHash: _hash, ...row }: ApiKeyRow) => row;

/** GET /v1/keys: the caller's tenant's keys. */
export const listKeys: Handler = async (ctx) => {
  const { tenant } = principalOf(ctx);
  const rows = await ctx.services.keys.list(tenant);
  return { status: 200, json: { items: rows.map(view) } };
};

/** POST /v1/keys: a new key in the caller's tenant, shown once. */
export const createKey: Handler = async (ctx) => {
  const { tenant } = principalOf(ctx);
  const { role, name } = ctx.body as { role: ApiKeyRole; name?: string };
  const { text, row } = createApiKey({ tenant, role, ...(name === undefined ? {} : { name }) });
  await ctx.services.keys.insert(row);
  return { status: 201, json: { ...view(row), key: text } };
};

/** POST /v1/keys/{id}/revoke: only a key of the caller's tenant. */
export const revokeKey: Handler = async (ctx) => {
  const { tenant } = principalOf(ctx);
  const id = ctx.params['id'] as string;
  const row = await ctx.services.keys.get(id);
  if (row === undefined || row.tenant !== tenant) {
    throw new ServerError('KEY_NOT_FOUND', `no key ${id} in this tenant`, { where: 'path.id' });
  }
  if (row.revokedAt === null) await ctx.services.keys.revoke(id, new Date().toISOString());
  ctx.services.authenticator.forget(id);
  return { status: 200, json: view((await ctx.services.keys.get(id)) ?? row) };
};
