/** The redaction error: fail closed, so the SDK drops and counts the decision instead of sending it. */
import { SdkError } from '../errors.js';

/**
 * Codes a {@link RedactionError} carries.
 *
 * @example
 * const code: RedactionErrorCode = 'REDACTION_FAILED';
 */
export type RedactionErrorCode = 'OPTION_INVALID' | 'REDACTION_FAILED';

/**
 * Thrown by `createRedactor` for bad options (`OPTION_INVALID`, `where` naming the option or
 * path) and by a redactor when anything goes wrong while redacting (`REDACTION_FAILED`, with the
 * original error as `cause`). A decision whose redaction failed must be dropped, never sent.
 *
 * @example
 * try {
 *   send(redact(record));
 * } catch (error) {
 *   if (error instanceof RedactionError) dropped += 1; // fail closed
 * }
 */
export class RedactionError extends SdkError {
  declare readonly code: RedactionErrorCode;
}
