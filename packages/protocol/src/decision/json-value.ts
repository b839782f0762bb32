/**
 * JSON values as TypeScript types: what a free-form part of a decision record (`context`,
 * `model.params`, tool `args` and `result`, LLM `request`/`response`/`usage`, `metadata`,
 * `outcome.value`) may hold. Readonly, because a recorded decision is evidence, not state.
 */

/**
 * A JSON scalar. Numbers are finite (JSON has no `NaN` or `Infinity`).
 *
 * @example
 * const flag: JsonPrimitive = true;
 */
export type JsonPrimitive = null | boolean | number | string;

/**
 * A JSON array.
 *
 * @example
 * const scores: JsonArray = [0.82, 0.64, 0.11];
 */
export type JsonArray = readonly JsonValue[];

/**
 * A JSON object. Record types in this package are type aliases (not interfaces) so that they stay
 * assignable to it, e.g. a `DecisionRecord` can be passed wherever a `JsonValue` is expected.
 *
 * @example
 * const applicant: JsonObject = { annual_income: 96000, employment_status: 'employed' };
 */
export interface JsonObject {
  readonly [key: string]: JsonValue;
}

/**
 * Any JSON value.
 *
 * @example
 * const value: JsonValue = { amount: 25000, currency: 'USD', approved: true, notes: null };
 */
export type JsonValue = JsonPrimitive | JsonArray | JsonObject;
