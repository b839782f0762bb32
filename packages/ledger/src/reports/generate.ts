import { createHash } from 'node:crypto';
import { ENTRY_TYPES, hashLeaf, parseNote } from '@docket/core';
import { canonicalize, createUuidV7 } from '@docket/protocol';
import type { JsonValue, LeafEnvelope } from '@docket/protocol';
import { LedgerError } from '../errors.js';
import type { Ledger } from '../ledger.js';
import type {
  ComplianceReport,
  DisclosedValue,
  EvidenceLeaf,
  EvidenceLevel,
  ReportEvidence,
  ReportParams,
  ReportType,
} from './format.js';
import { COMPLIANCE_REPORT_FORMAT, REPORT_TYPES } from './format.js';
import { disclosedFields, timeOf } from './population.js';
import type { Member, ReportInput } from './population.js';
import { computeSections, summarize } from './sections.js';

/** What to report on: the CLI's and the API's parameters. */
export interface ReportRequest {
  readonly type: string;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly agent?: string | undefined;
  /** The data subject's own id (`explanation`). */
  readonly subject?: string | undefined;
  readonly evidence?: EvidenceLevel | undefined;
}

/** Options of {@link createComplianceReport}. */
export interface ReportOptions {
  /** Who asked and why: recorded with the report's entry. */
  readonly actor?: string;
  readonly purpose?: string;
  /** Append the report's record to the log (default true). */
  readonly record?: boolean;
  /** Called as entries are read: `(read, total)`. */
  readonly onProgress?: (read: number, total: number) => void;
  /**
   * Regenerate a recorded report (see {@link readRecordedReport}): its id, time, tree size and
   * checkpoint instead of fresh ones; nothing is appended.
   */
  readonly pinned?: PinnedReport;
}

/** What fixes a recorded report's bytes besides its parameters (kept in its log entry). */
export interface PinnedReport {
  readonly id: string;
  readonly generatedAt: string;
  readonly treeSize: number;
  readonly checkpoint: string;
}

const GENERATOR = 'docket 0.1.0';
const BATCH = 2000;

const isReportType = (t: string): t is ReportType =>
  (REPORT_TYPES as readonly string[]).includes(t);

function instant(value: string | undefined, where: string): string | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new LedgerError(
      'REPORT_PARAMS_INVALID',
      `${where} "${value}" is not a date or time (RFC 3339)`,
      { where },
    );
  }
  return new Date(ms).toISOString();
}

/** Checks a request and resolves it into the report's parameters (times as UTC RFC 3339). */
function resolveParams(ledger: Ledger, request: ReportRequest): ReportParams {
  if (!isReportType(request.type)) {
    throw new LedgerError(
      'REPORT_TYPE_UNKNOWN',
      `no report type "${request.type}"; types: ${REPORT_TYPES.join(', ')}`,
      { where: 'type' },
    );
  }
  const from = instant(request.from, 'from');
  const to = instant(request.to, 'to');
  if (from !== undefined && to !== undefined && from >= to) {
    throw new LedgerError(
      'REPORT_PARAMS_INVALID',
      `the period is empty: from ${from} is not before to ${to}`,
      { where: 'from' },
    );
  }
  let subjectRef: string | undefined;
  if (request.type === 'explanation') {
    if (request.subject === undefined || request.subject === '') {
      throw new LedgerError(
        'REPORT_PARAMS_INVALID',
        'an explanation report is about one data subject: give the subject',
        { where: 'subject' },
      );
    }
    subjectRef = ledger.subjectRef(request.subject);
  }
  return {
    type: request.type,
    ...(from === undefined ? {} : { from }),
    ...(to === undefined ? {} : { to }),
    ...(request.agent === undefined || request.agent === '' ? {} : { agent: request.agent }),
    ...(subjectRef === undefined ? {} : { subjectRef }),
    evidence: request.evidence ?? 'full',
  };
}

interface Read {
  readonly member: Member;
  readonly leaf: EvidenceLeaf;
}

