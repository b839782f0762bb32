/**
 * The Trigger.dev task wrapper: a task's `run` function gets a Docket bound to the run (run id,
 * task id, attempt), and the decisions it captured are flushed before the run returns, because a
 * Trigger.dev machine may be checkpointed or stopped as soon as the run ends.
 */
import { runInScope } from '@docket/sdk';
import type { RecordMeta } from '@docket/sdk';
import type { Context, TaskOptions } from '@trigger.dev/sdk';
import { createRunDocket, toOrchestrator, toTags } from '@docket/sdk/orchestrator';
import type { DocketClient, Orchestrator, RunDocket } from '@docket/sdk/orchestrator';

/** The second argument of a Trigger.dev v4 `run` function (`ctx`, `init`, `signal`). */
export type TaskRunParams = Parameters<TaskOptions<string>['run']>[1];

/**
 * Options of {@link docketTask}.
 *
 * @example
 * const options: DocketTaskOptions = { flushTimeoutMs: 5000 };
 */
export interface DocketTaskOptions<TPayload = unknown> {
  /**
   * Record the whole run as one decision with this meta (agent, subject, goal, context…): `run`
   * then adds to it with `consider`, `reason`, `tool`, `llm` and `decide` from `@docket/sdk`.
   * If it throws, the run goes on unrecorded (a Docket problem never fails the task).
   */
  readonly decision?: (payload: TPayload, ctx: Context) => RecordMeta;
  /** Flush the client when the run settles (default true). */
  readonly flush?: boolean;
  /** How long that flush may take, in ms (default 10000); the spool keeps what is not sent. */
  readonly flushTimeoutMs?: number;
}

/** The orchestrator kind Trigger.dev runs are recorded under. */
export const TRIGGER_DEV_KIND = 'trigger.dev';

/**
 * `correlation.orchestrator` for a Trigger.dev run: run id, task id as the job and the attempt
 * (`ctx.attempt.number` counts from 1; the record counts retries from 0).
 *
 * @example
 * const orchestrator = triggerOrchestrator(ctx); // { kind: 'trigger.dev', runId: 'run_…', job: 'claims-triage', attempt: 0 }
 */
export function triggerOrchestrator(ctx: Context): Orchestrator {
  return toOrchestrator({
    kind: TRIGGER_DEV_KIND,
    runId: ctx.run.id,
    job: ctx.task.id,
    attempt: ctx.attempt.number - 1,
  });
}

/**
 * Tags for a Trigger.dev run: environment, project, queue, deployment version and batch.
 *
 * @example
 * const tags = triggerTags(ctx); // { 'trigger.environment': 'prod', 'trigger.project': 'proj_…', … }
 */
export function triggerTags(ctx: Context): Readonly<Record<string, string>> {
  return toTags({
    'trigger.environment': ctx.environment.slug,
    'trigger.project': ctx.project.ref,
    'trigger.queue': ctx.queue.name,
    'trigger.deployment': ctx.deployment?.version,
    'trigger.batch': ctx.batch?.id,
  });
}

/** The run's Docket; without a readable context (not a Trigger.dev run), the kind alone. */
function bind(docket: DocketClient, ctx: Context | undefined): RunDocket {
  try {
    if (ctx !== undefined)
      return createRunDocket(docket, triggerOrchestrator(ctx), triggerTags(ctx));
  } catch {
    // A context without the fields of v4's TaskRunContext: record the decisions all the same.
  }
  return createRunDocket(docket, { kind: TRIGGER_DEV_KIND }, {});
}

/**
 * Wraps a Trigger.dev task's `run` function: it receives `docket`, a Docket bound to the run,
 * whose decisions carry the run id, task id and attempt in `correlation.orchestrator`. When the
 * run settles (returns or throws), the client is flushed; the run's result or error is unchanged.
 * With `options.decision`, the run is itself one decision (see {@link DocketTaskOptions}).
 *
 * @example
 * const docket = createDocket();
 * export const claimsTriage = task({
 *   id: 'claims-triage',
 *   run: docketTask(docket, async (claim: Claim, { docket }) =>
 *     docket.record({ agent: { id: 'claims-triage', version: '1.4.0' } }, () => triage(claim)),
 *   ),
 * });
 * // or, the run as one decision:
 * run: docketTask(docket, triageClaim, { decision: (claim) => ({ agent, subject: { id: claim.claimantId } }) }),
 */
export function docketTask<TPayload, TOutput, TParams extends TaskRunParams = TaskRunParams>(
  docket: DocketClient,
  run: (payload: TPayload, params: TParams & { readonly docket: RunDocket }) => Promise<TOutput>,
  options: DocketTaskOptions<TPayload> = {},
): (payload: TPayload, params: TParams) => Promise<TOutput> {
  const flush = options.flush ?? true;
  const flushTimeoutMs = options.flushTimeoutMs ?? 10_000;
  return async (payload, params) => {
    const bound = bind(docket, params.ctx);
    const call = (): Promise<TOutput> => run(payload, { ...params, docket: bound });
    let meta: RecordMeta | undefined;
    try {
      meta = options.decision?.(payload, params.ctx);
    } catch {
      meta = undefined;
    }
    try {
      // Any client's decisions inside carry the run's ids, not only params.docket's.
      return await runInScope(bound.orchestrator, bound.tags, () =>
        meta === undefined ? call() : bound.record(meta, call),
      );
    } finally {
      // flush() never rejects; at its deadline the spool (if configured) keeps the rest.
      if (flush) await docket.flush(flushTimeoutMs);
    }
  };
}
