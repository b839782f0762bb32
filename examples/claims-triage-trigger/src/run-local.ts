/**
 * Runs the claims-triage task on this machine, without the Trigger.dev platform: the task is
 * registered in Trigger.dev's own resource catalog (as its worker does) and run inside
 * Trigger.dev's test harness (`runInMockTaskContext`), which supplies the TaskRunContext
 * (run id, task id, attempt). Prints one JSON line per claim.
 *
 *   DOCKET_URL=http://127.0.0.1:7420 DOCKET_API_KEY=dk_… node dist/src/run-local.js
 */
import { randomUUID } from 'node:crypto';
import { resourceCatalog } from '@trigger.dev/core/v3';
import { runInMockTaskContext } from '@trigger.dev/core/v3/test';
import { StandardResourceCatalog } from '@trigger.dev/core/v3/workers';
import { SAMPLE_CLAIMS } from './claims.js';

const TASK_FILE = 'src/trigger/claims-triage.ts';
resourceCatalog.setGlobalResourceCatalog(new StandardResourceCatalog());
resourceCatalog.setCurrentFileContext(TASK_FILE, TASK_FILE);
await import('./trigger/claims-triage.js');
const registered = resourceCatalog.getTask('claims-triage');
if (registered === undefined) throw new Error('claims-triage did not register');

for (const claim of SAMPLE_CLAIMS) {
  const runId = `run_local_${randomUUID().replaceAll('-', '').slice(0, 20)}`;
  const result: unknown = await runInMockTaskContext<unknown>(
    ({ ctx }) => registered.fns.run(claim, { ctx, signal: new AbortController().signal }),
    {
      ctx: {
        run: { id: runId, tags: [`claim:${claim.claimId}`] },
        task: { id: 'claims-triage', filePath: TASK_FILE },
        attempt: { number: 1 },
        environment: { slug: 'local', type: 'DEVELOPMENT' },
        project: { ref: process.env.TRIGGER_PROJECT_REF ?? 'proj_claims_triage' },
        queue: { name: 'task/claims-triage' },
      },
    },
  );
  console.log(JSON.stringify({ runId, claimId: claim.claimId, result }));
}
