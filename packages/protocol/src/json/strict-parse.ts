/**
 * Strict I-JSON parsing (RFC 7493) for Docket records.
 *
 * Two parsers live here and must agree:
 * - the fast path: `JSON.parse` for the value, a key-only scan of the text (duplicate keys are the
 *   one thing `JSON.parse` hides), and a walk of the parsed value for the profile rules;
 * - the reference parser: a plain recursive-descent parser that finds the *first* problem in
 *   document order and reports its JSON path and character offset. It runs only when the fast
 *   path has already found that the text must be rejected, so errors cost more and the common
 *   case costs little.
 */
import { ProtocolError } from '../errors.js';
import type { ErrorCode } from '../errors-catalogue.js';

/**
 * Deepest nesting of arrays and objects accepted (the top-level container is depth 1).
 *
 * @example
 * parseStrictJson('['.repeat(MAX_JSON_DEPTH + 1)); // throws DEPTH_EXCEEDED
 */
export const MAX_JSON_DEPTH = 512;

/**
 * Integers beyond ±(2^53−1) are not exact in IEEE-754 doubles; RFC 7493 §2.2 says an I-JSON
 * sender must not expect them to survive, so Docket rejects them (decimals and big numbers travel
 * as strings). Every double beyond this bound is an integer, so the range test covers it.
 */
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Matches a lone surrogate only: with the `u` flag a well-formed pair is one code point, so only an
 * unpaired half falls in this class. RFC 7493 §2.1 forbids lone surrogates (they have no UTF-8).
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A JSON path segment: an object key or an array index.
 *
 * @example
 * const path: JsonPathSegment[] = ['outcome', 0];
 */
export type JsonPathSegment = string | number;

/**
 * Formats path segments as a JSON path: `$`, `$.a[2].b`, `$["not an identifier"]`.
 *
 * @example
 * formatJsonPath(['a', 2, 'b c']); // '$.a[2]["b c"]'
 */
export function formatJsonPath(segments: readonly JsonPathSegment[]): string {
  let out = '$';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (IDENTIFIER.test(s)) out += `.${s}`;
    // JSON.stringify escapes quotes, controls and lone surrogates, so the path stays printable.
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/**
 * True when the string holds an unpaired UTF-16 surrogate.
 *
 * @example
 * hasLoneSurrogate('\uD800'); // true; hasLoneSurrogate('😀') is false
 */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/**
 * Parses JSON text under Docket's strict I-JSON profile (RFC 7493): no duplicate keys, no lone
 * surrogates, only finite numbers, integers within ±(2^53−1), nesting at most 512 deep.
 *
 * Throws {@link ProtocolError} with `code` `INVALID_JSON`, `DUPLICATE_KEY`, `LONE_SURROGATE`,
 * `NON_FINITE_NUMBER`, `UNSAFE_INTEGER` or `DEPTH_EXCEEDED`, `where` set to the JSON path of the
 * offending value (`$.a[2].b`) and the character offset in the message.
 *
 * @example
 * parseStrictJson('{"a":[1,2]}'); // { a: [1, 2] }
 * parseStrictJson('{"a":1,"a":2}'); // throws ProtocolError DUPLICATE_KEY at $.a
 */
export function parseStrictJson(text: string): unknown {
  // A guard for untyped callers: JSON.parse would coerce a non-string to text.
  if (typeof (text as unknown) !== 'string') {
    throw new ProtocolError('INVALID_JSON', `expected JSON text as a string, got ${typeof text}`, {
      where: '$',
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    // SyntaxError, or RangeError on absurd nesting: let the reference parser say what and where.
    return rejectWithReference(text, 'INVALID_JSON', 'JSON.parse rejected the text', cause);
  }
  const keysInValue = walkParsed(value, 1);
  if (keysInValue < 0) return rejectWithReference(text, 'INVALID_JSON', 'profile violation');
  // JSON.parse keeps the last of duplicate keys, so a duplicate shows as fewer keys in the value
  // than in the text (RFC 7493 §2.3: names within an object MUST be unique).
  if (keysInValue !== countKeysInText(text)) {
    return rejectWithReference(text, 'DUPLICATE_KEY', 'an object has a duplicate key');
  }
  return value;
}

/**
 * Walks a value produced by JSON.parse. Returns the number of object keys in it, or -1 as soon as
 * a profile rule is broken (the reference parser then finds which and where).
 */
function walkParsed(value: unknown, depth: number): number {
  if (typeof value === 'string') return LONE_SURROGATE.test(value) ? -1 : 0;
  if (typeof value === 'number') return value <= MAX_SAFE && value >= -MAX_SAFE ? 0 : -1;
  if (typeof value !== 'object' || value === null) return 0;
  if (depth > MAX_JSON_DEPTH) return -1;
  let keys = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const n = walkParsed(value[i], depth + 1);
      if (n < 0) return -1;
      keys += n;
    }
    return keys;
  }
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (LONE_SURROGATE.test(key)) return -1;
    const n = walkParsed(record[key], depth + 1);
    if (n < 0) return -1;
    keys += n + 1;
  }
  return keys;
}

