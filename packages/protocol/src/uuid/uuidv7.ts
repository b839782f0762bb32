/**
 * RFC 9562 UUIDv7: 48-bit Unix milliseconds, version 7, a 12-bit counter in `rand_a` (§6.2,
 * "Fixed Bit-Length Dedicated Counter", method 1), variant 10 and 62 random bits in `rand_b`.
 * Ids made in one process sort in the order they were made.
 */
import { ProtocolError } from '../errors.js';

/** Largest 48-bit millisecond timestamp (year 10889). */
const MAX_TIMESTAMP = 2 ** 48 - 1;

/**
 * A clock step back up to this far keeps the current millisecond (ids stay ordered); an earlier
 * `now` than that is taken as given, e.g. an id for a historical time.
 */
const MAX_ROLLBACK_MS = 10_000;

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

// Random bytes come from a pool refilled in one call: getRandomValues per id costs more than the
// rest of the id together.
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

function take(count: number): number {
  if (poolOffset + count > pool.length) {
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  const start = poolOffset;
  poolOffset += count;
  return start;
}

let lastMs = -Infinity;
let counter = 0;

/** A fresh counter: random, with its top bit clear so at least 2048 ids fit in the millisecond. */
function seedCounter(): number {
  const i = take(2);
  return (((pool[i] ?? 0) << 8) | (pool[i + 1] ?? 0)) & 0x7ff;
}

/**
 * Makes a UUIDv7 for `now` (Unix milliseconds, default `Date.now()`). Within one process, ids are
 * strictly increasing: in the same millisecond the 12-bit counter counts up, and when it runs out
 * the id borrows the next millisecond (RFC 9562 §6.2). A clock that steps back by up to 10 s keeps
 * the last millisecond. Throws a `ProtocolError` `UUID_TIME_RANGE` for a `now` outside 0..2^48−1.
 *
 * @example
 * const id = createUuidV7(); // '01932d1c-6a1c-7b3e-8f00-4a5b6c7d8e9f'
 */
export function createUuidV7(now: number = Date.now()): string {
  if (!Number.isSafeInteger(now) || now < 0 || now > MAX_TIMESTAMP) {
    throw new ProtocolError(
      'UUID_TIME_RANGE',
      `expected integer milliseconds in 0..2^48-1, found ${now}`,
    );
  }
  if (now > lastMs || lastMs - now > MAX_ROLLBACK_MS) {
    lastMs = now;
    counter = seedCounter();
  } else if (++counter > 0xfff) {
    lastMs += 1;
    counter = seedCounter();
  }
  const ms = lastMs.toString(16).padStart(12, '0');
  const r = take(8);
  const b = (k: number): string => HEX[pool[r + k] ?? 0] ?? '00';
  return (
    `${ms.slice(0, 8)}-${ms.slice(8, 12)}-` +
    `${HEX[0x70 | (counter >> 8)] ?? ''}${HEX[counter & 0xff] ?? ''}-` +
    `${HEX[0x80 | ((pool[r] ?? 0) & 0x3f)] ?? ''}${b(1)}-` +
    `${b(2)}${b(3)}${b(4)}${b(5)}${b(6)}${b(7)}`
  );
}

/**
 * Whether `s` is a UUIDv7 in the canonical lowercase form (version 7, variant 10), the form Docket
 * writes and the decision schema accepts.
 *
 * @example
 * isUuidV7('01932d1c-6a1c-7b3e-8f00-4a5b6c7d8e9f'); // true
 */
export function isUuidV7(s: string): boolean {
  return V7.test(s);
}

/**
 * The Unix millisecond timestamp of a UUIDv7. Throws a `ProtocolError` `UUID_INVALID` when `s` is
 * not one.
 *
 * @example
 * new Date(uuidV7Timestamp('01932d1c-6a1c-7b3e-8f00-4a5b6c7d8e9f')).toISOString(); // '2024-11-14T23:57:37.180Z'
 */
export function uuidV7Timestamp(s: string): number {
  if (!isUuidV7(s)) {
    const shown = JSON.stringify(s.length > 64 ? `${s.slice(0, 64)}…` : s);
    throw new ProtocolError('UUID_INVALID', `expected a lowercase UUIDv7, found ${shown}`);
  }
  return Number.parseInt(s.slice(0, 8) + s.slice(9, 13), 16);
}
