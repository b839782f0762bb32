// The types in types.ts and the schema must describe the same record. The compiler checks that
// `full` sets every property the types declare (and no other); the tests below check that it
// validates (so every property is in the schema) and that it sets every property the schema
// declares, and that both agree on which properties are required.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JsonObject, JsonValue } from './json-value.js';
import { decisionSchemaV1 } from './load-schema.js';
import type {
  DecisionAgent,
  DecisionAlternative,
  DecisionCorrelation,
  DecisionHuman,
  DecisionLineage,
  DecisionLineageInput,
  DecisionLlmCall,
  DecisionModel,
  DecisionOrchestrator,
  DecisionOutcome,
  DecisionPolicy,
  DecisionProducer,
  DecisionPrompt,
  DecisionReasoningStep,
  DecisionRecord,
  DecisionSubject,
  DecisionToolCall,
} from './types.js';
import { checkDecision } from './validate.js';

/** Every optional property made required, all the way down (maps and JSON stay as they are). */
type Full<T> = T extends string | number | boolean | null
  ? T
  : T extends readonly (infer U)[]
    ? readonly Full<U>[]
    : string extends keyof T
      ? T
      : { readonly [K in keyof T]-?: Full<T[K]> };

/** Names of the properties of T that are not optional. */
type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/** `keys`, if it names exactly the required properties of T (else a compile error). */
const requiredOf =
  <T>() =>
  <const K extends readonly (RequiredKeys<T> & string)[]>(
    keys: K & ([Exclude<RequiredKeys<T>, K[number]>] extends [never] ? unknown : never),
  ): readonly string[] =>
    keys;

const full: Full<DecisionRecord> = {
  id: '0192fcbd-73f4-7a4c-9d31-5e8f2b6c40a7',
  schema: 'docket.decision/v1',
  ts: '2024-11-05T14:32:07.412Z',
  agent: { id: 'claims-triage', version: '1.0.0' },
  model: {
    provider: 'anthropic',
    name: 'claude',
    version: 'claude-2024-10-22',
    params: { top_p: 1 },
  },
  prompt: { id: 'triage', version: '3', hash: 'sha256:ab01' },
  policy: { id: 'claims', version: '7', rules_evaluated: ['r1'] },
  subject: { id: 'claim-1', type: 'claim' },
  goal: 'Route the claim.',
  context: { claim: { amount: 1200 } },
  alternatives: [{ action: 'fast_track', score: 0.7, reason: 'Small amount.' }],
  reasoning: [{ kind: 'rule', text: 'Amount under 5000.', data: { amount: 1200 } }],
  outcome: { action: 'fast_track', value: null, target: 'claim/1' },
  confidence: 0.7,
  tools: [{ name: 'lookup', args: { id: 1 }, result: [1], error: 'none', duration: 0 }],
  llm: [{ request: { prompt: 'p' }, response: 'r', usage: { input_tokens: 1 } }],
  human: { actor: 'u1', action: 'reviewed', reason: 'Audit sample.' },
  correlation: {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '00f067aa0ba902b7',
    parentDecisionId: '0192fcbd-4f36-7e02-8b6d-1f4a9c3e7d55',
    sessionId: 's1',
    orchestrator: {
      kind: 'temporal',
      runId: 'r1',
      job: 'ClaimWorkflow',
      step: 'triage',
      partition: 'p1',
      attempt: 2,
      assetKey: 'claims/triaged',
    },
  },
  lineage: { inputs: [{ name: 'claim', digest: 'sha256:cd02', uri: 'file:///claims/1.json' }] },
  tags: { team: 'claims' },
  metadata: { host: 'w1' },
  producer: { id: 'p1', seq: 0, sdk: '@docket/sdk@0.1.0' },
};

/** The schema node at a JSON Pointer (resolving `$ref`). */
function schemaAt(pointer: string): JsonObject {
  let node: JsonValue = decisionSchemaV1;
  for (const token of pointer.split('/').slice(1)) {
    node = (node as JsonObject)[token] ?? null;
    const ref = (node as JsonObject | null)?.$ref;
    if (typeof ref === 'string') node = schemaAt(ref.slice(1));
  }
  assert.ok(node !== null && typeof node === 'object' && !Array.isArray(node), pointer);
  return node as JsonObject;
}

describe('types.ts against the schema', () => {
  test('a record with every property validates', () => {
    const record: DecisionRecord = full;
    assert.deepEqual(checkDecision(record), { ok: true, record });
  });

  test('the record sets every property the schema declares', () => {
    const missing: string[] = [];
    const visit = (schema: JsonObject, value: unknown, path: string): void => {
      const items = schema.items;
      if (Array.isArray(value) && items !== undefined && typeof items === 'object') {
        for (const item of value) {
          // A step list holds strings and objects: the object ones carry the properties.
          if (typeof item === 'object') visit(resolve(items as JsonObject), item, `${path}[]`);
        }
      }
      const properties = schema.properties as JsonObject | undefined;
      if (properties === undefined) return;
      for (const [name, child] of Object.entries(properties)) {
        const childValue = (value as Record<string, unknown>)[name];
        if (childValue === undefined) missing.push(`${path}.${name}`);
        else visit(resolve(child as JsonObject), childValue, `${path}.${name}`);
      }
    };
    const resolve = (node: JsonObject): JsonObject =>
      typeof node.$ref === 'string' ? schemaAt(node.$ref.slice(1)) : node;
    visit(decisionSchemaV1, full, '$');
    assert.deepEqual(missing, []);
  });

  test('types and schema require the same properties', () => {
    const table: [string, readonly string[]][] = [
      ['', requiredOf<DecisionRecord>()(['id', 'schema', 'ts', 'agent', 'outcome'])],
      ['/properties/agent', requiredOf<DecisionAgent>()(['id', 'version'])],
      ['/properties/model', requiredOf<DecisionModel>()(['provider', 'name'])],
      ['/properties/prompt', requiredOf<DecisionPrompt>()(['id'])],
      ['/properties/policy', requiredOf<DecisionPolicy>()(['id'])],
      ['/properties/subject', requiredOf<DecisionSubject>()(['id'])],
      ['/properties/alternatives/items', requiredOf<DecisionAlternative>()(['action'])],
      ['/properties/reasoning/items', requiredOf<DecisionReasoningStep>()(['text'])],
      ['/properties/outcome', requiredOf<DecisionOutcome>()(['action'])],
      ['/properties/tools/items', requiredOf<DecisionToolCall>()(['name'])],
      ['/properties/llm/items', requiredOf<DecisionLlmCall>()(['request'])],
      ['/properties/human', requiredOf<DecisionHuman>()(['actor', 'action'])],
      ['/properties/correlation', requiredOf<DecisionCorrelation>()([])],
      [
        '/properties/correlation/properties/orchestrator',
        requiredOf<DecisionOrchestrator>()(['kind']),
      ],
      ['/properties/lineage', requiredOf<DecisionLineage>()(['inputs'])],
      ['/properties/lineage/properties/inputs/items', requiredOf<DecisionLineageInput>()(['name'])],
      ['/properties/producer', requiredOf<DecisionProducer>()(['id', 'seq'])],
    ];
    for (const [pointer, keys] of table) {
      const required = (schemaAt(pointer).required ?? []) as readonly string[];
      assert.deepEqual([...required].sort(), [...keys].sort(), `#${pointer}`);
    }
  });
});
