/**
 * The background half of `capture()`: the caller's path only snapshots (`JSON.stringify`) and
 * enqueues; the pump then redacts, checks the schema and stamps the producer, record by record,
 * as it takes a batch. Nothing of a record leaves the process before this ran (fail closed).
 */
import { checkDecision } from '@docket/protocol';
import type { DecisionRecord } from '@docket/protocol';
import { SdkError, toSdkError } from './errors.js';
import type { LossKind } from './losses.js';
import type { QueuedRecord } from './queue.js';
import type { Redactor } from './redaction/index.js';

/**
 * A record ready to send (its JSON with `producer`), or why it is lost.
 *
 * @example
 * const prepared = prepare(item); if (!prepared.ok) losses.add(prepared.kind, prepared.error.code, [item.seq]);
 */
export type Prepared =
  | { readonly ok: true; readonly json: string }
  | {
      readonly ok: false;
      readonly kind: Extract<LossKind, 'invalid' | 'redactionFailed'>;
      readonly error: SdkError;
    };

/**
 * Makes the function that prepares one queued snapshot: redaction (when `redact` is set), the
 * schema check (when `validate`), then the producer stamp `{ id, seq, sdk }`.
 *
 * @example
 * const prepare = createPreparer({ redact: undefined, validate: true }, { id: 'worker-1', sdk: '@docket/sdk@0.1.0' });
 * const prepared = prepare({ id, seq: 0, json: JSON.stringify(record) });
 */
export function createPreparer(
  options: { readonly redact: Redactor | undefined; readonly validate: boolean },
  producer: { readonly id: string; readonly sdk: string },
): (item: QueuedRecord) => Prepared {
  const { redact, validate } = options;
  // The producer object's JSON around its seq, made once.
  const head = `,"producer":{"id":${JSON.stringify(producer.id)},"seq":`;
  const tail = `,"sdk":${JSON.stringify(producer.sdk)}}}`;
  return (item) => {
    let json = item.json;
    if (redact !== undefined || validate) {
      let record = JSON.parse(json) as DecisionRecord;
      if (redact !== undefined) {
        try {
          record = redact(record);
          json = JSON.stringify(record);
        } catch (error) {
          return {
            ok: false,
            kind: 'redactionFailed',
            error: toSdkError('REDACTION_FAILED', error, `decision ${item.id} dropped`),
          };
        }
      }
      if (validate) {
        const checked = checkDecision(record);
        if (!checked.ok) {
          const first = checked.issues[0];
          const more = checked.issues.length > 1 ? ` (and ${checked.issues.length - 1} more)` : '';
          return {
            ok: false,
            kind: 'invalid',
            error: new SdkError(
              'DECISION_INVALID',
              `decision ${item.id} (seq ${item.seq}) dropped: ${first?.code ?? ''} ${first?.message ?? ''}${more}`,
              { where: first?.where },
            ),
          };
        }
      }
    }
    return { ok: true, json: `${json.slice(0, -1)}${head}${item.seq}${tail}` };
  };
}
