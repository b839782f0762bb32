import { readFileSync } from 'node:fs';
import { checkBundle } from '@docket/core';
import { DocketError, parseStrictJson } from '@docket/protocol';
import { auditDataDir } from '@docket/ledger';
import type { AuditReport } from '@docket/ledger';
import { optional, parse } from '../args.js';
import { DATA_HELP, DATA_OPTIONS, dataDirOf, JSON_HELP, storeOf } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { createProgress, formatIssue, n } from '../output.js';
import type { Io } from '../output.js';

/** `docket verify`: full audit of a log, or offline check of an evidence bundle. */
export const verify: Command = {
  name: 'verify',
  summary: 'audit a whole log (--data), or check an evidence bundle offline (FILE --key)',
  help: `Usage: docket verify [--data DIR] [--key VKEY] [--checkpoint FILE] [--no-content]
       docket verify BUNDLE.json --key VKEY

Full audit of a log: rebuilds every root from the stored leaves, checks every checkpoint's
signature and the consistency of consecutive checkpoints, finds missing, inserted, reordered or
changed entries, truncation and rollback, recomputes every commitment not erased, and reports
gaps in each producer's sequence (as warnings).
With a BUNDLE file: checks the evidence bundle with nothing but the file and the key.
Exit 0 when everything verifies, 1 when issues were found.

Options:
${DATA_HELP}
  --key VKEY          the log's verifier key to trust (pin it: by default a log audit takes the
                      data directory's own log.vkey); required for a bundle
  --checkpoint FILE   a signed checkpoint saved earlier: the log must extend it
  --no-content        skip decrypting content and recomputing commitments
  --quiet             no progress on stderr
${JSON_HELP}`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...DATA_OPTIONS,
      key: { type: 'string' },
      checkpoint: { type: 'string' },
      'no-content': { type: 'boolean' },
      quiet: { type: 'boolean' },
    });
    const json = values['json'] === true;
    const key = optional(values, 'key') ?? process.env['DOCKET_LOG_VKEY'];
    if (positionals.length > 1)
      throw new DocketError('USAGE', 'give at most one bundle file', { where: 'FILE' });
    const bundleFile = positionals[0];
    if (bundleFile !== undefined) {
      if (key === undefined)
        throw new DocketError('USAGE', 'checking a bundle needs the log key: --key VKEY', {
          where: '--key',
        });
      return verifyBundleFile(bundleFile, key, json, io);
    }
    const dir = dataDirOf(values);
    const checkpointFile = optional(values, 'checkpoint');
    const progress = createProgress(io, values['quiet'] === true || json);
    const report = await auditDataDir(dir, {
      ...storeOf(values),
      ...(key === undefined ? {} : { vkey: key }),
      ...(checkpointFile === undefined
        ? {}
        : { trustedCheckpoint: readFileSync(checkpointFile, 'utf8') }),
      skipContent: values['no-content'] === true,
      onProgress: (checked, total) => {
        progress.update(`verify: ${n(checked)} of ${n(total)} entries`);
      },
    });
    progress.done();
    if (json) io.out(`${JSON.stringify(report)}\n`);
    else printReport(report, dir, io);
    return report.ok ? EXIT.ok : EXIT.issues;
  },
};

function printReport(report: AuditReport, dir: string, io: Io): void {
  io.out(`log ${report.origin} at ${dir}\n`);
  io.out(
    `  entries ${n(report.entries)} · tree size ${n(report.treeSize)} · checkpoints ${n(report.checkpoints)} · commitments checked ${n(report.commitmentsChecked)} · ${n(report.durationMs)} ms\n`,
  );
  io.out(
    `  key ${report.vkey}${report.vkeySource === 'data-dir' ? ' (from the data directory; pin it with --key)' : ''}\n`,
  );
  if (report.erased.length > 0 || report.tombstones > 0) {
    io.out(
      `  erased decisions ${n(report.erased.length)} (content destroyed by design; proofs intact) · tombstones ${n(report.tombstones)}\n`,
    );
    for (const id of report.erased.slice(0, 20)) io.out(`    erased ${id}\n`);
    if (report.erased.length > 20)
      io.out(`    … ${n(report.erased.length - 20)} more (see --json)\n`);
  }
  const errors = report.issues.filter((i) => i.severity !== 'warning');
  const warnings = report.issues.length - errors.length;
  for (const issue of report.issues.slice(0, 200)) io.out(`${formatIssue(issue)}\n`);
  if (report.issues.length > 200)
    io.out(`  … ${n(report.issues.length - 200)} more issues (see --json)\n`);
  io.out(
    report.ok
      ? `OK: the log verifies${warnings > 0 ? ` (${n(warnings)} warnings)` : ''}\n`
      : `FAILED: ${n(errors.length)} issues\n`,
  );
}

function verifyBundleFile(file: string, vkey: string, json: boolean, io: Io): number {
  const bundle = parseStrictJson(readFileSync(file, 'utf8'));
  const result = checkBundle(bundle, vkey);
  if (json) {
    io.out(`${JSON.stringify(result)}\n`);
  } else {
    io.out(`bundle ${file}\n`);
    if (result.index !== undefined) {
      io.out(
        `  log ${result.origin ?? '?'} · index ${n(result.index)} of ${n(result.treeSize ?? 0)} · leaf ${result.leafHash ?? '?'}\n`,
      );
    }
    io.out(
      `  disclosed fields verified: ${result.verifiedFields.length === 0 ? 'none' : result.verifiedFields.join(', ')}\n`,
    );
    if (!result.ok) for (const issue of result.issues) io.out(`${formatIssue(issue)}\n`);
    io.out(result.ok ? 'OK: the bundle verifies\n' : `FAILED: ${n(result.issues.length)} issues\n`);
  }
  return result.ok ? EXIT.ok : EXIT.issues;
}
