import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { ProtocolError } from '../errors.js';
import { canonicalBytes, canonicalize } from './canonical.js';
import { formatJsonPath, MAX_JSON_DEPTH, parseStrictJson } from './strict-parse.js';

/** Compares strings by UTF-16 code units, spelled out (RFC 8785 §3.2.3). */
function byCodeUnits(a: string, b: string): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = a.charCodeAt(i) - b.charCodeAt(i);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

function rejects(value: unknown, code: string, where: string): ProtocolError {
  let caught: unknown;
  try {
    canonicalize(value);
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ProtocolError, 'expected a ProtocolError');
  assert.equal(caught.code, code, caught.message);
  assert.equal(caught.where, where, caught.message);
  return caught;
}

describe('canonicalize: RFC 8785 form', () => {
  test('sorts members, drops whitespace, keeps array order', () => {
    assert.equal(
      canonicalize({ b: [3, 1, { z: 1, y: [] }], a: null, c: { '': true } }),
      '{"a":null,"b":[3,1,{"y":[],"z":1}],"c":{"":true}}',
    );
  });

  test('sorts by UTF-16 code units, not code points or locale (§3.2.3)', () => {
    // U+10000 is \uD800\uDC00: below U+FFFF in UTF-16 order, above it in code-point order.
    const keys = ['\uFFFF', '\u{10000}', 'é', 'e', 'Z', 'a', '10', '2', '1'];
    const object = Object.fromEntries(keys.map((k) => [k, 0]));
    assert.equal(
      canonicalize(object),
      '{"1":0,"10":0,"2":0,"Z":0,"a":0,"e":0,"é":0,"\u{10000}":0,"\uFFFF":0}',
    );
  });

  test('sorts large objects (the Array.prototype.sort branch) the same way', () => {
    const keys = Array.from({ length: 40 }, (_, i) =>
      `k${(i * 7919) % 40}\u{1F600}`.repeat(1 + (i % 2)),
    );
    const object = Object.fromEntries(keys.map((k) => [k, k.length]));
    const sorted = [...keys].sort(byCodeUnits);
    const members = sorted.map((k) => `${JSON.stringify(k)}:${k.length}`);
    assert.equal(canonicalize(object), `{${members.join(',')}}`);
  });

  test('writes numbers as ECMAScript Number::toString (§3.2.2.3)', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [1, '1'],
      [-1.5, '-1.5'],
      [4.5, '4.5'],
      [0.002, '0.002'],
      [1e-7, '1e-7'],
      [0.000001, '0.000001'],
      [Number('333333333.33333329'), '333333333.3333333'],
      [5e-324, '5e-324'],
      [9007199254740991, '9007199254740991'],
      [-9007199254740991, '-9007199254740991'],
      [123456789012345.67, '123456789012345.67'],
    ];
    for (const [n, want] of cases) assert.equal(canonicalize(n), want, String(n));
  });

  test('escapes strings exactly as §3.2.2.2 says', () => {
    assert.equal(canonicalize('\u20ac$\u000f\nA\'B"\\\\"/'), '"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"');
    assert.equal(
      canonicalize('\b\t\n\f\r\u0000\u001f\u007f'),
      '"\\b\\t\\n\\f\\r\\u0000\\u001f\u007f"',
    );
    assert.equal(canonicalize('\u2028\u2029</script>😀'), '"\u2028\u2029</script>😀"');
    assert.equal(canonicalize({ 'a"b': 1, 'c\\': 2 }), '{"a\\"b":1,"c\\\\":2}');
  });

  test('does not normalize Unicode', () => {
    assert.equal(canonicalize('A\u030a'), '"A\u030a"');
  });

  test('accepts null-prototype objects and own "__proto__" keys', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare['b'] = 1;
    bare['a'] = 2;
    assert.equal(canonicalize(bare), '{"a":2,"b":1}');
    assert.equal(canonicalize(JSON.parse('{"__proto__":{"x":1}}')), '{"__proto__":{"x":1}}');
  });

  test('serializes a shared (non-cyclic) object each time it appears', () => {
    const shared = { x: 1 };
    assert.equal(
      canonicalize({ a: shared, b: [shared, shared] }),
      '{"a":{"x":1},"b":[{"x":1},{"x":1}]}',
    );
  });

  test(`accepts nesting exactly ${MAX_JSON_DEPTH} deep`, () => {
    const text = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    assert.equal(canonicalize(JSON.parse(text)), text);
  });

  test('allowUnsafeIntegers gives plain RFC 8785 output for big integers', () => {
    assert.equal(
      canonicalize([1e30, 2 ** 53], { allowUnsafeIntegers: true }),
      '[1e+30,9007199254740992]',
    );
    assert.throws(() => canonicalize([NaN], { allowUnsafeIntegers: true }), {
      code: 'NON_FINITE_NUMBER',
    });
  });

  test('canonicalBytes is the UTF-8 of the canonical string', () => {
    assert.deepEqual(
      canonicalBytes({ é: '€', a: 1 }),
      new Uint8Array([
        0x7b, 0x22, 0x61, 0x22, 0x3a, 0x31, 0x2c, 0x22, 0xc3, 0xa9, 0x22, 0x3a, 0x22, 0xe2, 0x82,
        0xac, 0x22, 0x7d,
      ]),
    );
  });
});

