/**
 * `createRedactor`: removes personal data from a decision record before it leaves the process,
 * by JSON path, by detectors and by a custom function, in one walk over the record.
 */
import type { DecisionRecord, JsonValue } from '@docket/protocol';

import { createDetector, DETECTOR_NAMES, redactionMarker } from './detectors.js';
import type { DetectorName } from './detectors.js';
import { RedactionError } from './errors.js';
import { childPath, compilePath, startStates, stepInto } from './json-path.js';
import type { CompiledPath, MatchStates } from './json-path.js';

/**
 * Removes personal data from a record: returns a new record and never changes its input. Throws a
 * {@link RedactionError} (`REDACTION_FAILED`) if anything goes wrong; the caller drops the record.
 *
 * @example
 * const redact: Redactor = createRedactor({ paths: ['$.context.applicant.ssn'] });
 * const safe = redact(record);
 */
export type Redactor = (record: DecisionRecord) => DecisionRecord;

/**
 * Options of {@link createRedactor}.
 *
 * @example
 * const options: RedactionOptions = {
 *   paths: ['$.context.applicant.ssn', '$.tools[*].args.email', '$..password'],
 *   detectors: ['email', 'card'],
 *   custom: (value) => (/^EMP-\d+$/.test(value) ? '[REDACTED:custom]' : undefined),
 * };
 */
export interface RedactionOptions {
  /**
   * JSON paths whose whole value (any JSON type) becomes `[REDACTED:path:<path as written>]`:
   * `$.a.b`, `$['a b']`, `$.list[0]`, `$.list[*]`, `$.obj.*`, `$..key` (any depth), `$..*`.
   */
  readonly paths?: readonly string[] | undefined;
  /** Detectors that scan every string outside `exclude`; default `'all'`, `[]` for none. */
  readonly detectors?: readonly DetectorName[] | 'all' | undefined;
  /**
   * Called with each string outside `exclude` (before the detectors) and its path, e.g.
   * `$.tools[0].args.note`; a returned string replaces the whole value, `undefined` keeps it.
   */
  readonly custom?: ((value: string, path: string) => string | undefined) | undefined;
  /**
   * Paths never scanned by detectors or `custom` (path rules still apply); replaces
   * {@link DEFAULT_REDACTION_EXCLUDE}, so extend it with `[...DEFAULT_REDACTION_EXCLUDE, '$.x']`.
   */
  readonly exclude?: readonly string[] | undefined;
}

/**
 * Fields the ledger needs: never redacted, scanned or matched by a wildcard or recursive rule;
 * a path rule naming one is an option error.
 */
const PROTECTED: ReadonlySet<string> = new Set(['id', 'schema', 'ts', 'producer']);

/**
 * Paths the detectors and `custom` skip by default: ids, versions and names that describe the
 * decision rather than its subject, which a detector could only mangle.
 *
 * @example
 * createRedactor({ exclude: [...DEFAULT_REDACTION_EXCLUDE, '$.subject.id'] });
 */
export const DEFAULT_REDACTION_EXCLUDE: readonly string[] = [
  '$.id',
  '$.schema',
  '$.ts',
  '$.agent',
  '$.model',
  '$.prompt',
  '$.policy',
  '$.correlation',
  '$.producer',
  '$.outcome.action',
];

interface Plan {
  readonly rules: readonly CompiledPath[];
  readonly markers: readonly string[];
  readonly exclude: readonly CompiledPath[];
  readonly detect: (text: string) => string;
  readonly custom: ((value: string, path: string) => string | undefined) | undefined;
}

function invalid(message: string, where: string): RedactionError {
  return new RedactionError('OPTION_INVALID', message, { where });
}

function compileOption(text: unknown, where: string): CompiledPath {
  if (typeof text !== 'string') throw invalid(`${where} must be a JSON path string`, where);
  try {
    return compilePath(text);
  } catch (error) {
    throw new RedactionError(
      'OPTION_INVALID',
      `${where}: ${error instanceof Error ? error.message : String(error)}`,
      { where, cause: error },
    );
  }
}

function resolveDetectors(value: RedactionOptions['detectors']): DetectorName[] {
  if (value === undefined || value === 'all') return [...DETECTOR_NAMES];
  if (!Array.isArray(value)) throw invalid('detectors must be "all" or a list', 'detectors');
  return value.map((name: unknown, i) => {
    if (!DETECTOR_NAMES.includes(name as DetectorName)) {
      throw invalid(
        `unknown detector ${JSON.stringify(name)} (known: ${DETECTOR_NAMES.join(', ')})`,
        `detectors[${i}]`,
      );
    }
    return name as DetectorName;
  });
}

/**
 * Builds a {@link Redactor}. Options are checked and compiled once: a malformed path, an unknown
 * detector, or a path rule that would remove a field the ledger needs (`$`, `$.*`, `$.id`,
 * `$.schema`, `$.ts`, `$.producer…`) throws a {@link RedactionError} `OPTION_INVALID` naming it.
 * Detectors replace only the matching substring; a path rule replaces the whole value.
 *
 * @example
 * const redact = createRedactor({ paths: ['$..password'] });
 * redact(record).context; // { user: 'mail [REDACTED:email] now', password: '[REDACTED:path:$..password]' }
 */
