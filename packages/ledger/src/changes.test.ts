import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseLeafEnvelope } from '@docket/core';
import { createUuidV7, DocketError, sampleDecision } from '@docket/protocol';
import { auditDataDir } from './audit.js';
import { openLedger } from './ledger.js';

const change = (agent: string, version: string) => ({
  schema: 'docket.change/v1',
  id: createUuidV7(),
  ts: '2026-03-01T09:00:00Z',
  agent: { id: agent, version },
  model: { provider: 'openai', name: 'gpt-4o' },
  prompt: { hash: 'sha256:abc' },
  policy: { id: 'credit-policy', version: '2026-02' },
  author: 'a.dev',
  approver: 'r.risk',
  replayRun: 'replay-1',
});

test('change records are appended once, listed by agent, and pass the audit', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-changes-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const data = join(dir, 'log');
  const ledger = await openLedger({ dataDir: data, create: true });
  const a = change('loan-agent', '2.4.0');
  const b = change('triage-agent', '1.0.0');
  const first = await ledger.appendChange(a);
  assert.equal(first.status, 'accepted');
  assert.equal((await ledger.appendChange(a)).status, 'duplicate');
  await ledger.append(sampleDecision({ id: createUuidV7() }));
  await ledger.appendChange(b);
  await assert.rejects(
    ledger.appendChange({ ...a, id: createUuidV7(), approver: '' }),
    (e: unknown) => e instanceof DocketError && e.code === 'CHANGE_INVALID',
  );
  const all = await ledger.changes();
  assert.deepEqual(
    all.map((c) => c.change),
    [a, b],
  );
  assert.deepEqual(
    (await ledger.changes({ agentId: 'triage-agent' })).map((c) => c.index),
    [all[1]!.index],
  );
  await ledger.close();
  const report = await auditDataDir(data);
  assert.deepEqual(report.issues, []);
  assert.equal(report.entries, 3);
});

test('every new entry carries the server receive time in its leaf', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-rt-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const ledger = await openLedger({ dataDir: join(dir, 'log'), create: true });
  t.after(async () => {
    await ledger.close();
  });
  const before = new Date().toISOString();
  // A producer clock far behind the server's: the skew is what rt makes measurable.
  const { id } = await ledger.append(
    sampleDecision({ id: createUuidV7(), ts: '2020-01-01T00:00:00.000Z' }),
  );
  const after = new Date().toISOString();
  const [first] = await ledger.entries(0, 1);
  assert.ok(first !== undefined);
  const envelope = parseLeafEnvelope(first.leaf);
  assert.equal(envelope.id, id);
  assert.equal(envelope.ts, '2020-01-01T00:00:00.000Z');
  assert.ok(envelope.rt !== undefined && envelope.rt >= before && envelope.rt <= after);
});
