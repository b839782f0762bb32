/**
 * TypeScript view of the decision record v1. `schema/decision-v1.schema.json` is the source of
 * truth; these types follow it property for property (`types.test.ts` checks that they cover the
 * same names). They are type aliases rather than interfaces so that a record stays assignable to
 * `JsonValue`.
 */
import type { JsonObject, JsonValue } from './json-value.js';

/**
 * The agent that made the decision.
 *
 * @example
 * const agent: DecisionAgent = { id: 'credit-underwriter', version: '2.3.1' };
 */
export type DecisionAgent = {
  /** Stable name of the agent. */
  readonly id: string;
  /** Version of the agent's code or configuration. */
  readonly version: string;
};

/**
 * The model behind the decision.
 *
 * @example
 * const model: DecisionModel = { provider: 'openai', name: 'gpt-4o', params: { temperature: 0 } };
 */
export type DecisionModel = {
  /** Provider, preferably an OpenTelemetry `gen_ai.system` value (`openai`, `anthropic`). */
  readonly provider: string;
  /** Model name as requested. */
  readonly name: string;
  /** Exact version or snapshot that answered. */
  readonly version?: string;
  /** Free-form sampling and decoding parameters. */
  readonly params?: JsonObject;
};

/**
 * The prompt template used.
 *
 * @example
 * const prompt: DecisionPrompt = { id: 'underwriting-decision', version: '14' };
 */
export type DecisionPrompt = {
  readonly id: string;
  readonly version?: string;
  /** Digest of the template text, `algorithm:encoded` (OCI digest grammar), e.g. `sha256:…`. */
  readonly hash?: string;
};

/**
 * The policy the decision was made under.
 *
 * @example
 * const policy: DecisionPolicy = { id: 'consumer-lending', version: '2024.10', rules_evaluated: ['dti-max-43'] };
 */
export type DecisionPolicy = {
  readonly id: string;
  readonly version?: string;
  /** Rules evaluated, in evaluation order (at most 1000). */
  readonly rules_evaluated?: readonly string[];
};

/**
 * Whom the decision is about; the server pseudonymizes `id` with a keyed HMAC.
 *
 * @example
 * const subject: DecisionSubject = { id: 'applicant-88213', type: 'loan_applicant' };
 */
export type DecisionSubject = {
  readonly id: string;
  readonly type?: string;
};

/**
 * One option the agent considered.
 *
 * @example
 * const option: DecisionAlternative = { action: 'decline', score: 0.11, reason: 'DTI above limit' };
 */
export type DecisionAlternative = {
  readonly action: string;
  /** The agent's score for this option, on its own scale (higher is better). */
  readonly score?: number;
  readonly reason?: string;
};

/**
 * One structured reasoning step.
 *
 * @example
 * const step: DecisionReasoningStep = { kind: 'rule', text: 'DTI 0.31 is under 0.43', data: { dti: 0.31 } };
 */
export type DecisionReasoningStep = {
  /** Kind of step, e.g. `observation`, `rule`, `inference`, `tool`. */
  readonly kind?: string;
  readonly text: string;
  /** Free-form structured detail. */
  readonly data?: JsonValue;
};

/**
 * The agent's reasoning: one text, or steps (texts or structured steps).
 *
 * @example
 * const reasoning: DecisionReasoning = ['Score 712 meets the 620 minimum.', { text: 'Approve.' }];
 */
export type DecisionReasoning = string | readonly (string | DecisionReasoningStep)[];

/**
 * What the agent decided.
 *
 * @example
 * const outcome: DecisionOutcome = { action: 'approve', value: { amount: 25000 }, target: 'loan/LA-1' };
 */
export type DecisionOutcome = {
  /** The decided action (non-empty). */
  readonly action: string;
  /** Free-form parameters of the action. */
  readonly value?: JsonValue;
  /** What the action applies to. */
  readonly target?: string;
};

/**
 * One recorded tool call.
 *
 * @example
 * const call: DecisionToolCall = { name: 'credit_bureau.get_report', args: { id: 'A1' }, duration: 184 };
 */
export type DecisionToolCall = {
  readonly name: string;
  readonly args?: JsonObject;
  readonly result?: JsonValue;
  /** Error message when the call failed. */
  readonly error?: string;
  /** Wall-clock duration in milliseconds (≥ 0). */
  readonly duration?: number;
};

/**
 * One recorded model call.
 *
 * @example
 * const call: DecisionLlmCall = { request: { model: 'gpt-4o' }, usage: { input_tokens: 812 } };
 */
export type DecisionLlmCall = {
  readonly request: JsonObject;
  readonly response?: JsonValue;
  readonly usage?: JsonObject;
};

