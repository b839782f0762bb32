import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkProducerReport } from './report.js';
import { toSeqRanges } from './ranges.js';

test('toSeqRanges sorts, merges adjacent seqs and drops repeats', () => {
  assert.deepEqual(toSeqRanges([]), []);
  assert.deepEqual(toSeqRanges([9, 3, 4, 5, 4]), [
    [3, 5],
    [9, 9],
  ]);
  assert.deepEqual(toSeqRanges([2, 0, 1, 7, 6]), [
    [0, 2],
    [6, 7],
  ]);
});

test('toSeqRanges gives gaps a producer report accepts', () => {
  const gaps = toSeqRanges([40, 1, 2, 3, 10, 11, 39]);
  const report = {
    schema: 'docket.producer-report/v1',
    id: '01890a5d-ac96-774b-bcce-b302099a8057',
    ts: '2026-01-01T00:00:00Z',
    producer: { id: 'p' },
    reportSeq: 0,
    losses: { dropped: 7, rejected: 0, failed: 0, redactionFailed: 0, invalid: 0 },
    gaps,
    reasons: { QUEUE_FULL: 7 },
  };
  assert.deepEqual(checkProducerReport(report), []);
});

test('a crash count is optional in a report, and must be a count when present', () => {
  const report = {
    schema: 'docket.producer-report/v1',
    id: '01890a5d-ac96-774b-bcce-b302099a8057',
    ts: '2026-01-01T00:00:00Z',
    producer: { id: 'p' },
    reportSeq: 0,
    losses: { dropped: 0, rejected: 0, failed: 0, redactionFailed: 0, invalid: 0, crash: 12 },
    gaps: [[100, 111]],
    reasons: { CRASH: 12 },
  };
  assert.deepEqual(checkProducerReport(report), []);
  assert.deepEqual(
    checkProducerReport({ ...report, losses: { ...report.losses, crash: -1 } }).map((i) => i.where),
    ['$.losses.crash'],
  );
});
