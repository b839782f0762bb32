// @docket/otel with a real OpenTelemetry SDK (BasicTracerProvider, an AsyncLocalStorage context
// manager, InMemorySpanExporter) against a real Docket server: the decision's correlation ids are
// the span's, the spans carry docket.decision.id and gen_ai.* attributes, and the leaf hash on the
// spans is the one of the server's receipt.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { context, trace } from '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createNoteVerifier, openCheckpoint, verifyInclusion } from '@docket/core';
import { createDocket, currentDecisionId, decide } from '@docket/sdk';
import type { Docket, ReceiptResult, RecordMeta, SdkError } from '@docket/sdk';
import { DocketSpanProcessor, withDecisionSpan } from '@docket/otel';
import type { DecisionSpanOptions } from '@docket/otel';
import { api, startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';

interface Stored {
  id: string;
  outcome: { action: string };
  correlation?: { traceId?: string; spanId?: string; sessionId?: string };
}

const meta: RecordMeta = {
  agent: { id: 'underwriter', version: '2.3.1' },
  model: { provider: 'openai', name: 'gpt-4o', params: { temperature: 0, max_tokens: 300 } },
  correlation: { sessionId: 'loan-LA-88213' },
};

describe('@docket/otel with the OpenTelemetry SDK and a real server', () => {
  let server: TestServer;
  let docket: Docket;
  let provider: BasicTracerProvider;
  let tracer: Tracer;
  const exporter = new InMemorySpanExporter();
  const errors: SdkError[] = [];

  before(async () => {
    server = await startTestServer();
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    provider = new BasicTracerProvider({
      spanProcessors: [new DocketSpanProcessor(), new SimpleSpanProcessor(exporter)],
    });
    trace.setGlobalTracerProvider(provider);
    tracer = trace.getTracer('loan-service');
    docket = createDocket({
      url: server.url,
      apiKey: server.keys.default.ingest,
      readKey: server.keys.default.reader,
      flushIntervalMs: 5,
      handleExit: false,
      onError: (e) => errors.push(e),
    });
  });
  after(async () => {
    await docket.shutdown();
    await provider.shutdown();
    trace.disable();
    context.disable();
    await server.close();
  });

  const readBack = async (id: string) => {
    const res = await api(server.url, server.keys.default.auditor).get(`/v1/decisions/${id}`);
    assert.equal(res.status, 200, res.text);
    return res.body as { content: Stored; receipt: { index: number; leafHash: string } };
  };

  /** withDecisionSpan with `onReceipt` turned into a promise. */
  const run = <T>(
    fn: () => Promise<T>,
    options: DecisionSpanOptions = {},
    client: Docket = docket,
  ): { result: Promise<T>; receipt: Promise<ReceiptResult> } => {
    let resolveReceipt!: (r: ReceiptResult) => void;
    const receipt = new Promise<ReceiptResult>((resolve) => (resolveReceipt = resolve));
    const result = withDecisionSpan(client, meta, fn, { ...options, onReceipt: resolveReceipt });
    return { result, receipt };
  };

  const spanNamed = (name: string, id: string): ReadableSpan => {
    const found = exporter
      .getFinishedSpans()
      .filter((s) => s.name === name && s.attributes['docket.decision.id'] === id);
    assert.equal(found.length, 1, `one ${name} span of ${id}`);
    return found[0]!;
  };

  test('decision span, tagged inner span, receipt span: ids, gen_ai.* and a leaf hash that verifies against the signed checkpoint', async () => {
    let id = '';
    let jobSpanId = '';
    const { result, receipt } = await tracer.startActiveSpan('loan-pipeline.step', async (job) => {
      jobSpanId = job.spanContext().spanId;
      const started = run(() => {
        id = currentDecisionId()!;
        tracer.startSpan('credit_bureau.fetch').end();
        decide('approve', 0.9);
        return Promise.resolve('approved');
      });
      await started.result;
      job.end();
      return started;
    });
    assert.equal(await result, 'approved');
    const got = await receipt;
    assert.ok(got.ok, 'receipt');

    const decisionSpan = spanNamed('invoke_agent underwriter', id);
    assert.equal(decisionSpan.parentSpanContext?.spanId, jobSpanId, 'child of the job span');
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(decisionSpan.attributes).filter(([k]) => k.startsWith('gen_ai.')),
      ),
      {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'underwriter',
        'gen_ai.agent.version': '2.3.1',
        'gen_ai.provider.name': 'openai',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.request.temperature': 0,
        'gen_ai.request.max_tokens': 300,
        'gen_ai.conversation.id': 'loan-LA-88213',
      },
    );
    assert.deepEqual(
      decisionSpan.events.map((e) => [e.name, e.attributes?.['docket.decision.id']]),
      [['docket.decision.recorded', id]],
    );

    // Every span started inside the decision names it (DocketSpanProcessor).
    const inner = spanNamed('credit_bureau.fetch', id);
    assert.equal(inner.parentSpanContext?.spanId, decisionSpan.spanContext().spanId);

    // The record points at the decision span (the SDK reads the active span at capture).
    const view = await readBack(id);
    assert.equal(view.content.correlation?.traceId, decisionSpan.spanContext().traceId);
    assert.equal(view.content.correlation.spanId, decisionSpan.spanContext().spanId);
    assert.equal(view.content.correlation.sessionId, 'loan-LA-88213');
    assert.equal(view.content.outcome.action, 'approve');

    // The receipt span: a late child of the decision span with the server's leaf hash.
    const receiptSpan = spanNamed('docket.receipt', id);
    assert.equal(receiptSpan.parentSpanContext?.spanId, decisionSpan.spanContext().spanId);
    assert.equal(receiptSpan.spanContext().traceId, decisionSpan.spanContext().traceId);
    assert.equal(receiptSpan.attributes['docket.receipt.leaf_hash'], view.receipt.leafHash);
    assert.equal(receiptSpan.attributes['docket.receipt.leaf_index'], view.receipt.index);
    assert.equal(got.receipt.leafHash, view.receipt.leafHash);
    assert.equal(typeof receiptSpan.attributes['docket.receipt.tree_size'], 'number');
    assert.equal(typeof receiptSpan.attributes['docket.receipt.checkpoint.origin'], 'string');
    const proof = await api(server.url, server.keys.default.reader).get(
      `/v1/decisions/${id}/proof`,
    );
    assert.equal((proof.body as { leafHash: string }).leafHash, view.receipt.leafHash);

    // Offline: the leaf hash the span shows is in the tree the log's signed checkpoint commits to.
    const log = await api(server.url, server.keys.default.reader).get('/v1/log');
    const { checkpoint } = openCheckpoint(
      got.receipt.checkpoint!,
      createNoteVerifier((log.body as { vkey: string }).vkey),
    );
    assert.equal(checkpoint.origin, receiptSpan.attributes['docket.receipt.checkpoint.origin']);
    assert.equal(checkpoint.size, receiptSpan.attributes['docket.receipt.tree_size']);
    const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
    verifyInclusion(
      got.receipt.index,
      checkpoint.size,
      bytes(receiptSpan.attributes['docket.receipt.leaf_hash']),
      got.receipt.hashes.map(bytes),
      checkpoint.root,
    );
    assert.deepEqual(errors, []);
  });

  test('receipt "attribute": the decision span stays open until the leaf hash is on it', async () => {
    let id = '';
    const { result, receipt } = run(
      () => {
        id = currentDecisionId()!;
        return Promise.resolve('ok');
      },
      { receipt: 'attribute' },
    );
    await result;
    await receipt;
    const decisionSpan = spanNamed('invoke_agent underwriter', id);
    const view = await readBack(id);
    assert.equal(decisionSpan.attributes['docket.receipt.leaf_hash'], view.receipt.leafHash);
    assert.equal(
      exporter
        .getFinishedSpans()
        .filter((s) => s.name === 'docket.receipt' && s.attributes['docket.decision.id'] === id)
        .length,
      0,
    );
  });

  test('a failing agent: the same error reaches the caller, the span is marked, the decision is recorded', async () => {
    let id = '';
    const failure = new TypeError('bureau response malformed');
    const { result, receipt } = run(async () => {
      id = currentDecisionId()!;
      await Promise.resolve();
      throw failure;
    });
    await assert.rejects(result, (e: unknown) => e === failure);
    assert.ok((await receipt).ok);
    const decisionSpan = spanNamed('invoke_agent underwriter', id);
    assert.equal(decisionSpan.status.code, 2); // SpanStatusCode.ERROR
    assert.equal(decisionSpan.attributes['error.type'], 'TypeError');
    assert.ok(decisionSpan.events.some((e) => e.name === 'exception'));
    const view = await readBack(id);
    assert.equal(view.content.outcome.action, 'error');
    assert.equal(
      spanNamed('docket.receipt', id).attributes['docket.receipt.leaf_hash'],
      view.receipt.leafHash,
    );
  });

  test('with an ingest key alone the receipt span says why there is no leaf hash', async () => {
    const ingestOnly = createDocket({
      url: server.url,
      apiKey: server.keys.default.ingest,
      flushIntervalMs: 5,
      handleExit: false,
      onError: () => undefined,
    });
    try {
      let id = '';
      const { result, receipt } = run(
        () => {
          id = currentDecisionId()!;
          return Promise.resolve(1);
        },
        {},
        ingestOnly,
      );
      await result;
      const got = await receipt;
      assert.equal(got.ok ? 'ok' : got.error.code, 'RECEIPT_FORBIDDEN');
      const receiptSpan = spanNamed('docket.receipt', id);
      assert.equal(receiptSpan.attributes['docket.receipt.error.code'], 'RECEIPT_FORBIDDEN');
      assert.equal(receiptSpan.attributes['docket.receipt.leaf_hash'], undefined);
      assert.equal(receiptSpan.status.code, 2);
    } finally {
      await ingestOnly.shutdown();
    }
  });

  test('plain docket.record inside any active span: correlation and tagging without withDecisionSpan', async () => {
    const { id, spanIds } = await tracer.startActiveSpan('claims.triage', async (span) => {
      const decided = await docket.record({ agent: { id: 'triage', version: '1' } }, async () => {
        tracer.startSpan('policy.lookup').end();
        await Promise.resolve();
        return currentDecisionId()!;
      });
      span.end();
      return { id: decided, spanIds: span.spanContext() };
    });
    assert.equal(await docket.flush(), true);
    const view = await readBack(id);
    assert.equal(view.content.correlation?.traceId, spanIds.traceId);
    assert.equal(view.content.correlation.spanId, spanIds.spanId);
    assert.equal(spanNamed('policy.lookup', id).parentSpanContext?.spanId, spanIds.spanId);
    const outside = exporter.getFinishedSpans().find((s) => s.name === 'claims.triage');
    assert.equal(
      outside?.attributes['docket.decision.id'],
      undefined,
      'started before the decision',
    );
  });
});
