import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DocketError } from '@docket/protocol';
import { formatError } from './output.js';

test("a ledger error's bare where is shown as the CLI option, with the next step for people", () => {
  const error = new DocketError('SUBJECT_NOT_FOUND', 'no decisions about subject "x"', {
    where: 'subject',
  });
  assert.equal(
    formatError(error, false),
    'docket: SUBJECT_NOT_FOUND (--subject): no decisions about subject "x"\n',
  );
  const json = JSON.parse(formatError(error, true)) as { error: { where: string } };
  assert.equal(json.error.where, '--subject');
  const missing = new DocketError('LOG_KEY_MISSING', 'no log key at d/keys/log.key', {
    where: 'd/keys/log.key',
  });
  assert.match(
    formatError(missing, false),
    /no log key at d\/keys\/log\.key \(make one with `docket keys log-generate --data DIR`\)\n$/,
  );
  // --json emits the issue unchanged (no hint in the message).
  assert.equal(
    (JSON.parse(formatError(missing, true)) as { error: { message: string } }).error.message,
    'no log key at d/keys/log.key',
  );
});

test('the full-audit hint after a store error names --pg, which PostgreSQL needs', () => {
  const corrupt = new DocketError('STORE_CORRUPT', 'a stored leaf does not match its entry');
  assert.match(
    formatError(corrupt, false),
    /\(run `docket verify --data DIR` \(with `--pg URL` on PostgreSQL\) for the full audit\)\n$/,
  );
});
