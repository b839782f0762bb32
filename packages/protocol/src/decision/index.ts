/** Decision record v1: JSON Schema, TypeScript types, validation and a realistic sample. */
export { decisionSchemaV1 } from './load-schema.js';
export { sampleDecision } from './sample.js';
export type { SampleDecisionOverrides } from './sample.js';
export {
  assertDecision,
  checkDecision,
  DECISION_SCHEMA_V1,
  DecisionInvalidError,
} from './validate.js';
export type { CheckDecisionResult } from './validate.js';
export type {
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
  DecisionReasoning,
  DecisionReasoningStep,
  DecisionRecord,
  DecisionSubject,
  DecisionTags,
  DecisionToolCall,
} from './types.js';
export type { JsonArray, JsonObject, JsonPrimitive, JsonValue } from './json-value.js';
