/**
 * From a Temporal activity's `Info` to the decision record's correlation. Pure functions with
 * type-only imports, so that this module (the package's root entry) is safe in workflow code.
 */
import type { Info } from '@temporalio/activity';
import { toOrchestrator, toTags } from '@docket/sdk/orchestrator';
import type { Orchestrator } from '@docket/sdk/orchestrator';

/** The orchestrator kind Temporal activities are recorded under. */
export const TEMPORAL_KIND = 'temporal';

/** The part of an activity's `Info` that the record uses. */
export type ActivityInfo = Pick<
  Info,
  | 'activityId'
  | 'activityType'
  | 'attempt'
  | 'namespace'
  | 'taskQueue'
  | 'workflowExecution'
  | 'workflowType'
  | 'activityRunId'
>;

/**
 * `correlation.orchestrator` for an activity: the workflow run id (or, for a standalone activity,
 * its activity run id), the workflow type as the job, the activity type as the step, and the
 * attempt (Temporal counts from 1; the record counts retries from 0).
 *
 * @example
 * const orchestrator = temporalOrchestrator(Context.current().info);
 * // { kind: 'temporal', runId: '0193…', job: 'clinicalAlertWorkflow', step: 'triageAlert', attempt: 0 }
 */
export function temporalOrchestrator(info: ActivityInfo): Orchestrator {
  return toOrchestrator({
    kind: TEMPORAL_KIND,
    runId: info.workflowExecution?.runId ?? info.activityRunId,
    job: info.workflowType,
    step: info.activityType,
    attempt: info.attempt - 1,
  });
}

/**
 * Tags for an activity: the ids the orchestrator object has no field for (workflow id, activity
 * id) and where it ran (namespace, task queue). Values longer than a tag may be are left out.
 *
 * @example
 * const tags = temporalTags(info); // { 'temporal.workflowId': 'alert-ICU4-bed12', 'temporal.activityId': '1', … }
 */
export function temporalTags(info: ActivityInfo): Readonly<Record<string, string>> {
  return toTags({
    'temporal.workflowId': info.workflowExecution?.workflowId,
    'temporal.activityId': info.activityId,
    'temporal.namespace': info.namespace,
    'temporal.taskQueue': info.taskQueue,
  });
}
