// examples/claims-triage-trigger, run as a user runs it (`node dist/src/run-local.js`) against a
// real Docket server: every claim's decision is in the ledger with its Trigger.dev run id, task
// id and attempt, its route, tool I/O and reasoning, and a receipt.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { api, startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';
import { repoRoot } from '../support/vectors.js';
import { buildExample } from './build-example.js';

const example = join(repoRoot, 'examples', 'claims-triage-trigger');

interface Line {
  readonly runId: string;
  readonly claimId: string;
  readonly result: { readonly route: string; readonly payoutEstimate: number };
}

interface DecisionView {
  readonly id: string;
  readonly subject: string | null;
  readonly receipt: { readonly index: number; readonly treeSize: number };
  readonly content: {
    readonly subject: { readonly id: string; readonly type: string };
    readonly correlation: { readonly orchestrator: Record<string, unknown> };
    readonly outcome: { readonly action: string; readonly target: string; readonly value: unknown };
    readonly tools: readonly { readonly name: string }[];
    readonly alternatives: readonly { readonly action: string }[];
    readonly reasoning: readonly { readonly text: string }[];
    readonly tags: Record<string, string>;
  };
}

describe('examples/claims-triage-trigger', () => {
  let server: TestServer;
  before(async () => {
    buildExample(example);
    server = await startTestServer();
  });
  after(() => server.close());

  test('each claim is one decision in the ledger, with its Trigger.dev run, route and evidence', async () => {
    // Asynchronously: the server runs in this process and must keep answering.
    const run = await promisify(execFile)(
      process.execPath,
      [join(example, 'dist', 'src', 'run-local.js')],
      {
        encoding: 'utf8',
        timeout: 60_000,
        env: {
          ...process.env,
          DOCKET_URL: server.url,
          DOCKET_API_KEY: server.keys.default.ingest,
          DOCKET_FLUSH_INTERVAL_MS: '10',
        },
      },
    );
    assert.equal(run.stderr, '');
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Line);
    assert.deepEqual(
      lines.map((l) => [l.claimId, l.result.route]),
      [
        ['CLM-2025-100231', 'fast_track'],
        ['CLM-2025-100232', 'adjuster_review'],
        ['CLM-2025-100233', 'siu_referral'],
        ['CLM-2025-100234', 'deny_not_covered'],
      ],
    );

    const auditor = api(server.url, server.keys.default.auditor);
    for (const line of lines) {
      // The auditor's way in: from the Trigger.dev run to its decisions.
      const page = await auditor.get(`/v1/decisions?runId=${line.runId}`);
      assert.equal(page.status, 200, page.text);
      const items = (page.body as { items: { id: string }[] }).items;
      assert.equal(items.length, 1, `one decision for ${line.runId}`);
      const view = await auditor.get(`/v1/decisions/${items[0]!.id}`);
      assert.equal(view.status, 200, view.text);
      const decision = view.body as DecisionView;
      const { content } = decision;
      assert.deepEqual(content.correlation.orchestrator, {
        kind: 'trigger.dev',
        runId: line.runId,
        job: 'claims-triage',
        attempt: 0,
      });
      assert.equal(content.tags['trigger.environment'], 'local');
      assert.equal(content.outcome.action, line.result.route);
      assert.equal(content.outcome.target, `claim/${line.claimId}`);
      assert.equal(content.subject.type, 'claimant');
      assert.notEqual(decision.subject, content.subject.id, 'the server pseudonymizes the subject');
      assert.equal(content.tools[0]!.name, 'policy_admin.get_policy');
      assert.ok(content.alternatives.some((a) => a.action === line.result.route));
      assert.ok(content.reasoning[0]!.text.startsWith('R1-coverage'));
      assert.ok(decision.receipt.index < decision.receipt.treeSize, 'it has a receipt');
    }
  });
});