/** Reads one entry as the report sees it: the fields it reads disclosed (or erased). */
function readEntry(
  params: ReportParams,
  leafBytes: Uint8Array,
  envelope: LeafEnvelope,
  fields: Record<string, JsonValue> | null,
  salts: Record<string, string> | null,
): Read {
  const leafHash = hashLeaf(leafBytes).toString('base64');
  const names = disclosedFields(params, envelope);
  if (fields === null || salts === null) {
    const erased = names.length > 0 || Object.keys(envelope.commitments).length > 0;
    return {
      member: { index: envelope.index, leafHash, envelope, fields: null },
      leaf: erased ? { envelope, erased: true } : { envelope },
    };
  }
  const disclosed: Record<string, DisclosedValue> = {};
  const picked: Record<string, JsonValue> = {};
  for (const name of names) {
    picked[name] = fields[name] ?? null;
    disclosed[name] = { value: fields[name] ?? null, salt: salts[name] ?? '' };
  }
  return {
    member: { index: envelope.index, leafHash, envelope, fields: picked },
    leaf: names.length === 0 ? { envelope } : { envelope, disclosed },
  };
}

/**
 * The `sha256:<hex>` digest of a report without its `record`: what its log entry records.
 *
 * @example
 * reportDigest(report) === report.record?.digest;
 */
export function reportDigest(report: ComplianceReport): string {
  const { record: _record, ...rest } = report;
  return `sha256:${createHash('sha256').update(canonicalize(rest), 'utf8').digest('hex')}`;
}

/**
 * Generates a compliance report over a log (JSON, the source of truth): reads every entry up to
 * the latest checkpoint, places the period by receive time, computes the sections, and embeds
 * the evidence (`full`: every leaf of the period with the fields read; `cited`: cited leaves with
 * inclusion proofs). Unless `record: false`, appends the report's record to the log and states
 * it in `record`. `REPORT_TYPE_UNKNOWN`, `REPORT_PARAMS_INVALID`, `REPORT_NOTHING`.
 *
 * @example
 * const report = await createComplianceReport(ledger, { type: 'integrity', from: '2026-01-01' });
 */
