/**
 * Errors are data: every failure Docket reports carries a SCREAMING_SNAKE `code`, a human message
 * and, where it applies, `where` (a JSON path such as `$.outcome.action`, a line number, a file).
 */
import type { ErrorCode } from './errors-catalogue.js';

/** One finding of a check (`check*` functions return these instead of throwing). */
export interface Issue {
  /** SCREAMING_SNAKE code of the catalogue (`errors-catalogue.ts`), stable across releases. */
  readonly code: ErrorCode;
  readonly message: string;
  /** Where it was found: a JSON path (`$.context.amount`), an index (`leaf 12`), a file. */
  readonly where?: string;
  /** `error` fails a check; `warning` is reported but does not (a gap explained elsewhere, say). */
  readonly severity?: 'error' | 'warning';
}

/** Result of a `check*` function. */
export type CheckResult = { readonly ok: true } | { readonly ok: false; readonly issues: Issue[] };

/** Options shared by every Docket error. */
export interface DocketErrorOptions {
  readonly where?: string | undefined;
  readonly cause?: unknown;
}

/**
 * Base of every error Docket throws. Each package derives one error class from it.
 *
 * @example
 * throw new DocketError('USAGE', 'size must be a non-negative integer', { where: '--size' });
 */
export class DocketError extends Error {
  readonly code: ErrorCode;
  readonly where: string | undefined;

  constructor(code: ErrorCode, message: string, options: DocketErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.where = options.where;
  }

  /** The error as an issue, for reports and `--json` output. */
  toIssue(): Issue {
    return this.where === undefined
      ? { code: this.code, message: this.message, severity: 'error' }
      : { code: this.code, message: this.message, where: this.where, severity: 'error' };
  }
}

/**
 * Error of the protocol package: malformed JSON, I-JSON profile violations, schema problems.
 *
 * @example
 * throw new ProtocolError('DUPLICATE_KEY', 'duplicate key "a"', { where: '$.a' });
 */
export class ProtocolError extends DocketError {}

/** Builds a failed or passed {@link CheckResult} from a list of issues (warnings alone pass). */
export function toCheckResult(issues: Issue[]): CheckResult {
  return issues.some((i) => i.severity !== 'warning') ? { ok: false, issues } : { ok: true };
}
