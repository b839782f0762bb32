/**
 * A small JSON Schema (draft 2020-12) interpreter for the keywords Docket's own schemas use, and no
 * others. A schema is compiled once into closures; compiling refuses any keyword it does not
 * implement, so a schema cannot say more than the validator checks.
 *
 * Differences from a general validator, all on the side of stricter input:
 * - `format` is an assertion (`date-time`: RFC 3339 §5.6, `uuid`: RFC 9562 §4), and is only checked
 *   once the string matched `pattern`, so one bad string yields one issue, not two;
 * - the instance is a JavaScript value, so the interpreter also rejects what JSON cannot hold
 *   (`undefined`, functions, `NaN`, class instances, circular references) anywhere, including in
 *   free-form parts, and nesting deeper than {@link MAX_DEPTH}.
 */
import { ProtocolError } from '../errors.js';
import type { Issue } from '../errors.js';
import type { JsonObject, JsonValue } from './json-value.js';

/**
 * Issue codes the interpreter reports.
 *
 * @example
 * const code: SchemaIssueCode = 'SCHEMA_REQUIRED';
 */
export type SchemaIssueCode =
  | 'SCHEMA_TYPE'
  | 'SCHEMA_REQUIRED'
  | 'SCHEMA_UNKNOWN_PROPERTY'
  | 'SCHEMA_ENUM'
  | 'SCHEMA_CONST'
  | 'SCHEMA_RANGE'
  | 'SCHEMA_LENGTH'
  | 'SCHEMA_PATTERN'
  | 'SCHEMA_FORMAT'
  | 'SCHEMA_DEPTH';

/**
 * Validates one value; returns every problem found (an empty list when it is valid).
 *
 * @example
 * const validate: SchemaValidator = compileSchema({ type: 'string' });
 */
export type SchemaValidator = (value: unknown) => Issue[];

/**
 * Objects and arrays nested deeper than this are refused (keeps recursion off the stack limit).
 *
 * @example
 * if (depth > MAX_DEPTH) reject();
 */
export const MAX_DEPTH = 128;

// JSON types as bits, so that "is this type allowed" is one AND. NUMBER means a non-integer number;
// `"type": "number"` allows INTEGER | NUMBER. 0 is "not a JSON value".
const NULL = 1;
const BOOLEAN = 2;
const INTEGER = 4;
const NUMBER = 8;
const STRING = 16;
const ARRAY = 32;
const OBJECT = 64;
const ANY_TYPE = NULL | BOOLEAN | INTEGER | NUMBER | STRING | ARRAY | OBJECT;

const TYPE_BITS: ReadonlyMap<string, number> = new Map([
  ['null', NULL],
  ['boolean', BOOLEAN],
  ['integer', INTEGER],
  ['number', INTEGER | NUMBER],
  ['string', STRING],
  ['array', ARRAY],
  ['object', OBJECT],
]);

const TYPE_NAMES: ReadonlyMap<number, string> = new Map([
  [NULL, 'null'],
  [BOOLEAN, 'boolean'],
  [INTEGER, 'number'], // integers are numbers to a reader: "expected string, found number"
  [NUMBER, 'number'],
  [STRING, 'string'],
  [ARRAY, 'array'],
  [OBJECT, 'object'],
]);
type Segment = string | number;

interface Context {
  readonly issues: Issue[];
  /** Path from the root to the value being checked; formatted only when an issue is reported. */
  readonly path: Segment[];
  /** Objects and arrays being checked, root first: detects circular references and depth. */
  readonly stack: object[];
}

type Check = (value: unknown, ctx: Context) => void;

/** Keywords that only annotate; they are accepted and ignored. */
const ANNOTATIONS = new Set(['$schema', '$id', '$comment', 'title', 'description', 'examples']);

const ASSERTIONS = new Set([
  '$ref',
  'type',
  'const',
  'enum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'items',
  'maxItems',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'maxProperties',
]);

