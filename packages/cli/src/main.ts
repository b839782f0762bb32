import { backup } from './commands/backup.js';
import { changes } from './commands/changes.js';
import { demo } from './commands/demo.js';
import { drift } from './commands/drift.js';
import { exportCommand } from './commands/export.js';
import { erase } from './commands/erase.js';
import { holds } from './commands/holds.js';
import { purge } from './commands/purge.js';
import { replay } from './commands/replay.js';
import { report } from './commands/report.js';
import { restore } from './commands/restore.js';
import { retention } from './commands/retention.js';
import { ingest } from './commands/ingest.js';
import { keys } from './commands/keys.js';
import { log } from './commands/log.js';
import { serve } from './commands/serve.js';
import { verify } from './commands/verify.js';
import { witness } from './commands/witness.js';
import type { Command } from './command.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { formatError, processIo } from './output.js';
import type { Io } from './output.js';

const COMMANDS: readonly Command[] = [
  ...[serve, demo, ingest, verify, exportCommand, erase, log, keys, changes, witness],
  ...[retention, holds, purge],
  replay,
  report,
  drift,
  ...[backup, restore],
];

const USAGE = `docket — a tamper-evident decision audit trail for AI agents

Usage: docket <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`).join('\n')}

Run 'docket <command> --help' for a command's options. Every command takes --json.
Exit codes: 0 ok · 1 verification found issues · 2 usage or configuration error · 3 I/O or store error
            · 130 interrupted (Ctrl-C; what was read is durable)
`;

/**
 * Runs the CLI with the given arguments; returns the exit code (never throws).
 *
 * @example
 * process.exitCode = await main(['log', '--data', '.docket']);
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version') {
    io.out('docket 0.1.0\n');
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) {
    io.err(`docket: unknown command "${name}"\n\n${USAGE}`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`${command.help}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    const json = rest.includes('--json');
    if (json) io.out(formatError(error, true));
    else io.err(formatError(error, false));
    return exitCodeFor(error);
  }
}
