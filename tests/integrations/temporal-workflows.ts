// Workflow code for tests/integrations/temporal.test.ts, bundled by Temporal's own workflow
// bundler. It imports the root entry of @docket/temporal, which must be workflow-safe.
import { proxyActivities } from '@temporalio/workflow';
import { TEMPORAL_KIND } from '@docket/temporal';

export interface ScreeningActivities {
  screenTransaction(input: { readonly txId: string; readonly amount: number }): Promise<string>;
}

const { screenTransaction } = proxyActivities<ScreeningActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '50 milliseconds', backoffCoefficient: 1, maximumAttempts: 3 },
});

/** Screens one transaction; the activity fails its first attempt, so it runs twice. */
export async function screeningWorkflow(txId: string, amount: number): Promise<string> {
  const action = await screenTransaction({ txId, amount });
  return `${TEMPORAL_KIND}:${action}`;
}