/**
 * Compiles a JSON Schema into a validator. Throws a {@link ProtocolError} with code
 * `SCHEMA_UNSUPPORTED` (and `where` a JSON Pointer into the schema) for a keyword, keyword value,
 * `format` or `$ref` this interpreter does not implement.
 *
 * @example
 * const validate = compileSchema({ type: 'object', properties: { n: { type: 'integer' } } });
 * validate({ n: 1.5 }); // [{ code: 'SCHEMA_TYPE', where: '$.n', message: 'expected integer, found number' }]
 */
export function compileSchema(schema: JsonValue): SchemaValidator {
  const root = expectObject(schema, '');
  const defs = new Map<string, Check>();
  const rawDefs = root.$defs === undefined ? {} : expectObject(root.$defs, '/$defs');
  // A reference to a definition not compiled yet (or to itself) goes through a trampoline.
  const compiled = new Map<string, Check>();
  for (const name of Object.keys(rawDefs)) {
    defs.set(name, (value, ctx) => compiled.get(name)?.(value, ctx));
  }
  // Compile every definition up front, unused ones too, so that they cannot hide unknown keywords.
  for (const [name, def] of Object.entries(rawDefs)) {
    const check = compileNode(def, `/$defs/${escapePointer(name)}`, defs);
    compiled.set(name, check);
    defs.set(name, check);
  }
  const check = compileNode(root, '', defs, true);
  return (value) => {
    const ctx: Context = { issues: [], path: [], stack: [] };
    try {
      check(value, ctx);
    } catch (error) {
      // Only a hostile value gets here (a throwing getter or proxy); report it, never throw.
      report(ctx, 'SCHEMA_TYPE', `expected a JSON value, found one that threw: ${String(error)}`);
    }
    return ctx.issues;
  };
}

function compileNode(
  schema: JsonValue,
  pointer: string,
  defs: ReadonlyMap<string, Check>,
  isRoot = false,
): Check {
  if (schema === true) return checkAny;
  const node = expectObject(schema, pointer);
  for (const keyword of Object.keys(node)) {
    if (keyword === '$defs' && isRoot) continue;
    if (!ASSERTIONS.has(keyword) && !ANNOTATIONS.has(keyword)) {
      throw unsupported(`keyword "${keyword}" is not supported`, `${pointer}/${keyword}`);
    }
  }
  const at = (keyword: string): string => `${pointer}/${keyword}`;

  const ref = node.$ref === undefined ? undefined : compileRef(node.$ref, at('$ref'), defs);
  const assertions = Object.keys(node).filter((k) => ASSERTIONS.has(k));
  // `{ "$ref": …, "description": … }` is the referenced schema itself.
  if (ref !== undefined && assertions.length === 1) return ref;

  const type = node.type === undefined ? undefined : compileType(node.type, at('type'));
  const allowed = type?.bits ?? ANY_TYPE;
  const expected = type?.names ?? 'a JSON value';
  const constant = node.const;
  const constText = constant === undefined ? '' : quote(constant);
  const choices = node.enum === undefined ? undefined : expectArray(node.enum, at('enum'));
  const choicesText = choices?.map(quote).join(', ') ?? '';
  const checkString = compileStringKeywords(node, pointer);
  const checkNumber = compileNumberKeywords(node, pointer);
  const checkArray = compileArrayKeywords(node, pointer, defs);
  const checkObject = compileObjectKeywords(node, pointer, defs);

  // Most nodes are plain strings (identifiers): give them a closure of their own.
  if (allowed === STRING && ref === undefined && constant === undefined && choices === undefined) {
    return (value, ctx) => {
      if (typeof value !== 'string') reportType(ctx, expected, value);
      else checkString?.(value, ctx);
    };
  }

  return (value, ctx) => {
    const bit = jsonTypeOf(value);
    if ((bit & allowed) === 0) {
      reportType(ctx, expected, value);
      return;
    }
    ref?.(value, ctx);
    if (constant !== undefined && !jsonEqual(value, constant)) {
      report(ctx, 'SCHEMA_CONST', `expected ${constText}, found ${quote(value)}`);
    }
    if (choices !== undefined && !choices.some((choice) => jsonEqual(value, choice))) {
      report(ctx, 'SCHEMA_ENUM', `expected one of ${choicesText}, found ${quote(value)}`);
    }
    if (bit === STRING) {
      checkString?.(value as string, ctx);
    } else if (bit === OBJECT) {
      if (enter(value as object, ctx)) {
        checkObject(value as Readonly<Record<string, unknown>>, ctx);
        ctx.stack.pop();
      }
    } else if (bit === ARRAY) {
      if (enter(value as object, ctx)) {
        checkArray(value as readonly unknown[], ctx);
        ctx.stack.pop();
      }
    } else if (bit === INTEGER || bit === NUMBER) {
      checkNumber?.(value as number, ctx);
    }
  };
}

