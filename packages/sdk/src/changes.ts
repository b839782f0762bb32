/**
 * Recording a change (`docket.change/v1`) from a deployment script or CI job: unlike `capture()`
 * this is a deliberate, awaited call whose failure the caller must see (a deployment whose change
 * record was not stored is not an approved change), so it rejects instead of reporting to
 * `onError`.
 */
import { assertChangeRecord, CHANGE_SCHEMA_V1, createUuidV7, errorCodeOr } from '@docket/protocol';
import type { ChangeRecord } from '@docket/protocol';
import { SdkError } from './errors.js';

/** Where to send a change: the server and an admin key. */
export interface RecordChangeOptions {
  /** Server URL (`http://127.0.0.1:7420`); default `DOCKET_URL`. */
  readonly url?: string;
  /** An admin API key; default `DOCKET_API_KEY`. */
  readonly apiKey?: string;
}

/** A change as the caller gives it: `schema`, `id` and `ts` are filled in when absent. */
export type ChangeInput = Omit<ChangeRecord, 'schema' | 'id' | 'ts'> &
  Partial<Pick<ChangeRecord, 'id' | 'ts'>>;

/**
 * Records a change record through `POST /v1/changes` and resolves once it is durable in the log
 * (`status` accepted, or duplicate for a retried id). Rejects with an {@link SdkError}:
 * `CHANGE_INVALID` before sending, the server's code (`FORBIDDEN` for a key that is not admin),
 * or `SERVER_UNREACHABLE`.
 *
 * @example
 * await recordChange({ agent: { id: 'loan-agent', version: '2.4.0' }, model: { name: 'gpt-4o' },
 *   prompt: { hash: promptHash }, author: 'a.dev', approver: 'r.risk', replayRun: runId });
 */
export async function recordChange(
  change: ChangeInput,
  options: RecordChangeOptions = {},
): Promise<{ status: 'accepted' | 'duplicate'; id: string; index: number }> {
  const record: ChangeRecord = {
    schema: CHANGE_SCHEMA_V1,
    id: change.id ?? createUuidV7(),
    ts: change.ts ?? new Date().toISOString(),
    ...change,
  };
  try {
    assertChangeRecord(record);
  } catch (error) {
    const e = error as SdkError;
    throw new SdkError('CHANGE_INVALID', e.message, { where: e.where, cause: error });
  }
  const url = (options.url ?? process.env['DOCKET_URL'] ?? '').replace(/\/$/, '');
  const apiKey = options.apiKey ?? process.env['DOCKET_API_KEY'];
  if (url === '' || apiKey === undefined || apiKey === '') {
    throw new SdkError('OPTION_INVALID', 'recordChange needs a url and an admin apiKey', {
      where: url === '' ? 'url' : 'apiKey',
    });
  }
  let res: Response;
  try {
    res = await fetch(`${url}/v1/changes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(record),
    });
  } catch (cause) {
    throw new SdkError('SERVER_UNREACHABLE', `cannot reach ${url}`, { cause });
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    throw new SdkError(
      errorCodeOr(body['code'], 'HTTP_ERROR'),
      `POST /v1/changes: ${res.status} ${typeof body['detail'] === 'string' ? body['detail'] : ''}`,
      { where: typeof body['where'] === 'string' ? body['where'] : '/v1/changes' },
    );
  }
  return body as { status: 'accepted' | 'duplicate'; id: string; index: number };
}
