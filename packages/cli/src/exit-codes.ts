import { DocketError, EXIT_CODES, exitCodeOf } from '@docket/protocol';

/**
 * The CLI's exit codes, one table for every command (the catalogue's, `@docket/protocol`
 * `EXIT_CODES`): ok 0, issues 1, usage 2, io 3, interrupted 130.
 */
export const EXIT = EXIT_CODES;

/**
 * Exit code for an error thrown by a command: the catalogue's exit code of its code
 * (`@docket/protocol` `ERROR_CODES`), usage for a bad flag, io for anything else.
 *
 * @example
 * process.exitCode = exitCodeFor(err);
 */
export function exitCodeFor(error: unknown): number {
  if (error instanceof DocketError) return exitCodeOf(error.code);
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