function reportType(ctx: Context, expected: string, value: unknown): void {
  const bit = jsonTypeOf(value);
  const found = bit === 0 ? describeType(value) : (TYPE_NAMES.get(bit) ?? 'a value');
  report(ctx, 'SCHEMA_TYPE', `expected ${expected}, found ${found}`);
}

/** A schema without assertions: any JSON value, checked all the way down. */
const checkAny: Check = (value, ctx) => {
  const bit = jsonTypeOf(value);
  if (bit === 0) {
    reportType(ctx, 'a JSON value', value);
  } else if (bit === ARRAY) {
    if (enter(value as object, ctx)) {
      const array = value as readonly unknown[];
      for (let i = 0; i < array.length; i++) {
        ctx.path.push(i);
        checkAny(array[i], ctx);
        ctx.path.pop();
      }
      ctx.stack.pop();
    }
  } else if (bit === OBJECT) {
    if (enter(value as object, ctx)) {
      const object = value as Readonly<Record<string, unknown>>;
      for (const key of Object.keys(object)) {
        ctx.path.push(key);
        checkAny(object[key], ctx);
        ctx.path.pop();
      }
      ctx.stack.pop();
    }
  }
};

/** Pushes an object or array on the stack, or reports why it cannot be descended into. */
function enter(value: object, ctx: Context): boolean {
  if (ctx.stack.includes(value)) {
    report(ctx, 'SCHEMA_TYPE', 'expected a JSON value, found a circular reference');
    return false;
  }
  if (ctx.stack.length >= MAX_DEPTH) {
    report(ctx, 'SCHEMA_DEPTH', `expected at most ${MAX_DEPTH} levels of nesting, found more`);
    return false;
  }
  ctx.stack.push(value);
  return true;
}

function compileRef(ref: JsonValue, pointer: string, defs: ReadonlyMap<string, Check>): Check {
  const prefix = '#/$defs/';
  if (typeof ref !== 'string' || !ref.startsWith(prefix)) {
    throw unsupported('only "#/$defs/<name>" references are supported', pointer);
  }
  const target = defs.get(unescapePointer(ref.slice(prefix.length)));
  if (target === undefined) throw unsupported(`unresolved reference "${ref}"`, pointer);
  return target;
}

function compileType(type: JsonValue, pointer: string): { bits: number; names: string } {
  const names = typeof type === 'string' ? [type] : expectArray(type, pointer);
  let bits = 0;
  const known: string[] = [];
  for (const name of names) {
    const bit = typeof name === 'string' ? TYPE_BITS.get(name) : undefined;
    if (bit === undefined) throw unsupported(`unknown type ${quote(name)}`, pointer);
    bits |= bit;
    known.push(name as string);
  }
  return { bits, names: known.join(' or ') };
}

