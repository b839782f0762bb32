import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ProtocolError } from '../errors.js';
import {
  formatJsonPath,
  MAX_JSON_DEPTH,
  parseStrictJson,
  parseStrictJsonReference,
} from './strict-parse.js';

/** Asserts that parsing `text` throws a ProtocolError with this code, `where`, and offset. */
function rejects(text: string, code: string, where: string, offset?: number): ProtocolError {
  let caught: unknown;
  try {
    parseStrictJson(text);
  } catch (error) {
    caught = error;
  }
  assert.ok(
    caught instanceof ProtocolError,
    `expected a ProtocolError for ${JSON.stringify(text)}`,
  );
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.where, where, caught.message);
  if (offset !== undefined) assert.match(caught.message, new RegExp(`at offset ${offset}$`));
  return caught;
}

describe('parseStrictJson: accepts I-JSON', () => {
  const valid = [
    '{}',
    '[]',
    '0',
    '-0.5e-3',
    '"x"',
    'true',
    'null',
    ' \t\r\n{ "a" : [ 1 , 2.5 , "s" , true , false , null ] } \n',
    '{"a":{"b":{"c":[{"d":"e"}]}}}',
    '[{"a":1},{"a":2}]',
    '{"\\"":1,"\\\\":2,"a\\\\":3,"a\\"":4,"x\\u0022y":5}',
    '{"k":"value with \\":\\" inside","k2":"\\\\"}',
    '"\\ud83d\\ude02 and 😀 are well-formed pairs"',
    '{"__proto__":{"x":1},"constructor":2}',
    '9007199254740991',
    '-9007199254740991',
    '1e-400',
    '1.7976931348623157e-300',
  ];
  for (const text of valid) {
    test(`parses ${JSON.stringify(text)} as JSON.parse does`, () => {
      assert.deepEqual(parseStrictJson(text), JSON.parse(text));
    });
  }

  test('keeps "__proto__" as an own data key, not a prototype', () => {
    const value = parseStrictJson('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value), ['__proto__']);
    assert.equal((value as { polluted?: boolean }).polluted, undefined);
  });

  test(`accepts nesting exactly ${MAX_JSON_DEPTH} deep`, () => {
    const text = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    assert.deepEqual(parseStrictJson(text), JSON.parse(text));
  });
});

describe('parseStrictJson: INVALID_JSON says what was expected, where and at which offset', () => {
  const cases: [text: string, where: string, offset: number, expected: RegExp][] = [
    ['', '$', 0, /expected a JSON value/],
    ['{"a":[1,}', '$.a[1]', 8, /expected a JSON value .* found '}'/],
    ['[1,]', '$[1]', 3, /expected a JSON value/],
    ['{"a" 1}', '$.a', 5, /expected ':' after an object key, found '1'/],
    ['{"a":1 "b":2}', '$', 7, /expected ',' or '}' after an object member/],
    ['[1 2]', '$', 3, /expected ',' or '\]' after an array element/],
    ['{a:1}', '$', 1, /expected a string key in double quotes, found 'a'/],
    ['{"a":1,}', '$', 7, /expected a string key/],
    ['{"a":1} x', '$', 8, /expected end of input after the JSON value, found 'x'/],
    ['"abc', '$', 0, /unterminated string/],
    ['["a\\x"]', '$[0]', 3, /invalid escape/],
    ['["\\u12G4"]', '$[0]', 2, /four hex digits/],
    ['["a\nb"]', '$[0]', 3, /control character U\+000A must be escaped/],
    ['{"n":01}', '$.n', 6, /leading zeros/],
    ['{"n":-}', '$.n', 6, /expected a digit, found '}'/],
    ['[1.]', '$[0]', 3, /digit after the decimal point/],
    ['[1e+]', '$[0]', 4, /digit in the exponent/],
    ['[NaN]', '$[0]', 1, /expected a JSON value/],
    ['[Infinity]', '$[0]', 1, /expected a JSON value/],
    ["{'a':1}", '$', 1, /expected a string key/],
    ['\uFEFF{}', '$', 0, /expected a JSON value/],
    ['[tru]', '$[0]', 1, /expected a JSON value/],
  ];
  for (const [text, where, offset, expected] of cases) {
    test(`${JSON.stringify(text)} → ${where} at offset ${offset}`, () => {
      const error = rejects(text, 'INVALID_JSON', where, offset);
      assert.match(error.message, expected);
    });
  }

  test('rejects a non-string argument from untyped callers', () => {
    rejects(undefined as unknown as string, 'INVALID_JSON', '$');
  });
});

describe('parseStrictJson: DUPLICATE_KEY (RFC 7493 §2.3)', () => {
  test('reports the path of the repeated member and the offset of its key', () => {
    const text = '{"a":1,"b":{"c":1,"c":2}}';
    rejects(text, 'DUPLICATE_KEY', '$.b.c', text.lastIndexOf('"c"'));
  });
  test('compares keys after unescaping', () => {
    rejects('{"a":1,"\\u0061":2}', 'DUPLICATE_KEY', '$.a', 7);
  });
  test('catches a repeated "__proto__"', () => {
    rejects('{"__proto__":1,"__proto__":2}', 'DUPLICATE_KEY', '$.__proto__', 15);
  });
  test('quotes keys that are not identifiers in the path', () => {
    rejects('[{"x y":1,"x y":2}]', 'DUPLICATE_KEY', '$[0]["x y"]', 10);
  });
  test('does not confuse quoted colons or escaped quotes with keys', () => {
    assert.deepEqual(parseStrictJson('{"a":"\\":x","b":"\\\\","c":"a\\\\\\":"}'), {
      a: '":x',
      b: '\\',
      c: 'a\\":',
    });
  });
});

describe('parseStrictJson: LONE_SURROGATE (RFC 7493 §2.1)', () => {
  test('a \\uD800 escape in a string value', () => {
    rejects('{"a":["ok","x\\ud800"]}', 'LONE_SURROGATE', '$.a[1]', 13);
  });
  test('a lone low surrogate escape', () => {
    rejects('["\\udc00"]', 'LONE_SURROGATE', '$[0]', 2);
  });
  test('a high surrogate followed by another high surrogate', () => {
    rejects('["\\ud83d\\ud83d\\ude02"]', 'LONE_SURROGATE', '$[0]', 2);
  });
  test('an escaped surrogate in a key (where is the enclosing object)', () => {
    const error = rejects('{"k":{"\\ud800":1}}', 'LONE_SURROGATE', '$.k', 7);
    assert.match(error.message, /object key/);
  });
  test('a lone surrogate present in the JS string itself', () => {
    rejects('{"s":"a\uDC00"}', 'LONE_SURROGATE', '$.s', 7);
    rejects('{"\uD800":true}', 'LONE_SURROGATE', '$', 2);
  });
});

describe('parseStrictJson: numbers', () => {
  test('NON_FINITE_NUMBER when a literal overflows a double', () => {
    rejects('{"n":1e400}', 'NON_FINITE_NUMBER', '$.n', 5);
    rejects('[0,-1e400]', 'NON_FINITE_NUMBER', '$[1]', 3);
  });
  test('UNSAFE_INTEGER beyond ±(2^53−1)', () => {
    rejects('{"n":9007199254740993}', 'UNSAFE_INTEGER', '$.n', 5);
    rejects('{"n":9007199254740992}', 'UNSAFE_INTEGER', '$.n', 5);
    rejects('[-9007199254740992]', 'UNSAFE_INTEGER', '$[0]', 1);
    rejects('{"big":[1e17]}', 'UNSAFE_INTEGER', '$.big[0]', 8);
  });
});

describe('parseStrictJson: DEPTH_EXCEEDED', () => {
  test(`nesting ${MAX_JSON_DEPTH + 1} deep is rejected at the innermost bracket`, () => {
    const text = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    rejects(text, 'DEPTH_EXCEEDED', formatJsonPath(Array<number>(MAX_JSON_DEPTH).fill(0)), 512);
  });
  test('objects count as nesting too', () => {
    const text = '{"a":'.repeat(MAX_JSON_DEPTH) + '{}' + '}'.repeat(MAX_JSON_DEPTH);
    rejects(text, 'DEPTH_EXCEEDED', formatJsonPath(Array<string>(MAX_JSON_DEPTH).fill('a')));
  });
  test('absurd nesting fails cleanly, not with a stack overflow', () => {
    rejects('['.repeat(200_000), 'DEPTH_EXCEEDED', formatJsonPath(Array<number>(512).fill(0)));
  });
});

describe('formatJsonPath', () => {
  test('uses dots for identifiers and quoted brackets otherwise', () => {
    assert.equal(formatJsonPath([]), '$');
    assert.equal(formatJsonPath(['a', 2, 'b']), '$.a[2].b');
    assert.equal(formatJsonPath(['a b', '', '1x', '$ok']), '$["a b"][""]["1x"].$ok');
  });
});

/** The outcome of a parse, comparable across the two parsers. */
function outcome(parse: (text: string) => unknown, text: string): unknown {
  try {
    return { value: parse(text) };
  } catch (error) {
    assert.ok(error instanceof ProtocolError, String(error));
    return { code: error.code, where: error.where, message: error.message };
  }
}

describe('parseStrictJson: the fast path agrees with the reference parser', () => {
  const jsonish = fc.string({
    unit: fc.constantFrom(...'{}[]",:0123456789.-+eE \\u"abtrufalsn\uD800\uDC00'.split('')),
    maxLength: 40,
  });
  const mutated = fc
    .tuple(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.nat(),
      fc.nat(),
      fc.constantFrom('', '"a":1,', ',"a":1', '"\\ud800"', '1e400', '9007199254740993', ',', '}'),
    )
    .map(([text, at, cut, insert]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + insert + text.slice(i + (cut % 3));
    });

  test('on random JSON-ish text', () => {
    fc.assert(
      fc.property(jsonish, (text) => {
        assert.deepEqual(outcome(parseStrictJson, text), outcome(parseStrictJsonReference, text));
      }),
      { numRuns: 3000 },
    );
  });

  test('on valid JSON with insertions and cuts', () => {
    fc.assert(
      fc.property(mutated, (text) => {
        assert.deepEqual(outcome(parseStrictJson, text), outcome(parseStrictJsonReference, text));
      }),
      { numRuns: 3000 },
    );
  });

  test('on objects that repeat a key somewhere', () => {
    // Values inside the profile, so that the duplicate is the first (and only) problem.
    const inProfile = fc.jsonValue({ maxDepth: 2 }).filter((v) => {
      try {
        parseStrictJson(JSON.stringify(v));
        return true;
      } catch {
        return false;
      }
    });
    const withDuplicate = fc
      .tuple(fc.dictionary(fc.string(), inProfile, { minKeys: 1 }), fc.nat())
      .map(([object, pick]) => {
        const keys = Object.keys(object);
        const key = keys[pick % keys.length]!;
        return JSON.stringify(object).slice(0, -1) + `,${JSON.stringify(key)}:null}`;
      });
    fc.assert(
      fc.property(withDuplicate, (text) => {
        const result = outcome(parseStrictJson, text) as { code?: string };
        assert.equal(result.code, 'DUPLICATE_KEY');
        assert.deepEqual(result, outcome(parseStrictJsonReference, text));
      }),
      { numRuns: 500 },
    );
  });
});
