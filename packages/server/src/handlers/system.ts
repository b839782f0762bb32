import { DEFAULT_TENANT } from '@docket/ledger';
import { principalOf } from '../http/context.js';
import type { Handler } from '../http/context.js';
import { openApiDocument } from '../openapi/document.js';
import { renderWitnessMetrics } from '../witnessing/witness-metrics.js';

/** GET /healthz: the process answers. */
export const getHealth: Handler = () => Promise.resolve({ status: 200, json: { status: 'ok' } });

/** GET /readyz: started, not shutting down, and the default log's store answers. */
export const getReady: Handler = async (ctx) => {
  if (!ctx.services.ready()) return { status: 503, json: { status: 'starting' } };
  try {
    const { decisions } = await ctx.services.tenants.get(DEFAULT_TENANT);
    await decisions.info();
    await ctx.services.keys.countActive();
    return { status: 200, json: { status: 'ok' } };
  } catch (error) {
    return {
      status: 503,
      json: {
        status: 'unavailable',
        detail: error instanceof Error ? error.message : String(error),
      },
    };
  }
};

/** GET /metrics: Prometheus text; the default tenant's admins see every tenant, others their own. */
export const getMetrics: Handler = async (ctx) => {
  const { tenant } = principalOf(ctx);
  const opened = await ctx.services.tenants.opened();
  const gauges = opened.map((t) => {
    const stats = t.decisions.stats();
    return {
      tenant: t.tenant,
      poolDepth: stats.poolDepth,
      treeSize: stats.size,
      accessTreeSize: t.access.stats().size,
      sequencer: stats.sequencer,
    };
  });
  const visible = (t: string): boolean => tenant === DEFAULT_TENANT || t === tenant;
  const witnessing = ctx.services.witnessing;
  const witnessLines =
    witnessing === undefined ? '' : renderWitnessMetrics(witnessing.status(), visible);
  return {
    status: 200,
    text: ctx.services.metrics.render(gauges, visible) + witnessLines,
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
  };
};

/** GET /openapi.json: the document itself. */
export const getOpenApi: Handler = () => Promise.resolve({ status: 200, json: openApiDocument });
