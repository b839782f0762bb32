import { DecisionInvalidError, DocketError, httpStatusOf } from '@docket/protocol';
import type { ErrorCode, Issue } from '@docket/protocol';

/** An RFC 9457 problem body, with Docket's code and where the problem was found. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ErrorCode;
  readonly where?: string;
  readonly instance?: string;
  readonly issues?: readonly Issue[];
}

const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
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
const PATH_ID_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'DECISION_NOT_FOUND',
  'SUBJECT_NOT_FOUND',
]);

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
 * The status an error code maps to: the catalogue's (`@docket/protocol` `ERROR_CODES`), the one
 * place codes become statuses; 500 for a string that is not a code.
 *
 * @example
 * statusOf('DECISION_NOT_FOUND'); // 404
 */
export function statusOf(code: string): number {
  return httpStatusOf(code);
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
