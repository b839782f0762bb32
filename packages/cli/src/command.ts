import type { OptionSpec } from './args.js';
import type { Io } from './output.js';

/** One CLI command: its help text and what it does. Returns the exit code. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly help: string;
  run(argv: string[], io: Io): Promise<number>;
}

/** The data directory: --data, else DOCKET_DATA_DIR, else ./.docket. */
export function dataDirOf(values: Record<string, string | boolean | undefined>): string {
  const flag = values['data'];
  if (typeof flag === 'string' && flag !== '') return flag;
  return process.env['DOCKET_DATA_DIR'] ?? '.docket';
}

/** `{ pgUrl }` from --pg (else `DOCKET_PG_URL` applies downstream), or nothing. */
export function storeOf(values: Record<string, string | boolean | undefined>): { pgUrl?: string } {
  const pg = values['pg'];
  return typeof pg === 'string' && pg !== '' ? { pgUrl: pg } : {};
}

/**
 * The PostgreSQL URL: --pg, else `DOCKET_PG_URL`, else undefined (SQLite). For what is not a log
 * (the API key store), where nothing downstream reads the environment.
 *
 * @example
 * const pgUrl = pgUrlOf(values); // 'postgres://…' or undefined
 */
export function pgUrlOf(values: Record<string, string | boolean | undefined>): string | undefined {
  const url = storeOf(values).pgUrl ?? process.env['DOCKET_PG_URL'];
  return url === undefined || url === '' ? undefined : url;
}

/** The options documented by {@link DATA_HELP}: where the log lives. */
export const DATA_OPTIONS: OptionSpec = {
  data: { type: 'string' },
  pg: { type: 'string' },
};

/** Help text shared by commands that take a data directory. */
export const DATA_HELP = [
  '  --data DIR    data directory: keys, published checkpoint and, by default, the SQLite store',
  '                (default: $DOCKET_DATA_DIR or ./.docket)',
  '  --pg URL      keep the log in PostgreSQL instead (default: $DOCKET_PG_URL)',
].join('\n');
export const JSON_HELP = '  --json        machine-readable output on stdout';
