import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocketError } from '../errors.js';
import { assertChangeRecord, checkChangeRecord } from './change.js';

const change = {
  schema: 'docket.change/v1',
  id: '01890a5d-ac96-774b-bcce-b302099a8057',
  ts: '2026-03-01T09:00:00Z',
  agent: { id: 'loan-agent', version: '2.4.0' },
  model: { provider: 'openai', name: 'gpt-4o', version: '2024-08-06' },
  prompt: { id: 'loan-prompt', version: '7', hash: 'sha256:abc' },
  policy: { id: 'credit-policy', version: '2026-02' },
  author: 'a.dev',
  approver: 'r.risk',
  replayRun: 'replay-1',
};

test('a complete change record, and one with only what is required, have no issues', () => {
  assert.deepEqual(checkChangeRecord(change), []);
  const { model: _m, prompt: _p, policy: _q, replayRun: _r, ...minimal } = change;
  assert.deepEqual(checkChangeRecord(minimal), []);
});

test('each problem of a change record is an issue at its path', () => {
  const bad = {
    ...change,
    id: 'not-a-uuid',
    ts: 'yesterday',
    agent: { id: 'loan-agent' },
    model: { name: '' },
    prompt: { hash: 'h', extra: 1 },
    approver: undefined,
    colour: 'red',
  };
  assert.deepEqual(
    checkChangeRecord(bad)
      .map((i) => `${i.code} ${i.where ?? ''}`)
      .sort(),
    [
      'CHANGE_INVALID $.agent.version',
      'CHANGE_INVALID $.approver',
      'CHANGE_INVALID $.colour',
      'CHANGE_INVALID $.id',
      'CHANGE_INVALID $.model.name',
      'CHANGE_INVALID $.prompt.extra',
      'CHANGE_INVALID $.ts',
    ],
  );
  assert.deepEqual(
    checkChangeRecord([]).map((i) => i.where),
    ['$'],
  );
});

test('assertChangeRecord throws CHANGE_INVALID at the first issue', () => {
  assert.throws(
    () => {
      assertChangeRecord({ ...change, author: 42 });
    },
    (e: unknown) =>
      e instanceof DocketError && e.code === 'CHANGE_INVALID' && e.where === '$.author',
  );
});
