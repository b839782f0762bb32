import { backupDataDir } from '@docket/ledger';
import { parse, required } from '../args.js';
import { dataDirOf, JSON_HELP } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { n } from '../output.js';

/** `docket backup`: a consistent copy of a (running) embedded data directory. */
export const backup: Command = {
  name: 'backup',
  summary: 'copy a data directory consistently, while it is in use (SQLite online backup)',
  help: `Usage: docket backup [--data DIR] --out BACKUP [--json]

Copies the data directory, while docket serve or any other writer may be appending to it: each
SQLite database (decision and access logs of every tenant, API keys, cosignatures) with SQLite's
online backup, each as one snapshot, and the keys, log.vkey and published checkpoints as files,
before the databases. BACKUP becomes a directory (it must be absent or empty): data/ with the
data directory's layout and manifest.json (each file's size, mode and SHA-256), written last.
Every decision acknowledged before the backup started is in it.

The backup holds the signing and master keys: keep it as secret as the data directory. Keys
given only through DOCKET_LOG_KEY or DOCKET_MASTER_KEY are not in it. A backup taken before an
erasure still holds the subject's data key: expire backups within your erasure deadline
(docs/retention.md). A PostgreSQL log is backed up with pg_dump or PITR instead.

Restore with docket restore --from BACKUP --data NEWDIR, then docket verify --data NEWDIR.

Options:
  --data DIR    the data directory to copy (default: $DOCKET_DATA_DIR or ./.docket)
  --out BACKUP  the backup directory to make
${JSON_HELP}`,
  async run(argv, io) {
    const { values } = parse(argv, { data: { type: 'string' }, out: { type: 'string' } });
    const out = required(values, 'out');
    const json = values['json'] === true;
    const manifest = await backupDataDir(dataDirOf(values), out, {
      onFile: (f) => {
        if (!json) io.err(`  ${f.kind === 'sqlite' ? 'database' : 'file    '} ${f.path}\n`);
      },
    });
    const bytes = manifest.files.reduce((s, f) => s + f.bytes, 0);
    if (json) io.out(`${JSON.stringify({ ok: true, out, ...manifest })}\n`);
    else
      io.out(
        `backed up ${n(manifest.files.length)} files (${n(manifest.files.filter((f) => f.kind === 'sqlite').length)} databases, ${n(bytes)} bytes) to ${out}, started ${manifest.startedAt}\n`,
      );
    return EXIT.ok;
  },
};
