import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createUuidV7, uuidV7Timestamp } from '../uuid/uuidv7.js';
import type { JsonObject } from './json-value.js';
import { decisionSchemaV1 } from './load-schema.js';
import { sampleDecision } from './sample.js';
import { checkDecision } from './validate.js';

describe('sampleDecision', () => {
  test('is valid', () => {
    assert.equal(checkDecision(sampleDecision()).ok, true);
  });

  test('is deterministic, and a fresh object each time', () => {
    const a = sampleDecision();
    const b = sampleDecision();
    assert.deepEqual(a, b);
    assert.notEqual(a.agent, b.agent);
    assert.notEqual(a.context, b.context);
  });

  test('has an id made at its ts', () => {
    const record = sampleDecision();
    assert.equal(uuidV7Timestamp(record.id), Date.parse(record.ts));
  });

  test('takes overrides of id and ts, and stays valid', () => {
    const now = Date.UTC(2025, 0, 2, 3, 4, 5, 6);
    const record = sampleDecision({ id: createUuidV7(now), ts: new Date(now).toISOString() });
    assert.equal(record.ts, '2025-01-02T03:04:05.006Z');
    assert.equal(uuidV7Timestamp(record.id), now);
    assert.equal(checkDecision(record).ok, true);
    assert.deepEqual({ ...record, id: 'x', ts: 'y' }, { ...sampleDecision(), id: 'x', ts: 'y' });
  });

  test('uses every top-level field, in about 2-3 KB of JSON', () => {
    const record = sampleDecision();
    const declared = Object.keys(decisionSchemaV1.properties as JsonObject);
    assert.deepEqual(Object.keys(record).sort(), declared.sort());
    const size = Buffer.byteLength(JSON.stringify(record));
    assert.ok(size > 1500 && size < 3500, `${size} bytes`);
  });
});