export async function createComplianceReport(
  ledger: Ledger,
  request: ReportRequest,
  options: ReportOptions = {},
): Promise<ComplianceReport> {
  const params = resolveParams(ledger, request);
  const pinned = options.pinned;
  const info =
    pinned === undefined
      ? await ledger.info()
      : { size: pinned.treeSize, checkpoint: pinned.checkpoint };
  const treeSize = info.size;
  if (treeSize === 0)
    throw new LedgerError('REPORT_NOTHING', 'nothing to report: the log is empty');
  const inPeriodStart = (t: string): boolean => params.from === undefined || t >= params.from;
  const beforeEnd = (t: string): boolean => params.to === undefined || t < params.to;
  let start = -1;
  let end = treeSize;
  const range: Read[] = [];
  const context = new Map<number, Read>();
  let previous: Read | undefined;
  for (let at = 0; at < treeSize && end === treeSize;) {
    const batch = await ledger.entries(at, Math.min(BATCH, treeSize - at));
    if (batch.length === 0) break;
    for (const { leaf, entry } of batch) {
      if (entry.index >= treeSize) break;
      const read = readEntry(params, leaf, entry.envelope, entry.fields, entry.salts);
      const t = timeOf(entry.envelope);
      if (start < 0 && inPeriodStart(t)) {
        start = entry.index;
        if (previous !== undefined) context.set(previous.member.index, previous);
      }
      if (start >= 0 && !beforeEnd(t)) {
        end = entry.index;
        context.set(entry.index, read);
        break;
      }
      if (start >= 0) range.push(read);
      else if (entry.index === 0 || entry.envelope.type === ENTRY_TYPES.change)
        context.set(entry.index, read);
      previous = read;
    }
    at = batch.at(-1)!.entry.index + 1;
    options.onProgress?.(Math.min(at, treeSize), treeSize);
  }
  if (start < 0 || start >= end) {
    throw new LedgerError(
      'REPORT_NOTHING',
      `nothing to report: no records in the period${params.from === undefined ? '' : ` from ${params.from}`}${params.to === undefined ? '' : ` to ${params.to}`}`,
      { where: 'from' },
    );
  }
  const members = range.map((r) => r.member);
  if (
    params.subjectRef !== undefined &&
    !members.some(
      (m) => m.envelope.subject === params.subjectRef && m.envelope.type === ENTRY_TYPES.decision,
    )
  ) {
    throw new LedgerError(
      'REPORT_NOTHING',
      `nothing to report: subject ${request.subject ?? ''} has no decision in the period`,
      { where: 'subject' },
    );
  }
  const contextReads = [...context.values()].sort((a, b) => a.member.index - b.member.index);
  const generatedAt = pinned?.generatedAt ?? new Date().toISOString();
  const input: ReportInput = {
    params,
    members,
    context: contextReads.map((r) => r.member),
    treeSize,
    range: { start, end },
    origin: ledger.origin,
    cosignatures: parseNote(info.checkpoint).signatures.length - 1,
    generatedAt,
  };
  const sections = computeSections(input);
  const evidence = await buildEvidence(
    ledger,
    params.evidence,
    info.checkpoint,
    treeSize,
    { start, end },
    range,
    contextReads,
    sections,
  );
  const id = pinned?.id ?? createUuidV7();
  const report: ComplianceReport = {
    format: COMPLIANCE_REPORT_FORMAT,
    id,
    type: params.type,
    title: sections[0]!.title,
    params,
    generatedAt,
    generator: GENERATOR,
    log: { origin: ledger.origin, vkey: ledger.vkey },
    ...(request.subject === undefined || params.type !== 'explanation'
      ? {}
      : { subjectId: request.subject }),
    summary: summarize(sections),
    scopeBoundary: SCOPE_BOUNDARY,
    sections,
    verifyCommand: `docket verify REPORT.json --key '${ledger.vkey}'`,
    evidence,
  };
  if (options.record === false || pinned !== undefined) return report;
  const digest = reportDigest(report);
  const recorded = await ledger.appendComplianceReport({
    id,
    ts: generatedAt,
    fields: {
      reportType: params.type,
      params: params as unknown as JsonValue,
      digest,
      // With the parameters, these fix the report's bytes: GET /v1/reports/{id} regenerates it.
      treeSize,
      checkpoint: info.checkpoint,
      ...(options.actor === undefined ? {} : { actor: options.actor }),
      ...(options.purpose === undefined ? {} : { purpose: options.purpose }),
    },
  });
  return { ...report, record: { id, index: recorded.index, digest } };
}

const SCOPE_BOUNDARY = [
  'This report shows what the decision log records. It does not show the organisation’s risk management, its declaration of conformity, its logging specification or its policies: rows marked “customer document required” need those documents.',
  'Rows marked “not evidenced” concern facts Docket does not record (yet); they are never filled in automatically.',
  'A subject is named in the log only by a keyed pseudonym; the link from a person to that pseudonym is the log operator’s statement.',
];

async function buildEvidence(
  ledger: Ledger,
  level: EvidenceLevel,
  checkpoint: string,
  treeSize: number,
  range: { start: number; end: number },
  reads: readonly Read[],
  context: readonly Read[],
  sections: ReturnType<typeof computeSections>,
): Promise<ReportEvidence> {
  const withProof = async (r: Read): Promise<EvidenceLeaf> => ({
    ...r.leaf,
    proof: (await ledger.inclusionProof(r.member.envelope.id, treeSize)).hashes,
  });
  const outside: EvidenceLeaf[] = [];
  for (const r of context) outside.push(await withProof(r));
  if (level === 'full') {
    const first = reads[0]!.member;
    return {
      level,
      checkpoint,
      treeSize,
      range,
      startProof:
        range.start === 0 ? [] : (await ledger.inclusionProof(first.envelope.id, treeSize)).hashes,
      consistency: range.end === treeSize ? [] : await ledger.consistencyProof(range.end, treeSize),
      leaves: [...reads.map((r) => r.leaf), ...outside],
    };
  }
  const cited = new Set(
    sections.flatMap((s) => s.claims.flatMap((c) => c.records.map((r) => r.index))),
  );
  const leaves: EvidenceLeaf[] = [];
  for (const r of reads) if (cited.has(r.member.index)) leaves.push(await withProof(r));
  return {
    level,
    checkpoint,
    treeSize,
    range,
    startProof: [],
    consistency: [],
    leaves: [...leaves, ...outside],
  };
}

