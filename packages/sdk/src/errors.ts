/** The SDK's error: a `DocketError` with a SCREAMING_SNAKE code, thrown only at construction. */
import { DocketError } from '@docket/protocol';
import type { ErrorCode } from '@docket/protocol';

/**
 * Every failure the SDK reports. Thrown only by `createDocket` (code `OPTION_INVALID`, `where`
 * naming the option); afterwards each one is passed to `onError` and counted in `stats()`.
 *
 * @example
 * createDocket({ onError: (e) => console.warn(e.code, e.message) });
 */
export class SdkError extends DocketError {}

/** Wraps anything thrown into an {@link SdkError} with `code` (an SdkError passes unchanged). */
export function toSdkError(code: ErrorCode, error: unknown, message?: string): SdkError {
  if (error instanceof SdkError) return error;
  const text = error instanceof Error ? error.message : String(error);
  return new SdkError(code, message === undefined ? text : `${message}: ${text}`, {
    cause: error,
  });
}
