/**
 * RFC 8785 JSON Canonicalization Scheme (JCS) over Docket's strict I-JSON profile.
 *
 * The canonical form is what `JSON.stringify` gives for strings, numbers and literals (RFC 8785
 * §3.2.2 defines it that way), with object members sorted by the UTF-16 code units of their keys
 * (§3.2.3) and no whitespace. So strings and numbers are delegated to the engine, and only the
 * structure and the profile checks are done here.
 */
import { ProtocolError } from '../errors.js';
import { formatJsonPath, hasLoneSurrogate, MAX_JSON_DEPTH } from './strict-parse.js';
import type { JsonPathSegment } from './strict-parse.js';
import type { ErrorCode } from '../errors-catalogue.js';

/**
 * Options of {@link canonicalize} and {@link canonicalBytes}.
 *
 * @example
 * canonicalize([1e30], { allowUnsafeIntegers: true }); // '[1e+30]'
 */
export interface CanonicalizeOptions {
  /**
   * Accept integer-valued numbers beyond ±(2^53−1), as plain RFC 8785 does (its own test data has
   * `1e+30`). Default `false`: Docket's profile rejects them with `UNSAFE_INTEGER`, so that every
   * canonical form parses back under {@link parseStrictJson}.
   */
  readonly allowUnsafeIntegers?: boolean;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/**
 * Characters JSON.stringify would escape (`"`, `\`, U+0000–U+001F) or that need the lone-surrogate
 * check. Most strings have none, and quoting them directly is much cheaper than a call to
 * JSON.stringify per string.
 */
// eslint-disable-next-line no-control-regex -- RFC 8785 §3.2.2.2: these controls must be escaped
const NEEDS_CARE = /["\\\u0000-\u001f\uD800-\uDFFF]/;
/** Below this many keys, insertion sort beats Array.prototype.sort (measured). */
const SMALL_OBJECT = 16;
const utf8 = new TextEncoder();

/** A profile violation on its way up; each container on the way adds its key or index. */
class Violation extends Error {
  readonly path: JsonPathSegment[] = [];
  /** For a cycle: how many path segments lead to the back-reference (the rest is repetition). */
  keep = -1;

  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

interface Context {
  readonly allowUnsafeIntegers: boolean;
  /** The containers on the current path, kept only to tell a cycle from deep nesting. */
  readonly ancestors: unknown[];
}

/**
 * RFC 8785 canonical form of a JSON value, as a string.
 *
 * Throws {@link ProtocolError} with `where` set to the JSON path of the offending value:
 * `LONE_SURROGATE` (a key or string with an unpaired surrogate), `NON_FINITE_NUMBER` (NaN,
 * ±Infinity), `UNSAFE_INTEGER` (an integer beyond ±(2^53−1)), `UNSUPPORTED_VALUE` (undefined,
 * bigint, function, symbol, a non-plain object such as Date or Map, an array hole, a cycle) or
 * `DEPTH_EXCEEDED` (nesting deeper than 512).
 *
 * @example
 * canonicalize({ b: [1.0, 'é'], a: null }); // '{"a":null,"b":[1,"é"]}'
 */
export function canonicalize(value: unknown, options: CanonicalizeOptions = {}): string {
  const context: Context = {
    allowUnsafeIntegers: options.allowUnsafeIntegers === true,
    ancestors: [],
  };
  try {
    return serialize(value, 1, context);
  } catch (error) {
    if (!(error instanceof Violation)) throw error;
    const path = error.path.reverse();
    if (error.keep >= 0) path.length = error.keep;
    throw new ProtocolError(error.code, error.message, { where: formatJsonPath(path) });
  }
}

/**
 * UTF-8 bytes of {@link canonicalize}(value): the bytes Docket hashes and signs.
 *
 * @example
 * canonicalBytes({ a: 1 }); // Uint8Array of '{"a":1}'
 */
export function canonicalBytes(value: unknown, options: CanonicalizeOptions = {}): Uint8Array {
  return utf8.encode(canonicalize(value, options));
}

/** Serializes one value; `depth` is the nesting level a container here would have. */
function serialize(value: unknown, depth: number, context: Context): string {
  switch (typeof value) {
    case 'string':
      return quote(value, 'string');
    case 'number':
      if (!Number.isFinite(value)) {
        throw new Violation(
          'NON_FINITE_NUMBER',
          `${value} is not a JSON number (RFC 8785 §3.2.2.3)`,
        );
      }
      if (!context.allowUnsafeIntegers && (value > MAX_SAFE || value < -MAX_SAFE)) {
        throw new Violation(
          'UNSAFE_INTEGER',
          `${value} is an integer outside ±(2^53−1) and not exact in I-JSON (RFC 7493 §2.2); use a string`,
        );
      }
      // RFC 8785 §3.2.2.3: ECMAScript Number::toString, which String() is; it maps -0 to "0".
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      return value === null ? 'null' : serializeContainer(value, depth, context);
    default:
      throw new Violation('UNSUPPORTED_VALUE', `${typeof value} has no JSON form`);
  }
}

function serializeContainer(value: object, depth: number, context: Context): string {
  const ancestors = context.ancestors;
  ancestors[depth - 1] = value;
  if (depth > MAX_JSON_DEPTH) throw depthOrCycle(ancestors, depth);
  if (Array.isArray(value)) {
    const items = value as unknown[];
    let out = '[';
    let i = 0;
    try {
      for (; i < items.length; i++) {
        if (i > 0) out += ',';
        // A hole reads as undefined and is rejected like undefined (JSON.stringify would write null).
        out += serialize(items[i], depth + 1, context);
      }
    } catch (error) {
      if (error instanceof Violation) error.path.push(i);
      throw error;
    }
    return out + ']';
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    throw new Violation(
      'UNSUPPORTED_VALUE',
      `${describeObject(value)} is not plain JSON data (only arrays and plain objects are)`,
    );
  }
  const record = value as Record<string, unknown>;
  const keys = sortKeys(Object.keys(record));
  let out = '{';
  let key = '';
  try {
    for (let i = 0; i < keys.length; i++) {
      key = keys[i] as string;
      if (i > 0) out += ',';
      out += quote(key, 'object key') + ':' + serialize(record[key], depth + 1, context);
    }
  } catch (error) {
    if (error instanceof Violation) error.path.push(key);
    throw error;
  }
  return out + '}';
}

/** A JSON string literal for `s`: RFC 8785 §3.2.2.2 escapes exactly as JSON.stringify does. */
function quote(s: string, what: string): string {
  if (!NEEDS_CARE.test(s)) return '"' + s + '"';
  // Lone surrogates have no UTF-8 form (RFC 7493 §2.1); JSON.stringify would emit \udXXX.
  if (hasLoneSurrogate(s)) {
    throw new Violation('LONE_SURROGATE', `${what} holds a lone UTF-16 surrogate (RFC 7493 §2.1)`);
  }
  return JSON.stringify(s);
}

/**
 * RFC 8785 §3.2.3: members sorted by the UTF-16 code units of their keys, which is what `<` on
 * strings and the default Array.prototype.sort compare. No locale, no normalization.
 */
function sortKeys(keys: string[]): string[] {
  if (keys.length > SMALL_OBJECT) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i] as string;
    let j = i - 1;
    for (; j >= 0 && (keys[j] as string) > key; j--) keys[j + 1] = keys[j] as string;
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * Nesting beyond the limit is either a cycle or genuinely deep data. Called only then, so the
 * common case pays nothing for cycle detection.
 */
function depthOrCycle(ancestors: readonly unknown[], depth: number): Violation {
  for (let j = 1; j < depth; j++) {
    const seen = ancestors.indexOf(ancestors[j]);
    if (seen < j) {
      const violation = new Violation(
        'UNSUPPORTED_VALUE',
        'cycle: this value contains itself (an enclosing array or object)',
      );
      violation.keep = j;
      return violation;
    }
  }
  return new Violation('DEPTH_EXCEEDED', `nesting deeper than ${MAX_JSON_DEPTH} arrays/objects`);
}

function describeObject(value: object): string {
  const ctor: unknown = (value as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && ctor.name !== ''
    ? `a ${ctor.name}`
    : 'an object with a prototype';
}
