import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ProtocolError } from '../errors.js';
import type { Issue } from '../errors.js';
import type { JsonValue } from './json-value.js';
import { compileSchema, formatPath, MAX_DEPTH } from './schema-validator.js';

/** The (code, where) pairs of the issues, in order. */
const found = (issues: readonly Issue[]): [string, string | undefined][] =>
  issues.map((i) => [i.code, i.where]);

const check = (schema: JsonValue, value: unknown): [string, string | undefined][] =>
  found(compileSchema(schema)(value));

describe('compileSchema', () => {
  describe('when the schema uses something it does not implement', () => {
    const refused: [string, JsonValue, string][] = [
      [
        'an unknown keyword',
        { type: 'object', properties: { a: { oneOf: [] } } },
        '#/properties/a/oneOf',
      ],
      ['a misspelt keyword', { type: 'string', maxlength: 3 }, '#/maxlength'],
      ['an unknown format', { type: 'string', format: 'email' }, '#/format'],
      ['an unknown type', { type: 'text' }, '#/type'],
      ['a remote $ref', { $ref: 'https://example.com/s.json' }, '#/$ref'],
      [
        'an unresolved $ref',
        { properties: { a: { $ref: '#/$defs/nope' } } },
        '#/properties/a/$ref',
      ],
      ['a bad count', { type: 'array', maxItems: -1 }, '#/maxItems'],
      [
        'an unknown keyword in an unused definition',
        { $defs: { x: { minItems: 1 } } },
        '#/$defs/x/minItems',
      ],
      ['$defs below the root', { properties: { a: { $defs: {} } } }, '#/properties/a/$defs'],
    ];
    for (const [name, schema, where] of refused) {
      test(`throws SCHEMA_UNSUPPORTED for ${name}`, () => {
        assert.throws(
          () => compileSchema(schema),
          (e: unknown) =>
            e instanceof ProtocolError && e.code === 'SCHEMA_UNSUPPORTED' && e.where === where,
        );
      });
    }
  });

  test('accepts annotations', () => {
    const schema = {
      $schema: 'x',
      $id: 'y',
      $comment: 'z',
      title: 't',
      description: 'd',
      examples: [1],
    };
    assert.deepEqual(check(schema, 1), []);
  });
});

