import { LedgerError } from './errors.js';

/** Called after each durable flush (for metrics). */
export type FlushListener = (flush: { readonly entries: number; readonly ms: number }) => void;

/** Options of {@link openLedger}; each number has an environment twin. */
export interface LedgerOptions {
  /** Data directory (database, keys, latest checkpoint). */
  readonly dataDir: string;
  /** Under load (entries admitted while a flush runs), flushes (checkpoints) are at least this far apart; an entry admitted while no flush runs is flushed at once (`DOCKET_FLUSH_INTERVAL_MS`, default 200, at most 1000). */
  readonly flushIntervalMs?: number;
  /** A flush starts when the pool holds this many entries (`DOCKET_FLUSH_MAX_ENTRIES`, default 8192). */
  readonly flushMaxEntries?: number;
  /** Create the data directory, keys and database when absent (default true). */
  readonly create?: boolean;
  /** Origin (log name) for a new log; ignored for an existing one. */
  readonly origin?: string;
  /**
   * A PostgreSQL URL (`postgres://…`, `DOCKET_PG_URL`): the log's store instead of the data
   * directory's SQLite file. Keys and the published checkpoint stay in the data directory.
   */
  readonly pgUrl?: string;
  /** The PostgreSQL schema of this log (default `docket`): several logs share one database. */
  readonly pgSchema?: string;
  /**
   * Several server processes share this log (`DOCKET_SHARED=1`, PostgreSQL only): any of them
   * accepts writes, and one at a time, elected through the database, sequences them. See
   * `docs/decisions/0005-replicas.md`.
   */
  readonly shared?: boolean;
  /** Called after each durable flush (metrics). */
  readonly onFlush?: FlushListener;
  /**
   * Whether `DOCKET_LOG_KEY` may be this log's signing key (default true). False for tenant and
   * access logs: one environment variable can't be the key of several logs with their own origins.
   */
  readonly environmentLogKey?: boolean;
}

/** {@link LedgerOptions} with every default applied. */
export interface ResolvedLedgerOptions {
  readonly dataDir: string;
  readonly flushIntervalMs: number;
  readonly flushMaxEntries: number;
  readonly create: boolean;
  readonly origin: string | undefined;
  readonly pgUrl: string | undefined;
  readonly pgSchema: string | undefined;
  readonly shared: boolean;
  readonly onFlush: FlushListener | undefined;
  readonly environmentLogKey: boolean;
}

function intOption(
  name: string,
  env: string,
  value: number | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw =
    value ??
    (process.env[env] === undefined || process.env[env] === ''
      ? undefined
      : Number(process.env[env]));
  const n = raw ?? fallback;
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new LedgerError(
      'OPTION_INVALID',
      `${name} must be an integer from ${min} to ${max}, got ${String(raw)}`,
      { where: value === undefined ? env : name },
    );
  }
  return n;
}

/**
 * Applies defaults and environment twins once; throws `OPTION_INVALID` naming the option.
 *
 * @example
 * const o = resolveLedgerOptions({ dataDir: '.docket' }); // o.flushIntervalMs === 200
 */
export function resolveLedgerOptions(options: LedgerOptions): ResolvedLedgerOptions {
  const pgUrl = pgUrlOf(options.pgUrl);
  const shared = sharedOption(options.shared);
  if (shared && pgUrl === undefined) {
    throw new LedgerError(
      'OPTION_INVALID',
      'a shared log needs PostgreSQL (pgUrl or DOCKET_PG_URL): SQLite serves one process only',
      { where: options.shared === undefined ? 'DOCKET_SHARED' : 'shared' },
    );
  }
  return {
    dataDir: options.dataDir,
    flushIntervalMs: intOption(
      'flushIntervalMs',
      'DOCKET_FLUSH_INTERVAL_MS',
      options.flushIntervalMs,
      200,
      1,
      1000,
    ),
    flushMaxEntries: intOption(
      'flushMaxEntries',
      'DOCKET_FLUSH_MAX_ENTRIES',
      options.flushMaxEntries,
      8192,
      1,
      1_000_000,
    ),
    create: options.create ?? true,
    origin: options.origin,
    pgUrl,
    pgSchema: options.pgSchema,
    shared,
    onFlush: options.onFlush,
    environmentLogKey: options.environmentLogKey ?? true,
  };
}

/** `shared`, else `DOCKET_SHARED` (`1`/`true` or `0`/`false`/empty), else false. */
function sharedOption(value: boolean | undefined): boolean {
  if (value !== undefined) return value;
  const raw = process.env['DOCKET_SHARED'];
  if (raw === undefined || raw === '' || raw === '0' || raw === 'false') return false;
  if (raw === '1' || raw === 'true') return true;
  throw new LedgerError('OPTION_INVALID', `DOCKET_SHARED must be 1, true, 0 or false, got ${raw}`, {
    where: 'DOCKET_SHARED',
  });
}

/**
 * The PostgreSQL URL to use: the option, else `DOCKET_PG_URL`, else none (SQLite).
 *
 * @example
 * const url = pgUrlOf(undefined); // process.env.DOCKET_PG_URL, if set
 */
export function pgUrlOf(option: string | undefined): string | undefined {
  const url = option ?? process.env['DOCKET_PG_URL'];
  return url === undefined || url === '' ? undefined : url;
}
