// @docket/trigger-dev with the real @trigger.dev/sdk: tasks are defined with `task()`, registered
// in Trigger.dev's own resource catalog (as a deployed worker does) and their run functions are
// run inside Trigger.dev's test harness `runInMockTaskContext`, which installs a real
// TaskRunContext and the runtime managers. Trigger.dev has no local platform to run a task
// end to end without its webapp, so this is as close to a real run as this machine allows.
// Decisions go to a real Docket server over HTTP.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { resourceCatalog } from '@trigger.dev/core/v3';
import { runInMockTaskContext } from '@trigger.dev/core/v3/test';
import { StandardResourceCatalog } from '@trigger.dev/core/v3/workers';
import { task } from '@trigger.dev/sdk';
import type { Context } from '@trigger.dev/sdk';
import { consider, createDocket, decide, reason } from '@docket/sdk';
import type { Docket } from '@docket/sdk';
import { docketTask } from '@docket/trigger-dev';
import { api, startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';

interface Entry {
  readonly id: string;
  readonly content: {
    readonly correlation: { readonly orchestrator: Record<string, unknown> };
    readonly tags: Record<string, string>;
    readonly outcome: { readonly action: string };
    readonly metadata?: unknown;
  };
}

// What a Trigger.dev worker does before it imports the task files (see the SDK's own
// `@trigger.dev/sdk/ai/test` setup): a catalog in which `task()` registers its run function.
resourceCatalog.setGlobalResourceCatalog(new StandardResourceCatalog());
resourceCatalog.setCurrentFileContext('src/trigger/refunds.ts', 'src/trigger/refunds.ts');

/** Runs a registered task's run function as its worker would, with Trigger.dev's test context. */
async function runTask(
  id: string,
  payload: unknown,
  ctx: { run: { id: string }; attempt: { number: number } },
): Promise<unknown> {
  const registered = resourceCatalog.getTask(id);
  assert.ok(registered, `task ${id} is registered`);
  return runInMockTaskContext(
    ({ ctx: context }) =>
      registered.fns.run(payload, { ctx: context, signal: new AbortController().signal }),
    { ctx: { ...ctx, task: { id, filePath: 'src/trigger/refunds.ts' } } },
  );
}

const server: TestServer = await startTestServer();
// A long flush interval: only the wrapper's flush at the end of the run delivers the records.
const docket: Docket = createDocket({
  url: server.url,
  apiKey: server.keys.default.ingest,
  flushIntervalMs: 60_000,
  handleExit: false,
});

describe('@docket/trigger-dev with the real @trigger.dev/sdk', () => {
  after(async () => {
    await docket.shutdown(5000);
    await server.close();
  });

  const read = async (runId: string): Promise<Entry[]> => {
    const page = await api(server.url, server.keys.default.reader).get(
      `/v1/decisions?runId=${encodeURIComponent(runId)}`,
    );
    assert.equal(page.status, 200, page.text);
    return (page.body as { items: Entry[] }).items;
  };

  // A refund agent: one decision per refund line, recorded through the run's Docket.
  task({
    id: 'refund-review',
    run: docketTask(docket, async (refund: { id: string; lines: number[] }, { docket }) => {
      const actions: string[] = [];
      for (const [i, amount] of refund.lines.entries()) {
        actions.push(
          await docket.record(
            {
              agent: { id: 'refund-reviewer', version: '0.9.0' },
              goal: `Refund line ${i} of ${refund.id}?`,
              context: { amount },
              tags: { line: String(i) },
            },
            async () => {
              await Promise.resolve();
              consider({ action: 'refund', score: amount < 100 ? 0.9 : 0.4 });
              reason({ kind: 'rule', text: 'auto-refund under 100' });
              const action = amount < 100 ? 'refund' : 'escalate';
              decide(action, 0.9);
              return action;
            },
          ),
        );
      }
      return actions;
    }),
  });

  // A task that records one decision, then fails (its dependency is down).
  task({
    id: 'refund-payout',
    retry: { maxAttempts: 3 },
    run: docketTask(docket, async (refund: { id: string }, { docket }) => {
      docket.capture({
        agent: { id: 'refund-reviewer', version: '0.9.0' },
        goal: `Pay out ${refund.id}?`,
        outcome: { action: 'pay_out', target: `refund/${refund.id}` },
      });
      await Promise.resolve();
      throw new Error('payments API unavailable');
    }),
  });

  // A task whose run is one decision: the run function uses only the SDK helpers.
  task({
    id: 'refund-quick',
    run: docketTask(
      docket,
      async (refund: { id: string; amount: number }) => {
        await Promise.resolve();
        consider({ action: 'escalate', score: 0.2 });
        decide({ action: 'refund', target: `refund/${refund.id}` }, 0.9);
        return 'refund';
      },
      {
        decision: (refund, ctx) => ({
          agent: { id: 'refund-reviewer', version: '0.9.0' },
          goal: `Refund ${refund.id} (run ${ctx.run.id})?`,
          context: refund,
        }),
      },
    ),
  });

  // A task that uses the plain client, not the run's: the run scope still adds the run's ids.
  task({
    id: 'refund-plain',
    run: docketTask(docket, async (refund: { id: string }) => {
      await Promise.resolve();
      docket.capture({
        agent: { id: 'refund-reviewer', version: '0.9.0' },
        goal: `Refund ${refund.id} through the plain client?`,
        outcome: { action: 'refund' },
      });
      return 'ok';
    }),
  });

  test('the plain client inside a run gets the run ids too (the wrapper opens a run scope)', async () => {
    await runTask(
      'refund-plain',
      { id: 'RF-9' },
      { run: { id: 'run_cm4plain' }, attempt: { number: 2 } },
    );
    const items = await read('run_cm4plain');
    assert.equal(items.length, 1);
    assert.deepEqual(items[0]!.content.correlation.orchestrator, {
      kind: 'trigger.dev',
      runId: 'run_cm4plain',
      job: 'refund-plain',
      attempt: 1,
    });
  });

  test('decisions carry the Trigger.dev run id, task id and attempt, and are on the server when the run returns', async () => {
    const result = await runTask(
      'refund-review',
      { id: 'RF-1', lines: [40, 250] },
      { run: { id: 'run_cm4refund1' }, attempt: { number: 1 } },
    );
    assert.deepEqual(result, ['refund', 'escalate']);
    // No flush here: the wrapper flushed before the run returned.
    const items = await read('run_cm4refund1');
    assert.equal(items.length, 2);
    for (const entry of items) {
      assert.deepEqual(entry.content.correlation.orchestrator, {
        kind: 'trigger.dev',
        runId: 'run_cm4refund1',
        job: 'refund-review',
        attempt: 0,
      });
      assert.equal(entry.content.tags['trigger.environment'], 'test-env');
      assert.equal(entry.content.tags['trigger.project'], 'test-project-ref');
    }
    assert.deepEqual(items.map((e) => [e.content.tags.line, e.content.outcome.action]).sort(), [
      ['0', 'refund'],
      ['1', 'escalate'],
    ]);
  });

  test('a failing run keeps the decisions captured before the failure, under its retry attempt', async () => {
    await assert.rejects(
      runTask(
        'refund-payout',
        { id: 'RF-2' },
        { run: { id: 'run_cm4refund2' }, attempt: { number: 3 } },
      ),
      /payments API unavailable/,
    );
    const items = await read('run_cm4refund2');
    assert.equal(items.length, 1);
    assert.deepEqual(items[0]!.content.correlation.orchestrator, {
      kind: 'trigger.dev',
      runId: 'run_cm4refund2',
      job: 'refund-payout',
      attempt: 2,
    });
    assert.equal(items[0]!.content.outcome.action, 'pay_out');
  });

  test('options.decision records the whole run as one decision', async () => {
    assert.equal(
      await runTask(
        'refund-quick',
        { id: 'RF-3', amount: 20 },
        { run: { id: 'run_cm4refund3' }, attempt: { number: 1 } },
      ),
      'refund',
    );
    const items = await read('run_cm4refund3');
    assert.equal(items.length, 1);
    const content = items[0]!.content as Entry['content'] & Record<string, unknown>;
    assert.equal(content.goal, 'Refund RF-3 (run run_cm4refund3)?');
    assert.deepEqual(content.context, { id: 'RF-3', amount: 20 });
    assert.deepEqual(content.outcome, { action: 'refund', target: 'refund/RF-3' });
    assert.deepEqual(content.alternatives, [{ action: 'escalate', score: 0.2 }]);
    assert.equal(content.correlation.orchestrator.job, 'refund-quick');
  });

  test('a context without v4’s fields still records the decision (kind only) and runs', async () => {
    const run = docketTask(docket, async (refund: { id: string }, { docket: bound }) => {
      await Promise.resolve();
      return bound.capture({
        agent: { id: 'refund-reviewer', version: '0.9.0' },
        outcome: { action: 'refund', target: `refund/${refund.id}` },
      });
    });
    const id = await run(
      { id: 'RF-4' },
      {
        ctx: {} as Context,
        signal: new AbortController().signal,
      },
    );
    const res = await api(server.url, server.keys.default.reader).get(`/v1/decisions/${id}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual((res.body as Entry).content.correlation.orchestrator, { kind: 'trigger.dev' });
  });
});
