import type { ExportFinalOutcome, JsonValue } from '@docket/protocol';

const isObject = (v: unknown): v is Record<string, JsonValue> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function actionOf(fields: Readonly<Record<string, JsonValue>> | null): string | null {
  const outcome = fields?.['outcome'];
  return isObject(outcome) && typeof outcome['action'] === 'string' ? outcome['action'] : null;
}

/**
 * A decision's final outcome: the last override or outcome update (an event whose fields carry
 * `outcome.action`) in the order given, else the decision's own outcome. Null when the decision's
 * content is gone and no event gives an outcome.
 *
 * @example
 * finalOutcomeOf(decision.fields, events); // { action: 'approve', by: 'j.doe', at: '…', overridden: true }
 */
export function finalOutcomeOf(
  fields: Readonly<Record<string, JsonValue>> | null,
  events: readonly {
    readonly ts: string;
    readonly fields: Readonly<Record<string, JsonValue>> | null;
  }[],
): ExportFinalOutcome | null {
  const own = actionOf(fields);
  let final: ExportFinalOutcome | null =
    fields === null ? null : { action: own, by: null, at: null, overridden: false };
  for (const event of events) {
    const action = actionOf(event.fields);
    if (action === null) continue;
    const actor = event.fields?.['actor'];
    final = {
      action,
      by: typeof actor === 'string' ? actor : null,
      at: event.ts,
      overridden: event.fields?.['kind'] === 'override' || (own !== null && action !== own),
    };
  }
  return final;
}
