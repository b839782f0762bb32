/**
 * The API client of the pages: `Authorization: Bearer <key>`, the session's purpose as
 * `X-Docket-Purpose`, and RFC 9457 problem bodies turned into an {@link ApiError} whose message
 * says what to do next.
 */
import type { DecisionView, EntryView, LogInfo, LogView } from '@docket/protocol/wire';
import type { Role, Session } from './session.js';

/** A failed request, with the problem the server sent. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly where: string | undefined;

  constructor(status: number, code: string, message: string, where?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.where = where;
  }
}

interface Problem {
  readonly code?: string;
  readonly detail?: string;
  readonly title?: string;
  readonly where?: string;
}

/** Options of one request. */
export interface RequestOptions {
  readonly accept?: 'json' | 'text';
  /** Overrides the session's purpose for this request. */
  readonly purpose?: string;
}

/**
 * GET `path` as the session's key; JSON (default) or text. Throws {@link ApiError}.
 *
 * @example
 * const log = await get<LogInfo>(session, '/v1/log');
 */
export async function get<T>(
  session: Pick<Session, 'key' | 'purpose'>,
  path: string,
  options: RequestOptions = {},
): Promise<T> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${session.key}`,
    accept: options.accept === 'text' ? 'text/plain' : 'application/json',
  };
  const purpose = options.purpose ?? session.purpose;
  // The server refuses control characters and more than 500 characters (see the document).
  if (purpose !== '') headers['x-docket-purpose'] = purpose.replace(/\p{Cc}/gu, ' ').slice(0, 500);
  let res: Response;
  try {
    res = await fetch(path, { headers, cache: 'no-store' });
  } catch (cause) {
    throw new ApiError(
      0,
      'NETWORK',
      `The Docket server did not answer (${cause instanceof Error ? cause.message : String(cause)}). Is \`docket serve\` still running?`,
    );
  }
  if (!res.ok) {
    let problem: Problem = {};
    try {
      problem = (await res.json()) as Problem;
    } catch {
      // Not a problem body (a proxy's page): the status says enough.
    }
    throw new ApiError(
      res.status,
      problem.code ?? `HTTP_${res.status}`,
      problem.detail ?? problem.title ?? res.statusText,
      problem.where,
    );
  }
  return (options.accept === 'text' ? await res.text() : await res.json()) as T;
}

/**
 * Learns what a key may do by asking the API: `/v1/log` (reader and up), `/v1/access-log`
 * (auditor and up), `/v1/keys` (admin). None of these reads record content, so probing leaves no
 * access record. Throws {@link ApiError} for an unknown or revoked key.
 *
 * @example
 * const { role, tenant } = await probeRole(key);
 */
export async function probeRole(key: string): Promise<{ role: Role; tenant: string }> {
  const as = { key, purpose: '' };
  let tenant: string;
  try {
    tenant = (await get<{ tenant: string }>(as, '/v1/log')).tenant;
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return { role: 'ingest', tenant: '' };
    throw error;
  }
  const allowed = async (path: string): Promise<boolean> => {
    try {
      await get(as, path);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 403) return false;
      throw error;
    }
  };
  if (!(await allowed('/v1/access-log?limit=1'))) return { role: 'reader', tenant };
  return { role: (await allowed('/v1/keys')) ? 'admin' : 'auditor', tenant };
}

/** The API's views: wire shapes, declared once in `@docket/protocol` (types only, erased). */
export type { DecisionView, EntryView, LogInfo, LogView };

/** GET /v1/access-log. */
export interface AccessPage {
  readonly items: readonly {
    readonly id: string;
    readonly index: number;
    readonly ts: string;
    readonly record: {
      readonly actor: string;
      readonly role: Role;
      readonly action: string;
      readonly target: string;
      readonly purpose: string | null;
      readonly requestId?: string;
      readonly count?: number;
    };
  }[];
  readonly next: string | null;
}
