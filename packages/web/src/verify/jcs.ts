/**
 * RFC 8785 JSON Canonicalization Scheme in the browser: object keys sorted by UTF-16 code units,
 * numbers as ECMAScript's Number::toString, strings escaped as JSON.stringify does (§3.2.2.2).
 * Values outside I-JSON (non-finite numbers, lone surrogates, undefined, functions) throw
 * `JCS_UNSUPPORTED`.
 */
import { utf8 } from './bytes.js';
import { VerifyError } from './errors.js';

const LONE_SURROGATE =
  /(?:[\uD800-\uDBFF](?![\uDC00-\uDFFF]))|(?:(?<![\uD800-\uDBFF])[\uDC00-\uDFFF])/;

function quote(text: string, where: string): string {
  if (LONE_SURROGATE.test(text)) {
    throw new VerifyError('JCS_UNSUPPORTED', 'a string holds a lone surrogate', where);
  }
  return JSON.stringify(text);
}

function serialize(value: unknown, where: string): string {
  switch (typeof value) {
    case 'string':
      return quote(value, where);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new VerifyError('JCS_UNSUPPORTED', `${value} is not a JSON number`, where);
      }
      // §3.2.2.3: Number::toString, which String() is; it maps -0 to "0".
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        return `[${(value as unknown[]).map((v, i) => serialize(v, `${where}[${i}]`)).join(',')}]`;
      }
      // §3.2.3: sort by UTF-16 code units, which is what the default sort compares.
      const keys = Object.keys(value).sort();
      const record = value as Record<string, unknown>;
      return `{${keys.map((k) => `${quote(k, where)}:${serialize(record[k], `${where}.${k}`)}`).join(',')}}`;
    }
    default:
      throw new VerifyError('JCS_UNSUPPORTED', `${typeof value} has no JSON form`, where);
  }
}

/**
 * RFC 8785 canonical form of a JSON value.
 *
 * @example
 * canonicalize({ b: [1.0, 'é'], a: null }); // '{"a":null,"b":[1,"é"]}'
 */
export function canonicalize(value: unknown): string {
  return serialize(value, '$');
}

/**
 * UTF-8 bytes of {@link canonicalize}: what Docket hashes.
 *
 * @example
 * const leaf = canonicalBytes(envelope);
 */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8(canonicalize(value));
}
