/**
 * Errors of the browser verifier: a SCREAMING_SNAKE `code`, a message, and `where` it was found,
 * as every Docket package reports them.
 */

/**
 * A verification step that could not be completed or did not hold.
 *
 * @example
 * throw new VerifyError('PROOF_ROOT_MISMATCH', 'calculated root does not match', 'root');
 */
export class VerifyError extends Error {
  readonly code: string;
  readonly where: string | undefined;

  constructor(code: string, message: string, where?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VerifyError';
    this.code = code;
    this.where = where;
  }
}

/** One problem found by a `check*` function. */
export interface VerifyIssue {
  readonly code: string;
  readonly message: string;
  readonly where?: string;
}

/**
 * The issue a thrown error stands for: a {@link VerifyError} keeps its code and where; anything
 * else becomes `fallback`.
 *
 * @example
 * try { await verifyInclusion(...); } catch (e) { issues.push(toIssue(e, 'INCLUSION_FAILED', 'proof')); }
 */
export function toIssue(error: unknown, fallback: string, where?: string): VerifyIssue {
  if (error instanceof VerifyError) {
    const at = error.where ?? where;
    return { code: error.code, message: error.message, ...(at === undefined ? {} : { where: at }) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: fallback, message, ...(where === undefined ? {} : { where }) };
}
