import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import type { JsonValue } from '@docket/protocol';
import { openLedger } from '../ledger.js';
import { hammingHex, simHash, tokenize, toDriftFeatures } from './features.js';

const digest = (text: string): string => `d:${text.length}:${text}`;

test('features of a decision: outcome, confidence, alternatives, tools, models, rules, terms, context fields', () => {
  const record = sampleDecision({ id: createUuidV7() });
  const { id: _i, ts: _t, schema: _s, ...fields } = record;
  const json = JSON.parse(JSON.stringify(fields)) as Record<string, JsonValue>;
  const f = toDriftFeatures(json, digest);
  assert.equal(f.outcome, record.outcome.action);
  assert.equal(f.confidence, record.confidence);
  assert.deepEqual(
    f.alternatives,
    (record.alternatives ?? []).map((a) => a.action),
  );
  assert.deepEqual(f.tools, [...new Set((record.tools ?? []).map((t) => t.name))].sort());
  assert.ok(f.models.length > 0);
  assert.deepEqual(f.rules, record.policy?.rules_evaluated ?? []);
  assert.ok(f.reasoningLength > 0);
  assert.ok(Object.keys(f.terms).length > 0);
  assert.match(f.reasoningHash, /^[0-9a-f]{16}$/);
  assert.ok(Object.keys(f.numeric).length + Object.keys(f.categorical).length > 0);
  // The same context in another key order has the same input digest; another context does not.
  const reordered = Object.fromEntries(Object.entries(record.context ?? {}).reverse());
  const again = toDriftFeatures({ ...json, context: reordered }, digest);
  assert.equal(again.input, f.input);
  const other = toDriftFeatures({ ...json, context: { x: 1 } }, digest);
  assert.notEqual(other.input, f.input);
});

test('SimHash: near texts are a few bits apart, unrelated texts about half', () => {
  const a = tokenize('income is stable and the debt ratio is low, history of payments is good');
  const b = tokenize('income is stable and the debt ratio is low, history of payments is fine');
  const c = tokenize(
    'applicant requested manual escalation because documents were missing entirely',
  );
  assert.ok(hammingHex(simHash(a), simHash(b)) <= 12);
  assert.ok(hammingHex(simHash(a), simHash(c)) >= 16);
  assert.equal(hammingHex(simHash(a), simHash(a)), 0);
  assert.deepEqual(tokenize('The Income is HIGH'), ['income', 'high']);
});

test('catch-up derives features of existing decisions (backfill), then only new ones; an erased subject has none', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-drift-'));
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const ledger = await openLedger({ dataDir: join(dir, 'log'), create: true });
  t.after(async () => {
    await ledger.close();
  });
  for (let i = 0; i < 5; i++) {
    const base = sampleDecision({ id: createUuidV7() });
    await ledger.append({
      ...base,
      subject: { id: `applicant-${i % 2}`, type: 'loan_applicant' },
      agent: { id: 'loan-approver', version: i < 3 ? '1.0.0' : '2.0.0' },
    });
  }
  await ledger.flush();
  const first = await ledger.catchUpFeatures();
  assert.equal(first.written, 5);
  assert.equal((await ledger.catchUpFeatures()).written, 0);
  const rows = await ledger.readFeatures({ agentId: 'loan-approver' });
  assert.equal(rows.length, 5);
  assert.deepEqual(
    (await ledger.featureVersions('loan-approver')).map((v) => [v.agentVersion, v.count]),
    [
      ['1.0.0', 3],
      ['2.0.0', 2],
    ],
  );
  assert.equal(
    (await ledger.readFeatures({ agentId: 'loan-approver', agentVersion: '2.0.0' })).length,
    2,
  );
  await ledger.erase('applicant-0', 'request #7');
  await ledger.flush();
  // Erased: its three decisions' features are gone, and the next pass writes none back.
  await ledger.catchUpFeatures();
  assert.equal((await ledger.readFeatures({ agentId: 'loan-approver' })).length, 2);
  await ledger.append({
    ...sampleDecision({ id: createUuidV7() }),
    agent: { id: 'loan-approver', version: '2.0.0' },
  });
  await ledger.flush();
  assert.equal((await ledger.catchUpFeatures()).written, 1);
  assert.equal((await ledger.readFeatures({ agentId: 'loan-approver' })).length, 3);
});