/**
 * A human's part in the decision.
 *
 * @example
 * const human: DecisionHuman = { actor: 'underwriter:j.alvarez', action: 'reviewed' };
 */
export type DecisionHuman = {
  readonly actor: string;
  readonly action: string;
  readonly reason?: string;
};

/**
 * The orchestrator run the decision was made in.
 *
 * @example
 * const run: DecisionOrchestrator = { kind: 'dagster', runId: 'c5a5bd2f', step: 'decide', attempt: 0 };
 */
export type DecisionOrchestrator = {
  /** `dagster`, `temporal`, `trigger.dev`, `airflow`, `prefect`, … */
  readonly kind: string;
  readonly runId?: string;
  readonly job?: string;
  readonly step?: string;
  readonly partition?: string;
  /** Retry attempt, 0 for the first try. */
  readonly attempt?: number;
  /** Asset key, path parts joined with `/`. */
  readonly assetKey?: string;
};

/**
 * Links to the trace, parent decision, session and orchestrator run.
 *
 * @example
 * const correlation: DecisionCorrelation = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
 */
export type DecisionCorrelation = {
  /** W3C Trace Context trace-id: 32 lowercase hex digits, not all zero. */
  readonly traceId?: string;
  /** W3C Trace Context parent-id: 16 lowercase hex digits, not all zero. */
  readonly spanId?: string;
  /** UUIDv7 of the decision this one follows from. */
  readonly parentDecisionId?: string;
  readonly sessionId?: string;
  readonly orchestrator?: DecisionOrchestrator;
};

/**
 * One input of the decision.
 *
 * @example
 * const input: DecisionLineageInput = { name: 'credit_bureau_report', digest: 'sha256:9f86…', uri: 's3://b/k' };
 */
export type DecisionLineageInput = {
  readonly name: string;
  /** `algorithm:encoded` (OCI digest grammar). */
  readonly digest?: string;
  readonly uri?: string;
};

/**
 * Data lineage of the decision.
 *
 * @example
 * const lineage: DecisionLineage = { inputs: [{ name: 'application_form' }] };
 */
export type DecisionLineage = {
  readonly inputs: readonly DecisionLineageInput[];
};

/**
 * Labels for search and filtering: a map of key (1–128 characters) to value (≤ 256), at most 64.
 *
 * @example
 * const tags: DecisionTags = { env: 'prod', product: 'personal-loan' };
 */
export type DecisionTags = { readonly [key: string]: string };

/**
 * The process that captured the record.
 *
 * @example
 * const producer: DecisionProducer = { id: 'worker-7f9c', seq: 10452, sdk: '@docket/sdk@0.1.0' };
 */
export type DecisionProducer = {
  readonly id: string;
  /** Per-producer sequence number (integer ≥ 0). */
  readonly seq: number;
  readonly sdk?: string;
};

/**
 * One decision record, `docket.decision/v1`. Validate untrusted input with `checkDecision`.
 *
 * @example
 * const record: DecisionRecord = {
 *   id: '01932d1c-6a1c-7b3e-8f00-4a5b6c7d8e9f',
 *   schema: 'docket.decision/v1',
 *   ts: '2024-11-05T14:32:07.412Z',
 *   agent: { id: 'credit-underwriter', version: '2.3.1' },
 *   outcome: { action: 'approve' },
 * };
 */
export type DecisionRecord = {
  /** UUIDv7 made by the producer; the idempotency key. */
  readonly id: string;
  /** Always `docket.decision/v1` (`DECISION_SCHEMA_V1`). */
  readonly schema: 'docket.decision/v1';
  /** RFC 3339 UTC date-time with `Z`. */
  readonly ts: string;
  readonly agent: DecisionAgent;
  readonly model?: DecisionModel;
  readonly prompt?: DecisionPrompt;
  readonly policy?: DecisionPolicy;
  readonly subject?: DecisionSubject;
  /** What the agent was asked to decide (≤ 16384 characters). */
  readonly goal?: string;
  /** Free-form snapshot of every input at decision time. */
  readonly context?: JsonObject;
  readonly alternatives?: readonly DecisionAlternative[];
  readonly reasoning?: DecisionReasoning;
  readonly outcome: DecisionOutcome;
  /** 0 to 1. */
  readonly confidence?: number;
  readonly tools?: readonly DecisionToolCall[];
  readonly llm?: readonly DecisionLlmCall[];
  readonly human?: DecisionHuman;
  readonly correlation?: DecisionCorrelation;
  readonly lineage?: DecisionLineage;
  readonly tags?: DecisionTags;
  /** Free-form producer metadata. */
  readonly metadata?: JsonObject;
  readonly producer?: DecisionProducer;
};
