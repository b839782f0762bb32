import type { DecisionRecord } from '@docket/protocol';
import type { SearchRow } from '@docket/store';

/** What the search columns are derived from: a decision record, or its stored fields and `ts`. */
export type SearchSource = Pick<DecisionRecord, 'ts' | 'agent' | 'outcome'> &
  Partial<Pick<DecisionRecord, 'goal' | 'reasoning' | 'correlation'>>;

/**
 * The columns a decision is searched by (text: its goal and reasoning). The sequencer writes them
 * and the audit derives them again from the signed content, so both must use this one function.
 *
 * @example
 * const row = { ...toSearchColumns(record, pseudonym), index };
 */
export function toSearchColumns(
  record: SearchSource,
  subject: string | undefined,
): Omit<SearchRow, 'index'> {
  const reasoning = record.reasoning;
  const steps =
    reasoning === undefined
      ? []
      : typeof reasoning === 'string'
        ? [reasoning]
        : reasoning.map((step) => (typeof step === 'string' ? step : step.text));
  return {
    agentId: record.agent.id,
    agentVersion: record.agent.version,
    subject: subject ?? null,
    action: record.outcome.action,
    ts: toSortableUtc(record.ts),
    runId: record.correlation?.orchestrator?.runId ?? null,
    text: [record.goal ?? '', ...steps].join('\n'),
  };
}

/**
 * An RFC 3339 time as UTC with milliseconds, so text order is time order. A leap second
 * (`23:59:60`, valid RFC 3339, which `Date` can't represent) sorts as the minute's last millisecond.
 *
 * @example
 * toSortableUtc('2026-01-01T01:00:00+01:00'); // '2026-01-01T00:00:00.000Z'
 */
export function toSortableUtc(ts: string): string {
  const time = Date.parse(ts.replace(/:60(\.\d+)?(?=[Zz+-])/, ':59.999'));
  return new Date(time).toISOString();
}
