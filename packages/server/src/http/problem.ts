import { DecisionInvalidError, DocketError } from '@docket/protocol';
import type { Issue } from '@docket/protocol';

/** An RFC 9457 problem body, with Docket's code and where the problem was found. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly where?: string;
  readonly instance?: string;
  readonly issues?: readonly Issue[];
}

/** HTTP status of each error code; the one place codes become statuses. Unknown codes: 500. */
const STATUS: Readonly<Record<string, number>> = {
  // 400: the request is wrong, and the body says where
  INVALID_JSON: 400,
  DUPLICATE_KEY: 400,
  LONE_SURROGATE: 400,
  NON_FINITE_NUMBER: 400,
  UNSAFE_INTEGER: 400,
  DEPTH_EXCEEDED: 400,
  DECISION_INVALID: 400,
  REPORT_INVALID: 400,
  REQUEST_INVALID: 400,
  PARAM_INVALID: 400,
  PARAM_UNKNOWN: 400,
  HEADER_INVALID: 400,
  CURSOR_INVALID: 400,
  SIZE_INVALID: 400,
  FIELD_UNKNOWN: 400,
  REASON_REQUIRED: 400,
  ENCODING_INVALID: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  DECISION_NOT_FOUND: 404,
  SUBJECT_NOT_FOUND: 404,
  KEY_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  CONTENT_ERASED: 409,
  ID_CONFLICT: 409,
  BODY_TOO_LARGE: 413,
  MEDIA_TYPE_UNSUPPORTED: 415,
  TOO_MANY_REQUESTS: 429,
  // 503: the server can't do it now; a retry later may succeed
  NOT_READY: 503,
  SHUTTING_DOWN: 503,
  LEDGER_CLOSED: 503,
  STORE_IO: 503,
  STORE_CONFLICT: 503,
  STORE_OPEN_FAILED: 503,
};

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * Where the ledger's errors point (bare option and parameter names), as HTTP locations. The
 * ledger speaks for the CLI too; the server answers in its own terms.
 */
const HTTP_WHERE: Readonly<Record<string, string>> = {
  subject: 'path.id',
  disclose: 'query.disclose',
  reason: '$.reason',
  size: 'query.size',
  from: 'query.from',
  id: '$.id',
};

/** Codes whose subject is the id in the path, whatever the ledger named. */
const PATH_ID_CODES = new Set(['DECISION_NOT_FOUND', 'SUBJECT_NOT_FOUND']);

/**
 * The HTTP location of an error's `where`: `path.id`, `query.size`, `$.reason`…
 *
 * @example
 * httpWhere('DECISION_NOT_FOUND', '0192…'); // 'path.id'
 */
export function httpWhere(code: string, where: string | undefined): string | undefined {
  if (PATH_ID_CODES.has(code)) return 'path.id';
  return where === undefined ? undefined : (HTTP_WHERE[where] ?? where);
}

/**
 * The status an error code maps to.
 *
 * @example
 * statusOf('DECISION_NOT_FOUND'); // 404
 */
export function statusOf(code: string): number {
  return STATUS[code] ?? 500;
}

/**
 * The problem body for any thrown value. Docket errors keep their code, message and `where`;
 * anything else is an `INTERNAL` 500 whose detail says nothing of the internals (no stack).
 *
 * @example
 * const problem = toProblem(new ServerError('FORBIDDEN', 'reader keys may not erase'));
 */
export function toProblem(error: unknown, instance?: string): Problem {
  if (!(error instanceof DocketError)) {
    return {
      type: 'urn:docket:problem:INTERNAL',
      title: TITLES[500]!,
      status: 500,
      detail: 'internal error; the server log has the details',
      code: 'INTERNAL',
      ...(instance === undefined ? {} : { instance }),
    };
  }
  const status = statusOf(error.code);
  const where = httpWhere(error.code, error.where);
  const issues =
    error instanceof DecisionInvalidError
      ? error.issues
      : (error as { issues?: readonly Issue[] }).issues;
  return {
    type: `urn:docket:problem:${error.code}`,
    title: TITLES[status] ?? 'Error',
    status,
    // A 5xx detail of a store error may name files or hosts: keep it, it is the operator's.
    detail: error.message,
    code: error.code,
    ...(where === undefined ? {} : { where }),
    ...(instance === undefined ? {} : { instance }),
    ...(issues === undefined ? {} : { issues }),
  };
}
