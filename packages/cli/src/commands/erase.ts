import { openLedger } from '@docket/ledger';
import { parse, required } from '../args.js';
import { DATA_HELP, DATA_OPTIONS, dataDirOf, JSON_HELP, storeOf } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { n } from '../output.js';

/** `docket erase`: crypto-shred a subject's content. */
export const erase: Command = {
  name: 'erase',
  summary: "destroy a subject's data key and append a tombstone (GDPR Art. 17)",
  help: `Usage: docket erase [--data DIR] --subject ID --reason TEXT

Destroys every data key of the subject (the on-disk bytes are overwritten) and appends a
tombstone entry. The subject's decisions stay in the log as leaves: every proof and checkpoint
still verifies, and docket verify lists them as erased, but their content can never be read again.

Options:
${DATA_HELP}
  --subject ID    the subject id as recorded in decisions (subject.id)
  --reason TEXT   why (recorded in the tombstone), e.g. "DSR-2291 erasure request"
${JSON_HELP}`,
  async run(argv, io) {
    const { values } = parse(argv, {
      ...DATA_OPTIONS,
      subject: { type: 'string' },
      reason: { type: 'string' },
    });
    const subject = required(values, 'subject');
    const reason = required(values, 'reason');
    const ledger = await openLedger({
      dataDir: dataDirOf(values),
      ...storeOf(values),
      create: false,
    });
    try {
      const result = await ledger.erase(subject, reason);
      if (values['json'] === true) io.out(`${JSON.stringify({ ok: true, ...result })}\n`);
      else if (result.tombstone === null)
        io.out(
          `subject already erased: ${n(result.decisions)} decisions, no key left to destroy\n`,
        );
      else
        io.out(
          `erased subject: ${n(result.keysDestroyed)} key(s) destroyed, ${n(result.decisions)} decisions now unreadable; tombstone ${result.tombstone.id} at index ${n(result.tombstone.index)}\n`,
        );
      return EXIT.ok;
    } finally {
      await ledger.close();
    }
  },
};
