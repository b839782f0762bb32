import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoundedQueue } from './queue.js';

test('FIFO order across wrap-around, refusal when full', () => {
  const q = new BoundedQueue<number>(3);
  assert.equal(q.push(1), true);
  assert.equal(q.push(2), true);
  assert.equal(q.push(3), true);
  assert.equal(q.push(4), false);
  assert.equal(q.shift(), 1);
  assert.equal(q.push(4), true);
  assert.deepEqual([q.shift(), q.shift(), q.peek(), q.shift(), q.shift()], [2, 3, 4, 4, undefined]);
  assert.equal(q.size, 0);
});