export function createRedactor(options: RedactionOptions = {}): Redactor {
  const rules = (options.paths ?? []).map((text, i) => {
    const rule = compileOption(text, `paths[${i}]`);
    const first = rule.segments[0];
    if (
      first === undefined ||
      (first.kind === 'any' && rule.segments.length === 1) ||
      (first.kind === 'key' && PROTECTED.has(first.name))
    ) {
      throw invalid(
        `path rule ${rule.text} would redact a field the ledger needs (id, schema, ts, producer)`,
        rule.text,
      );
    }
    return rule;
  });
  const exclude = (options.exclude ?? DEFAULT_REDACTION_EXCLUDE).map((text, i) =>
    compileOption(text, `exclude[${i}]`),
  );
  if (options.custom !== undefined && typeof options.custom !== 'function') {
    throw invalid('custom must be a function', 'custom');
  }
  const plan: Plan = {
    rules,
    markers: rules.map((rule) => redactionMarker(`path:${rule.text}`)),
    exclude,
    detect: createDetector(resolveDetectors(options.detectors)),
    custom: options.custom,
  };
  return (record) => {
    try {
      if (!isPlainObject(record)) throw new TypeError('a decision record must be an object');
      return redactRoot(plan, record) as DecisionRecord;
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw new RedactionError('REDACTION_FAILED', `redaction failed: ${detail}`, {
        cause: error,
      });
    }
  };
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function redactRoot(plan: Plan, record: Readonly<Record<string, unknown>>): JsonValue {
  const out: Record<string, JsonValue> = {};
  const ruleStates = startStates(plan.rules.length);
  const excludeStates = startStates(plan.exclude.length);
  for (const key of Object.keys(record)) {
    const value = record[key];
    if (PROTECTED.has(key)) setMember(out, key, copy(value, `$.${key}`));
    else setMember(out, key, redactMember(plan, value, key, '$', ruleStates, excludeStates));
  }
  return out;
}

/** Redacts `value`, the member `key` of a parent at `parentPath` with the parent's states. */
function redactMember(
  plan: Plan,
  value: unknown,
  key: string | number,
  parentPath: string,
  parentRules: MatchStates,
  parentExclude: MatchStates | undefined,
): JsonValue {
  const rule = stepInto(plan.rules, parentRules, key);
  if (rule.matched !== -1) return plan.markers[rule.matched]!;
  // `undefined` exclude states: an excluded ancestor, so nothing below is scanned.
  let exclude: MatchStates | undefined;
  if (parentExclude !== undefined) {
    const step = stepInto(plan.exclude, parentExclude, key);
    exclude = step.matched === -1 ? step.states : undefined;
  }
  const path = plan.custom === undefined ? '' : childPath(parentPath, key);
  if (rule.states.length === 0 && exclude === undefined) return copy(value, path);
  return redactValue(plan, value, path, rule.states, exclude);
}

function redactValue(
  plan: Plan,
  value: unknown,
  path: string,
  rules: MatchStates,
  exclude: MatchStates | undefined,
): JsonValue {
  if (typeof value === 'string') return exclude === undefined ? value : scan(plan, value, path);
  if (Array.isArray(value)) {
    return value.map((item: unknown, i) => redactMember(plan, item, i, path, rules, exclude));
  }
  if (isPlainObject(value)) {
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(value)) {
      setMember(out, key, redactMember(plan, value[key], key, path, rules, exclude));
    }
    return out;
  }
  return scalar(value, path);
}

function scan(plan: Plan, value: string, path: string): string {
  if (plan.custom !== undefined) {
    const replacement: unknown = plan.custom(value, path);
    if (typeof replacement === 'string') return replacement;
    if (replacement !== undefined) {
      throw new TypeError(`custom returned ${typeof replacement} at ${path}, not a string`);
    }
  }
  return plan.detect(value);
}

/** A deep copy of a JSON value, so the result shares nothing with the input. */
function copy(value: unknown, path: string): JsonValue {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((item: unknown, i) => copy(item, `${path}[${i}]`));
  if (isPlainObject(value)) {
    const out: Record<string, JsonValue> = {};
    for (const key of Object.keys(value)) setMember(out, key, copy(value[key], path));
    return out;
  }
  return scalar(value, path);
}

function scalar(value: unknown, path: string): JsonValue {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  // Fail closed on what JSON cannot hold (functions, bigints, dates, class instances, NaN).
  throw new TypeError(`not a JSON value at ${path || 'a member'}: ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'object' && value !== null) {
    return (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
  }
  return typeof value;
}

/** Sets a member even when its name is `__proto__` (an own property in parsed JSON). */
function setMember(out: Record<string, JsonValue>, key: string, value: JsonValue): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  } else {
    out[key] = value;
  }
}
