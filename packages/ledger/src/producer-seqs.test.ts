import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkProducerSeqs, reportedGapsOf } from './producer-seqs.js';

test('a gap a report names is explained; any other gap and a repeated seq are warnings', () => {
  const check = checkProducerSeqs(
    new Map([['w1', [6, 0, 1, 1, 4]]]),
    new Map([['w1', [{ from: 2, to: 3, kinds: ['dropped'] }]]]),
  );
  assert.equal(check.explainedSeqs, 2);
  assert.deepEqual(check.explainedGaps, [{ producer: 'w1', from: 2, to: 3, kinds: ['dropped'] }]);
  assert.deepEqual(
    check.issues.map((i) => [i.code, i.message]),
    [
      ['PRODUCER_SEQ_DUPLICATE', 'seq 1 appears 2 times'],
      ['PRODUCER_SEQ_GAP', 'seq 5 is missing; no report of the producer explains it'],
    ],
  );
});

test('a report’s fields name its producer, gaps and the loss kinds it counts', () => {
  assert.deepEqual(
    reportedGapsOf({
      producer: { id: 'w1' },
      gaps: [[3, 5], 'x'],
      losses: { crash: 3, dropped: 0 },
    }),
    [['w1', { from: 3, to: 5, kinds: ['crash'] }]],
  );
  assert.deepEqual(reportedGapsOf(null), []);
  assert.deepEqual(reportedGapsOf({ producer: null, gaps: [[1, 1]] }), []);
});