function compileStringKeywords(
  node: JsonObject,
  pointer: string,
): ((value: string, ctx: Context) => void) | undefined {
  const minLength = optionalCount(node, 'minLength', pointer);
  const maxLength = optionalCount(node, 'maxLength', pointer);
  let pattern: RegExp | undefined;
  if (node.pattern !== undefined) {
    if (typeof node.pattern !== 'string') throw unsupported('pattern must be a string', pointer);
    // JSON Schema patterns are ECMA-262 regular expressions over code points.
    pattern = new RegExp(node.pattern, 'u');
  }
  const format = node.format === undefined ? undefined : compileFormat(node.format, pointer);
  if (minLength === undefined && maxLength === undefined && !pattern && !format) return undefined;
  const patternText = pattern === undefined ? '' : `/${pattern.source}/`;

  return (value, ctx) => {
    // Lengths count code points (JSON Schema §6.3.1); `value.length` counts UTF-16 units, which
    // is an upper bound, and at most twice the code point count. Count only when it matters.
    if (minLength !== undefined && value.length < 2 * minLength) {
      const length = codePointLength(value);
      if (length < minLength) {
        report(
          ctx,
          'SCHEMA_LENGTH',
          `expected at least ${plural(minLength, 'character')}, found ${length}`,
        );
      }
    }
    if (maxLength !== undefined && value.length > maxLength) {
      const length = codePointLength(value);
      if (length > maxLength) {
        report(
          ctx,
          'SCHEMA_LENGTH',
          `expected at most ${plural(maxLength, 'character')}, found ${length}`,
        );
      }
    }
    if (pattern !== undefined && !pattern.test(value)) {
      report(
        ctx,
        'SCHEMA_PATTERN',
        `expected a string matching ${patternText}, found ${quote(value)}`,
      );
      return;
    }
    if (format !== undefined && !format.test(value)) {
      report(ctx, 'SCHEMA_FORMAT', `expected ${format.expected}, found ${quote(value)}`);
    }
  };
}

interface Format {
  readonly expected: string;
  readonly test: (value: string) => boolean;
}

function compileFormat(format: JsonValue, pointer: string): Format {
  switch (format) {
    case 'date-time':
      return { expected: 'an RFC 3339 date-time', test: isRfc3339DateTime };
    case 'uuid':
      return { expected: 'a UUID (RFC 9562)', test: (value) => UUID.test(value) };
    default:
      throw unsupported(`format ${quote(format)} is not supported`, `${pointer}/format`);
  }
}

function compileNumberKeywords(
  node: JsonObject,
  pointer: string,
): ((value: number, ctx: Context) => void) | undefined {
  const minimum = optionalNumber(node, 'minimum', pointer);
  const maximum = optionalNumber(node, 'maximum', pointer);
  const exclusiveMinimum = optionalNumber(node, 'exclusiveMinimum', pointer);
  if (minimum === undefined && maximum === undefined && exclusiveMinimum === undefined) {
    return undefined;
  }
  return (value, ctx) => {
    if (minimum !== undefined && value < minimum) {
      report(ctx, 'SCHEMA_RANGE', `expected a number at least ${minimum}, found ${value}`);
    }
    if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) {
      report(
        ctx,
        'SCHEMA_RANGE',
        `expected a number greater than ${exclusiveMinimum}, found ${value}`,
      );
    }
    if (maximum !== undefined && value > maximum) {
      report(ctx, 'SCHEMA_RANGE', `expected a number at most ${maximum}, found ${value}`);
    }
  };
}

function compileArrayKeywords(
  node: JsonObject,
  pointer: string,
  defs: ReadonlyMap<string, Check>,
): (value: readonly unknown[], ctx: Context) => void {
  const maxItems = optionalCount(node, 'maxItems', pointer);
  const items =
    node.items === undefined ? checkAny : compileNode(node.items, `${pointer}/items`, defs);
  return (array, ctx) => {
    if (maxItems !== undefined && array.length > maxItems) {
      report(
        ctx,
        'SCHEMA_LENGTH',
        `expected at most ${plural(maxItems, 'item')}, found ${array.length}`,
      );
    }
    for (let i = 0; i < array.length; i++) {
      ctx.path.push(i);
      items(array[i], ctx);
      ctx.path.pop();
    }
  };
}

