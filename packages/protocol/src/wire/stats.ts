/**
 * The decision list's extras and `GET /v1/stats` (issue 20), declared once for the server and the
 * web UI. Types only.
 */
import type { EntryView } from './views.js';

/**
 * What any reading role may see of a decision, its content withheld or not: agent, version,
 * outcome class and confidence (null once the subject was erased: the server can't read them).
 *
 * @example
 * const label = `${s.agent}@${s.version}: ${s.outcome}`;
 */
export interface DecisionSummary {
  readonly agent: string | null;
  readonly version: string | null;
  /** The recorded outcome's action (its class: `approve`, `decline`, `refer`…). */
  readonly outcome: string | null;
  readonly confidence: number | null;
}

/**
 * The last override or outcome update of a decision: its final outcome.
 *
 * @example
 * const title = `${recorded} → ${f.action} by ${f.actor}, ${f.ts.slice(0, 10)}`;
 */
export interface FinalOutcome {
  readonly kind: 'override' | 'outcome';
  readonly action: string | null;
  readonly actor: string | null;
  readonly ts: string;
  /** Index of the event that made it. */
  readonly index: number;
}

/** One count of `GET /v1/stats` (`agent` with the `version` dimension). */
export interface StatsCountView {
  readonly value: string | null;
  readonly count: number;
  readonly agent?: string | null;
  /** The bucket's first day (`YYYY-MM-DD`), in `series`. */
  readonly start?: string;
}

/**
 * `GET /v1/stats`: counts of the decisions the same filter lists, per dimension (`groups`) and,
 * with an `interval`, per time bucket (`buckets`, `series`).
 *
 * @example
 * const declined = stats.groups.outcome?.find((c) => c.value === 'decline')?.count ?? 0;
 */
export interface StatsView {
  readonly total: number;
  readonly groups: Readonly<Record<string, readonly StatsCountView[]>>;
  readonly interval?: 'day' | 'week' | 'month';
  readonly buckets?: readonly { start: string; count: number }[];
  readonly series?: Readonly<Record<string, readonly StatsCountView[]>>;
}

/**
 * A page of `GET /v1/decisions`: entries with their summary and final outcome, the total the
 * filter matches, and the next page's cursor.
 *
 * @example
 * const shown = `${page.items.length} of ${page.total}`;
 */
export interface DecisionListPage {
  readonly items: readonly (EntryView & {
    readonly summary?: DecisionSummary;
    readonly final?: FinalOutcome | null;
  })[];
  readonly next: string | null;
  readonly total?: number;
}