/**
 * Counts object members in text that JSON.parse accepted: every string followed (after optional
 * whitespace) by `:` is a key. Jumps between quotes with indexOf, so it touches little of the text.
 */
function countKeysInText(text: string): number {
  let count = 0;
  let open = text.indexOf('"');
  while (open !== -1) {
    let close = text.indexOf('"', open + 1);
    // A quote preceded by an odd run of backslashes is escaped and does not end the string.
    while (text.charCodeAt(close - 1) === 0x5c) {
      let backslashes = 1;
      while (text.charCodeAt(close - 1 - backslashes) === 0x5c) backslashes++;
      if ((backslashes & 1) === 0) break;
      close = text.indexOf('"', close + 1);
    }
    // Unreachable for text JSON.parse accepted; a mismatch sends it to the reference parser.
    if (close < 0) return -1;
    let i = close + 1;
    let c = text.charCodeAt(i);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
    if (c === 0x3a) count++;
    // In valid JSON the next quote outside a string opens the next string.
    open = text.indexOf('"', i);
  }
  return count;
}

/**
 * Runs the reference parser to produce the precise error. If it (wrongly) accepts text the fast
 * path rejected, fails closed with the fast path's finding rather than returning a value.
 */
function rejectWithReference(
  text: string,
  code: ErrorCode,
  reason: string,
  cause?: unknown,
): never {
  parseStrictJsonReference(text);
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  throw new ProtocolError(code, `${reason}${detail}`, { where: '$', cause });
}

/** Character codes the parser compares against. */
const Ch = {
  Tab: 0x09,
  Lf: 0x0a,
  Cr: 0x0d,
  Space: 0x20,
  Quote: 0x22,
  Plus: 0x2b,
  Comma: 0x2c,
  Minus: 0x2d,
  Dot: 0x2e,
  Slash: 0x2f,
  Zero: 0x30,
  Nine: 0x39,
  Colon: 0x3a,
  UpperE: 0x45,
  LBracket: 0x5b,
  Backslash: 0x5c,
  RBracket: 0x5d,
  LowerE: 0x65,
  LBrace: 0x7b,
  RBrace: 0x7d,
} as const;

/**
 * The reference parser: RFC 8259 grammar plus the Docket I-JSON profile, reporting the first
 * problem in document order. Exported for tests that hold the fast path against it; use
 * {@link parseStrictJson}.
 *
 * @example
 * parseStrictJsonReference('[1, 2]'); // [1, 2]
 */
export function parseStrictJsonReference(text: string): unknown {
  return new ReferenceParser(text).parseDocument();
}

