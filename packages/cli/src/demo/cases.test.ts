import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUuidV7, uuidV7Timestamp } from '@docket/protocol';
import { demoCase, DEMO_SEED } from './cases.js';
import { DemoRandom, demoUuidV7 } from './random.js';

test('demo cases are deterministic: the same seed and index give the same decision and events', () => {
  for (const index of [0, 1, 7, 123]) {
    const a = demoCase(DEMO_SEED, index);
    const b = demoCase(DEMO_SEED, index);
    assert.equal(a.id, b.id);
    assert.deepEqual(a.events, b.events);
    assert.deepEqual(
      a.via === 'record' ? a.meta : a.decision,
      b.via === 'record' ? b.meta : b.decision,
    );
  }
  assert.notEqual(demoCase(DEMO_SEED, 5).id, demoCase('another-seed', 5).id);
});

test('ids are distinct UUIDv7s at the decision time, in time order; events follow their decision', () => {
  const seen = new Set<string>();
  let last = 0;
  for (let index = 0; index < 400; index++) {
    const c = demoCase(DEMO_SEED, index);
    const record = c.via === 'record' ? c.meta : c.decision;
    assert.ok(isUuidV7(c.id), c.id);
    assert.equal(uuidV7Timestamp(c.id), Date.parse(record.ts!));
    assert.ok(Date.parse(record.ts!) > last, `index ${index} is later than the one before`);
    last = Date.parse(record.ts!);
    for (const id of [c.id, ...c.events.map((e) => e.id)]) {
      assert.ok(!seen.has(id), `id ${id} is unique`);
      seen.add(id);
    }
    for (const event of c.events) {
      assert.ok(isUuidV7(event.id));
      assert.ok(Date.parse(event.ts) > last);
      if (event.kind === 'override')
        assert.ok(event.actor !== undefined && event.reason !== undefined);
    }
  }
  // The first six cover each agent in both versions.
  const firstSix = Array.from({ length: 6 }, (_, i) => demoCase(DEMO_SEED, i));
  assert.equal(new Set(firstSix.map((c) => `${c.agent}@${c.version}`)).size, 6);
});

test('demoUuidV7 sets the version and variant bits and is a pure function of its inputs', () => {
  const ms = Date.parse('2025-01-06T09:00:00.000Z');
  const id = demoUuidV7(ms, 'x', 1);
  assert.ok(isUuidV7(id));
  assert.equal(uuidV7Timestamp(id), ms);
  assert.equal(demoUuidV7(ms, 'x', 1), id);
  assert.notEqual(demoUuidV7(ms, 'x', 2), id);
  const rng = new DemoRandom('s');
  const values = Array.from({ length: 1000 }, () => rng.next());
  assert.ok(values.every((v) => v >= 0 && v < 1));
  const again = new DemoRandom('s');
  assert.deepEqual(
    Array.from({ length: 1000 }, () => again.next()),
    values,
  );
});
