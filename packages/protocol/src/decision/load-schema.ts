/**
 * Reads the decision record JSON Schema shipped in the package's `schema/` folder. The one place in
 * this package that touches `node:fs`: a runtime without it would swap this module for a bundled
 * copy of the file.
 */
import { readFileSync } from 'node:fs';
import type { JsonObject, JsonValue } from './json-value.js';

/**
 * Reads and parses one schema file of this package, deeply frozen. `name` is a file in `schema/`.
 *
 * @example
 * const schema = loadSchema('decision-v1.schema.json');
 */
export function loadSchema(name: string): JsonObject {
  // From dist/decision/load-schema.js (and src/decision/load-schema.ts), ../../schema is the
  // package's schema folder; no JSON import attributes, so it runs on every Node 20 release.
  const text = readFileSync(new URL(`../../schema/${name}`, import.meta.url), 'utf8');
  const schema = JSON.parse(text) as JsonValue;
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new TypeError(`schema/${name} is not a JSON object`);
  }
  return deepFreeze(schema as JsonObject);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The decision record v1 JSON Schema (draft 2020-12, `$id`
 * `https://docket.dev/schema/decision/v1.json`), parsed and frozen: for documentation, OpenAPI
 * components and other validators. Docket itself validates with `checkDecision`.
 *
 * @example
 * const description = decisionSchemaV1.description; // "One automated decision of an AI agent: …"
 */
export const decisionSchemaV1: JsonObject = loadSchema('decision-v1.schema.json');
