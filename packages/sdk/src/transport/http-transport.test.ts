import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseRetryAfter } from './http-transport.js';

test('Retry-After: delay-seconds and HTTP-date (RFC 9110 §10.2.3)', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter(null), undefined);
  assert.equal(parseRetryAfter('soon'), undefined);
  const now = Date.parse('2024-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Mon, 01 Jan 2024 00:00:05 GMT', now), 5000);
  assert.equal(parseRetryAfter('Sun, 31 Dec 2023 00:00:00 GMT', now), 0);
});