function compileObjectKeywords(
  node: JsonObject,
  pointer: string,
  defs: ReadonlyMap<string, Check>,
): (value: Readonly<Record<string, unknown>>, ctx: Context) => void {
  const properties = new Map<string, Check>();
  if (node.properties !== undefined) {
    const raw = expectObject(node.properties, `${pointer}/properties`);
    for (const [name, schema] of Object.entries(raw)) {
      properties.set(
        name,
        compileNode(schema, `${pointer}/properties/${escapePointer(name)}`, defs),
      );
    }
  }
  const required: string[] = [];
  if (node.required !== undefined) {
    for (const name of expectArray(node.required, `${pointer}/required`)) {
      if (typeof name !== 'string')
        throw unsupported('required lists names', `${pointer}/required`);
      required.push(name);
    }
  }
  const closed = node.additionalProperties === false;
  const additional =
    node.additionalProperties === undefined || closed
      ? checkAny
      : compileNode(node.additionalProperties, `${pointer}/additionalProperties`, defs);
  const allowed = [...properties.keys()].join(', ');
  const maxProperties = optionalCount(node, 'maxProperties', pointer);
  const propertyNames =
    node.propertyNames === undefined
      ? undefined
      : compileNode(node.propertyNames, `${pointer}/propertyNames`, defs);

  return (object, ctx) => {
    const keys = Object.keys(object);
    if (maxProperties !== undefined && keys.length > maxProperties) {
      report(
        ctx,
        'SCHEMA_LENGTH',
        `expected at most ${plural(maxProperties, 'property', 'properties')}, found ${keys.length}`,
      );
    }
    for (const key of keys) {
      ctx.path.push(key);
      if (propertyNames !== undefined) checkPropertyName(propertyNames, key, ctx);
      const check = properties.get(key);
      if (check !== undefined) check(object[key], ctx);
      else if (closed)
        report(
          ctx,
          'SCHEMA_UNKNOWN_PROPERTY',
          `unknown property ${quote(key)}; expected one of: ${allowed}`,
        );
      else additional(object[key], ctx);
      ctx.path.pop();
    }
    for (const name of required) {
      if (!Object.hasOwn(object, name)) {
        ctx.path.push(name);
        report(ctx, 'SCHEMA_REQUIRED', `missing required property ${quote(name)}`);
        ctx.path.pop();
      }
    }
  };
}

/** Checks a key against `propertyNames`; its issues say that the name, not the value, is wrong. */
function checkPropertyName(check: Check, key: string, ctx: Context): void {
  const before = ctx.issues.length;
  check(key, ctx);
  for (let i = before; i < ctx.issues.length; i++) {
    const issue = ctx.issues[i];
    if (issue !== undefined)
      ctx.issues[i] = { ...issue, message: `property name: ${issue.message}` };
  }
}

// ---- formats -------------------------------------------------------------------------------------

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** RFC 3339 §5.6 `date-time`, with the ranges of §5.7 (days per month, leap seconds). */
function isRfc3339DateTime(value: string): boolean {
  if (!DATE_TIME.test(value)) return false;
  // The syntax fixed every field's position: YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM).
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  const hour = digits(value, 11, 2);
  const minute = digits(value, 14, 2);
  const second = digits(value, 17, 2);
  const zulu = value.endsWith('Z') || value.endsWith('z');
  const offsetHour = zulu ? 0 : digits(value, value.length - 5, 2);
  const offsetMinute = zulu ? 0 : digits(value, value.length - 2, 2);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  if (hour > 23 || minute > 59 || second > 60 || offsetHour > 23 || offsetMinute > 59) return false;
  if (second === 60) {
    // A leap second is 23:59:60 UTC (RFC 3339 §5.7): undo the offset to check.
    const sign = value.charAt(value.length - 6) === '-' ? -1 : 1;
    const offset = sign * (offsetHour * 60 + offsetMinute);
    const utcMinutes = (((hour * 60 + minute - offset) % 1440) + 1440) % 1440;
    if (utcMinutes !== 23 * 60 + 59) return false;
  }
  return true;
}

