/**
 * The workflow: triage the alert, then page the care team the route names. Workflow code runs in
 * Temporal's deterministic sandbox: it imports types only, and nothing from Docket's worker side.
 */
import { proxyActivities } from '@temporalio/workflow';
import type * as activities from './activities.js';
import type { Alert, AlertTriage } from './alerts.js';

const { triageAlert, pageCareTeam } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumAttempts: 5 },
});

/** One alert, end to end. */
export async function clinicalAlertWorkflow(
  alert: Alert,
): Promise<AlertTriage & { readonly pageId: string | null }> {
  const triage = await triageAlert(alert);
  if (triage.page === null) return { ...triage, pageId: null };
  const { pageId } = await pageCareTeam({
    alertId: alert.alertId,
    team: triage.page,
    ward: alert.ward,
    bed: alert.bed,
  });
  return { ...triage, pageId };
}
