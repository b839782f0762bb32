/**
 * The worker. Without Docket it would be `Worker.create({ connection, taskQueue, workflowsPath,
 * activities })`; the two marked lines add the audit trail: each `triageAlert` run is one
 * decision carrying the workflow id, run id, workflow and activity type and attempt.
 */
import { fileURLToPath } from 'node:url';
import { createDocket } from '@docket/sdk';
import { docketActivityInterceptor } from '@docket/temporal/worker';
import { Worker } from '@temporalio/worker';
import type { NativeConnection } from '@temporalio/worker';
import * as activities from './activities.js';
import { alertDecision } from './decision.js';

export const docket = createDocket(); // Docket ①: DOCKET_URL and DOCKET_API_KEY from the environment

/** A worker for the clinical-alert task queue. */
export function createAlertWorker(
  connection: NativeConnection,
  taskQueue: string,
): Promise<Worker> {
  return Worker.create({
    connection,
    taskQueue,
    workflowsPath: fileURLToPath(new URL('./workflows.js', import.meta.url)),
    activities,
    interceptors: {
      activity: [docketActivityInterceptor(docket, { decisions: { triageAlert: alertDecision } })], // Docket ②
    },
  });
}