/** A report's log entry as {@link readRecordedReport} reads it. */
interface RecordedFields {
  readonly reportType: string;
  readonly params: ReportParams;
  readonly digest: string;
  readonly treeSize: number;
  readonly checkpoint: string;
}

function recordedFields(fields: Record<string, JsonValue> | null): RecordedFields | undefined {
  const f = fields as Partial<Record<keyof RecordedFields, unknown>> | null;
  if (
    f === null ||
    typeof f.reportType !== 'string' ||
    typeof f.params !== 'object' ||
    f.params === null ||
    typeof f.digest !== 'string' ||
    typeof f.treeSize !== 'number' ||
    typeof f.checkpoint !== 'string'
  )
    return undefined;
  return f as RecordedFields;
}

/**
 * A recorded report, regenerated from its log entry (type, parameters, tree size, checkpoint) and
 * checked against the digest the entry records: reports are not stored, so erasure and purge
 * reach them too. `REPORT_NOT_FOUND` (no report with this id), `REPORT_PARAMS_INVALID` (an
 * explanation report needs its subject's id again: the log keeps only the pseudonym),
 * `REPORT_GONE` (records it read were erased or purged since, or it was recorded before reports
 * could be regenerated: generate a new one).
 *
 * @example
 * const report = await readRecordedReport(ledger, id);
 */
export async function readRecordedReport(
  ledger: Ledger,
  id: string,
  subject?: string,
): Promise<ComplianceReport> {
  let entry;
  try {
    entry = await ledger.read(id);
  } catch (cause) {
    if (cause instanceof LedgerError && cause.code === 'DECISION_NOT_FOUND')
      throw new LedgerError('REPORT_NOT_FOUND', `no report ${id}`, { where: 'id', cause });
    throw cause;
  }
  if (entry.envelope.type !== ENTRY_TYPES.complianceReport)
    throw new LedgerError('REPORT_NOT_FOUND', `no report ${id}`, { where: 'id' });
  const f = recordedFields(entry.fields);
  if (f === undefined) {
    throw new LedgerError(
      'REPORT_GONE',
      `report ${id} was recorded without its tree size and checkpoint: generate a new one`,
      { where: 'id' },
    );
  }
  const p = f.params;
  if (
    p.subjectRef !== undefined &&
    (subject === undefined || ledger.subjectRef(subject) !== p.subjectRef)
  ) {
    throw new LedgerError(
      'REPORT_PARAMS_INVALID',
      `report ${id} is about one data subject, whom the log names only by pseudonym: give that subject's id`,
      { where: 'subject' },
    );
  }
  let report: ComplianceReport;
  try {
    report = await createComplianceReport(
      ledger,
      { type: p.type, from: p.from, to: p.to, agent: p.agent, subject, evidence: p.evidence },
      {
        pinned: {
          id,
          generatedAt: entry.envelope.ts,
          treeSize: f.treeSize,
          checkpoint: f.checkpoint,
        },
      },
    );
  } catch (cause) {
    if (!(cause instanceof LedgerError) || cause.code !== 'REPORT_NOTHING') throw cause;
    throw new LedgerError(
      'REPORT_GONE',
      `report ${id} can no longer be regenerated: ${cause.message}`,
      {
        where: 'id',
        cause,
      },
    );
  }
  if (reportDigest(report) !== f.digest) {
    throw new LedgerError(
      'REPORT_GONE',
      `report ${id} can no longer be regenerated as recorded: records it read were erased or purged since; generate a new one`,
      { where: 'id' },
    );
  }
  return { ...report, record: { id, index: entry.envelope.index, digest: f.digest } };
}
