import { readFileSync } from 'node:fs';
import { bundleCheckpoint, checkBundle, checkWitnessPolicy } from '@docket/core';
import type { WitnessPolicy } from '@docket/core';
import { DocketError, parseStrictJson } from '@docket/protocol';
import type { Issue } from '@docket/protocol';
import { auditDataDir, DEFAULT_TENANT, describeLog, listTenantLogs } from '@docket/ledger';
import type { AuditReport, LogLocation } from '@docket/ledger';
import { optional, parse } from '../args.js';
import { DATA_HELP, DATA_OPTIONS, dataDirOf, JSON_HELP, storeOf } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { createProgress, formatIssue, n } from '../output.js';
import { isExportFile, verifyExportFile } from './verify-export.js';
import type { Io } from '../output.js';
import { ApiClient } from '../remote/api-client.js';
import { isComplianceReport, isPdfFile, verifyReport, verifyReportPdf } from './verify-report.js';
import { CA_FILE_HELP, CA_FILE_OPTION, caFileOf } from '../remote/tls.js';
import { auditRemote } from '../remote/remote-audit.js';
import {
  cosignedLatest,
  printWitnesses,
  readPolicy,
  withPolicyResult,
  withWitnessPolicy,
} from '../witness/verify-policy.js';
import type { WitnessReport } from '../witness/verify-policy.js';
import type { RemoteLogReport } from '../remote/remote-audit.js';

