import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SdkError } from './errors.js';
import { ReceiptBook } from './receipts.js';

test('a waiter resolves when its id is settled; the index is remembered', async () => {
  const book = new ReceiptBook();
  book.track('a');
  assert.equal(book.isPending('a'), true);
  const first = book.wait('a');
  const second = book.wait('a');
  book.settle('a', { ok: true, index: 7 });
  assert.deepEqual(await first, { ok: true, index: 7 });
  assert.deepEqual(await second, { ok: true, index: 7 });
  assert.equal(book.isPending('a'), false);
  assert.equal(book.indexOf('a'), 7);
});

test('a lost id resolves its waiters with the error and has no index', async () => {
  const book = new ReceiptBook();
  book.track('b');
  const waiting = book.wait('b');
  const error = new SdkError('REJECTED', 'no');
  book.settle('b', { ok: false, error });
  assert.deepEqual(await waiting, { ok: false, error });
  assert.equal(book.indexOf('b'), undefined);
});

test('only the newest maxKnown indexes are remembered', () => {
  const book = new ReceiptBook(2);
  for (const [i, id] of ['x', 'y', 'z'].entries()) book.settle(id, { ok: true, index: i });
  assert.equal(book.indexOf('x'), undefined);
  assert.equal(book.indexOf('y'), 1);
  assert.equal(book.indexOf('z'), 2);
});

test('failWaiting settles every waiter (shutdown)', async () => {
  const book = new ReceiptBook();
  book.track('c');
  const waiting = book.wait('c');
  book.failWaiting((id) => new SdkError('CLOSED', `shut down before ${id}`));
  const outcome = await waiting;
  assert.ok(!outcome.ok);
  assert.equal(outcome.error.code, 'CLOSED');
  assert.equal(book.isPending('c'), false);
});
