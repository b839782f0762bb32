import assert from 'node:assert/strict';
import { test } from 'node:test';
import { listExplainedGaps, MAX_EXPLAINED_GAPS } from './audit.js';

test('explained gaps: a reported range minus the seqs that arrived, by producer, each once', () => {
  const { listed, notListed } = listExplainedGaps(
    new Map([
      [
        'b',
        [
          { from: 5, to: 20, kinds: ['crash'] },
          { from: 5, to: 20, kinds: ['crash'] }, // the same report adopted twice
          { from: 2, to: 3, kinds: ['dropped'] },
        ],
      ],
      ['a', [{ from: 0, to: 0, kinds: ['failed', 'rejected'] }]],
    ]),
    new Map([
      ['b', [0, 1, 4, 7, 8, 20]],
      ['a', [1]],
    ]),
  );
  assert.deepEqual(listed, [
    { producer: 'a', from: 0, to: 0, kinds: ['failed', 'rejected'] },
    { producer: 'b', from: 2, to: 3, kinds: ['dropped'] },
    { producer: 'b', from: 5, to: 6, kinds: ['crash'] },
    { producer: 'b', from: 9, to: 19, kinds: ['crash'] },
  ]);
  assert.equal(notListed, 0);
});

test(`explained gaps: at most ${MAX_EXPLAINED_GAPS} listed, the rest counted`, () => {
  const gaps = Array.from({ length: MAX_EXPLAINED_GAPS + 5 }, (_, i) => ({
    from: 2 * i + 1,
    to: 2 * i + 1,
    kinds: ['dropped'],
  }));
  const { listed, notListed } = listExplainedGaps(new Map([['p', gaps]]), new Map());
  assert.equal(listed.length, MAX_EXPLAINED_GAPS);
  assert.deepEqual(listed.at(-1), {
    producer: 'p',
    from: 2 * MAX_EXPLAINED_GAPS - 1,
    to: 2 * MAX_EXPLAINED_GAPS - 1,
    kinds: ['dropped'],
  });
  assert.equal(notListed, 5);
});
