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

/** An error as JSON (for --json) or as a line for people. */
export function formatError(error: unknown, json: boolean): string {
  const issue: Issue =
    error instanceof DocketError
      ? error.toIssue()
      : {
          code: 'IO_ERROR',
          message: error instanceof Error ? error.message : String(error),
          severity: 'error',
        };
  if (json) return `${JSON.stringify({ ok: false, error: issue })}\n`;
  return `docket: ${issue.code}${issue.where === undefined ? '' : ` (${issue.where})`}: ${issue.message}\n`;
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
