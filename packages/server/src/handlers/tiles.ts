// The tlog-tiles read path (c2sp.org/tlog-tiles; issue 19): each log of a tenant served as a tiled
// log under `/v1/tiles/{log}/`, so existing tools (sumdb/tlog, transparency-dev clients, mirrors,
// monitors) can read it. Nothing here is content: tiles are hashes, entry bundles are leaf
// envelopes (salted commitments), so no access record is appended, as for `/v1/checkpoint`.
import { parseTilePath } from '@docket/core';
import type { Handler } from '../http/context.js';

/** Tiles never change once served (a partial tile is a prefix of the full one). */
const IMMUTABLE = 'private, max-age=31536000, immutable';

/** GET /v1/tiles/{log}/checkpoint: the log's latest checkpoint note, cosigned when witnessed. */
export const getTilesCheckpoint: Handler = async (ctx) => {
  const log = ctx.params['log'] as 'decisions' | 'access';
  const ledger = (await ctx.tenant())[log];
  const { checkpoint } = await ledger.info();
  const witnessing = ctx.services.witnessing;
  const text = witnessing === undefined ? checkpoint : await witnessing.cosigned(checkpoint);
  return { status: 200, text, contentType: 'text/plain; charset=utf-8' };
};

/** GET /v1/tiles/{log}/tile/{tile}: a Merkle tile or an entry bundle, as bytes. */
export const getTile: Handler = async (ctx) => {
  const log = ctx.params['log'] as 'decisions' | 'access';
  const ref = parseTilePath(ctx.params['tile'] as string);
  const ledger = (await ctx.tenant())[log];
  const bytes = await ledger.tile(ref);
  return {
    status: 200,
    bytes,
    contentType: 'application/octet-stream',
    headers: { 'cache-control': IMMUTABLE },
  };
};
