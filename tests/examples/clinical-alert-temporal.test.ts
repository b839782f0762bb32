// examples/clinical-alert-temporal, run as a user runs it (`node dist/src/main.js`) against a real
// Temporal dev server (the CLI built by scripts/temporal-dev-server.mjs, started through
// @temporalio/testing from that path) and a real Docket server: every alert's triage decision is
// in the ledger with its workflow id, run id, workflow and activity type and attempt.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { temporalCli } from '../integrations/temporal-dev-server.js';
import { api, startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';
import { repoRoot } from '../support/vectors.js';
import { buildExample } from './build-example.js';

const example = join(repoRoot, 'examples', 'clinical-alert-temporal');

interface Line {
  readonly workflowId: string;
  readonly runId: string;
  readonly result: {
    readonly alertId: string;
    readonly route: string;
    readonly news2: number;
    readonly pageId: string | null;
  };
}

interface DecisionView {
  readonly subject: string | null;
  readonly receipt: { readonly index: number; readonly treeSize: number };
  readonly content: {
    readonly subject: { readonly id: string; readonly type: string };
    readonly correlation: { readonly orchestrator: Record<string, unknown> };
    readonly tags: Record<string, string>;
    readonly outcome: { readonly action: string; readonly value: { readonly news2: number } };
    readonly tools: readonly { readonly name: string }[];
    readonly context: { readonly alert: { readonly alertId: string } };
  };
}

describe('examples/clinical-alert-temporal', { timeout: 16 * 60_000 }, () => {
  let server: TestServer;
  let env: TestWorkflowEnvironment;
  before(async () => {
    buildExample(example);
    const cli = temporalCli();
    server = await startTestServer();
    env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: cli }, ip: '127.0.0.1' },
    });
  });
  after(async () => {
    await env.teardown();
    await server.close();
  });

  test('each alert is triaged in an activity whose decision carries the Temporal ids', async () => {
    // Asynchronously: the Docket server runs in this process and must keep answering.
    const run = await promisify(execFile)(
      process.execPath,
      [join(example, 'dist', 'src', 'main.js')],
      {
        encoding: 'utf8',
        timeout: 120_000,
        env: {
          ...process.env,
          DOCKET_URL: server.url,
          DOCKET_API_KEY: server.keys.default.ingest,
          DOCKET_FLUSH_INTERVAL_MS: '10',
          TEMPORAL_ADDRESS: env.address,
        },
      },
    );
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    assert.deepEqual(
      lines.map((l) => [l.result.alertId, l.result.route, l.result.news2, l.result.pageId]),
      [
        ['ALR-88121', 'rapid_response_team', 11, 'PG-ALR-88121-rapid-response-team'],
        ['ALR-88122', 'routine_monitoring', 0, null],
        ['ALR-88123', 'urgent_clinician_review', 5, 'PG-ALR-88123-ward-doctor'],
        ['ALR-88124', 'senior_review_within_ceiling', 17, 'PG-ALR-88124-responsible-consultant'],
      ],
    );

    const auditor = api(server.url, server.keys.default.auditor);
    for (const line of lines) {
      // From the workflow run to its decisions: one, made by the triage activity.
      const page = await auditor.get(`/v1/decisions?runId=${line.runId}`);
      assert.equal(page.status, 200, page.text);
      const items = (page.body as { items: { id: string }[] }).items;
      assert.equal(items.length, 1, `one decision for ${line.workflowId}`);
      const view = await auditor.get(`/v1/decisions/${items[0]!.id}`);
      assert.equal(view.status, 200, view.text);
      const decision = view.body as DecisionView;
      const { content } = decision;
      assert.deepEqual(content.correlation.orchestrator, {
        kind: 'temporal',
        runId: line.runId,
        job: 'clinicalAlertWorkflow',
        step: 'triageAlert',
        attempt: 0,
      });
      assert.equal(content.tags['temporal.workflowId'], line.workflowId);
      assert.equal(content.tags['temporal.taskQueue'], 'clinical-alerts');
      assert.equal(content.tags['temporal.namespace'], 'default');
      assert.equal(content.outcome.action, line.result.route);
      assert.equal(content.outcome.value.news2, line.result.news2);
      assert.equal(content.context.alert.alertId, line.result.alertId);
      assert.equal(content.subject.type, 'patient');
      assert.notEqual(decision.subject, content.subject.id, 'the server pseudonymizes the subject');
      assert.deepEqual(
        content.tools.map((t) => t.name),
        ['ehr.get_patient_summary', 'news2.score'],
      );
      assert.ok(decision.receipt.index < decision.receipt.treeSize, 'it has a receipt');
    }
  });
});
