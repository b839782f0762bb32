/**
 * Validation of decision records against `schema/decision-v1.schema.json`, compiled once when this
 * module loads.
 */
import { ProtocolError } from '../errors.js';
import type { Issue } from '../errors.js';
import { decisionSchemaV1 } from './load-schema.js';
import { compileSchema } from './schema-validator.js';
import type { DecisionRecord } from './types.js';

/**
 * The `schema` value of a v1 decision record.
 *
 * @example
 * const record = { schema: DECISION_SCHEMA_V1, ...rest };
 */
export const DECISION_SCHEMA_V1 = 'docket.decision/v1';

/**
 * Result of {@link checkDecision}: the typed record, or every issue.
 *
 * @example
 * const result: CheckDecisionResult = checkDecision(input);
 */
export type CheckDecisionResult =
  | { readonly ok: true; readonly record: DecisionRecord }
  | { readonly ok: false; readonly issues: Issue[] };

const validateV1 = compileSchema(decisionSchemaV1);

/**
 * Every problem of a candidate record, or none. Each issue has a `SCHEMA_*` code and a JSON path in
 * `where` (`$.alternatives[2].score`); a `schema` other than `docket.decision/v1` is reported as
 * `SCHEMA_VERSION_UNKNOWN`. Never throws.
 *
 * @example
 * const result = checkDecision(JSON.parse(body));
 * if (!result.ok) for (const issue of result.issues) console.log(issue.where, issue.code, issue.message);
 */
export function checkDecision(value: unknown): CheckDecisionResult {
  const issues = validateV1(value);
  if (issues.length === 0) return { ok: true, record: value as DecisionRecord };
  return { ok: false, issues: issues.map((issue) => versionIssue(issue, value)) };
}

/** A string `schema` that is not v1 names a version this release does not know, not a typo of v1. */
function versionIssue(issue: Issue, value: unknown): Issue {
  if (issue.code !== 'SCHEMA_CONST' || issue.where !== '$.schema') return issue;
  const schema = (value as { readonly schema?: unknown }).schema;
  if (typeof schema !== 'string') return issue;
  return {
    code: 'SCHEMA_VERSION_UNKNOWN',
    message: `${JSON.stringify(schema.length > 64 ? `${schema.slice(0, 64)}…` : schema)} is not supported by this version; supported: ${DECISION_SCHEMA_V1}`,
    where: '$.schema',
  };
}

/**
 * Thrown by {@link assertDecision}: code `DECISION_INVALID`, `where` and message from the first
 * issue, every issue in `issues`.
 *
 * @example
 * try { assertDecision(input) } catch (e) { if (e instanceof DecisionInvalidError) reply(422, e.issues) }
 */
export class DecisionInvalidError extends ProtocolError {
  readonly issues: readonly Issue[];

  constructor(issues: readonly Issue[]) {
    const first = issues[0];
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    const message = first === undefined ? 'invalid' : `${first.code}: ${first.message}`;
    super('DECISION_INVALID', `invalid decision record: ${message}${more}`, {
      where: first?.where,
    });
    this.issues = issues;
  }
}

/**
 * Throws {@link DecisionInvalidError} unless `value` is a valid v1 decision record.
 *
 * @example
 * const input: unknown = JSON.parse(body);
 * assertDecision(input);
 * console.log(input.outcome.action); // typed from here on
 */
export function assertDecision(value: unknown): asserts value is DecisionRecord {
  const result = checkDecision(value);
  if (!result.ok) throw new DecisionInvalidError(result.issues);
}