function digits(value: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) n = n * 10 + value.charCodeAt(i) - 48;
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// ---- values --------------------------------------------------------------------------------------

/** The JSON type bit of a value, or 0 when JSON cannot hold it. */
function jsonTypeOf(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return STRING;
    case 'number':
      if (!Number.isFinite(value)) return 0;
      return Number.isInteger(value) ? INTEGER : NUMBER;
    case 'boolean':
      return BOOLEAN;
    case 'object': {
      if (value === null) return NULL;
      if (Array.isArray(value)) return ARRAY;
      const proto: unknown = Object.getPrototypeOf(value);
      return proto === Object.prototype || proto === null ? OBJECT : 0;
    }
    default:
      return 0;
  }
}

function describeType(value: unknown): string {
  if (typeof value === 'number') return String(value); // NaN, Infinity
  if (typeof value === 'object' && value !== null) {
    const name = (value.constructor as { name?: unknown } | undefined)?.name;
    return typeof name === 'string' && name !== ''
      ? `an instance of ${name}`
      : 'a non-plain object';
  }
  return typeof value;
}

/** A short rendering of a value for a message (long strings are cut). */
function quote(value: unknown): string {
  if (typeof value === 'string') {
    const cut = value.length > 64 ? `${value.slice(0, 64)}…` : value;
    return JSON.stringify(cut);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null)
    return String(value);
  const bit = jsonTypeOf(value);
  return bit === 0 ? describeType(value) : `an ${bit === ARRAY ? 'array' : 'object'}`;
}

function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  const ra = a as Readonly<Record<string, unknown>>;
  const rb = b as Readonly<Record<string, unknown>>;
  const keys = Object.keys(ra);
  return (
    keys.length === Object.keys(rb).length &&
    keys.every((key) => Object.hasOwn(rb, key) && jsonEqual(ra[key], rb[key]))
  );
}

function codePointLength(value: string): number {
  let length = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    // A high surrogate followed by a low one is a single code point.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

// ---- issues and paths ----------------------------------------------------------------------------

function report(ctx: Context, code: SchemaIssueCode, message: string): void {
  ctx.issues.push({ code, message, where: formatPath(ctx.path) });
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * Formats a path as a JSON path; names that are not identifiers are quoted as RFC 9535 does.
 *
 * @example
 * formatPath(['alternatives', 2, 'score']); // '$.alternatives[2].score'
 * formatPath(['tags', 'a b']); // "$.tags['a b']"
 */
export function formatPath(path: readonly Segment[]): string {
  let out = '$';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += `.${segment}`;
    else out += `['${escapeName(segment)}']`;
  }
  return out;
}

function escapeName(name: string): string {
  let out = '';
  for (const c of name) {
    const code = c.charCodeAt(0);
    if (c === '\\' || c === "'") out += `\\${c}`;
    else if (code < 0x20) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return out;
}

// ---- schema reading ------------------------------------------------------------------------------

function unsupported(message: string, pointer: string): ProtocolError {
  return new ProtocolError('SCHEMA_UNSUPPORTED', message, { where: `#${pointer}` });
}

function expectObject(value: JsonValue | undefined, pointer: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw unsupported('expected a schema object', pointer);
  }
  return value as JsonObject;
}

function expectArray(value: JsonValue, pointer: string): readonly JsonValue[] {
  if (!Array.isArray(value)) throw unsupported('expected an array', pointer);
  return value as readonly JsonValue[];
}

function optionalNumber(node: JsonObject, keyword: string, pointer: string): number | undefined {
  const value = node[keyword];
  if (value === undefined) return undefined;
  if (typeof value !== 'number')
    throw unsupported(`${keyword} must be a number`, `${pointer}/${keyword}`);
  return value;
}

function optionalCount(node: JsonObject, keyword: string, pointer: string): number | undefined {
  const value = optionalNumber(node, keyword, pointer);
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
    throw unsupported(`${keyword} must be a non-negative integer`, `${pointer}/${keyword}`);
  }
  return value;
}

function escapePointer(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}

function unescapePointer(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}
