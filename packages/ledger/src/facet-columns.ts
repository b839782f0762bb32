import type { DecisionRecord, JsonValue } from '@docket/protocol';
import type { FacetRow, OutcomeUpdateRow } from '@docket/store';

/**
 * A decision's facet columns: model (`name@version`), prompt and policy (`id@version`),
 * confidence, trace, session and parent decision. The sequencer writes them with the decision.
 *
 * @example
 * const row = { ...toFacetColumns(record), index };
 */
export function toFacetColumns(
  record: Pick<DecisionRecord, 'model' | 'prompt' | 'policy' | 'confidence' | 'correlation'>,
): Omit<FacetRow, 'index'> {
  const at = (name: string, version: string | undefined): string =>
    version === undefined ? name : `${name}@${version}`;
  return {
    model: record.model === undefined ? null : at(record.model.name, record.model.version),
    promptVersion: record.prompt === undefined ? null : at(record.prompt.id, record.prompt.version),
    policyVersion: record.policy === undefined ? null : at(record.policy.id, record.policy.version),
    confidence: record.confidence ?? null,
    traceId: record.correlation?.traceId ?? null,
    sessionId: record.correlation?.sessionId ?? null,
    parentId: record.correlation?.parentDecisionId ?? null,
  };
}

/**
 * The outcome update an event carries, if it is one: `kind` `override` (a human overturned the
 * decision) or `outcome` (a later outcome), with the new action and who made it.
 *
 * @example
 * toUpdateColumns('0190…', { kind: 'override', actor: 'J. Doe', outcome: { action: 'approve' } }, ts);
 */
export function toUpdateColumns(
  decisionId: string,
  fields: Record<string, JsonValue>,
  ts: string,
): Omit<OutcomeUpdateRow, 'index'> | undefined {
  const kind = fields['kind'];
  if (kind !== 'override' && kind !== 'outcome') return undefined;
  const outcome = fields['outcome'];
  const action =
    typeof outcome === 'object' && outcome !== null && !Array.isArray(outcome)
      ? (outcome as Record<string, JsonValue>)['action']
      : undefined;
  const actor = fields['actor'];
  return {
    decisionId,
    kind,
    action: typeof action === 'string' ? action : null,
    actor: typeof actor === 'string' ? actor : null,
    ts,
  };
}
