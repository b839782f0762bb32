/**
 * The claims-triage task. Without Docket it would be
 * `task({ id: 'claims-triage', retry, run: triageClaim })`; the two marked lines add the audit
 * trail: every run is one decision carrying the Trigger.dev run id, task id and attempt.
 */
import { createDocket } from '@docket/sdk';
import { docketTask } from '@docket/trigger-dev';
import { task } from '@trigger.dev/sdk';
import { claimDecision, triageClaim } from '../agent.js';

const docket = createDocket(); // Docket ①: DOCKET_URL and DOCKET_API_KEY from the environment

export const claimsTriage = task({
  id: 'claims-triage',
  retry: { maxAttempts: 3 },
  run: docketTask(docket, triageClaim, { decision: claimDecision }), // Docket ②
});