/** `docket verify`: full audit of every log of a data directory, or offline check of a bundle. */
export const verify: Command = {
  name: 'verify',
  summary: 'audit every log under --data DIR, or check an evidence bundle offline (FILE --key)',
  help: `Usage: docket verify [--data DIR] [--key VKEY] [--checkpoint FILE] [--no-content]
       docket verify --url URL [--api-key KEY] [--ca-file FILE] [--key VKEY] [--checkpoint FILE]
       docket verify BUNDLE.json --key VKEY [--json]
       docket verify EXPORT.jsonl --key VKEY [--json]
       docket verify BUNDLE.json --witness-policy FILE [--json]
       docket verify REPORT.json|REPORT.pdf --key VKEY [--json]

Full audit of every log under the data directory: the default tenant's decision log, each
tenant's decision log (DIR/tenants/NAME) and each access log (who read, exported or erased
what). For each it rebuilds every root from the stored leaves, checks every checkpoint's
signature and the consistency of consecutive checkpoints, finds missing, inserted, reordered or
changed entries, truncation and rollback, recomputes every commitment not erased, compares
every stored tree node, the tree state, the indexed columns and the search rows with what the
signed leaves give (docs/threat-model.md lists every table), and reports
gaps in each producer's sequence (as warnings) and lists the gaps that producer reports
explain, with the loss kind (crash, dropped, failed…; at most 1,000, then a count). With --pg, the same logs in PostgreSQL (one
schema each). The report has one section per log, naming its tenant and kind.
With --url: the same audit of the API key's tenant through a running server (an auditor or
admin key): every leaf and its content is downloaded (GET /v1/entries), the tree rebuilt, the
signed checkpoint checked with --key (else with the key the server announces, said so in the
report), every commitment recomputed, for the decision log and the access log. The download is
itself recorded in the tenant's access log.
With a BUNDLE file: checks the evidence bundle with nothing but the file and the key (the
options of a log audit, --checkpoint included, are refused: a bundle has no consistency proof).
With a bulk EXPORT made by docket export --select … --with-proofs: checks, line by line, the
signed checkpoint, every record's and event's inclusion and commitments, each final outcome and
the trailer's count (that each record is in the log unchanged; not that none was left out).
With --witness-policy FILE (docs/witnesses.md: log, witness, group and quorum lines, the format
of Sigsum's policy files): the checkpoint must be signed by a log the policy lists and carry
valid cosignatures of witnesses that meet its quorum (k of n), else WITNESS_QUORUM_MISSING naming
the quorum. For a bundle the log key comes from the policy (no --key needed); for a data
directory the default decision log's latest checkpoint is checked with the cosignatures kept in
DIR/cosignatures.db; with --url, the server's /v1/checkpoint as served (cosigned). No hand-kept
checkpoint is needed: a rolled-back, forked or re-signed log gets no cosignature from an honest
witness.
With a REPORT file (docket report): checks the evidence embedded in the compliance report and
re-derives every claim from it; each claim that differs is named. A report PDF is checked through
the JSON report attached to it (report.json).
Exit 0 when everything verifies, 1 when issues were found in any log.

Options:
${DATA_HELP}
  --key VKEY          the default decision log's verifier key to trust (pin it: by default an
                      audit takes each data directory's own log.vkey); required for a bundle
  --checkpoint FILE   a signed checkpoint of the default decision log saved earlier: the log
                      must extend it
  --no-content        skip decrypting content and recomputing commitments
  --witness-policy FILE
                      the log key and the witnesses (k of n) whose cosignatures the
                      checkpoint needs (docs/witnesses.md)
  --url URL           audit through a running server instead of a data directory
  --api-key KEY       API key for --url (default: $DOCKET_API_KEY)
${CA_FILE_HELP}
  --purpose TEXT      why, for the access log (X-Docket-Purpose; with --url)
  --quiet             no progress on stderr
${JSON_HELP}
                {ok, logs: [{tenant, kind, dataDir, ...report}]}; the default decision
                log's report fields stay at the top level too`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...DATA_OPTIONS,
      key: { type: 'string' },
      checkpoint: { type: 'string' },
      'no-content': { type: 'boolean' },
      quiet: { type: 'boolean' },
      url: { type: 'string' },
      'api-key': { type: 'string' },
      ...CA_FILE_OPTION,
      purpose: { type: 'string' },
      'witness-policy': { type: 'string' },
    });
    const json = values['json'] === true;
    const policy = readPolicy(optional(values, 'witness-policy'));
    const key = optional(values, 'key') ?? process.env['DOCKET_LOG_VKEY'];
    if (positionals.length > 1)
      throw new DocketError('USAGE', 'give at most one bundle file', { where: 'FILE' });
    const bundleFile = positionals[0];
    if (bundleFile !== undefined) {
      // A bundle holds one inclusion proof and its checkpoint, no consistency proof: a flag of
      // the log audit (--checkpoint F above all) can't be honoured, so it is refused.
      const logOnly = LOG_AUDIT_FLAGS.find((flag) => values[flag] !== undefined);
      if (logOnly !== undefined)
        throw new DocketError(
          'USAGE',
          `--${logOnly} does not apply to a bundle (a bundle carries no consistency proof); audit the log with --data or --url for that`,
          { where: `--${logOnly}` },
        );
      if (key === undefined && policy === undefined)
        throw new DocketError(
          'USAGE',
          'checking a bundle needs the log key: --key VKEY (or a --witness-policy naming it)',
          { where: '--key' },
        );
      // A report PDF carries its JSON report as an attachment: checked like the JSON.
      if (isPdfFile(bundleFile))
        return verifyReportPdf(bundleFile, key ?? policy?.logs[0] ?? '', json, io);
      if (isExportFile(bundleFile)) {
        if (key === undefined)
          throw new DocketError('USAGE', 'checking an export needs the log key: --key VKEY', {
            where: '--key',
          });
        return verifyExportFile(bundleFile, key, json, io, values['quiet'] === true);
      }
      return verifyBundleFile(bundleFile, key, json, io, policy);
    }
    const url = optional(values, 'url');
    if (url !== undefined) return verifyRemote(url, values, key, json, io, policy);
    const dir = dataDirOf(values);
    const checkpointFile = optional(values, 'checkpoint');
    const trustedCheckpoint =
      checkpointFile === undefined ? undefined : readFileSync(checkpointFile, 'utf8');
    const progress = createProgress(io, values['quiet'] === true || json);
    const results: LogResult[] = [];
    for (const location of listTenantLogs(dir)) {
      const main = isDefaultLog(location);
      const label = main ? '' : ` ${location.tenant} ${location.kind}`;
      const where = { tenant: location.tenant, kind: location.kind, dataDir: location.dataDir };
      try {
        const report = await auditDataDir(location.dataDir, {
          ...storeOf(values),
          pgSchema: location.pgSchema,
          // --key and --checkpoint are the default decision log's; the other logs have keys of
          // their own, read from their data directories.
          ...(main && key !== undefined ? { vkey: key } : {}),
          ...(main && trustedCheckpoint !== undefined ? { trustedCheckpoint } : {}),
          skipContent: values['no-content'] === true,
          onProgress: (checked, total) => {
            progress.update(`verify${label}: ${n(checked)} of ${n(total)} entries`);
          },
        });
        results.push({
          ...where,
          ...(main && policy !== undefined
            ? withWitnessPolicy(
                report,
                await cosignedLatest(
                  await describeLog(location.dataDir, storeOf(values).pgUrl, location.pgSchema),
                ),
                policy,
              )
            : report),
        });
      } catch (error) {
        // Without the default log there is nothing to verify (LEDGER_NOT_FOUND, exit 2, as
        // before); another log that can't be audited fails, and the rest are still checked.
        if (main || !(error instanceof DocketError)) throw error;
        results.push({ ...where, ok: false, issues: [error.toIssue()] });
      }
    }
    progress.done();
    const ok = results.every((r) => r.ok);
    if (json) {
      // The default decision log's report stays at the top level, as before there were tenants.
      const first = results[0];
      const top = first !== undefined && 'origin' in first ? withoutLocation(first) : {};
      io.out(`${JSON.stringify({ ...top, ok, logs: results })}\n`);
    } else {
      for (const result of results) printReport(result, io);
      if (results.length > 1) {
        const failed = results.filter((r) => !r.ok);
        io.out(
          failed.length === 0
            ? `OK: all ${n(results.length)} logs verify\n`
            : `FAILED: ${n(failed.length)} of ${n(results.length)} logs have issues: ${failed.map((r) => `${r.tenant} ${r.kind}`).join(', ')}\n`,
        );
      }
    }
    return ok ? EXIT.ok : EXIT.issues;
  },
};

