/**
 * Span attribute names: Docket's own (`docket.*`) and the OpenTelemetry GenAI semantic conventions
 * (`gen_ai.*`, semantic-conventions-genai, agent spans: "invoke_agent" internal span), and the
 * mapping from a decision's meta to them.
 */
import type { Attributes } from '@opentelemetry/api';
import type { RecordMeta } from '@docket/sdk';

/** Docket attribute and event names. */
export const DOCKET_ATTRIBUTES = {
  /** The decision's id (UUIDv7): `GET /v1/decisions/{id}`. */
  decisionId: 'docket.decision.id',
  /** The decision's leaf hash in the ledger (base64, RFC 9162 §2.1.1: SHA-256(0x00 ‖ leaf)). */
  leafHash: 'docket.receipt.leaf_hash',
  /** The decision's leaf index in the log. */
  leafIndex: 'docket.receipt.leaf_index',
  /** Size of the tree whose checkpoint the receipt's inclusion proof is against. */
  treeSize: 'docket.receipt.tree_size',
  /** Origin line of that checkpoint (C2SP tlog-checkpoint): which log. */
  checkpointOrigin: 'docket.receipt.checkpoint.origin',
  /** Error code when the receipt could not be had (e.g. RECEIPT_FORBIDDEN, RECEIPT_TIMEOUT). */
  receiptError: 'docket.receipt.error.code',
} as const;

/** OpenTelemetry GenAI attribute names used here. */
export const GEN_AI_ATTRIBUTES = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  agentName: 'gen_ai.agent.name',
  agentVersion: 'gen_ai.agent.version',
  conversationId: 'gen_ai.conversation.id',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  temperature: 'gen_ai.request.temperature',
  maxTokens: 'gen_ai.request.max_tokens',
  topP: 'gen_ai.request.top_p',
  topK: 'gen_ai.request.top_k',
  seed: 'gen_ai.request.seed',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
} as const;

/** Sampling parameters of `model.params` under their GenAI names (first key found wins). */
const PARAMS: readonly (readonly [string, readonly string[]])[] = [
  [GEN_AI_ATTRIBUTES.temperature, ['temperature']],
  [
    GEN_AI_ATTRIBUTES.maxTokens,
    ['max_tokens', 'maxTokens', 'maxOutputTokens', 'max_output_tokens'],
  ],
  [GEN_AI_ATTRIBUTES.topP, ['top_p', 'topP']],
  [GEN_AI_ATTRIBUTES.topK, ['top_k', 'topK']],
  [GEN_AI_ATTRIBUTES.seed, ['seed']],
];

/**
 * The `gen_ai.*` attributes of an agent invocation span for a decision: operation
 * `invoke_agent`, the agent's name and version, the provider and requested model (from
 * `meta.model`), sampling parameters, and the conversation (`correlation.sessionId`).
 *
 * @example
 * toGenAiAttributes({ agent: { id: 'underwriter', version: '2.3.1' }, model: { provider: 'openai', name: 'gpt-4o' } });
 * // { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'underwriter', … }
 */
export function toGenAiAttributes(meta: RecordMeta): Attributes {
  const attributes: Attributes = {
    [GEN_AI_ATTRIBUTES.operationName]: 'invoke_agent',
    [GEN_AI_ATTRIBUTES.agentName]: meta.agent.id,
    [GEN_AI_ATTRIBUTES.agentVersion]: meta.agent.version,
  };
  if (meta.model !== undefined) {
    attributes[GEN_AI_ATTRIBUTES.providerName] = meta.model.provider;
    attributes[GEN_AI_ATTRIBUTES.requestModel] = meta.model.name;
    if (meta.model.version !== undefined) {
      attributes[GEN_AI_ATTRIBUTES.responseModel] = meta.model.version;
    }
    const params = meta.model.params as Readonly<Record<string, unknown>> | undefined;
    for (const [name, keys] of PARAMS) {
      const value = keys.map((key) => params?.[key]).find((v) => typeof v === 'number');
      if (typeof value === 'number') attributes[name] = value;
    }
  }
  const session = meta.correlation?.sessionId;
  if (session !== undefined) attributes[GEN_AI_ATTRIBUTES.conversationId] = session;
  return attributes;
}
