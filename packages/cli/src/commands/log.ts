import { describeLog } from '@docket/ledger';
import { parse } from '../args.js';
import { DATA_HELP, DATA_OPTIONS, dataDirOf, JSON_HELP, storeOf } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { n } from '../output.js';
import { witnessLags } from '../witness/local-cosignatures.js';

/** `docket log`: what the log is and where it stands. */
export const log: Command = {
  name: 'log',
  summary: 'show the log: origin, size, vkey, latest checkpoint',
  help: `Usage: docket log [--data DIR]

Prints the log's origin, size, verifier key (vkey) and latest signed checkpoint (C2SP
tlog-checkpoint), and for each witness that docket serve --witness was last started with or that
cosigned it, the largest size it cosigned and its lag in entries (the whole log until it cosigns). Reads only: safe beside a running writer.

Options:
${DATA_HELP}
${JSON_HELP}`,
  async run(argv, io) {
    const { values } = parse(argv, DATA_OPTIONS);
    const info = await describeLog(dataDirOf(values), storeOf(values).pgUrl);
    const witnesses = await witnessLags(info.dataDir, info.origin, info.size);
    if (values['json'] === true) {
      io.out(`${JSON.stringify({ ok: true, ...info, witnesses })}\n`);
    } else {
      io.out(
        `origin     ${info.origin}\nsize       ${n(info.size)}\nvkey       ${info.vkey}\ndata dir   ${info.dataDir} (${n(Math.round(info.bytesOnDisk / 1024))} KiB)\n`,
      );
      for (const w of witnesses) {
        io.out(`witness    ${w.witness}: cosigned ${n(w.cosignedSize)}, lag ${n(w.lag)} entries\n`);
      }
      io.out(`\n${info.checkpoint}`);
    }
    return EXIT.ok;
  },
};
