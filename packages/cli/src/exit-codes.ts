import { DocketError } from '@docket/protocol';

/** The CLI's exit codes, one table for every command. */
export const EXIT = {
  /** Everything checked out. */
  ok: 0,
  /** Verification (or ingestion) found issues: see the report. */
  issues: 1,
  /** Bad usage or configuration: an unknown flag, a missing key, an invalid option. */
  usage: 2,
  /** Input/output or store failure: a file can't be read, the database can't be written. */
  io: 3,
  /** Stopped by Ctrl-C (SIGINT) after making what was read durable (128 + 2, the shell's convention). */
  interrupted: 130,
} as const;

/** Error codes that mean bad usage or configuration rather than I/O. */
const USAGE_CODES = new Set([
  'USAGE',
  'OPTION_INVALID',
  'ORIGIN_INVALID',
  'KEY_EXISTS',
  'KEY_INVALID',
  'LOG_KEY_MISSING',
  'LOG_KEY_MISMATCH',
  'MASTER_KEY_MISSING',
  'MASTER_KEY_INVALID',
  'LEDGER_NOT_FOUND',
  'LEDGER_EXISTS',
  'DECISION_NOT_FOUND',
  'SUBJECT_NOT_FOUND',
  'FIELD_UNKNOWN',
  'CONTENT_ERASED',
  'REASON_REQUIRED',
  'ROLE_INVALID',
  'TENANT_INVALID',
  'KEY_NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
]);

/**
 * Exit code for an error thrown by a command.
 *
 * @example
 * process.exitCode = exitCodeFor(err);
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof DocketError) return USAGE_CODES.has(error.code) ? EXIT.usage : EXIT.io;
  if (
    error instanceof Error &&
    'code' in error &&
    typeof error.code === 'string' &&
    error.code.startsWith('ERR_PARSE_ARGS')
  ) {
    return EXIT.usage;
  }
  return EXIT.io;
}
