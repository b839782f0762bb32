/** The error of @docket/temporal: a SCREAMING_SNAKE code, a message and where it was raised. */

/** Codes of {@link TemporalDocketError}. */
export type TemporalDocketErrorCode = 'NOT_IN_ACTIVITY';

/**
 * Raised by `activityDocket()` outside an activity run by a worker with the Docket interceptor.
 *
 * @example
 * try { activityDocket(); } catch (e) { if (e instanceof TemporalDocketError) console.error(e.code, e.where); }
 */
export class TemporalDocketError extends Error {
  override readonly name = 'TemporalDocketError';
  readonly code: TemporalDocketErrorCode;
  readonly where: string;

  constructor(code: TemporalDocketErrorCode, message: string, where: string) {
    super(message);
    this.code = code;
    this.where = where;
  }
}
