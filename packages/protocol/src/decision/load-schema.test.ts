import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JsonObject, JsonValue } from './json-value.js';
import { decisionSchemaV1 } from './load-schema.js';

/** Properties that hold free-form JSON: the only objects Docket leaves open. */
const FREE_FORM = new Set([
  '/properties/model/properties/params',
  '/properties/context',
  '/properties/reasoning/items/properties/data',
  '/properties/outcome/properties/value',
  '/properties/tools/items/properties/args',
  '/properties/tools/items/properties/result',
  '/properties/llm/items/properties/request',
  '/properties/llm/items/properties/response',
  '/properties/llm/items/properties/usage',
  '/properties/metadata',
]);

/** Every schema node below the root, with its JSON Pointer, `$defs` included. */
function nodes(): [string, JsonObject][] {
  const out: [string, JsonObject][] = [];
  const visit = (node: JsonObject, pointer: string): void => {
    out.push([pointer, node]);
    for (const key of ['properties', '$defs'] as const) {
      const children = node[key] as JsonObject | undefined;
      for (const [name, child] of Object.entries(children ?? {})) {
        visit(child as JsonObject, `${pointer}/${key}/${name}`);
      }
    }
    for (const key of ['items', 'additionalProperties', 'propertyNames'] as const) {
      const child = node[key];
      if (typeof child === 'object' && child !== null)
        visit(child as JsonObject, `${pointer}/${key}`);
    }
  };
  visit(decisionSchemaV1, '');
  return out;
}

const resolve = (node: JsonObject): JsonObject => {
  const ref = node.$ref;
  if (typeof ref !== 'string') return node;
  const name = ref.replace('#/$defs/', '');
  return ((decisionSchemaV1.$defs as JsonObject)[name] as JsonObject | undefined) ?? {};
};

describe('decisionSchemaV1', () => {
  test('is draft 2020-12 with the v1 $id', () => {
    assert.equal(decisionSchemaV1.$schema, 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(decisionSchemaV1.$id, 'https://docket.dev/schema/decision/v1.json');
  });

  test('is frozen all the way down', () => {
    assert.ok(Object.isFrozen(decisionSchemaV1));
    assert.ok(Object.isFrozen((decisionSchemaV1.properties as JsonObject).agent));
    assert.throws(() => {
      (decisionSchemaV1 as Record<string, JsonValue>).title = 'changed';
    }, TypeError);
  });

  test('describes every property and definition', () => {
    const undescribed = nodes()
      .filter(
        ([pointer, node]) =>
          /\/(properties|\$defs)\/[^/]+$/.test(pointer) && typeof node.description !== 'string',
      )
      .map(([pointer]) => pointer);
    assert.deepEqual(undescribed, []);
  });

  test('closes every object it defines, and only those', () => {
    for (const [pointer, node] of nodes()) {
      if (node.properties !== undefined) {
        assert.equal(node.additionalProperties, false, `#${pointer} must be closed`);
      }
      if (FREE_FORM.has(pointer)) {
        assert.equal(node.properties, undefined, `#${pointer} is free-form`);
        assert.equal(node.additionalProperties, undefined, `#${pointer} is free-form`);
      }
    }
    for (const pointer of FREE_FORM) {
      assert.ok(
        nodes().some(([p]) => p === pointer),
        `#${pointer} is listed as free-form but not in the schema`,
      );
    }
  });

  test('bounds every string and array', () => {
    for (const [pointer, raw] of nodes()) {
      const node = resolve(raw);
      const types = ([] as JsonValue[]).concat(node.type ?? []);
      if (types.includes('string') || typeof node.pattern === 'string') {
        const max = node.maxLength;
        const boundedByPattern = typeof node.pattern === 'string' && !node.pattern.includes('+');
        assert.ok(
          typeof max === 'number' || boundedByPattern || node.const !== undefined,
          `#${pointer} needs maxLength`,
        );
      }
      if (types.includes('array')) {
        assert.ok(
          typeof node.maxItems === 'number' && node.maxItems <= 1000,
          `#${pointer} needs maxItems ≤ 1000`,
        );
      }
    }
  });

  test('limits identifiers to 256 characters and goal to 16 KiB', () => {
    const identifier = (decisionSchemaV1.$defs as JsonObject).identifier as JsonObject;
    assert.equal(identifier.maxLength, 256);
    assert.equal(identifier.minLength, 1);
    assert.equal(((decisionSchemaV1.properties as JsonObject).goal as JsonObject).maxLength, 16384);
  });
});
