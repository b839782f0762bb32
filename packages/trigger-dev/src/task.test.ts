// The run-to-record mapping, with the TaskRunContext that Trigger.dev's own test harness
// (`runInMockTaskContext` from @trigger.dev/core/v3/test) installs for a run.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runInMockTaskContext } from '@trigger.dev/core/v3/test';
import { toOrchestrator, toTags } from '@docket/sdk/orchestrator';
import { triggerOrchestrator, triggerTags } from './task.js';

describe('triggerOrchestrator', () => {
  test('maps run id, task id and attempt (Trigger.dev counts from 1, the record from 0)', async () => {
    const orchestrator = await runInMockTaskContext(({ ctx }) => triggerOrchestrator(ctx), {
      ctx: { run: { id: 'run_cm4x2' }, task: { id: 'claims-triage' }, attempt: { number: 3 } },
    });
    assert.deepEqual(orchestrator, {
      kind: 'trigger.dev',
      runId: 'run_cm4x2',
      job: 'claims-triage',
      attempt: 2,
    });
  });

  test('tags name environment, project, queue and batch; absent ones are left out', async () => {
    const tags = await runInMockTaskContext(({ ctx }) => triggerTags(ctx), {
      ctx: {
        environment: { slug: 'prod' },
        project: { ref: 'proj_claims' },
        queue: { name: 'task/claims-triage' },
        batch: { id: 'batch_7' },
      },
    });
    assert.deepEqual(tags, {
      'trigger.environment': 'prod',
      'trigger.project': 'proj_claims',
      'trigger.queue': 'task/claims-triage',
      'trigger.batch': 'batch_7',
    });
  });
});

describe('toOrchestrator / toTags', () => {
  test('drop what the record schema would refuse instead of losing the decision', () => {
    assert.deepEqual(
      toOrchestrator({ kind: 'x', runId: '', job: 'j'.repeat(257), step: 's', attempt: -1 }),
      { kind: 'x', step: 's' },
    );
    assert.deepEqual(toOrchestrator({ kind: 'x', attempt: 1.5 }), { kind: 'x' });
    assert.deepEqual(toTags({ a: 'v'.repeat(257), '': 'v', b: undefined, c: 'ok' }), { c: 'ok' });
  });
});
