import type { ExportSelection } from '@docket/protocol';
import { LedgerError } from '../errors.js';

const KEYS = ['agent', 'version', 'subject', 'from', 'to'] as const;
type Key = (typeof KEYS)[number];

/** An RFC 3339 time as the ledger compares it (UTC, milliseconds); `SELECTION_INVALID` otherwise. */
function toInstant(text: string, where: string): string {
  const ms = /^\d{4}-\d{2}-\d{2}(T.*)?$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    throw new LedgerError(
      'SELECTION_INVALID',
      `"${text}" is not a date or RFC 3339 time (e.g. 2024-11-01 or 2024-11-01T00:00:00Z)`,
      { where },
    );
  }
  return new Date(ms).toISOString();
}

/**
 * Checks a selection: known keys, non-blank values, `from`/`to` as dates or RFC 3339 times
 * (normalized to UTC with milliseconds) and `from` before `to`. `SELECTION_INVALID` naming the key
 * otherwise.
 *
 * @example
 * normalizeSelection({ agent: 'loan-approver', from: '2024-11-01' });
 * // { agent: 'loan-approver', from: '2024-11-01T00:00:00.000Z' }
 */
export function normalizeSelection(
  input: Readonly<Record<string, string | undefined>>,
  where = 'selection',
): ExportSelection {
  const out: Partial<Record<Key, string>> = {};
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue;
    if (!(KEYS as readonly string[]).includes(key)) {
      throw new LedgerError(
        'SELECTION_INVALID',
        `unknown selection key "${key}"; use ${KEYS.join(', ')}`,
        { where: `${where}.${key}` },
      );
    }
    if (value.trim() === '') {
      throw new LedgerError('SELECTION_INVALID', `"${key}" needs a value`, {
        where: `${where}.${key}`,
      });
    }
    out[key as Key] =
      key === 'from' || key === 'to' ? toInstant(value, `${where}.${key}`) : value.trim();
  }
  if (out.from !== undefined && out.to !== undefined && out.from >= out.to) {
    throw new LedgerError('SELECTION_INVALID', `from (${out.from}) must be before to (${out.to})`, {
      where: `${where}.to`,
    });
  }
  return out;
}

/**
 * Parses the CLI's `--select agent=A,version=V,subject=S,from=…,to=…` into a checked selection.
 *
 * @example
 * parseSelection('agent=loan-approver,from=2024-11-01'); // { agent: …, from: '2024-11-01T00:00:00.000Z' }
 */
export function parseSelection(text: string): ExportSelection {
  const pairs: Record<string, string> = {};
  for (const part of text.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) {
      throw new LedgerError('SELECTION_INVALID', `"${part}" is not key=value`, {
        where: '--select',
      });
    }
    pairs[part.slice(0, eq).trim()] = part.slice(eq + 1);
  }
  return normalizeSelection(pairs, '--select');
}
