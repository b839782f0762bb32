import { DocketError } from '@docket/protocol';
import type { DocketErrorOptions, ErrorCode } from '@docket/protocol';

/**
 * Error of the server package (bad requests, authentication, limits). The HTTP status comes from
 * the code, in one table (`problem.ts`).
 *
 * @example
 * throw new ServerError('CURSOR_INVALID', 'not a cursor of this API', { where: 'query.cursor' });
 */
export class ServerError extends DocketError {
  constructor(code: ErrorCode, message: string, options: DocketErrorOptions = {}) {
    super(code, message, options);
  }
}
