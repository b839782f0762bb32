import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProtocolError } from '../errors.js';
import { createUuidV7, isUuidV7, uuidV7Timestamp } from './uuidv7.js';

const FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The 16 bytes of a UUID string. */
const bytes = (id: string): Buffer => Buffer.from(id.replaceAll('-', ''), 'hex');

describe('createUuidV7', () => {
  test('is 8-4-4-4-12 lowercase hex', () => {
    for (let i = 0; i < 1000; i++) assert.match(createUuidV7(), FORMAT);
  });

  test('sets version 7 and variant 10 (RFC 9562 §5.7)', () => {
    for (let i = 0; i < 1000; i++) {
      const b = bytes(createUuidV7());
      assert.equal(b[6]! >> 4, 0x7);
      assert.equal(b[8]! >> 6, 0b10);
    }
  });

  test('puts the time in the first 48 bits, big-endian', () => {
    const now = 0x0192fcbd73f4;
    const id = createUuidV7(now);
    assert.ok(id.startsWith('0192fcbd-73f4-7'), id);
    assert.equal(uuidV7Timestamp(id), now);
  });

  test('round-trips timestamps from 0 to 2^48-1', () => {
    for (const now of [0, 1, Date.UTC(1970, 0, 1, 0, 0, 1), Date.UTC(2024, 10, 5), 2 ** 48 - 1]) {
      assert.equal(uuidV7Timestamp(createUuidV7(now)), now);
    }
  });

  test('defaults to the current time', () => {
    const before = Date.now();
    const at = uuidV7Timestamp(createUuidV7());
    assert.ok(at >= before && at <= Date.now() + 1, `${at} not in [${before}, now]`);
  });

  test('is strictly increasing over 100,000 ids', () => {
    let previous = createUuidV7();
    const seen = new Set<string>([previous]);
    for (let i = 0; i < 100_000; i++) {
      const id = createUuidV7();
      assert.ok(id > previous, `${id} <= ${previous}`);
      seen.add(id);
      previous = id;
    }
    assert.equal(seen.size, 100_001);
  });

  test('counts within one millisecond and borrows the next when the counter runs out', () => {
    const now = Date.UTC(2030, 0, 1);
    let previous = createUuidV7(now);
    for (let i = 0; i < 5000; i++) {
      const id = createUuidV7(now);
      assert.ok(id > previous, `${id} <= ${previous}`);
      previous = id;
    }
    // 5000 ids cannot fit in a 12-bit counter started at 0..2047: the time moved on.
    assert.ok(uuidV7Timestamp(previous) > now);
    assert.ok(uuidV7Timestamp(previous) <= now + 3);
  });

  test('stays ordered when the clock steps back a little', () => {
    const now = Date.UTC(2031, 0, 1);
    const first = createUuidV7(now);
    const second = createUuidV7(now - 2000);
    assert.ok(second > first);
    assert.equal(uuidV7Timestamp(second), now);
  });

  test('takes a time far in the past as given', () => {
    const now = Date.UTC(2032, 0, 1);
    createUuidV7(now);
    const past = Date.UTC(2020, 0, 1);
    assert.equal(uuidV7Timestamp(createUuidV7(past)), past);
  });

  test('refuses a time outside 48 bits', () => {
    for (const now of [-1, 2 ** 48, 1.5, Number.NaN]) {
      assert.throws(
        () => createUuidV7(now),
        (e: unknown) => e instanceof ProtocolError && e.code === 'UUID_TIME_RANGE',
      );
    }
  });
});

describe('isUuidV7', () => {
  test('accepts lowercase v7 and refuses everything else', () => {
    assert.equal(isUuidV7('0192fcbd-73f4-7a4c-9d31-5e8f2b6c40a7'), true);
    assert.equal(isUuidV7(createUuidV7()), true);
    assert.equal(isUuidV7('0192FCBD-73F4-7A4C-9D31-5E8F2B6C40A7'), false); // not canonical
    assert.equal(isUuidV7('0192fcbd-73f4-4a4c-9d31-5e8f2b6c40a7'), false); // version 4
    assert.equal(isUuidV7('0192fcbd-73f4-7a4c-cd31-5e8f2b6c40a7'), false); // variant 110
    assert.equal(isUuidV7('0192fcbd73f47a4c9d315e8f2b6c40a7'), false);
    assert.equal(isUuidV7(''), false);
  });
});

describe('uuidV7Timestamp', () => {
  test('throws UUID_INVALID for a string that is not a UUIDv7', () => {
    assert.throws(
      () => uuidV7Timestamp('not-a-uuid'),
      (e: unknown) => e instanceof ProtocolError && e.code === 'UUID_INVALID',
    );
  });
});