/** Options of the log audit (--data, --url) that a bundle check can't honour. */
const LOG_AUDIT_FLAGS = [
  'checkpoint',
  'no-content',
  'url',
  'api-key',
  'ca-file',
  'purpose',
  ...Object.keys(DATA_OPTIONS),
] as const;

/** Where a log is: its tenant, which of the tenant's logs, its data directory. */
interface LogWhere {
  readonly tenant: string;
  readonly kind: LogLocation['kind'];
  readonly dataDir: string;
}

/** One log's audit, or why it could not be audited. */
type LogResult =
  (LogWhere & AuditReport) | (LogWhere & { readonly ok: false; readonly issues: Issue[] });

/** The default tenant's decision log: the one `--key` and `--checkpoint` are about. */
const isDefaultLog = (log: Pick<LogLocation, 'tenant' | 'kind'>): boolean =>
  log.tenant === DEFAULT_TENANT && log.kind === 'decisions';

const withoutLocation = ({
  tenant: _t,
  kind: _k,
  dataDir: _d,
  ...report
}: LogWhere & AuditReport) => report;

function printReport(result: LogResult, io: Io): void {
  const errors = result.issues.filter((i) => i.severity !== 'warning');
  const warnings = result.issues.length - errors.length;
  if (!('origin' in result)) {
    io.out(`log of tenant ${result.tenant} (${result.kind}) at ${result.dataDir}\n`);
    for (const issue of result.issues) io.out(`${formatIssue(issue)}\n`);
    io.out(`FAILED: the log could not be audited\n`);
    return;
  }
  const report = result;
  io.out(`log ${report.origin} at ${report.dataDir} (tenant ${report.tenant}, ${report.kind})\n`);
  io.out(
    `  entries ${n(report.entries)} · tree size ${n(report.treeSize)} · checkpoints ${n(report.checkpoints)} · commitments checked ${n(report.commitmentsChecked)} · ${n(report.durationMs)} ms\n`,
  );
  const pinHint = isDefaultLog(report)
    ? ' (from the data directory; pin it with --key)'
    : ' (from its data directory)';
  io.out(`  key ${report.vkey}${report.vkeySource === 'data-dir' ? pinHint : ''}\n`);
  if (report.erased.length > 0 || report.tombstones > 0) {
    io.out(
      `  erased decisions ${n(report.erased.length)} (content destroyed by design; proofs intact) · tombstones ${n(report.tombstones)}\n`,
    );
    for (const id of report.erased.slice(0, 20)) io.out(`    erased ${id}\n`);
    if (report.erased.length > 20)
      io.out(`    … ${n(report.erased.length - 20)} more (see --json)\n`);
  }
  printProducerSeqs(report, io);
  const { witnesses } = report as { witnesses?: WitnessReport };
  if (witnesses !== undefined) printWitnesses(witnesses, io);
  for (const issue of report.issues.slice(0, 200)) io.out(`${formatIssue(issue)}\n`);
  if (report.issues.length > 200)
    io.out(`  … ${n(report.issues.length - 200)} more issues (see --json)\n`);
  io.out(
    report.ok
      ? `OK: the log verifies${warnings > 0 ? ` (${n(warnings)} warnings)` : ''}\n`
      : `FAILED: ${n(errors.length)} issues\n`,
  );
}

