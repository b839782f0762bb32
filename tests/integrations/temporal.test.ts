// @docket/temporal against a real Temporal dev server (the Temporal CLI built from the Go module
// proxy by scripts/temporal-dev-server.mjs, started by @temporalio/testing from that path, never
// downloaded), a real worker running a bundled workflow, and a real Docket server over HTTP.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Context } from '@temporalio/activity';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { consider, createDocket, decide } from '@docket/sdk';
import type { Docket } from '@docket/sdk';
import { temporalOrchestrator, temporalTags } from '@docket/temporal';
import {
  activityDocket,
  docketActivityInterceptor,
  TemporalDocketError,
} from '@docket/temporal/worker';
import { api, startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';
import { temporalCli } from './temporal-dev-server.js';
import { screeningWorkflow } from './temporal-workflows.js';

const here = fileURLToPath(new URL('.', import.meta.url));

// Workers log every state change at INFO; the test output needs only warnings.
Runtime.install({ logger: new DefaultLogger('WARN') });

interface Entry {
  readonly id: string;
  readonly content: Record<string, unknown> & {
    readonly correlation: { readonly orchestrator: Record<string, unknown> };
    readonly tags: Record<string, string>;
    readonly outcome: { readonly action: string };
  };
}

describe('@docket/temporal on a real Temporal dev server', { timeout: 16 * 60_000 }, () => {
  let server: TestServer;
  let env: TestWorkflowEnvironment;
  let docket: Docket;

  before(async () => {
    const cli = temporalCli();
    server = await startTestServer();
    env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: cli }, ip: '127.0.0.1' },
    });
    docket = createDocket({
      url: server.url,
      apiKey: server.keys.default.ingest,
      flushIntervalMs: 10,
      handleExit: false,
    });
  });

  after(async () => {
    await docket.shutdown(5000);
    await env.teardown();
    await server.close();
  });

  test('decisions in an activity carry workflow id, run id, workflow and activity type, attempt, namespace and task queue', async () => {
    const taskQueue = `screening-${process.pid}`;
    const seen: number[] = [];
    const activities = {
      // An AML screening step that records its decision and fails its first attempt (the
      // sanctions list is down): Temporal retries it, and each attempt is its own decision.
      async screenTransaction(input: { txId: string; amount: number }): Promise<string> {
        const attempt = Context.current().info.attempt;
        seen.push(attempt);
        return activityDocket().record(
          {
            agent: { id: 'aml-screener', version: '1.0.0' },
            goal: `Screen transaction ${input.txId}`,
            context: input,
          },
          async () => {
            await Promise.resolve();
            consider({ action: 'clear', score: 0.2, reason: 'amount under the reporting limit' });
            if (attempt === 1) throw new Error('sanctions list unavailable');
            decide({ action: 'hold', target: `transaction/${input.txId}` }, 0.8);
            return 'hold';
          },
        );
      },
    };
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: join(here, 'temporal-workflows.js'),
      activities,
      interceptors: { activity: [docketActivityInterceptor(docket, { flush: true })] },
    });
    const workflowId = `screen-tx-${process.pid}-${Date.now()}`;
    const handle = await env.client.workflow.start(screeningWorkflow, {
      args: ['tx-1042', 9800],
      taskQueue,
      workflowId,
    });
    const result = await worker.runUntil(handle.result());
    assert.equal(result, 'temporal:hold');
    assert.deepEqual(seen, [1, 2]);

    const runId = handle.firstExecutionRunId;
    const page = await api(server.url, server.keys.default.reader).get(
      `/v1/decisions?runId=${encodeURIComponent(runId)}`,
    );
    assert.equal(page.status, 200, page.text);
    const items = (page.body as { items: Entry[] }).items;
    const byAttempt = [...items].sort(
      (a, b) =>
        Number(a.content.correlation.orchestrator.attempt) -
        Number(b.content.correlation.orchestrator.attempt),
    );
    assert.equal(byAttempt.length, 2);
    const [first, second] = byAttempt as [Entry, Entry];
    for (const [entry, attempt] of [
      [first, 0],
      [second, 1],
    ] as const) {
      assert.deepEqual(entry.content.correlation.orchestrator, {
        kind: 'temporal',
        runId,
        job: 'screeningWorkflow',
        step: 'screenTransaction',
        attempt,
      });
      assert.deepEqual(entry.content.tags, {
        'temporal.workflowId': workflowId,
        'temporal.activityId': '1',
        'temporal.namespace': 'default',
        'temporal.taskQueue': taskQueue,
      });
    }
    assert.equal(first.content.outcome.action, 'error');
    assert.deepEqual(first.content.metadata, {
      error: { name: 'Error', message: 'sanctions list unavailable' },
    });
    assert.deepEqual(second.content.outcome, { action: 'hold', target: 'transaction/tx-1042' });
  });

  test('the caller’s own correlation and tags win over the activity’s', async () => {
    const taskQueue = `override-${process.pid}`;
    let id = '';
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: join(here, 'temporal-workflows.js'),
      activities: {
        screenTransaction(): Promise<string> {
          id = activityDocket().capture({
            agent: { id: 'aml-screener', version: '1.0.0' },
            outcome: { action: 'clear' },
            correlation: { orchestrator: { kind: 'temporal', step: 'screen-v2' } },
            tags: { 'temporal.taskQueue': 'given' },
          });
          return Promise.resolve('clear');
        },
      },
      interceptors: { activity: [docketActivityInterceptor(docket, { flush: true })] },
    });
    const handle = await env.client.workflow.start(screeningWorkflow, {
      args: ['tx-7', 10],
      taskQueue,
      workflowId: `override-${process.pid}-${Date.now()}`,
    });
    await worker.runUntil(handle.result());
    const res = await api(server.url, server.keys.default.reader).get(`/v1/decisions/${id}`);
    assert.equal(res.status, 200, res.text);
    const content = (res.body as Entry).content;
    assert.equal(content.correlation.orchestrator.step, 'screen-v2');
    assert.equal(content.correlation.orchestrator.runId, handle.firstExecutionRunId);
    assert.equal(content.tags['temporal.taskQueue'], 'given');
  });

  test('options.decisions records an activity as one decision; the activity uses only the SDK helpers', async () => {
    const taskQueue = `decisions-${process.pid}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: join(here, 'temporal-workflows.js'),
      activities: {
        async screenTransaction(input: { txId: string; amount: number }): Promise<string> {
          await Promise.resolve();
          consider({ action: 'hold', score: 0.1 });
          decide({ action: 'clear', target: `transaction/${input.txId}` }, 0.95);
          return 'clear';
        },
      },
      interceptors: {
        activity: [
          docketActivityInterceptor(docket, {
            flush: true,
            decisions: {
              screenTransaction: ([input], info) => {
                const tx = input as { txId: string; amount: number };
                return {
                  agent: { id: 'aml-screener', version: '1.0.0' },
                  goal: `Screen ${tx.txId} (attempt ${info.attempt})`,
                  context: { txId: tx.txId, amount: tx.amount },
                };
              },
              // Own keys only: not an activity of this worker.
              toString: () => {
                throw new Error('never called');
              },
            },
          }),
        ],
      },
    });
    const handle = await env.client.workflow.start(screeningWorkflow, {
      args: ['tx-88', 120],
      taskQueue,
      workflowId: `decisions-${process.pid}-${Date.now()}`,
    });
    assert.equal(await worker.runUntil(handle.result()), 'temporal:clear');
    const page = await api(server.url, server.keys.default.reader).get(
      `/v1/decisions?runId=${encodeURIComponent(handle.firstExecutionRunId)}`,
    );
    const items = (page.body as { items: Entry[] }).items;
    assert.equal(items.length, 1);
    const content = items[0]!.content;
    assert.equal(content.goal, 'Screen tx-88 (attempt 1)');
    assert.deepEqual(content.context, { txId: 'tx-88', amount: 120 });
    assert.deepEqual(content.outcome, { action: 'clear', target: 'transaction/tx-88' });
    assert.deepEqual(content.alternatives, [{ action: 'hold', score: 0.1 }]);
    assert.equal(content.correlation.orchestrator.step, 'screenTransaction');
  });

  test('a decisions builder that throws leaves the activity running, unrecorded', async () => {
    const taskQueue = `builder-${process.pid}`;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowsPath: join(here, 'temporal-workflows.js'),
      activities: {
        screenTransaction: (): Promise<string> => Promise.resolve('clear'),
      },
      interceptors: {
        activity: [
          docketActivityInterceptor(docket, {
            flush: true,
            decisions: {
              screenTransaction: () => {
                throw new Error('bad builder');
              },
            },
          }),
        ],
      },
    });
    const handle = await env.client.workflow.start(screeningWorkflow, {
      args: ['tx-9', 1],
      taskQueue,
      workflowId: `builder-${process.pid}-${Date.now()}`,
    });
    assert.equal(await worker.runUntil(handle.result()), 'temporal:clear');
    const page = await api(server.url, server.keys.default.reader).get(
      `/v1/decisions?runId=${encodeURIComponent(handle.firstExecutionRunId)}`,
    );
    assert.deepEqual((page.body as { items: Entry[] }).items, []);
  });

  test('activityDocket() outside an intercepted activity throws NOT_IN_ACTIVITY', () => {
    assert.throws(() => activityDocket(), TemporalDocketError);
    assert.throws(() => activityDocket(), { code: 'NOT_IN_ACTIVITY', where: 'activityDocket' });
  });
});

describe('@docket/temporal and the workflow bundler', { timeout: 5 * 60_000 }, () => {
  test('the root entry bundles into workflow code; the worker entry is refused', async () => {
    const ok = await bundleWorkflowCode({
      workflowsPath: join(here, 'temporal-workflows.js'),
      logger: quiet,
    });
    assert.match(ok.code, /screeningWorkflow/);
    const logged: string[] = [];
    const collect = (message: string): void => {
      logged.push(message);
    };
    await assert.rejects(
      bundleWorkflowCode({
        workflowsPath: join(here, 'temporal-unsafe-workflows.js'),
        logger: { ...quiet, error: collect, warn: collect },
      }),
      /Webpack finished with errors/,
    );
    // The bundler names the Node module that may not enter workflow code.
    assert.match(logged.join('\n'), /async_hooks/);
  });

  test('the root entry maps an activity Info (standalone activities use their activity run id)', () => {
    const info = {
      activityId: 'a'.repeat(300),
      activityType: 'triageAlert',
      attempt: 1,
      namespace: 'clinical',
      taskQueue: 'alerts',
      activityRunId: 'act-run-1',
    };
    assert.deepEqual(temporalOrchestrator(info), {
      kind: 'temporal',
      runId: 'act-run-1',
      step: 'triageAlert',
      attempt: 0,
    });
    assert.deepEqual(temporalTags(info), {
      'temporal.namespace': 'clinical',
      'temporal.taskQueue': 'alerts',
    });
  });
});

const noop = (): void => undefined;
const quiet = { trace: noop, debug: noop, info: noop, warn: noop, error: noop, log: noop };
