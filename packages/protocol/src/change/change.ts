/**
 * The change record (`docket.change/v1`): one deployment of an agent version — the model, prompt
 * and policy it runs with, who made the change and who approved it, when it took effect, and the
 * replay run that tested it. With change records in the log, every decision's version tuple can
 * be resolved to an approved change (EU AI Act Art. 12 and Annex IV, SOC 2 CC8.1).
 */
import { ProtocolError } from '../errors.js';
import type { Issue } from '../errors.js';
import { isUuidV7 } from '../uuid/index.js';

/** Schema id of a change record. */
export const CHANGE_SCHEMA_V1 = 'docket.change/v1';

/**
 * One change record.
 *
 * @example
 * const change: ChangeRecord = {
 *   schema: CHANGE_SCHEMA_V1, id: createUuidV7(), ts: '2026-03-01T09:00:00Z',
 *   agent: { id: 'loan-agent', version: '2.4.0' },
 *   model: { provider: 'openai', name: 'gpt-4o', version: '2024-08-06' },
 *   prompt: { id: 'loan-prompt', version: '7', hash: 'sha256:…' },
 *   policy: { id: 'credit-policy', version: '2026-02' },
 *   author: 'a.dev', approver: 'r.risk', replayRun: 'replay-2026-02-28',
 * };
 */
export interface ChangeRecord {
  readonly schema: typeof CHANGE_SCHEMA_V1;
  /** UUIDv7; the idempotency key (a retried change is a duplicate). */
  readonly id: string;
  /** RFC 3339 time the change took effect (the deployment). */
  readonly ts: string;
  /** The agent version deployed. */
  readonly agent: { readonly id: string; readonly version: string };
  readonly model?: { readonly provider?: string; readonly name: string; readonly version?: string };
  readonly prompt?: { readonly id?: string; readonly version?: string; readonly hash: string };
  readonly policy?: { readonly id: string; readonly version: string };
  /** Who made the change. */
  readonly author: string;
  /** Who approved it (a person other than the author, by the usual change policy). */
  readonly approver: string;
  /** The replay run that tested this version against recorded decisions (an id or URL). */
  readonly replayRun?: string;
  /** What changed and why, in a sentence. */
  readonly description?: string;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** As the decision record's identifiers: 1–256 characters. */
const MAX_ID = 256;
const MAX_TEXT = 2000;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Property → [required, longest] of each nested object of a change. */
const PARTS: Readonly<Record<string, Readonly<Record<string, readonly [boolean, number]>>>> = {
  agent: { id: [true, MAX_ID], version: [true, MAX_ID] },
  model: { provider: [false, MAX_ID], name: [true, MAX_ID], version: [false, MAX_ID] },
  prompt: { id: [false, MAX_ID], version: [false, MAX_ID], hash: [true, MAX_ID] },
  policy: { id: [true, MAX_ID], version: [true, MAX_ID] },
};
const TOP: Readonly<Record<string, readonly [boolean, number]>> = {
  author: [true, MAX_ID],
  approver: [true, MAX_ID],
  replayRun: [false, MAX_TEXT],
  description: [false, MAX_TEXT],
};
const TOP_KEYS = new Set(['schema', 'id', 'ts', ...Object.keys(PARTS), ...Object.keys(TOP)]);

/**
 * Every way `value` is not a change record: issues `CHANGE_INVALID`, each at a JSON path.
 *
 * @example
 * checkChangeRecord({ schema: 'docket.change/v1' }); // [{ code: 'CHANGE_INVALID', where: '$.id', … }, …]
 */
export function checkChangeRecord(value: unknown): Issue[] {
  const issues: Issue[] = [];
  const bad = (where: string, message: string): void => {
    issues.push({ code: 'CHANGE_INVALID', message, where });
  };
  if (!isObject(value)) {
    bad('$', 'a change record is an object');
    return issues;
  }
  for (const key of Object.keys(value)) {
    if (!TOP_KEYS.has(key)) bad(`$.${key}`, `unknown property ${key}`);
  }
  if (value['schema'] !== CHANGE_SCHEMA_V1) bad('$.schema', `schema must be ${CHANGE_SCHEMA_V1}`);
  const id = value['id'];
  if (typeof id !== 'string' || !isUuidV7(id)) bad('$.id', 'id must be a UUIDv7');
  const ts = value['ts'];
  if (typeof ts !== 'string' || !RFC3339.test(ts) || Number.isNaN(Date.parse(ts))) {
    bad('$.ts', 'ts must be an RFC 3339 date-time');
  }
  const checkString = (where: string, v: unknown, [required, max]: readonly [boolean, number]) => {
    if (v === undefined) {
      if (required) bad(where, `${where.slice(2)} is required`);
    } else if (typeof v !== 'string' || v.length === 0 || v.length > max) {
      bad(where, `${where.slice(2)} must be a string of 1 to ${max} characters`);
    }
  };
  for (const [name, props] of Object.entries(PARTS)) {
    const part = value[name];
    if (part === undefined) {
      if (name === 'agent') bad('$.agent', 'agent is required');
      continue;
    }
    if (!isObject(part)) {
      bad(`$.${name}`, `${name} must be an object`);
      continue;
    }
    for (const key of Object.keys(part)) {
      if (!Object.hasOwn(props, key)) bad(`$.${name}.${key}`, `unknown property ${key}`);
    }
    for (const [key, rule] of Object.entries(props))
      checkString(`$.${name}.${key}`, part[key], rule);
  }
  for (const [name, rule] of Object.entries(TOP)) checkString(`$.${name}`, value[name], rule);
  return issues;
}

/**
 * A value that is not a change record: `CHANGE_INVALID`, `where` of the first issue, all issues.
 *
 * @example
 * if (error instanceof ChangeInvalidError) console.error(error.issues);
 */
export class ChangeInvalidError extends ProtocolError {
  readonly issues: readonly Issue[];

  constructor(issues: readonly Issue[]) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    super('CHANGE_INVALID', `invalid change record: ${first?.message ?? 'invalid'}${more}`, {
      where: first?.where,
    });
    this.issues = issues;
  }
}

/**
 * Throws {@link ChangeInvalidError} unless `value` is a change record.
 *
 * @example
 * assertChangeRecord(body); // body is a ChangeRecord from here on
 */
export function assertChangeRecord(value: unknown): asserts value is ChangeRecord {
  const issues = checkChangeRecord(value);
  if (issues.length > 0) throw new ChangeInvalidError(issues);
}
