import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import {
  createComplianceReport,
  DEFAULT_TENANT,
  openLedger,
  REPORT_TYPES,
  tenantLogs,
  tenantOrigin,
  toReportHtml,
  toReportPdf,
} from '@docket/ledger';
import type { ComplianceReport, EvidenceLevel } from '@docket/ledger';
import { DocketError } from '@docket/protocol';
import { optional, parse, required } from '../args.js';
import { DATA_HELP, DATA_OPTIONS, dataDirOf, JSON_HELP, storeOf } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { createProgress, n } from '../output.js';
import { ApiClient } from '../remote/api-client.js';
import type { Io } from '../output.js';

const FORMATS = ['json', 'html', 'pdf'] as const;

/** `docket report`: a compliance report over a data directory's log. */
export const report: Command = {
  name: 'report',
  summary: 'write a compliance report (integrity, eu-ai-act-art12, explanation) with its evidence',
  help: `Usage: docket report TYPE [--data DIR | --url URL --api-key KEY] [--from T] [--to T] [--agent ID] [--subject ID]
                     [--evidence full|cited] [--format json|html|pdf] --out FILE

Types: ${REPORT_TYPES.join(', ')}.
  integrity         R15: checkpoint, the period's range of the signed tree, counts per type,
                    per-producer gaps and reported losses, clock skew (attached to every report)
  eu-ai-act-art12   R1: the 24-row Art. 12 / 19 / 26(6) log-conformity checklist
  explanation       R5: each decision about one person (--subject), written for them
                    (GDPR Art. 15(1)(h), 22(3); AI Act Art. 86)

The JSON is the source of truth: every claim names its records (id, leaf index, leaf hash) and
the report embeds the signed checkpoint and its evidence. With --evidence full (the default)
every entry of the period is included with only the fields the report reads, so every figure
is recomputable offline; cited carries only the cited records with inclusion proofs.
Check it offline: docket verify FILE --key VKEY. The report is recorded in the log (a
docket.compliance-report/v1 entry with the digest of its JSON) and in the access log.
"Nothing to report" (no records in the period, a subject with no decision) exits 2.

Options:
${DATA_HELP}
  --url URL       a running server instead of a data directory (POST /v1/reports, then
                  GET /v1/reports/{id}): an auditor or admin key
  --api-key KEY   API key for --url (default: $DOCKET_API_KEY)
  --ca-file FILE  PEM CA to trust for an https --url
  --from T        start of the period, inclusive (RFC 3339 or a date; server receive time)
  --to T          end of the period, exclusive
  --agent ID      only this agent's decisions
  --subject ID    the data subject (explanation)
  --evidence L    full (default) or cited
  --format F      json (default), html, or pdf (readable, with the JSON attached as
                  report.json: docket verify REPORT.pdf --key VKEY checks it)
  --purpose TEXT  why, for the access log (default: compliance report)
  --out FILE      where to write the report ('-' for stdout)
  --quiet         no progress on stderr
${JSON_HELP}`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...DATA_OPTIONS,
      from: { type: 'string' },
      to: { type: 'string' },
      agent: { type: 'string' },
      subject: { type: 'string' },
      evidence: { type: 'string' },
      format: { type: 'string' },
      purpose: { type: 'string' },
      out: { type: 'string' },
      quiet: { type: 'boolean' },
      url: { type: 'string' },
      'api-key': { type: 'string' },
      'ca-file': { type: 'string' },
    });
    const type = positionals[0];
    if (type === undefined || positionals.length > 1) {
      throw new DocketError('USAGE', `give one report type: ${REPORT_TYPES.join(', ')}`, {
        where: 'TYPE',
      });
    }
    const out = required(values, 'out');
    const format = optional(values, 'format') ?? 'json';
    if (!(FORMATS as readonly string[]).includes(format)) {
      throw new DocketError('USAGE', `--format is one of ${FORMATS.join(', ')}`, {
        where: '--format',
      });
    }
    if (format === 'pdf' && out === '-')
      throw new DocketError('USAGE', 'a PDF is written to a file: give --out FILE', {
        where: '--out',
      });
    const evidence = optional(values, 'evidence') ?? 'full';
    if (evidence !== 'full' && evidence !== 'cited') {
      throw new DocketError('USAGE', '--evidence is full or cited', { where: '--evidence' });
    }
    const json = values['json'] === true;
    const progress = createProgress(io, values['quiet'] === true || json || out === '-');
    const purpose = optional(values, 'purpose') ?? 'compliance report';
    const url = optional(values, 'url');
    const result = await (url === undefined ? localReport : remoteReport)(values, {
      type,
      from: optional(values, 'from'),
      to: optional(values, 'to'),
      agent: optional(values, 'agent'),
      subject: optional(values, 'subject'),
      evidence: evidence satisfies EvidenceLevel,
      purpose,
      onProgress: (read, total) => {
        progress.update(`report: read ${n(read)} of ${n(total)} entries`);
      },
    });
    progress.done();
    const text =
      format === 'pdf'
        ? await toReportPdf(result)
        : format === 'html'
          ? toReportHtml(result)
          : `${JSON.stringify(result, null, 1)}\n`;
    if (typeof text === 'string' && out === '-') io.out(text);
    else writeFileSync(out, text);
    if (json) {
      io.out(
        `${JSON.stringify({ ok: true, id: result.id, type: result.type, out, format, record: result.record ?? null })}\n`,
      );
    } else if (out !== '-') {
      printSummary(result, out, io);
    }
    return EXIT.ok;
  },
};

