import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { activeSpanIds, loadOtelApi } from './otel.js';
import type { OtelApi } from './otel.js';

const api = (traceId: string, spanId: string): OtelApi => ({
  trace: { getActiveSpan: () => ({ spanContext: () => ({ traceId, spanId }) }) },
});

test('ids of a valid active span; nothing for invalid ids, no span or no api', () => {
  const t = '4bf92f3577b34da6a3ce929d0e0e4736';
  const s = '00f067aa0ba902b7';
  assert.deepEqual(activeSpanIds(api(t, s)), { traceId: t, spanId: s });
  assert.equal(activeSpanIds(api('0'.repeat(32), s)), undefined);
  assert.equal(activeSpanIds({ trace: { getActiveSpan: () => undefined } }), undefined);
  assert.equal(activeSpanIds(null), undefined);
  const throwing: OtelApi = {
    trace: {
      getActiveSpan: () => {
        throw new Error('broken');
      },
    },
  };
  assert.equal(activeSpanIds(throwing), undefined);
});

test('loading is guarded: the api when installed, else null', () => {
  let installed = true;
  try {
    createRequire(import.meta.url).resolve('@opentelemetry/api');
  } catch {
    installed = false;
  }
  assert.equal(loadOtelApi() !== null, installed);
});