describe('canonicalize: values outside the profile, with where', () => {
  test('UNSUPPORTED_VALUE for values with no JSON form', () => {
    rejects({ a: undefined }, 'UNSUPPORTED_VALUE', '$.a');
    rejects(undefined, 'UNSUPPORTED_VALUE', '$');
    rejects([1n], 'UNSUPPORTED_VALUE', '$[0]');
    rejects({ f: () => 1 }, 'UNSUPPORTED_VALUE', '$.f');
    rejects({ s: [Symbol('x')] }, 'UNSUPPORTED_VALUE', '$.s[0]');
    // eslint-disable-next-line no-sparse-arrays -- the hole is the point of the test
    rejects([1, , 3], 'UNSUPPORTED_VALUE', '$[1]');
  });

  test('UNSUPPORTED_VALUE for objects that are not plain data', () => {
    const error = rejects({ when: new Date(0) }, 'UNSUPPORTED_VALUE', '$.when');
    assert.match(error.message, /a Date is not plain JSON data/);
    rejects({ m: new Map() }, 'UNSUPPORTED_VALUE', '$.m');
    rejects({ b: new Uint8Array(2) }, 'UNSUPPORTED_VALUE', '$.b');
    rejects([new String('boxed')], 'UNSUPPORTED_VALUE', '$[0]');
    class Point {
      x = 1;
    }
    rejects({ 'p q': new Point() }, 'UNSUPPORTED_VALUE', '$["p q"]');
  });

  test('UNSUPPORTED_VALUE for a cycle, pointing at the back-reference', () => {
    const self: Record<string, unknown> = { a: 1 };
    self['self'] = self;
    const error = rejects(self, 'UNSUPPORTED_VALUE', '$.self');
    assert.match(error.message, /cycle/);
    const root: { list: unknown[] } = { list: [] };
    root.list.push({ ok: true }, { back: root });
    rejects(root, 'UNSUPPORTED_VALUE', '$.list[1].back');
  });

  test('NON_FINITE_NUMBER for NaN and ±Infinity', () => {
    rejects({ n: NaN }, 'NON_FINITE_NUMBER', '$.n');
    rejects([Infinity], 'NON_FINITE_NUMBER', '$[0]');
    rejects({ x: { y: -Infinity } }, 'NON_FINITE_NUMBER', '$.x.y');
  });

  test('UNSAFE_INTEGER beyond ±(2^53−1)', () => {
    rejects({ n: 2 ** 53 }, 'UNSAFE_INTEGER', '$.n');
    rejects([1e17], 'UNSAFE_INTEGER', '$[0]');
    rejects({ a: [{ b: -(2 ** 60) }] }, 'UNSAFE_INTEGER', '$.a[0].b');
  });

  test('LONE_SURROGATE in a string value or a key', () => {
    rejects({ s: 'a\uD800' }, 'LONE_SURROGATE', '$.s');
    rejects(['\uDC00x'], 'LONE_SURROGATE', '$[0]');
    const error = rejects({ '\uD800': 1 }, 'LONE_SURROGATE', '$["\\ud800"]');
    assert.match(error.message, /object key/);
  });

  test(`DEPTH_EXCEEDED beyond ${MAX_JSON_DEPTH}`, () => {
    let deep: unknown = [];
    for (let i = 0; i < MAX_JSON_DEPTH; i++) deep = [deep];
    rejects(deep, 'DEPTH_EXCEEDED', formatJsonPath(Array<number>(MAX_JSON_DEPTH).fill(0)));
  });
});

/**
 * JSON values inside Docket's profile: safe integers, finite doubles within ±(2^53−1) (no -0,
 * which JSON cannot tell from 0), full-Unicode strings with well-formed surrogate pairs.
 */
const profileValue = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.maxSafeInteger(),
    fc
      .double({
        noNaN: true,
        noDefaultInfinity: true,
        min: -Number.MAX_SAFE_INTEGER,
        max: Number.MAX_SAFE_INTEGER,
      })
      .map((n) => (Object.is(n, -0) ? 0 : n)),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme' }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string({ unit: 'binary' }), fc.string()), tie('value'), {
      maxKeys: 6,
      noNullPrototype: true,
    }),
  ),
})).value;

/** A deliberately naive RFC 8785 serializer to hold the optimized one against. */
function naiveCanonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(naiveCanonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const members = Object.keys(record)
      .sort(byCodeUnits)
      .map((k) => `${JSON.stringify(k)}:${naiveCanonical(record[k])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('canonicalize: properties', () => {
  test('parseStrictJson(canonicalize(v)) deep-equals v, and canonicalize is idempotent', () => {
    fc.assert(
      fc.property(profileValue, (value) => {
        const text = canonicalize(value);
        const back = parseStrictJson(text);
        assert.deepStrictEqual(back, value);
        assert.equal(canonicalize(back), text);
      }),
      { numRuns: 1000 },
    );
  });

  test('agrees with a naive sort-and-stringify serializer', () => {
    fc.assert(
      fc.property(profileValue, (value) => {
        assert.equal(canonicalize(value), naiveCanonical(value));
      }),
      { numRuns: 1000 },
    );
  });

  test('round-trips any finite double in range through its text', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        if (Math.abs(n) > Number.MAX_SAFE_INTEGER) return;
        // JSON has no negative zero: -0 is written "0" (ECMAScript Number::toString).
        assert.equal(Number(canonicalize(n)), Object.is(n, -0) ? 0 : n);
      }),
      { numRuns: 2000 },
    );
  });
});
