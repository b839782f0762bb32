import { LedgerError } from '../errors.js';

/** A retention duration as written (`30d`, `12w`, `6mo`, `6y`): a count of calendar units. */
export interface Duration {
  readonly count: number;
  readonly unit: 'd' | 'w' | 'mo' | 'y';
}

const DURATION = /^([1-9][0-9]{0,4})(d|w|mo|y)$/;

/**
 * Parses a retention duration: a positive whole number of days (`d`), weeks (`w`), calendar
 * months (`mo`) or calendar years (`y`). `RETENTION_INVALID` for anything else.
 *
 * @example
 * parseDuration('6mo'); // { count: 6, unit: 'mo' }
 */
export function parseDuration(text: string, where = 'duration'): Duration {
  const m = DURATION.exec(text.trim());
  if (m === null) {
    throw new LedgerError(
      'RETENTION_INVALID',
      `"${text}" is not a duration: write a whole number and d, w, mo or y (30d, 12w, 6mo, 6y)`,
      { where },
    );
  }
  return { count: Number(m[1]), unit: m[2] as Duration['unit'] };
}

/**
 * The instant `duration` before `now`, in calendar units (UTC): a record whose time is before it
 * is older than the duration. A month back from 31 March is the last day of February.
 *
 * @example
 * cutoffOf(new Date('2026-07-31T00:00:00Z'), parseDuration('1mo')).toISOString(); // '2026-06-30T00:00:00.000Z'
 */
export function cutoffOf(now: Date, duration: Duration): Date {
  const t = new Date(now.getTime());
  switch (duration.unit) {
    case 'd':
      t.setUTCDate(t.getUTCDate() - duration.count);
      return t;
    case 'w':
      t.setUTCDate(t.getUTCDate() - 7 * duration.count);
      return t;
    case 'mo':
    case 'y': {
      const months = duration.unit === 'y' ? 12 * duration.count : duration.count;
      const day = t.getUTCDate();
      t.setUTCDate(1);
      t.setUTCMonth(t.getUTCMonth() - months);
      // Clamp to the target month's last day (setUTCDate(31) in April would roll into May).
      const last = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + 1, 0)).getUTCDate();
      t.setUTCDate(Math.min(day, last));
      return t;
    }
  }
}

/**
 * Whether `a` is shorter than `b` as of `now` (its cutoff is later): `1mo` is shorter than `31d`
 * in February and not in March, so the comparison needs a date.
 *
 * @example
 * isShorter(parseDuration('30d'), parseDuration('6mo'), new Date()); // true
 */
export function isShorter(a: Duration, b: Duration, now: Date): boolean {
  return cutoffOf(now, a).getTime() > cutoffOf(now, b).getTime();
}
