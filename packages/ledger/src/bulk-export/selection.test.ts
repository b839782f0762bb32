import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocketError } from '@docket/protocol';
import { csvCell } from './csv.js';
import { normalizeSelection, parseSelection } from './selection.js';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof DocketError);
    return `${e.code} ${e.where ?? ''}`;
  }
  return 'no error';
};

test('parseSelection: keys, dates normalized to UTC milliseconds, empty is everything', () => {
  assert.deepEqual(
    parseSelection('agent=loan,version=2.4.0,from=2024-11-01,to=2024-12-01T00:00:00+01:00'),
    {
      agent: 'loan',
      version: '2.4.0',
      from: '2024-11-01T00:00:00.000Z',
      to: '2024-11-30T23:00:00.000Z',
    },
  );
  assert.deepEqual(parseSelection(''), {});
  assert.deepEqual(parseSelection('subject=a=b'), { subject: 'a=b' }, 'only the first = splits');
});

test('parseSelection and normalizeSelection refuse what they cannot honour, naming the key', () => {
  assert.equal(
    codeOf(() => parseSelection('colour=red')),
    'SELECTION_INVALID --select.colour',
  );
  assert.equal(
    codeOf(() => parseSelection('agent')),
    'SELECTION_INVALID --select',
  );
  assert.equal(
    codeOf(() => parseSelection('agent= ')),
    'SELECTION_INVALID --select.agent',
  );
  assert.equal(
    codeOf(() => parseSelection('from=last week')),
    'SELECTION_INVALID --select.from',
  );
  assert.equal(
    codeOf(() => normalizeSelection({ from: '2024-02-01', to: '2024-01-01' }, 'query')),
    'SELECTION_INVALID query.to',
  );
});

test('csvCell: RFC 4180 quoting, and formulas shown as text', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell('=SUM(A1)'), "'=SUM(A1)");
  assert.equal(csvCell('@cmd'), "'@cmd");
  assert.equal(csvCell('-0.25'), '-0.25', 'a negative number stays a number');
  assert.equal(csvCell('+1 555'), "'+1 555");
});