async function verifyRemote(
  url: string,
  values: Record<string, string | boolean | undefined>,
  vkey: string | undefined,
  json: boolean,
  io: Io,
  policy: WitnessPolicy | undefined,
): Promise<number> {
  const client = new ApiClient({
    url,
    apiKey: optional(values, 'api-key'),
    caFile: caFileOf(values),
    purpose: optional(values, 'purpose') ?? 'docket verify --url',
  });
  const checkpointFile = optional(values, 'checkpoint');
  const progress = createProgress(io, values['quiet'] === true || json);
  let result = await auditRemote(client, {
    vkey,
    trustedCheckpoint:
      checkpointFile === undefined ? undefined : readFileSync(checkpointFile, 'utf8'),
    onProgress: (kind, done, total) => {
      progress.update(`verify ${kind}: ${n(done)} of ${n(total)} entries`);
    },
  });
  progress.done();
  if (policy !== undefined) {
    // The server's latest decision-log checkpoint, with the cosignatures it holds.
    const note = await client.text('/v1/checkpoint');
    result = {
      ...result,
      logs: result.logs.map((log) =>
        log.kind === 'decisions' ? withWitnessPolicy(log, note, policy) : log,
      ),
    };
    result = { ...result, ok: result.logs.every((log) => log.ok) };
  }
  if (json) {
    io.out(`${JSON.stringify({ ok: result.ok, url: client.url, logs: result.logs })}\n`);
  } else {
    for (const log of result.logs) printRemoteReport(client.url, log, io);
    io.out(result.ok ? 'OK: every log verifies\n' : 'FAILED: see the issues above\n');
  }
  return result.ok ? EXIT.ok : EXIT.issues;
}

function printRemoteReport(url: string, report: RemoteLogReport, io: Io): void {
  io.out(`log ${report.origin} at ${url} (tenant ${report.tenant}, ${report.kind})\n`);
  io.out(
    `  entries ${n(report.entries)} · tree size ${n(report.treeSize)} · commitments checked ${n(report.commitmentsChecked)} · erased ${n(report.erased)}\n`,
  );
  io.out(
    `  key ${report.vkey}${report.vkeySource === 'server' ? ' (as the server announced it; pin it with --key)' : ''}\n`,
  );
  printProducerSeqs(report, io);
  const { witnesses } = report as { witnesses?: WitnessReport };
  if (witnesses !== undefined) printWitnesses(witnesses, io);
  for (const issue of report.issues.slice(0, 200)) io.out(`${formatIssue(issue)}\n`);
  io.out(report.ok ? '  OK: the log verifies\n' : `  FAILED: ${n(report.issues.length)} issues\n`);
}

/** The producer reports of an audit and the gaps they explain (both `--data` and `--url`). */
function printProducerSeqs(
  report: Pick<
    AuditReport,
    'producerReports' | 'explainedSeqs' | 'explainedGaps' | 'explainedGapsNotListed'
  >,
  io: Io,
): void {
  if (report.producerReports === 0) return;
  io.out(
    `  producer reports ${n(report.producerReports)} · missing producer seqs they explain ${n(report.explainedSeqs)}\n`,
  );
  for (const gap of report.explainedGaps.slice(0, 200)) {
    const seqs = gap.from === gap.to ? `seq ${gap.from}` : `seqs ${gap.from}–${gap.to}`;
    const kinds = gap.kinds.length === 0 ? 'unstated' : gap.kinds.join(', ');
    io.out(`    explained gap: producer ${gap.producer} ${seqs} (${kinds})\n`);
  }
  const more = Math.max(0, report.explainedGaps.length - 200) + report.explainedGapsNotListed;
  if (more > 0) io.out(`    … ${n(more)} more explained gaps (see --json)\n`);
}

function verifyBundleFile(
  file: string,
  key: string | undefined,
  json: boolean,
  io: Io,
  policy: WitnessPolicy | undefined,
): number {
  const bundle = parseStrictJson(readFileSync(file, 'utf8'));
  const note = bundleCheckpoint(bundle);
  const witnessed =
    policy === undefined || note === undefined ? undefined : checkWitnessPolicy(policy, note);
  // Without --key, the policy's log that signed the checkpoint (else its first: the check fails).
  const vkey = key ?? witnessed?.logVkey ?? policy?.logs[0] ?? '';
  // A compliance report (docket report) carries its own evidence: checked claim by claim.
  if (isComplianceReport(bundle)) return verifyReport(file, bundle, vkey, json, io);
  const checked = checkBundle(bundle, vkey);
  const result = withPolicyResult(checked, witnessed);
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
    if (result.erased === true)
      io.out('  erased: the subject was erased (a signed tombstone in the same tree proves it)\n');
    if (result.witnesses !== undefined) printWitnesses(result.witnesses, io);
    if (!result.ok) for (const issue of result.issues) io.out(`${formatIssue(issue)}\n`);
    io.out(result.ok ? 'OK: the bundle verifies\n' : `FAILED: ${n(result.issues.length)} issues\n`);
  }
  return result.ok ? EXIT.ok : EXIT.issues;
}