describe('validator', () => {
  test('SCHEMA_TYPE names what was expected and what was found', () => {
    const [issue] = compileSchema({ type: 'object', properties: { n: { type: 'integer' } } })({
      n: 1.5,
    });
    assert.deepEqual(issue, {
      code: 'SCHEMA_TYPE',
      message: 'expected integer, found number',
      where: '$.n',
    });
  });

  test('"number" accepts integers, "integer" refuses fractions', () => {
    assert.deepEqual(check({ type: 'number' }, 3), []);
    assert.deepEqual(check({ type: 'integer' }, 3.25), [['SCHEMA_TYPE', '$']]);
    assert.deepEqual(check({ type: 'integer' }, 3), []);
  });

  test('a type list allows each of its types, and keywords apply only to their type', () => {
    const schema = { type: ['string', 'array'], maxLength: 2, maxItems: 1 };
    assert.deepEqual(check(schema, 'ab'), []);
    assert.deepEqual(check(schema, ['abc']), []);
    assert.deepEqual(check(schema, 'abc'), [['SCHEMA_LENGTH', '$']]);
    assert.deepEqual(check(schema, [1, 2]), [['SCHEMA_LENGTH', '$']]);
    assert.equal(compileSchema(schema)(1)[0]?.message, 'expected string or array, found number');
  });

  test('SCHEMA_REQUIRED points at the missing property', () => {
    const schema = { type: 'object', properties: { a: { type: 'object', required: ['b'] } } };
    const [issue] = compileSchema(schema)({ a: {} });
    assert.deepEqual(issue, {
      code: 'SCHEMA_REQUIRED',
      message: 'missing required property "b"',
      where: '$.a.b',
    });
  });

  test('a required property that is undefined is a type error, not a missing one', () => {
    assert.deepEqual(
      check(
        { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] },
        { a: undefined },
      ),
      [['SCHEMA_TYPE', '$.a']],
    );
  });

  test('SCHEMA_UNKNOWN_PROPERTY lists what is allowed', () => {
    const schema = { type: 'object', properties: { a: {}, b: {} }, additionalProperties: false };
    const [issue] = compileSchema(schema)({ a: 1, c: 2 });
    assert.deepEqual(issue, {
      code: 'SCHEMA_UNKNOWN_PROPERTY',
      message: 'unknown property "c"; expected one of: a, b',
      where: '$.c',
    });
  });

  test('additionalProperties as a schema checks every other property', () => {
    const schema = { type: 'object', additionalProperties: { type: 'string' } };
    assert.deepEqual(check(schema, { a: 'x', b: 2, c: 'y', d: null }), [
      ['SCHEMA_TYPE', '$.b'],
      ['SCHEMA_TYPE', '$.d'],
    ]);
  });

  test('SCHEMA_ENUM and SCHEMA_CONST compare JSON values', () => {
    const schema = { enum: ['a', 1, { x: [true] }] };
    assert.deepEqual(check(schema, { x: [true] }), []);
    assert.deepEqual(check(schema, 1), []);
    assert.deepEqual(check(schema, { x: [false] }), [['SCHEMA_ENUM', '$']]);
    assert.equal(
      compileSchema(schema)('b')[0]?.message,
      'expected one of "a", 1, an object, found "b"',
    );
    assert.deepEqual(check({ const: 'v1' }, 'v1'), []);
    assert.deepEqual(check({ const: 'v1' }, 'v2'), [['SCHEMA_CONST', '$']]);
    assert.deepEqual(check({ const: [1, 2] }, [1, 2, 3]), [['SCHEMA_CONST', '$']]);
  });

  test('SCHEMA_RANGE for minimum, maximum and exclusiveMinimum', () => {
    const schema = { type: 'number', minimum: 0, maximum: 1 };
    assert.deepEqual(check(schema, 0), []);
    assert.deepEqual(check(schema, 1), []);
    assert.deepEqual(check(schema, -0.5), [['SCHEMA_RANGE', '$']]);
    assert.equal(compileSchema(schema)(1.5)[0]?.message, 'expected a number at most 1, found 1.5');
    assert.deepEqual(check({ exclusiveMinimum: 0 }, 0), [['SCHEMA_RANGE', '$']]);
    assert.deepEqual(check({ exclusiveMinimum: 0 }, 0.1), []);
  });

  test('SCHEMA_LENGTH counts code points, not UTF-16 units', () => {
    const schema = { type: 'string', minLength: 2, maxLength: 3 };
    assert.deepEqual(check(schema, '😀😀😀'), []); // 6 UTF-16 units, 3 code points
    assert.deepEqual(check(schema, '😀'), [['SCHEMA_LENGTH', '$']]);
    assert.deepEqual(check(schema, 'abcd'), [['SCHEMA_LENGTH', '$']]);
    assert.equal(
      compileSchema(schema)('😀😀😀😀')[0]?.message,
      'expected at most 3 characters, found 4',
    );
    assert.deepEqual(check({ type: 'array', maxItems: 1 }, [1, 2]), [['SCHEMA_LENGTH', '$']]);
    assert.deepEqual(check({ type: 'object', maxProperties: 1 }, { a: 1, b: 2 }), [
      ['SCHEMA_LENGTH', '$'],
    ]);
  });

  test('propertyNames checks keys and says so', () => {
    const [issue] = compileSchema({ type: 'object', propertyNames: { maxLength: 2 } })({ abc: 1 });
    assert.deepEqual(issue, {
      code: 'SCHEMA_LENGTH',
      message: 'property name: expected at most 2 characters, found 3',
      where: '$.abc',
    });
  });

  test('SCHEMA_PATTERN uses ECMA-262 with the u flag', () => {
    const schema = { type: 'string', pattern: '^.$' };
    assert.deepEqual(check(schema, '😀'), []);
    assert.deepEqual(check(schema, 'ab'), [['SCHEMA_PATTERN', '$']]);
  });

  test('a string that fails its pattern is not also reported for its format', () => {
    const schema = { type: 'string', pattern: '^[0-9a-f-]+$', format: 'uuid' };
    assert.deepEqual(check(schema, 'XYZ'), [['SCHEMA_PATTERN', '$']]);
    assert.deepEqual(check(schema, 'abc'), [['SCHEMA_FORMAT', '$']]);
  });

  describe('format date-time (RFC 3339 §5.6)', () => {
    const valid = [
      '2024-11-05T14:32:07Z',
      '2024-11-05T14:32:07.412Z',
      '2024-02-29T00:00:00Z',
      '2000-02-29T00:00:00Z',
      '2016-12-31T23:59:60Z',
      '2016-12-31T18:59:60-05:00',
      '2024-11-05t14:32:07.123456789z',
      '2024-11-05T14:32:07+14:00',
    ];
    const invalid = [
      '2023-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2024-04-31T00:00:00Z',
      '2024-13-01T00:00:00Z',
      '2024-00-01T00:00:00Z',
      '2024-11-05T24:00:00Z',
      '2024-11-05T12:60:00Z',
      '2024-11-05T12:00:60Z',
      '2024-11-05T14:32:07',
      '2024-11-05 14:32:07Z',
      '2024-11-05T14:32:07+2:00',
      '2024-11-05T14:32:07+24:00',
      '2024-11-05',
    ];
    for (const s of valid) {
      test(`accepts ${s}`, () => {
        assert.deepEqual(check({ format: 'date-time' }, s), []);
      });
    }
    for (const s of invalid) {
      test(`refuses ${s}`, () => {
        assert.deepEqual(check({ format: 'date-time' }, s), [['SCHEMA_FORMAT', '$']]);
      });
    }
  });

  test('format uuid (RFC 9562 §4)', () => {
    assert.deepEqual(check({ format: 'uuid' }, '0192FCBD-73F4-7A4C-9D31-5E8F2B6C40A7'), []);
    assert.deepEqual(check({ format: 'uuid' }, '0192fcbd73f47a4c9d315e8f2b6c40a7'), [
      ['SCHEMA_FORMAT', '$'],
    ]);
  });

  test('format applies to strings only', () => {
    assert.deepEqual(check({ format: 'uuid' }, 42), []);
  });

  describe('values JSON cannot hold', () => {
    const bad: [string, unknown, string][] = [
      ['undefined', undefined, 'found undefined'],
      ['NaN', Number.NaN, 'found NaN'],
      ['Infinity', Number.POSITIVE_INFINITY, 'found Infinity'],
      ['a function', () => 1, 'found function'],
      ['a bigint', 1n, 'found bigint'],
      ['a Date', new Date(0), 'found an instance of Date'],
      ['a Map', new Map(), 'found an instance of Map'],
    ];
    for (const [name, value, message] of bad) {
      test(`refuses ${name} in a free-form part`, () => {
        const [issue] = compileSchema({ type: 'object' })({ a: [1, { b: value }] });
        assert.equal(issue?.code, 'SCHEMA_TYPE');
        assert.equal(issue.where, '$.a[1].b');
        assert.equal(issue.message, `expected a JSON value, ${message}`);
      });
    }

    test('accepts objects without a prototype', () => {
      const value = Object.assign(Object.create(null) as object, { a: 1 });
      assert.deepEqual(check({ type: 'object' }, value), []);
    });

    test('refuses a circular reference, once', () => {
      const a: Record<string, unknown> = { x: 1 };
      a.self = { again: a };
      assert.deepEqual(check({}, a), [['SCHEMA_TYPE', '$.self.again']]);
    });

    test('refuses a circular reference through a branching structure quickly', () => {
      const a: unknown[] = [];
      for (let i = 0; i < 50; i++) a.push(a);
      assert.equal(check({}, a).length, 50);
    });

    test('accepts the same object twice when it is not its own ancestor', () => {
      const shared = { n: 1 };
      assert.deepEqual(check({}, [shared, shared]), []);
    });

    test(`refuses nesting deeper than ${MAX_DEPTH}`, () => {
      let deep: unknown = 0;
      for (let i = 0; i < MAX_DEPTH + 10; i++) deep = [deep];
      const issues = check({}, deep);
      assert.equal(issues.length, 1);
      assert.equal(issues[0]?.[0], 'SCHEMA_DEPTH');
      let shallow: unknown = 0;
      for (let i = 0; i < MAX_DEPTH; i++) shallow = [shallow];
      assert.deepEqual(check({}, shallow), []);
    });

    test('reports a value whose property access throws instead of throwing', () => {
      const hostile = {
        get a(): never {
          throw new Error('boom');
        },
      };
      const [issue] = compileSchema({ type: 'object' })(hostile);
      assert.equal(issue?.code, 'SCHEMA_TYPE');
      assert.match(issue.message, /boom/);
    });
  });

  test('reports every problem, in one pass', () => {
    const schema = {
      type: 'object',
      properties: {
        a: { type: 'string' },
        b: { type: 'array', items: { type: 'number', minimum: 0 } },
      },
      required: ['a', 'c'],
      additionalProperties: false,
    };
    assert.deepEqual(check(schema, { a: 1, b: [1, -1, 'x', -2], d: 0 }), [
      ['SCHEMA_TYPE', '$.a'],
      ['SCHEMA_RANGE', '$.b[1]'],
      ['SCHEMA_TYPE', '$.b[2]'],
      ['SCHEMA_RANGE', '$.b[3]'],
      ['SCHEMA_UNKNOWN_PROPERTY', '$.d'],
      ['SCHEMA_REQUIRED', '$.c'],
    ]);
  });

  test('$ref to $defs, with sibling keywords applied too', () => {
    const schema = {
      $defs: { id: { type: 'string', minLength: 1 } },
      type: 'object',
      properties: {
        a: { $ref: '#/$defs/id', description: 'A' },
        b: { $ref: '#/$defs/id', maxLength: 2 },
      },
    };
    assert.deepEqual(check(schema, { a: '', b: 'abc' }), [
      ['SCHEMA_LENGTH', '$.a'],
      ['SCHEMA_LENGTH', '$.b'],
    ]);
  });

  test('a definition may refer to one defined after it', () => {
    const schema = {
      $defs: { a: { $ref: '#/$defs/b' }, b: { type: 'string' } },
      $ref: '#/$defs/a',
    };
    assert.deepEqual(check(schema, 1), [['SCHEMA_TYPE', '$']]);
  });
});

describe('formatPath', () => {
  test('writes identifiers with dots, indexes in brackets, other names quoted (RFC 9535)', () => {
    assert.equal(formatPath([]), '$');
    assert.equal(formatPath(['alternatives', 2, 'score']), '$.alternatives[2].score');
    assert.equal(
      formatPath(['tags', 'a b', "it's", 'back\\slash', '\n']),
      "$.tags['a b']['it\\'s']['back\\\\slash']['\\u000a']",
    );
  });
});
