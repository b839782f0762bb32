/**
 * Runs the example: a worker and the sample alerts, each as one workflow, against a Temporal
 * server (`temporal server start-dev`, or TEMPORAL_ADDRESS). Prints one JSON line per alert.
 *
 *   DOCKET_URL=http://127.0.0.1:7420 DOCKET_API_KEY=dk_… TEMPORAL_ADDRESS=127.0.0.1:7233 node dist/src/main.js
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { SAMPLE_ALERTS } from './alerts.js';
import { createAlertWorker, docket } from './worker.js';
import { clinicalAlertWorkflow } from './workflows.js';

const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
const taskQueue = process.env.TEMPORAL_TASK_QUEUE ?? 'clinical-alerts';

const workerConnection = await NativeConnection.connect({ address });
const clientConnection = await Connection.connect({ address });
const client = new Client({ connection: clientConnection, namespace });
const worker = await createAlertWorker(workerConnection, taskQueue);
try {
  await worker.runUntil(async () => {
    for (const alert of SAMPLE_ALERTS) {
      const handle = await client.workflow.start(clinicalAlertWorkflow, {
        args: [alert],
        taskQueue,
        workflowId: `clinical-alert-${alert.alertId}`,
        workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      });
      const result = await handle.result();
      console.log(
        JSON.stringify({
          workflowId: handle.workflowId,
          runId: handle.firstExecutionRunId,
          result,
        }),
      );
    }
  });
} finally {
  await docket.shutdown();
  await clientConnection.close();
  await workerConnection.close();
}
