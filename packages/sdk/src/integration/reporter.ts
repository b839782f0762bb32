/**
 * Where an integration's own failures go: the Docket instance's `onError` path when one is given,
 * else one process warning per code (what the SDK does without a hook). Never throws.
 */
import type { ErrorCode } from '@docket/protocol';
import { SdkError } from '../errors.js';

/**
 * Anything that takes SDK errors: a `Docket` instance (`docket.report`).
 *
 * @example
 * const sink: ErrorSink = docket;
 */
export interface ErrorSink {
  report(error: SdkError): void;
}

/** Reports one failure; never throws. */
export type Reporter = (code: ErrorCode, error: unknown, where: string) => void;

/**
 * A reporter that passes errors to `sink` (or warns once per code without one); `source` names
 * the integration in the message.
 *
 * @example
 * const report = createReporter(docket, '@docket/vercel-ai');
 * report('VERCEL_AI_RECORD_FAILED', error, 'wrapGenerate');
 */
export function createReporter(sink: ErrorSink | undefined, source: string): Reporter {
  const warned = new Set<string>();
  return (code, error, where) => {
    try {
      const message = error instanceof Error ? error.message : String(error);
      const sdkError = new SdkError(code, `${source}: ${message}`, { where, cause: error });
      if (sink !== undefined) {
        sink.report(sdkError);
      } else if (!warned.has(code)) {
        warned.add(code);
        process.emitWarning(sdkError.message, { code, type: 'DocketWarning' });
      }
    } catch {
      // Reporting must never reach the host.
    }
  };
}
