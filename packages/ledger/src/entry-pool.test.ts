import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mock, test } from 'node:test';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import { openLedger } from './ledger.js';

test('a lone append on an idle log is committed on the next turn, never after the flush interval', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-pool-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const flushes: number[] = [];
  const ledger = await openLedger({
    dataDir: dir,
    flushIntervalMs: 1000,
    onFlush: ({ entries }) => flushes.push(entries),
  });
  t.after(async () => {
    mock.timers.reset();
    await ledger.close();
  });
  flushes.length = 0; // the new log's first checkpoint
  // Timers never fire from here on: an append that waited for the interval would never resolve.
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  for (let seq = 0; seq < 3; seq++) {
    const { index } = await ledger.append(sampleDecision({ id: createUuidV7() }));
    assert.equal(index, seq);
  }
  assert.deepEqual(flushes, [1, 1, 1]);
});

test('appends made together on a busy log are committed together (group commit)', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-pool-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const flushes: number[] = [];
  const ledger = await openLedger({
    dataDir: dir,
    onFlush: ({ entries }) => flushes.push(entries),
  });
  t.after(async () => {
    await ledger.close();
  });
  const results = await Promise.all(
    Array.from({ length: 200 }, () => ledger.append(sampleDecision({ id: createUuidV7() }))),
  );
  assert.deepEqual(
    results.map((r) => r.index).sort((a, b) => a - b),
    Array.from({ length: 200 }, (_, i) => i),
  );
  assert.equal(
    flushes.reduce((a, b) => a + b, 0),
    200,
  );
  assert.ok(flushes.length < 20, `200 appends in ${flushes.length} flushes: ${flushes.join(',')}`);
});
