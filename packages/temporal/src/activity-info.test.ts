// The activity-to-record mapping, with the activity Info that Temporal's own
// MockActivityEnvironment (@temporalio/testing; no server) gives an activity.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Context } from '@temporalio/activity';
import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { temporalOrchestrator, temporalTags } from './activity-info.js';

describe('temporalOrchestrator / temporalTags', () => {
  test('map workflow run id, workflow type, activity type, attempt (from 0) and the ids the orchestrator has no field for', async () => {
    const env = new MockActivityEnvironment({
      activityId: '7',
      activityType: 'triageAlert',
      attempt: 3,
      namespace: 'clinical',
      taskQueue: 'clinical-alerts',
      workflowType: 'clinicalAlertWorkflow',
      workflowExecution: { workflowId: 'clinical-alert-ALR-1', runId: '0193b2c4-run' },
    });
    const info = await env.run<[], Info, () => Promise<Info>>(() =>
      Promise.resolve(Context.current().info),
    );
    const orchestrator = temporalOrchestrator(info);
    const tags = temporalTags(info);
    assert.deepEqual(orchestrator, {
      kind: 'temporal',
      runId: '0193b2c4-run',
      job: 'clinicalAlertWorkflow',
      step: 'triageAlert',
      attempt: 2,
    });
    assert.deepEqual(tags, {
      'temporal.workflowId': 'clinical-alert-ALR-1',
      'temporal.activityId': '7',
      'temporal.namespace': 'clinical',
      'temporal.taskQueue': 'clinical-alerts',
    });
  });

  test('leave out a workflow id longer than a tag value may be', async () => {
    const env = new MockActivityEnvironment({
      workflowExecution: { workflowId: 'w'.repeat(300), runId: 'r' },
    });
    const info = await env.run<[], Info, () => Promise<Info>>(() =>
      Promise.resolve(Context.current().info),
    );
    const tags = temporalTags(info);
    assert.equal(tags['temporal.workflowId'], undefined);
    assert.equal(typeof tags['temporal.activityId'], 'string');
  });
});
