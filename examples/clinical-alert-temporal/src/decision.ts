/**
 * What Docket records about an alert before the agent starts: agent, model, policy, the patient
 * as the subject, the goal and the alert as the input snapshot. The worker's Docket interceptor
 * calls it with the `triageAlert` activity's arguments.
 */
import type { RecordMeta } from '@docket/sdk';
import type { Alert } from './alerts.js';

export const AGENT = { id: 'clinical-alert-triage', version: '3.2.0' } as const;

/**
 * The decision meta of one `triageAlert` call.
 *
 * @example
 * const meta = alertDecision([SAMPLE_ALERTS[0]]);
 */
export function alertDecision(args: readonly unknown[]): RecordMeta {
  const alert = args[0] as Alert;
  return {
    agent: AGENT,
    model: { provider: 'rcp', name: 'news2', version: '2017' },
    policy: {
      id: 'deterioration-escalation',
      version: '2025-04',
      rules_evaluated: [
        'E1-emergency',
        'E2-ceiling-of-care',
        'E3-urgent',
        'E4-red-score',
        'E5-low',
      ],
    },
    subject: { id: alert.patientId, type: 'patient' },
    goal: `Escalation route for alert ${alert.alertId} (${alert.ward}, bed ${alert.bed})`,
    context: { alert },
  };
}
