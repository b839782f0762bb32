import type { Issue } from '@docket/protocol';
import { DocketError } from '@docket/protocol';

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  readonly stderrIsTty: boolean;
}

/** The process's own streams. */
export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  stderrIsTty: process.stderr.isTTY,
};

/** Formats a count for people: 12,345. */
export const n = (value: number): string => value.toLocaleString('en-US');

/** One issue as a line: CODE where: message. */
export function formatIssue(issue: Issue): string {
  const where = issue.where === undefined ? '' : ` ${issue.where}:`;
  const tag = issue.severity === 'warning' ? 'warning ' : '';
  return `  ${tag}${issue.code}${where} ${issue.message}`;
}

/**
 * The CLI option behind each bare name the ledger's errors point at (the ledger serves the CLI,
 * the server and the SDK alike, so it never names a flag).
 */
const OPTION_OF: Readonly<Record<string, string>> = {
  dataDir: '--data',
  pgUrl: '--pg',
  origin: '--origin',
  tenant: '--tenant',
  subject: '--subject',
  reason: '--reason',
  disclose: '--disclose',
};

/** The audit to run after a store error; on PostgreSQL `--data` alone finds no log. */
const FULL_AUDIT =
  'run `docket verify --data DIR` (with `--pg URL` on PostgreSQL) for the full audit';

/** What to do next, for the ledger's errors a person can act on from the command line. */
const HINT_OF: Readonly<Record<string, string>> = {
  LOG_KEY_MISSING: 'make one with `docket keys log-generate --data DIR`',
  STORE_CORRUPT: FULL_AUDIT,
  STORE_TRUNCATED: FULL_AUDIT,
  STORE_BEHIND_CHECKPOINT: FULL_AUDIT,
  STORE_FORKED: FULL_AUDIT,
  LEDGER_NOT_FOUND: 'check --data and --pg, or create the log (`docket serve` creates one)',
};

/**
 * An error as JSON (for --json) or as a line for people. A ledger error's bare `where` becomes
 * the CLI option it came from; a line for people also gets the next step for known codes.
 *
 * @example
 * io.err(formatError(new LedgerError('LOG_KEY_MISSING', 'no log key at k'), false));
 */
export function formatError(error: unknown, json: boolean): string {
  const raw: Issue =
    error instanceof DocketError
      ? error.toIssue()
      : {
          code: 'IO_ERROR',
          message: error instanceof Error ? error.message : String(error),
          severity: 'error',
        };
  const option = raw.where === undefined ? undefined : OPTION_OF[raw.where];
  const issue: Issue = option === undefined ? raw : { ...raw, where: option };
  if (json) return `${JSON.stringify({ ok: false, error: issue })}\n`;
  const hint = HINT_OF[issue.code];
  return `docket: ${issue.code}${issue.where === undefined ? '' : ` (${issue.where})`}: ${issue.message}${hint === undefined ? '' : ` (${hint})`}\n`;
}

/** Progress on stderr: a rewriting line on a terminal, a line every few seconds otherwise. */
export function createProgress(
  io: Io,
  quiet: boolean,
): { update(text: string): void; done(): void } {
  let last = Date.now();
  let shown = false;
  const interval = io.stderrIsTty ? 250 : 5000;
  return {
    update(text) {
      if (quiet) return;
      const now = Date.now();
      if (now - last < interval) return;
      last = now;
      shown = true;
      io.err(io.stderrIsTty ? `\r\x1b[K${text}` : `${text}\n`);
    },
    done() {
      if (shown && io.stderrIsTty) io.err('\r\x1b[K');
    },
  };
}
