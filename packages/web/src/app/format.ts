/** Numbers and times for people, with the browser's locale (Intl). */

// Absolute, with the time zone (`timeStyle: 'long'`): a date is read by auditors in several zones.
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 3 });
const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 });

/**
 * A time as the reader's locale writes it; the input back when it is not a time.
 *
 * @example
 * formatTime('2026-11-22T10:00:00Z'); // 'Nov 22, 2026, 10:00:00 AM UTC'
 */
export function formatTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : dateTime.format(t);
}

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/**
 * How long ago (or ahead) a time is: '3 minutes ago'.
 *
 * @example
 * formatAgo(new Date(Date.now() - 180_000).toISOString()); // '3 minutes ago'
 */
export function formatAgo(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '';
  const seconds = (t - now) / 1000;
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return relative.format(Math.round(seconds / size), unit);
    }
  }
  return '';
}

/**
 * An integer with grouping: 1,000,000.
 *
 * @example
 * formatCount(1000000); // '1,000,000'
 */
export function formatCount(n: number): string {
  return integer.format(n);
}

/**
 * A number with at most three decimals.
 *
 * @example
 * formatNumber(0.12345); // '0.123'
 */
export function formatNumber(n: number): string {
  return decimal.format(n);
}

/**
 * A 0–1 fraction as a percentage: 0.874 → '87.4%'.
 *
 * @example
 * formatPercent(0.874); // '87.4%'
 */
export function formatPercent(n: number): string {
  return percent.format(n);
}

/**
 * A duration in milliseconds: '840 ms', '2.4 s'.
 *
 * @example
 * formatDuration(2400); // '2.4 s'
 */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${integer.format(ms)} ms` : `${decimal.format(ms / 1000)} s`;
}

/**
 * A long hash or pseudonym shortened for display: 'a1b2c3d4…e5f6'.
 *
 * @example
 * shorten('a1b2c3d4e5f6a7b8c9d0'); // 'a1b2c3d4…c9d0'
 */
export function shorten(text: string, head = 8, tail = 4): string {
  return text.length <= head + tail + 1 ? text : `${text.slice(0, head)}…${text.slice(-tail)}`;
}
