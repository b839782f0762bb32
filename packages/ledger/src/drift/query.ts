import { LedgerError } from '../errors.js';
import type { Ledger } from '../ledger.js';
import { toSortableUtc } from '../search-columns.js';
import type { FeatureEntry } from './feature-index.js';
import { createDriftReport, pairDecisions } from './report.js';
import type { DecisionPair, DriftOptions, DriftReport } from './report.js';

/** One side of a drift comparison: an agent version, or a time window `[from, to)`. */
export type Population =
  { readonly version: string } | { readonly from: string; readonly to?: string };

/**
 * A population from its text form: `version=2.4.0`, or `from=2026-01-01T00:00:00Z[,to=…]`
 * (`DRIFT_POPULATION_INVALID` otherwise; `where` names the flag or parameter).
 *
 * @example
 * parsePopulation('version=2.4.0', 'baseline'); // { version: '2.4.0' }
 */
export function parsePopulation(text: string, where: string): Population {
  const parts = new Map<string, string>();
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    if (eq <= 0 || parts.has(key)) parts.set('?', part);
    else parts.set(key, part.slice(eq + 1).trim());
  }
  const keys = [...parts.keys()].sort().join(',');
  const version = parts.get('version');
  if (keys === 'version' && version !== undefined && version !== '') return { version };
  const from = parts.get('from');
  const to = parts.get('to');
  if ((keys === 'from' || keys === 'from,to') && from !== undefined) {
    const times = [from, ...(to === undefined ? [] : [to])];
    if (
      times.every(
        (t) =>
          /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/i.test(t) &&
          !Number.isNaN(Date.parse(t)),
      )
    ) {
      if (to !== undefined && Date.parse(from) >= Date.parse(to)) {
        throw new LedgerError('DRIFT_POPULATION_INVALID', `${where}: from must be before to`, {
          where,
        });
      }
      return to === undefined ? { from } : { from, to };
    }
  }
  throw new LedgerError(
    'DRIFT_POPULATION_INVALID',
    `${where}: expected version=V or from=TIME[,to=TIME] (RFC 3339), got "${text}"`,
    { where },
  );
}

/** The text form of a population (as {@link parsePopulation} reads it). */
export function formatPopulation(p: Population): string {
  return 'version' in p
    ? `version=${p.version}`
    : `from=${p.from}${p.to === undefined ? '' : `,to=${p.to}`}`;
}

/** A drift comparison to run on a ledger. */
export interface DriftQuery {
  readonly agentId: string;
  readonly baseline: Population;
  readonly current: Population;
  readonly options?: DriftOptions;
  /** Most decision pairs returned (default 50). */
  readonly pairsLimit?: number;
  /** "Now", for refusing windows in the future (default the clock). */
  readonly now?: Date;
  /** Called with how many decisions each side has read so far. */
  readonly onProgress?: (side: 'baseline' | 'current', read: number) => void;
}

/** The answer to a {@link DriftQuery}. */
export interface DriftResult {
  readonly agentId: string;
  readonly baseline: { readonly population: string; readonly count: number };
  readonly current: { readonly population: string; readonly count: number };
  readonly report: DriftReport;
  /** Per-decision drift: the ranked pairs (indices link to the decisions). */
  readonly pairs: readonly DecisionPair[];
}

/**
 * Runs a drift comparison on a ledger's stored features, after a catch-up pass so decisions
 * appended up to now are included: checks the agent and versions exist (`DRIFT_AGENT_UNKNOWN`,
 * `DRIFT_VERSION_UNKNOWN`) and that no window starts in the future (`DRIFT_WINDOW_FUTURE`); an
 * empty or small side is an `insufficient-data` verdict, not an error.
 *
 * @example
 * const result = await runDrift(ledger, { agentId: 'loan-approver', baseline: { version: '1.0.0' }, current: { version: '2.0.0' } });
 */
export async function runDrift(ledger: Ledger, query: DriftQuery): Promise<DriftResult> {
  const now = (query.now ?? new Date()).getTime();
  for (const [side, p] of [
    ['baseline', query.baseline],
    ['current', query.current],
  ] as const) {
    if ('from' in p && Date.parse(p.from) > now) {
      throw new LedgerError(
        'DRIFT_WINDOW_FUTURE',
        `${side}: the window starts after now (${p.from})`,
        {
          where: side,
        },
      );
    }
  }
  while ((await ledger.catchUpFeatures()).scanned > 0);
  const versions = await ledger.featureVersions(query.agentId);
  if (versions.length === 0) {
    throw new LedgerError(
      'DRIFT_AGENT_UNKNOWN',
      `no decision of agent "${query.agentId}" has drift features`,
      { where: 'agent' },
    );
  }
  const read = async (side: 'baseline' | 'current', p: Population): Promise<FeatureEntry[]> => {
    if ('version' in p) {
      if (!versions.some((v) => v.agentVersion === p.version)) {
        throw new LedgerError(
          'DRIFT_VERSION_UNKNOWN',
          `agent "${query.agentId}" has no decision of version ${p.version} (it has ${versions.map((v) => v.agentVersion).join(', ')})`,
          { where: side },
        );
      }
      return ledger.readFeatures({ agentId: query.agentId, agentVersion: p.version }, (n) =>
        query.onProgress?.(side, n),
      );
    }
    return ledger.readFeatures(
      {
        agentId: query.agentId,
        since: toSortableUtc(p.from),
        ...(p.to === undefined ? {} : { until: toSortableUtc(p.to) }),
      },
      (n) => query.onProgress?.(side, n),
    );
  };
  const baseline = await read('baseline', query.baseline);
  const current = await read('current', query.current);
  const report = createDriftReport(
    baseline.map((e) => e.features),
    current.map((e) => e.features),
    query.options,
  );
  return {
    agentId: query.agentId,
    baseline: { population: formatPopulation(query.baseline), count: baseline.length },
    current: { population: formatPopulation(query.current), count: current.length },
    report,
    pairs: pairDecisions(baseline, current, { limit: query.pairsLimit ?? 50 }),
  };
}