interface LocalRequest {
  readonly type: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
  readonly agent: string | undefined;
  readonly subject: string | undefined;
  readonly evidence: EvidenceLevel;
  readonly purpose: string;
  readonly onProgress: (read: number, total: number) => void;
}

/**
 * Asks a running server for the report: POST /v1/reports generates and records it (the server
 * appends the access-log entry), GET /v1/reports/{id} gives its JSON; HTML and PDF are rendered
 * here from that JSON, the same bytes the server would send.
 */
async function remoteReport(
  values: Record<string, string | boolean | undefined>,
  request: LocalRequest,
): Promise<ComplianceReport> {
  const client = new ApiClient({
    url: optional(values, 'url')!,
    apiKey: optional(values, 'api-key'),
    purpose: request.purpose,
    caFile: optional(values, 'ca-file'),
  });
  request.onProgress(0, 1);
  const created = await client.post<{ id: string }>('/v1/reports', {
    type: request.type,
    ...(request.from === undefined ? {} : { from: request.from }),
    ...(request.to === undefined ? {} : { to: request.to }),
    ...(request.agent === undefined ? {} : { agent: request.agent }),
    ...(request.subject === undefined ? {} : { subject: request.subject }),
    evidence: request.evidence,
  });
  const report = await client.json<ComplianceReport>(
    `/v1/reports/${encodeURIComponent(created.id)}`,
    request.subject === undefined ? {} : { subject: request.subject },
  );
  request.onProgress(1, 1);
  return report;
}

/** Generates the report on the data directory's default log and records it in its access log. */
async function localReport(
  values: Record<string, string | boolean | undefined>,
  request: LocalRequest,
): Promise<ComplianceReport> {
  const dir = dataDirOf(values);
  const actor = `cli:${userInfo().username}`;
  const ledger = await openLedger({ dataDir: dir, ...storeOf(values), create: false });
  let result: ComplianceReport;
  try {
    result = await createComplianceReport(ledger, request, {
      actor,
      purpose: request.purpose,
      onProgress: request.onProgress,
    });
  } finally {
    await ledger.close();
  }
  // The access log is a ledger of its own (created on first use, as the server does).
  const access = tenantLogs(dir, DEFAULT_TENANT).access;
  const accessLog = await openLedger({
    dataDir: access.dataDir,
    pgSchema: access.pgSchema,
    environmentLogKey: false,
    origin: tenantOrigin(result.log.origin, DEFAULT_TENANT, 'access'),
    ...storeOf(values),
  });
  try {
    await accessLog.appendAccess({
      actor,
      role: 'operator',
      action: 'report',
      target: result.id,
      purpose: request.purpose,
      count: result.evidence.range.end - result.evidence.range.start,
    });
  } finally {
    await accessLog.close();
  }
  return result;
}

function printSummary(result: ComplianceReport, out: string, io: Io): void {
  io.out(`${result.title}: ${out}\n`);
  for (const line of result.summary) io.out(`  ${line}\n`);
  io.out(
    `  evidence ${result.evidence.level} · entries ${n(result.evidence.range.start)}–${n(result.evidence.range.end - 1)} of ${n(result.evidence.treeSize)}\n`,
  );
  if (result.record !== undefined) {
    io.out(
      `  recorded as entry ${n(result.record.index)} (${result.record.id}), ${result.record.digest}\n`,
    );
  }
  io.out(`  check it: docket verify ${out} --key '${result.log.vkey}'\n`);
}
