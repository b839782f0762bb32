import { restoreDataDir } from '@docket/ledger';
import { parse, required } from '../args.js';
import { dataDirOf, JSON_HELP } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { n } from '../output.js';

/** `docket restore`: put a backup made by `docket backup` into a new data directory. */
export const restore: Command = {
  name: 'restore',
  summary: 'put a backup back into a new, empty data directory, checking every file',
  help: `Usage: docket restore --from BACKUP [--data NEWDIR] [--json]

Copies a backup made by docket backup into NEWDIR, which must be absent or empty: an existing
log is never overwritten. Every file is checked against the manifest's size and SHA-256 (exit 1
with BACKUP_CORRUPT or BACKUP_MALFORMED otherwise, and nothing is left in NEWDIR). Then run
docket verify --data NEWDIR.

A restored copy is older than the log it came from: anyone holding a later checkpoint (a
witness, an auditor, a receipt) detects it as a rollback (docket verify --data NEWDIR
--checkpoint LATER exits 1 with CHECKPOINT_ROLLBACK). See docs/retention.md.

Options:
  --from BACKUP  the backup directory (made by docket backup)
  --data NEWDIR  the data directory to create (default: $DOCKET_DATA_DIR or ./.docket)
${JSON_HELP}`,
  async run(argv, io) {
    const { values } = parse(argv, { data: { type: 'string' }, from: { type: 'string' } });
    const from = required(values, 'from');
    const dir = dataDirOf(values);
    const manifest = await restoreDataDir(from, dir);
    if (values['json'] === true)
      io.out(`${JSON.stringify({ ok: true, data: dir, ...manifest })}\n`);
    else
      io.out(
        `restored ${n(manifest.files.length)} files, every one checked, into ${dir} (backup started ${manifest.startedAt}); next: docket verify --data ${dir}\n`,
      );
    return EXIT.ok;
  },
};
