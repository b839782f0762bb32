import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import { ENTRY_KINDS } from './entry-types.js';
import { openLedger } from './ledger.js';

test('an id is a duplicate only of the same kind of entry; across kinds it is ID_CONFLICT', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-ledger-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const ledger = await openLedger({ dataDir: dir, flushIntervalMs: 5 });
  t.after(async () => {
    await ledger.close();
  });
  const decision = sampleDecision({ id: createUuidV7() });
  const first = await ledger.append(decision);
  assert.deepEqual(await ledger.append(decision), { ...first, status: 'duplicate' });
  const event = await ledger.appendEvent(decision.id, { fields: { kind: 'override' } });
  const report = {
    schema: 'docket.producer-report/v1',
    id: createUuidV7(),
    ts: new Date().toISOString(),
    producer: { id: 'p', sdk: 'tests' },
    reportSeq: 0,
    losses: { dropped: 1, rejected: 0, failed: 0, redactionFailed: 0, invalid: 0 },
    gaps: [[4, 4]],
    reasons: { QUEUE_FULL: 1 },
  };
  assert.equal((await ledger.appendProducerReport(report)).status, 'accepted');
  const size = ledger.size;
  // A decision with an event's or a report's id is refused: it would not be stored.
  await assert.rejects(ledger.append(sampleDecision({ id: event.id })), { code: 'ID_CONFLICT' });
  await assert.rejects(ledger.append(sampleDecision({ id: report.id })), { code: 'ID_CONFLICT' });
  // An event with the decision's id is refused too; nothing was stored.
  await assert.rejects(ledger.appendEvent(decision.id, { id: decision.id, fields: {} }), {
    code: 'ID_CONFLICT',
  });
  await ledger.flush();
  assert.equal(ledger.size, size);
  assert.equal((await ledger.read(event.id)).envelope.type, 'docket.event/v1');
});

test('every kind of entry has an admit function in the one table', () => {
  assert.deepEqual(Object.keys(ENTRY_KINDS).sort(), [
    'access',
    'change',
    'compliance-report',
    'decision',
    'event',
    'hold',
    'purge',
    'report',
    'retention',
  ]);
  for (const kind of Object.values(ENTRY_KINDS)) assert.equal(typeof kind.admit, 'function');
});
