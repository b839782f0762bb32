/**
 * The small JSONPath subset redaction rules are written in (RFC 9535 syntax, a subset of it):
 * `$.a.b`, `$['a b']`, `$.list[0]`, `$.list[*]`, `$.obj.*` and recursive descent `$..key` /
 * `$..*`. Paths are compiled once into segments; matching walks alongside the record, one state
 * per (rule, segment), so a record is visited once however many rules there are.
 */

/**
 * One step of a compiled path.
 *
 * @example
 * const step: PathSegment = { kind: 'index', index: 0 }; // `[0]`
 */
export type PathSegment =
  | { readonly kind: 'key'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'any' }
  | { readonly kind: 'descend'; readonly name: string | undefined };

/**
 * A path as written and its segments.
 *
 * @example
 * const path: CompiledPath = compilePath('$.tools[*].args.email');
 */
export interface CompiledPath {
  readonly text: string;
  readonly segments: readonly PathSegment[];
}

const NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

/**
 * Parses a path such as `$.tools[*].args.email`; throws a `SyntaxError` naming the position.
 *
 * @example
 * compilePath('$..password').segments; // [{ kind: 'descend', name: 'password' }]
 */
export function compilePath(text: string): CompiledPath {
  if (!text.startsWith('$')) throw new SyntaxError(`path must start with "$": ${text}`);
  const segments: PathSegment[] = [];
  let i = 1;
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at offset ${i} of ${text}`);
  };
  while (i < text.length) {
    if (text.startsWith('..', i)) {
      i += 2;
      if (text[i] === '*') {
        i += 1;
        segments.push({ kind: 'descend', name: undefined });
      } else if (text[i] === '[') {
        const step = readBracket(text, i, fail);
        i = step.end;
        if (step.segment.kind === 'key')
          segments.push({ kind: 'descend', name: step.segment.name });
        else if (step.segment.kind === 'any') segments.push({ kind: 'descend', name: undefined });
        else fail('recursive descent takes a name or *');
      } else {
        const name = NAME.exec(text.slice(i))?.[0] ?? fail('expected a name after ".."');
        i += name.length;
        segments.push({ kind: 'descend', name });
      }
    } else if (text[i] === '.') {
      i += 1;
      if (text[i] === '*') {
        i += 1;
        segments.push({ kind: 'any' });
      } else {
        const name = NAME.exec(text.slice(i))?.[0] ?? fail('expected a name after "."');
        i += name.length;
        segments.push({ kind: 'key', name });
      }
    } else if (text[i] === '[') {
      const step = readBracket(text, i, fail);
      i = step.end;
      segments.push(step.segment);
    } else {
      fail(`unexpected "${text[i] ?? ''}"`);
    }
  }
  return { text, segments };
}

function readBracket(
  text: string,
  start: number,
  fail: (what: string) => never,
): { segment: PathSegment; end: number } {
  const close = (at: number): number => (text[at] === ']' ? at + 1 : fail('expected "]"'));
  const c = text[start + 1];
  if (c === '*') return { segment: { kind: 'any' }, end: close(start + 2) };
  if (c === "'" || c === '"') {
    let name = '';
    let j = start + 2;
    for (; j < text.length && text[j] !== c; j += 1) {
      if (text[j] === '\\') j += 1;
      name += text[j] ?? '';
    }
    if (j >= text.length) fail('unterminated quoted name');
    return { segment: { kind: 'key', name }, end: close(j + 1) };
  }
  const digits = /^(?:0|[1-9]\d{0,8})/.exec(text.slice(start + 1))?.[0];
  if (digits === undefined) return fail('expected an index, a quoted name or *');
  return {
    segment: { kind: 'index', index: Number(digits) },
    end: close(start + 1 + digits.length),
  };
}

/**
 * Active match states: flat pairs `[path, segment, path, segment, …]` of paths still matching.
 *
 * @example
 * const root: MatchStates = startStates(paths.length);
 */
export type MatchStates = readonly number[];

/**
 * States at the root: every path at its first segment.
 *
 * @example
 * startStates(2); // [0, 0, 1, 0]
 */
export function startStates(count: number): MatchStates {
  const states: number[] = [];
  for (let p = 0; p < count; p += 1) states.push(p, 0);
  return states;
}

/**
 * Result of stepping into a child: the child's states and the first path that ends there.
 *
 * @example
 * const { states, matched } = stepInto(paths, startStates(paths.length), 'context');
 */
export interface Step {
  readonly states: MatchStates;
  /** Index of the first path (in option order) that matches the child exactly, or -1. */
  readonly matched: number;
}

const EMPTY: Step = { states: [], matched: -1 };

/**
 * Advances `states` from a value to its child `key` (a string for object members, a number for
 * array elements).
 *
 * @example
 * stepInto(paths, startStates(paths.length), 'context');
 */
export function stepInto(
  paths: readonly CompiledPath[],
  states: MatchStates,
  key: string | number,
): Step {
  if (states.length === 0) return EMPTY;
  const next: number[] = [];
  let matched = -1;
  const push = (p: number, s: number): void => {
    for (let k = 0; k < next.length; k += 2) if (next[k] === p && next[k + 1] === s) return;
    next.push(p, s);
  };
  for (let k = 0; k < states.length; k += 2) {
    const p = states[k]!;
    const s = states[k + 1]!;
    const segments = paths[p]!.segments;
    const segment = segments[s];
    if (segment === undefined) continue;
    let advance: boolean;
    switch (segment.kind) {
      case 'key':
        advance = key === segment.name;
        break;
      case 'index':
        advance = key === segment.index;
        break;
      case 'any':
        advance = true;
        break;
      case 'descend':
        // `..name` names object members only; the descent itself continues through anything.
        advance = segment.name === undefined || key === segment.name;
        push(p, s);
        break;
    }
    if (!advance) continue;
    if (s + 1 === segments.length) {
      if (matched === -1 || p < matched) matched = p;
    } else {
      push(p, s + 1);
    }
  }
  return { states: next, matched };
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The path of a child, in the notation rules are written in (`$.tools[0].args['e-mail']`).
 *
 * @example
 * childPath('$.tools', 0); // '$.tools[0]'
 */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (PLAIN_KEY.test(key)) return `${parent}.${key}`;
  return `${parent}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}
