import { parse } from '../args.js';
import { DATA_HELP, DATA_OPTIONS, JSON_HELP } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import {
  openRetentionTarget,
  REMOTE_RETENTION_HELP,
  REMOTE_RETENTION_OPTIONS,
} from './retention-target.js';
import { n } from '../output.js';

/** `docket purge`: remove the content of records past their maximum retention. */
export const purge: Command = {
  name: 'purge',
  summary: 'remove the content of records past their maximum retention, with signed receipts',
  help: `Usage: docket purge [--data DIR | --url URL] [--dry-run] [--batch N] [--json]

Removes the content (encrypted or clear fields, search rows, the content of their events) of
every decision older than the maximum of its retention policy, except decisions on legal hold.
Every leaf stays, so every proof and checkpoint still verifies. Each batch appends a purge
receipt (the policy and its basis, the checkpoint, each purged leaf's index and hash) in the
same transaction that removes the content: a crash leaves both or neither, and running docket
purge again completes the work. docket verify checks the receipts.

Options:
${DATA_HELP}
${REMOTE_RETENTION_HELP}
  --dry-run     print what would be purged and kept, change nothing
  --batch N     decisions per receipt (default 1000)
${JSON_HELP}`,
  async run(argv, io) {
    const { values } = parse(argv, {
      ...DATA_OPTIONS,
      ...REMOTE_RETENTION_OPTIONS,
      'dry-run': { type: 'boolean' },
      batch: { type: 'string' },
    });
    const batch = values['batch'] === undefined ? undefined : Number(values['batch']);
    const ledger = await openRetentionTarget(values);
    try {
      const report = await ledger.purge({
        dryRun: values['dry-run'] === true,
        ...(batch !== undefined && Number.isInteger(batch) && batch > 0
          ? { batchSize: batch }
          : {}),
      });
      if (values['json'] === true) {
        io.out(`${JSON.stringify({ ok: true, ...report })}\n`);
        return EXIT.ok;
      }
      if (report.policies.length === 0) io.out('no retention policy: nothing to purge\n');
      for (const p of report.policies) {
        io.out(
          `policy ${p.scope}: max ${p.max} (${p.basis}), purges content older than ${p.cutoff}\n`,
        );
      }
      const verb = report.dryRun ? 'would purge' : 'purged';
      io.out(
        `${verb} ${n(report.purgedDecisions)} decisions (${n(report.purgedEntries)} entries with their events) in ${n(report.batches.length)} receipt(s)\n`,
      );
      for (const b of report.batches) {
        if (b.receipt !== null)
          io.out(
            `  receipt ${b.receipt.id} at index ${n(b.receipt.index)}: ${b.policy}, ${n(b.decisions)} decisions\n`,
          );
      }
      if (report.kept.length > 0)
        io.out(`kept ${n(report.kept.length + report.keptNotListed)} past their maximum:\n`);
      for (const k of report.kept) io.out(`  ${k.id}: ${k.reason}\n`);
      return EXIT.ok;
    } finally {
      await ledger.close();
    }
  },
};
