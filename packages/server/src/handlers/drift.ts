import { parsePopulation, runDrift } from '@docket/ledger';
import type { Handler } from '../http/context.js';

/** GET /v1/drift?agent=&baseline=&current=[&pairs=]: a drift report (auditor, admin). */
export const getDrift: Handler = async (ctx) => {
  const p = ctx.params as Record<string, string | undefined>;
  const baseline = parsePopulation(p['baseline'] ?? '', 'query.baseline');
  const current = parsePopulation(p['current'] ?? '', 'query.current');
  const { decisions } = await ctx.tenant();
  const result = await runDrift(decisions, {
    agentId: p['agent'] ?? '',
    baseline,
    current,
    pairsLimit: Math.min(1000, Number(p['pairs'] ?? '50')),
  });
  return { status: 200, json: result };
};
