import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkDecision, DECISION_SCHEMA_V1 } from '@docket/protocol';
import { createPreparer } from './prepare.js';
import { createRedactor } from './redaction/index.js';

const producer = { id: 'worker-1', sdk: '@docket/sdk@test' };
const id = '01890a5d-ac96-774b-bcce-b302099a8057';
const snapshot = (extra: object = {}) =>
  JSON.stringify({
    agent: { id: 'underwriter', version: '1.0.0' },
    context: { email: 'ada@example.com' },
    outcome: { action: 'approve' },
    id,
    schema: DECISION_SCHEMA_V1,
    ts: '2026-01-01T00:00:00.000Z',
    ...extra,
  });

test('a valid snapshot is stamped with its producer and passes the schema', () => {
  const prepare = createPreparer({ redact: undefined, validate: true }, producer);
  const prepared = prepare({ id, seq: 41, json: snapshot() });
  assert.ok(prepared.ok);
  const record = JSON.parse(prepared.json) as Record<string, unknown>;
  assert.deepEqual(record['producer'], { id: 'worker-1', seq: 41, sdk: '@docket/sdk@test' });
  assert.equal(checkDecision(record).ok, true);
});

test('an invalid snapshot is an invalid loss naming its id, seq and the problem', () => {
  const prepare = createPreparer({ redact: undefined, validate: true }, producer);
  const prepared = prepare({ id, seq: 7, json: snapshot({ outcome: { action: '' } }) });
  assert.ok(!prepared.ok);
  assert.equal(prepared.kind, 'invalid');
  assert.equal(prepared.error.code, 'DECISION_INVALID');
  assert.match(prepared.error.message, new RegExp(`${id} \\(seq 7\\)`));
  assert.equal(prepared.error.where, '$.outcome.action');
});

test('redaction runs before anything is stamped; a redactor that throws is a redactionFailed loss', () => {
  const redacting = createPreparer(
    { redact: createRedactor({ paths: ['$.context.email'] }), validate: true },
    producer,
  );
  const redacted = redacting({ id, seq: 0, json: snapshot() });
  assert.ok(redacted.ok);
  assert.doesNotMatch(redacted.json, /ada@example\.com/);

  const failing = createPreparer(
    {
      redact: () => {
        throw new Error('detector crashed');
      },
      validate: false,
    },
    producer,
  );
  const lost = failing({ id, seq: 1, json: snapshot() });
  assert.ok(!lost.ok);
  assert.equal(lost.kind, 'redactionFailed');
  assert.equal(lost.error.code, 'REDACTION_FAILED');
});

test('without redaction or validation the snapshot is only stamped (not parsed)', () => {
  const prepare = createPreparer({ redact: undefined, validate: false }, producer);
  const prepared = prepare({ id, seq: 3, json: '{"id":"x"}' });
  assert.deepEqual(prepared, {
    ok: true,
    json: '{"id":"x","producer":{"id":"worker-1","seq":3,"sdk":"@docket/sdk@test"}}',
  });
});
