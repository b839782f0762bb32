/**
 * `@docket/sdk/orchestrator` — a Docket bound to one orchestrator run (used by the Temporal and
 * Trigger.dev integrations): `capture()` and `record()` fill `correlation.orchestrator` and a few
 * `tags` from the run, then hand the decision to the Docket client unchanged. Values the caller
 * gives win over the run's. Pure functions and types only (no Node module), so it may be loaded
 * where Node's modules may not, such as Temporal workflow code.
 */
import type { DecisionRecord } from '@docket/protocol';
import type { DecisionInput, RecordMeta } from './context.js';

/** `correlation.orchestrator` of a decision record. */
export type Orchestrator = NonNullable<NonNullable<DecisionRecord['correlation']>['orchestrator']>;

/** The part of a Docket client a run needs (a `Docket` from `createDocket()` is one). */
export interface DocketClient {
  capture(decision: DecisionInput): string;
  record<T>(meta: RecordMeta, fn: () => T): T;
  flush(timeoutMs?: number): Promise<boolean>;
}

/**
 * A Docket bound to a run: `capture()` and `record()` as on the client, with the run's ids filled
 * in; `orchestrator` and `tags` are what they add.
 *
 * @example
 * await run.record({ agent: { id: 'alert-triage', version: '3.2.0' } }, () => decide('page_rapid_response'));
 */
export interface RunDocket {
  /** The run's `correlation.orchestrator`. */
  readonly orchestrator: Orchestrator;
  /** The run's tags (added to each decision's `tags` when there is room). */
  readonly tags: Readonly<Record<string, string>>;
  /** `Docket.capture()` with the run's correlation and tags. */
  capture(decision: DecisionInput): string;
  /** `Docket.record()` with the run's correlation and tags. */
  record<T>(meta: RecordMeta, fn: () => T): T;
}

/** The record schema's limits (decision-v1.schema.json: identifier, tags). */
const MAX_IDENTIFIER = 256;
const MAX_TAG_KEY = 128;
const MAX_TAG_VALUE = 256;
const MAX_TAGS = 64;

/**
 * The run's `correlation.orchestrator`, without the fields a record would refuse (empty or longer
 * than an identifier may be).
 *
 * @example
 * toOrchestrator({ kind: 'temporal', runId: '0193…', attempt: 0 }); // { kind, runId, attempt }
 */
export function toOrchestrator(fields: {
  readonly kind: string;
  readonly runId?: string | undefined;
  readonly job?: string | undefined;
  readonly step?: string | undefined;
  readonly partition?: string | undefined;
  readonly attempt?: number | undefined;
}): Orchestrator {
  const out: Record<string, string | number> = { kind: fields.kind };
  for (const key of ['runId', 'job', 'step', 'partition'] as const) {
    const value = fields[key];
    if (value !== undefined && value.length > 0 && value.length <= MAX_IDENTIFIER) out[key] = value;
  }
  if (fields.attempt !== undefined && Number.isSafeInteger(fields.attempt) && fields.attempt >= 0)
    out.attempt = fields.attempt;
  return out as Orchestrator;
}

/**
 * Keeps the tags a record accepts: string values within the schema's lengths.
 *
 * @example
 * toTags({ 'temporal.namespace': 'default', missing: undefined }); // { 'temporal.namespace': 'default' }
 */
export function toTags(
  fields: Readonly<Record<string, string | undefined>>,
): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || key.length === 0 || key.length > MAX_TAG_KEY) continue;
    if (value.length > MAX_TAG_VALUE) continue;
    out[key] = value;
  }
  return out;
}

/**
 * The run's correlation under the caller's (the caller's fields win). Never throws: an input it
 * cannot read goes to the client unchanged, which reports it through `onError`.
 *
 * @example
 * withRun(decision, { kind: 'temporal', runId: '0193…' }, {}); // decision with correlation.orchestrator
 */
export function withRun<T extends RecordMeta | DecisionInput>(
  input: T,
  orchestrator: Orchestrator,
  tags: Readonly<Record<string, string>>,
): T {
  if (typeof input !== 'object' || (input as unknown) === null) return input;
  const given = input.tags ?? {};
  const extra = Object.entries(tags).filter(([key]) => !(key in given));
  // A record with more than 64 tags is refused: the run's tags yield to the caller's.
  const room = Math.max(0, MAX_TAGS - Object.keys(given).length);
  const merged =
    extra.length === 0 ? input.tags : { ...Object.fromEntries(extra.slice(0, room)), ...given };
  return {
    ...input,
    correlation: {
      ...input.correlation,
      orchestrator: { ...orchestrator, ...input.correlation?.orchestrator },
    },
    ...(merged === undefined ? {} : { tags: merged }),
  };
}

/**
 * Binds a Docket client to one run.
 *
 * @example
 * const run = createRunDocket(docket, { kind: 'temporal', runId: '0193…', job: 'alertWorkflow', step: 'triageAlert', attempt: 0 }, {});
 * run.capture({ agent: { id: 'alert-triage', version: '3.2.0' }, outcome: { action: 'notify_nurse' } });
 */
export function createRunDocket(
  docket: DocketClient,
  orchestrator: Orchestrator,
  tags: Readonly<Record<string, string>>,
): RunDocket {
  return {
    orchestrator,
    tags,
    capture: (decision) => docket.capture(withRun(decision, orchestrator, tags)),
    record: (meta, fn) => docket.record(withRun(meta, orchestrator, tags), fn),
  };
}
