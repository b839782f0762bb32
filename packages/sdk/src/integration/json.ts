/**
 * Plain JSON copies of a host library's values for a decision record (used by the integrations:
 * model messages, tool arguments, results): the record is I-JSON, so bytes
 * become base64, URLs and dates strings, errors `{ name, message }`; functions, symbols, abort
 * signals and `undefined` are left out, cycles and very deep values cut.
 */

/** A JSON value as it goes into a decision record. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A JSON object. */
export type JsonObject = { [key: string]: Json };

const MAX_DEPTH = 64;

/**
 * Replaces a value before it is copied (e.g. a library's message object by its plain form); returns
 * `undefined` to copy the value as it is.
 */
export type JsonReplacer = (value: object) => unknown;

/**
 * A JSON copy of `value`, or undefined for what JSON cannot hold (undefined, functions, symbols).
 * `replace` is asked first for every object met on the way.
 *
 * @example
 * toJson({ data: new Uint8Array([1, 2]), at: new Date(0) }); // { data: 'AQI=', at: '1970-01-01T00:00:00.000Z' }
 */
export function toJson(value: unknown, replace?: JsonReplacer): Json | undefined {
  return copy(value, 0, new Set(), replace);
}

/**
 * A JSON object copy of `value`: objects as they are, anything else as `{ value }`.
 *
 * @example
 * toJsonObject('{"a":1}'); // { value: '{"a":1}' }
 */
export function toJsonObject(value: unknown, replace?: JsonReplacer): JsonObject {
  const json = toJson(value, replace);
  return isJsonObject(json) ? json : json === undefined ? {} : { value: json };
}

/**
 * True for a JSON object (not an array, not null).
 *
 * @example
 * isJsonObject({ a: 1 }); // true
 */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copy(
  value: unknown,
  depth: number,
  seen: Set<object>,
  replace: JsonReplacer | undefined,
): Json | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON has no NaN or Infinity (RFC 8259 §6).
      return Number.isFinite(value) ? value : null;
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return undefined;
  }
  if (value === null) return null;
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (value instanceof ArrayBuffer) return Buffer.from(value).toString('base64');
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (value instanceof URL) return value.href;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (typeof AbortSignal !== 'undefined' && value instanceof AbortSignal) return undefined;
  if (depth >= MAX_DEPTH || seen.has(value)) return '[truncated]';
  if (replace !== undefined) {
    const replaced = replace(value);
    if (replaced !== undefined && replaced !== value)
      return copy(replaced, depth + 1, seen, undefined);
  }
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((item) => copy(item, depth + 1, seen, replace) ?? null);
    }
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      const json = copy(item, depth + 1, seen, replace);
      if (json !== undefined) out[key] = json;
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
