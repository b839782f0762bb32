import type { ExportRecord, JsonValue } from '@docket/protocol';

/** The CSV columns of a bulk export, in order: the main fields of a decision, flattened. */
export const CSV_COLUMNS = [
  'id',
  'index',
  'ts',
  'agent_id',
  'agent_version',
  'subject_id',
  'action',
  'final_action',
  'final_by',
  'final_at',
  'overridden',
  'confidence',
  'model',
  'prompt_version',
  'policy_version',
  'goal',
  'reasoning',
  'events',
  'erased',
] as const;

const field = (value: JsonValue | undefined, key: string): JsonValue | undefined =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, JsonValue>)[key]
    : undefined;

function text(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Reasoning steps as one line each (a step is a string or `{ text }`). */
function reasoningText(value: JsonValue | undefined): string {
  if (!Array.isArray(value)) return text(value);
  return (value as JsonValue[])
    .map((step) => (typeof step === 'string' ? step : text(field(step, 'text'))))
    .join('\n');
}

/**
 * A cell as RFC 4180 wants it: quoted when it holds a comma, quote or line break (quotes doubled).
 * A cell starting with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'` so a spreadsheet shows it
 * as text instead of running it as a formula (OWASP CSV injection).
 *
 * @example
 * csvCell('a,b'); // '"a,b"'
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The CSV header line (with CRLF, as RFC 4180 says).
 *
 * @example
 * out.write(csvHeader());
 */
export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

/**
 * One decision of a bulk export as a CSV line (with CRLF): its main fields, its final outcome
 * after overrides, and its events as JSON.
 *
 * @example
 * out.write(csvRow(record));
 */
export function csvRow(record: ExportRecord): string {
  const f = record.fields ?? {};
  const agent = f['agent'];
  const final = record.finalOutcome;
  const cells: Record<(typeof CSV_COLUMNS)[number], string> = {
    id: record.id,
    index: String(record.index),
    ts: record.ts,
    agent_id: text(field(agent, 'id')),
    agent_version: text(field(agent, 'version')),
    subject_id: text(field(f['subject'], 'id')),
    action: text(field(f['outcome'], 'action')),
    final_action: final?.action ?? '',
    final_by: final?.by ?? '',
    final_at: final?.at ?? '',
    overridden: final === null ? '' : String(final.overridden),
    confidence: text(f['confidence']),
    model: text(field(f['model'], 'name')),
    prompt_version: text(field(f['prompt'], 'version')),
    policy_version: text(field(f['policy'], 'version')),
    goal: text(f['goal']),
    reasoning: reasoningText(f['reasoning']),
    events:
      record.events.length === 0
        ? ''
        : JSON.stringify(record.events.map(({ id, ts, fields }) => ({ id, ts, ...fields }))),
    erased: String(record.erased),
  };
  return `${CSV_COLUMNS.map((c) => csvCell(cells[c])).join(',')}\r\n`;
}