class ReferenceParser {
  private pos = 0;
  private readonly path: JsonPathSegment[] = [];

  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.pos < this.text.length) {
      this.fail(
        'INVALID_JSON',
        `expected end of input after the JSON value, found ${this.found()}`,
      );
    }
    return value;
  }

  private parseValue(depth: number): unknown {
    const c = this.text.charCodeAt(this.pos);
    if (c === Ch.LBrace) return this.parseObject(depth + 1);
    if (c === Ch.LBracket) return this.parseArray(depth + 1);
    if (c === Ch.Quote) return this.parseString('a string');
    if (c === Ch.Minus || (c >= Ch.Zero && c <= Ch.Nine)) return this.parseNumber();
    if (this.text.startsWith('true', this.pos)) return this.literal(4, true);
    if (this.text.startsWith('false', this.pos)) return this.literal(5, false);
    if (this.text.startsWith('null', this.pos)) return this.literal(4, null);
    return this.fail(
      'INVALID_JSON',
      `expected a JSON value (object, array, string, number, true, false or null), found ${this.found()}`,
    );
  }

  private literal<T>(length: number, value: T): T {
    this.pos += length;
    return value;
  }

  private enter(depth: number): void {
    if (depth > MAX_JSON_DEPTH) {
      this.fail('DEPTH_EXCEEDED', `nesting deeper than ${MAX_JSON_DEPTH} arrays/objects`);
    }
    this.pos++;
    this.skipWhitespace();
  }

  private parseObject(depth: number): Record<string, unknown> {
    this.enter(depth);
    const out: Record<string, unknown> = {};
    if (this.text.charCodeAt(this.pos) === Ch.RBrace) {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.text.charCodeAt(this.pos) !== Ch.Quote) {
        this.fail('INVALID_JSON', `expected a string key in double quotes, found ${this.found()}`);
      }
      const keyStart = this.pos;
      const key = this.parseString('an object key');
      this.path.push(key);
      if (Object.hasOwn(out, key)) {
        this.fail(
          'DUPLICATE_KEY',
          `duplicate key ${JSON.stringify(key)} (RFC 7493 §2.3: names must be unique)`,
          keyStart,
        );
      }
      this.skipWhitespace();
      if (this.text.charCodeAt(this.pos) !== Ch.Colon) {
        this.fail('INVALID_JSON', `expected ':' after an object key, found ${this.found()}`);
      }
      this.pos++;
      this.skipWhitespace();
      // defineProperty so that a "__proto__" key is stored as data, as JSON.parse does.
      Object.defineProperty(out, key, {
        value: this.parseValue(depth),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.path.pop();
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      if (c === Ch.Comma) {
        this.pos++;
        this.skipWhitespace();
      } else if (c === Ch.RBrace) {
        this.pos++;
        return out;
      } else {
        this.fail(
          'INVALID_JSON',
          `expected ',' or '}' after an object member, found ${this.found()}`,
        );
      }
    }
  }

  private parseArray(depth: number): unknown[] {
    this.enter(depth);
    const out: unknown[] = [];
    if (this.text.charCodeAt(this.pos) === Ch.RBracket) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.path.push(out.length);
      out.push(this.parseValue(depth));
      this.path.pop();
      this.skipWhitespace();
      const c = this.text.charCodeAt(this.pos);
      if (c === Ch.Comma) {
        this.pos++;
        this.skipWhitespace();
      } else if (c === Ch.RBracket) {
        this.pos++;
        return out;
      } else {
        this.fail(
          'INVALID_JSON',
          `expected ',' or ']' after an array element, found ${this.found()}`,
        );
      }
    }
  }

  /** Parses a string at `pos`; `what` names it in lone-surrogate messages ("an object key"). */
  private parseString(what: string): string {
    const text = this.text;
    const start = this.pos;
    let out = '';
    let chunk = ++this.pos;
    // Offset of a high surrogate still waiting for its low half (RFC 7493 §2.1), or -1.
    let pendingHigh = -1;
    for (;;) {
      if (this.pos >= text.length) {
        this.fail('INVALID_JSON', "unterminated string: expected '\"' before end of input", start);
      }
      const c = text.charCodeAt(this.pos);
      if (c === Ch.Quote) break;
      if (c < 0x20) {
        this.fail(
          'INVALID_JSON',
          `control character U+${hex4(c)} must be escaped inside a string (RFC 8259 §7)`,
        );
      }
      let unit = c;
      const unitAt = this.pos;
      if (c === Ch.Backslash) {
        out += text.slice(chunk, this.pos);
        unit = this.parseEscape();
        out += String.fromCharCode(unit);
        chunk = this.pos;
      } else {
        this.pos++;
      }
      if (pendingHigh >= 0 && !(unit >= 0xdc00 && unit <= 0xdfff)) {
        this.fail(
          'LONE_SURROGATE',
          `lone high surrogate in ${what} (RFC 7493 §2.1): not followed by a low surrogate`,
          pendingHigh,
        );
      }
      if (unit >= 0xd800 && unit <= 0xdbff) pendingHigh = unitAt;
      else if (unit >= 0xdc00 && unit <= 0xdfff && pendingHigh < 0) {
        this.fail(
          'LONE_SURROGATE',
          `lone low surrogate in ${what} (RFC 7493 §2.1): no high surrogate before it`,
          unitAt,
        );
      } else pendingHigh = -1;
    }
    if (pendingHigh >= 0) {
      this.fail(
        'LONE_SURROGATE',
        `lone high surrogate at the end of ${what} (RFC 7493 §2.1)`,
        pendingHigh,
      );
    }
    out += text.slice(chunk, this.pos);
    this.pos++;
    return out;
  }

  /** Parses one escape at `pos` (a backslash) and returns the UTF-16 code unit it stands for. */
  private parseEscape(): number {
    const text = this.text;
    const at = this.pos;
    const e = text.charCodeAt(at + 1);
    this.pos += 2;
    switch (e) {
      case Ch.Quote:
      case Ch.Backslash:
      case Ch.Slash:
        return e;
      case 0x62: // b
        return 0x08;
      case 0x66: // f
        return 0x0c;
      case 0x6e: // n
        return 0x0a;
      case 0x72: // r
        return 0x0d;
      case 0x74: // t
        return 0x09;
      case 0x75: {
        // u: exactly four hex digits
        const digits = text.slice(at + 2, at + 6);
        if (!/^[0-9A-Fa-f]{4}$/.test(digits)) {
          this.fail('INVALID_JSON', 'expected four hex digits after \\u', at);
        }
        this.pos += 4;
        return parseInt(digits, 16);
      }
      default:
        return this.fail(
          'INVALID_JSON',
          `invalid escape: expected one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX`,
          at,
        );
    }
  }

  private parseNumber(): number {
    const text = this.text;
    const start = this.pos;
    if (text.charCodeAt(this.pos) === Ch.Minus) this.pos++;
    const first = text.charCodeAt(this.pos);
    if (first === Ch.Zero) {
      this.pos++;
      if (isDigit(text.charCodeAt(this.pos))) {
        this.fail('INVALID_JSON', 'leading zeros are not allowed in numbers (RFC 8259 §6)');
      }
    } else if (isDigit(first)) {
      this.skipDigits();
    } else {
      this.fail('INVALID_JSON', `expected a digit, found ${this.found()}`);
    }
    if (text.charCodeAt(this.pos) === Ch.Dot) {
      this.pos++;
      if (!isDigit(text.charCodeAt(this.pos))) {
        this.fail(
          'INVALID_JSON',
          `expected a digit after the decimal point, found ${this.found()}`,
        );
      }
      this.skipDigits();
    }
    const e = text.charCodeAt(this.pos);
    if (e === Ch.LowerE || e === Ch.UpperE) {
      this.pos++;
      const sign = text.charCodeAt(this.pos);
      if (sign === Ch.Plus || sign === Ch.Minus) this.pos++;
      if (!isDigit(text.charCodeAt(this.pos))) {
        this.fail('INVALID_JSON', `expected a digit in the exponent, found ${this.found()}`);
      }
      this.skipDigits();
    }
    const literal = text.slice(start, this.pos);
    const value = Number(literal);
    if (!Number.isFinite(value)) {
      this.fail('NON_FINITE_NUMBER', `number ${literal} overflows an IEEE-754 double`, start);
    }
    if (value > MAX_SAFE || value < -MAX_SAFE) {
      this.fail(
        'UNSAFE_INTEGER',
        `number ${literal} is an integer outside ±(2^53−1) and is not exact in I-JSON (RFC 7493 §2.2); send it as a string`,
        start,
      );
    }
    return value;
  }

  private skipDigits(): void {
    while (isDigit(this.text.charCodeAt(this.pos))) this.pos++;
  }

  private skipWhitespace(): void {
    let c = this.text.charCodeAt(this.pos);
    while (c === Ch.Space || c === Ch.Lf || c === Ch.Cr || c === Ch.Tab) {
      c = this.text.charCodeAt(++this.pos);
    }
  }

  /** What sits at the current offset, for messages. */
  private found(): string {
    if (this.pos >= this.text.length) return 'end of input';
    const cp = this.text.codePointAt(this.pos) ?? 0;
    const printable = cp >= 0x20 && cp !== 0x7f && !(cp >= 0xd800 && cp <= 0xdfff);
    return printable ? `'${String.fromCodePoint(cp)}'` : `U+${hex4(cp)}`;
  }

  private fail(code: ErrorCode, message: string, at: number = this.pos): never {
    throw new ProtocolError(code, `${message} at offset ${at}`, {
      where: formatJsonPath(this.path),
    });
  }
}

function isDigit(c: number): boolean {
  return c >= Ch.Zero && c <= Ch.Nine;
}

function hex4(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, '0');
}
