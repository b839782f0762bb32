/**
 * @docket/temporal/worker — the worker side (Node only; never import it from workflow code).
 * `docketActivityInterceptor()` goes in the worker's `interceptors.activity`; inside an activity,
 * `activityDocket()` is a Docket whose decisions carry the workflow id, run id, activity id and
 * type, attempt, namespace and task queue.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { runInScope } from '@docket/sdk';
import type { RecordMeta } from '@docket/sdk';
import type { Info } from '@temporalio/activity';
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { temporalOrchestrator, temporalTags } from './activity-info.js';
import { TemporalDocketError } from './errors.js';
import { createRunDocket } from '@docket/sdk/orchestrator';
import type { DocketClient, RunDocket } from '@docket/sdk/orchestrator';

export { TemporalDocketError } from './errors.js';
export type { TemporalDocketErrorCode } from './errors.js';

/**
 * Options of {@link docketActivityInterceptor}.
 *
 * @example
 * const options: DocketActivityOptions = { flush: true, flushTimeoutMs: 2000 };
 */
export interface DocketActivityOptions {
  /**
   * Activities that are each one decision, by activity type: the meta (agent, subject, goal,
   * context…) made from the activity's arguments. The activity then adds to the decision with
   * `consider`, `reason`, `tool`, `llm` and `decide` from `@docket/sdk`, and needs no Docket
   * client of its own. If a builder throws, the activity runs unrecorded (a Docket problem never
   * fails the activity).
   */
  readonly decisions?: Readonly<
    Record<string, (args: readonly unknown[], info: Info) => RecordMeta>
  >;
  /**
   * Flush the client when each activity settles (default false: a worker is long-lived and the
   * client sends in the background; set it when the activity's completion should wait until its
   * decisions are on the server or in the spool).
   */
  readonly flush?: boolean;
  /** How long that flush may take, in ms (default 10000). */
  readonly flushTimeoutMs?: number;
}

const storage = new AsyncLocalStorage<RunDocket>();

/**
 * The activity interceptor factory for `Worker.create({ interceptors: { activity: [...] } })`:
 * each activity execution runs with a Docket bound to its `Info` (see {@link activityDocket}).
 * Activities named in `options.decisions` are recorded as one decision each. The activity's
 * result, error, retries and cancellation are untouched.
 *
 * @example
 * const docket = createDocket();
 * const worker = await Worker.create({
 *   taskQueue: 'clinical-alerts', workflowsPath, activities,
 *   interceptors: { activity: [docketActivityInterceptor(docket, { decisions: { triageAlert: ([alert]) => meta(alert) } })] },
 * });
 */
export function docketActivityInterceptor(
  docket: DocketClient,
  options: DocketActivityOptions = {},
): ActivityInterceptorsFactory {
  const flush = options.flush ?? false;
  const flushTimeoutMs = options.flushTimeoutMs ?? 10_000;
  return (ctx) => ({
    inbound: {
      execute: async (input, next) => {
        const info = ctx.info;
        const bound = createRunDocket(docket, temporalOrchestrator(info), temporalTags(info));
        let meta: RecordMeta | undefined;
        try {
          const decisions = options.decisions ?? {};
          // Own keys only: an activity named `constructor` must not find Object's.
          if (Object.hasOwn(decisions, info.activityType))
            meta = decisions[info.activityType]?.(input.args, info);
        } catch {
          meta = undefined;
        }
        const call = (): Promise<unknown> => next(input);
        try {
          // Any client's decisions inside carry the activity's ids, not only activityDocket()'s.
          return await runInScope(bound.orchestrator, bound.tags, () =>
            storage.run(bound, () => (meta === undefined ? call() : bound.record(meta, call))),
          );
        } finally {
          // flush() never rejects; at its deadline the spool (if configured) keeps the rest.
          if (flush) await docket.flush(flushTimeoutMs);
        }
      },
    },
  });
}

/**
 * The Docket of the running activity: `record()` and `capture()` fill
 * `correlation.orchestrator` (kind `temporal`, workflow run id, workflow type, activity type,
 * attempt from 0) and the tags `temporal.workflowId`, `temporal.activityId`,
 * `temporal.namespace`, `temporal.taskQueue`. Throws `TemporalDocketError` `NOT_IN_ACTIVITY`
 * outside an activity of a worker that has {@link docketActivityInterceptor}: a decision must not
 * silently lose its run.
 *
 * @example
 * export async function triageAlert(alert: Alert): Promise<Triage> {
 *   return activityDocket().record({ agent: { id: 'alert-triage', version: '3.2.0' } }, () => triage(alert));
 * }
 */
export function activityDocket(): RunDocket {
  const bound = storage.getStore();
  if (bound === undefined)
    throw new TemporalDocketError(
      'NOT_IN_ACTIVITY',
      'activityDocket() was called outside an activity run by a worker with docketActivityInterceptor(docket) in interceptors.activity',
      'activityDocket',
    );
  return bound;
}
