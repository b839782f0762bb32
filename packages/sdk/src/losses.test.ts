import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkProducerReport } from '@docket/protocol';
import type { ProducerReport } from '@docket/protocol';
import { LossAccount } from './losses.js';

const producer = { id: 'worker-1', sdk: '@docket/sdk@test' };

test('nothing lost: no report', () => {
  const losses = new LossAccount(producer);
  assert.equal(losses.pending, false);
  assert.equal(losses.take(), undefined);
});

test('losses since the last report leave as one valid report; totals keep counting', () => {
  const losses = new LossAccount(producer);
  assert.equal(
    losses.add('dropped', 'QUEUE_FULL', [5]),
    true,
    'the first loss makes a report pending',
  );
  assert.equal(losses.add('dropped', 'QUEUE_FULL', [6, 7]), false);
  assert.equal(losses.add('invalid', 'DECISION_INVALID'), false);
  assert.equal(
    losses.add('rejected', 'REJECTED', [-1]),
    false,
    'an unknown seq is counted, not a gap',
  );
  const first = JSON.parse(losses.take()!) as ProducerReport;
  assert.deepEqual(checkProducerReport(first), []);
  assert.equal(first.reportSeq, 0);
  assert.deepEqual(first.producer, producer);
  assert.deepEqual(first.losses, {
    dropped: 3,
    rejected: 1,
    failed: 0,
    redactionFailed: 0,
    invalid: 1,
  });
  assert.deepEqual(first.gaps, [[5, 7]]);
  assert.deepEqual(first.reasons, { QUEUE_FULL: 3, DECISION_INVALID: 1, REJECTED: 1 });
  assert.equal(losses.pending, false);
  assert.equal(losses.take(), undefined);

  assert.equal(losses.add('failed', 'SHUTDOWN_DEADLINE', [9, 8]), true);
  const second = JSON.parse(losses.take()!) as ProducerReport;
  assert.equal(second.reportSeq, 1);
  assert.deepEqual(second.losses, {
    dropped: 0,
    rejected: 0,
    failed: 2,
    redactionFailed: 0,
    invalid: 0,
  });
  assert.deepEqual(second.gaps, [[8, 9]]);
  assert.deepEqual(losses.totals, {
    dropped: 3,
    rejected: 1,
    failed: 2,
    redactionFailed: 0,
    invalid: 1,
  });
});
