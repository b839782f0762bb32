import { canonicalize } from '@docket/protocol';
import type { Issue } from '@docket/protocol';
import { checkEvidence } from './evidence.js';
import type { ComplianceReport } from './format.js';
import { COMPLIANCE_REPORT_FORMAT, REPORT_TYPES } from './format.js';
import { reportDigest } from './generate.js';
import type { ReportInput } from './population.js';
import { computeSections } from './sections.js';

/** What {@link checkComplianceReport} found. */
export interface ReportCheck {
  readonly ok: boolean;
  readonly issues: Issue[];
  readonly type?: string;
  readonly level?: string;
  /** Claims re-derived from the evidence and found equal. */
  readonly claimsRecomputed: number;
  /** Records cited by the claims, each found in the evidence under its proof. */
  readonly recordsChecked: number;
  /** Population entries in the evidence (full level: every leaf of the period). */
  readonly population: number;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const malformed = (message: string, where: string): Issue => ({
  code: 'REPORT_MALFORMED',
  message,
  where,
  severity: 'error',
});

/** The shape checks a report must pass before its evidence can be read. */
function checkShape(value: unknown): Issue | undefined {
  if (!isObject(value)) return malformed('a report is a JSON object', '$');
  if (value['format'] !== COMPLIANCE_REPORT_FORMAT)
    return malformed(`format must be ${COMPLIANCE_REPORT_FORMAT}`, '$.format');
  if (!(REPORT_TYPES as readonly unknown[]).includes(value['type']))
    return malformed('unknown report type', '$.type');
  const params = value['params'];
  if (!isObject(params) || params['type'] !== value['type'])
    return malformed('params.type must be the report type', '$.params');
  if (params['evidence'] !== 'full' && params['evidence'] !== 'cited')
    return malformed('params.evidence must be full or cited', '$.params.evidence');
  if (!Array.isArray(value['sections']))
    return malformed('sections must be an array', '$.sections');
  const evidence = value['evidence'];
  if (
    !isObject(evidence) ||
    evidence['level'] !== params['evidence'] ||
    !Array.isArray(evidence['leaves']) ||
    typeof evidence['checkpoint'] !== 'string' ||
    !isObject(evidence['range'])
  ) {
    return malformed('evidence must carry its level, checkpoint, range and leaves', '$.evidence');
  }
  if (typeof value['generatedAt'] !== 'string' || !isObject(value['log']))
    return malformed('generatedAt and log are required', '$');
  return undefined;
}

/**
 * Checks a compliance report offline with nothing but the file and the log's key: the evidence
 * (signature, range, inclusion and consistency proofs, disclosed fields), every record each claim
 * cites (in the evidence, same id and leaf hash), and, at the `full` level, every claim re-derived
 * from the evidence (`REPORT_CLAIM_MISMATCH` names the claim that differs). The `record` digest,
 * when present, must be that of the report.
 *
 * @example
 * const { ok, issues } = checkComplianceReport(JSON.parse(text), vkey);
 */
export function checkComplianceReport(value: unknown, vkey: string): ReportCheck {
  const shape = checkShape(value);
  if (shape !== undefined)
    return { ok: false, issues: [shape], claimsRecomputed: 0, recordsChecked: 0, population: 0 };
  const report = value as ComplianceReport;
  const { params, evidence } = report;
  const period = {
    ...(params.from === undefined ? {} : { from: params.from }),
    ...(params.to === undefined ? {} : { to: params.to }),
  };
  const checked = checkEvidence(evidence, vkey, period);
  const issues = [...checked.issues];
  const byIndex = new Map([...checked.members, ...checked.context].map((m) => [m.index, m]));
  let recordsChecked = 0;
  // Without a checkpoint the key opens, no record can be checked: that one issue says it all.
  for (const section of checked.checkpoint === undefined ? [] : report.sections) {
    for (const claim of section.claims) {
      for (const ref of claim.records) {
        const m = byIndex.get(ref.index);
        if (m === undefined || m.leafHash !== ref.leafHash || m.envelope.id !== ref.id) {
          issues.push({
            code: 'REPORT_RECORD_MISMATCH',
            message: `claim ${claim.id} cites record ${ref.id} (leaf ${ref.index}), which the evidence does not prove`,
            where: claim.id,
            severity: 'error',
          });
        } else recordsChecked++;
      }
    }
  }
  let claimsRecomputed = 0;
  if (
    evidence.level === 'full' &&
    checked.checkpoint !== undefined &&
    checked.issues.length === 0
  ) {
    const input: ReportInput = {
      params,
      members: checked.members,
      context: checked.context,
      treeSize: evidence.treeSize,
      range: evidence.range,
      origin: checked.checkpoint.origin,
      cosignatures: checked.cosignatures,
      generatedAt: report.generatedAt,
    };
    const expected = computeSections(input);
    const claimed = new Map(
      report.sections.flatMap((s) => s.claims.map((c) => [c.id, c] as const)),
    );
    const expectedIds = new Set<string>();
    for (const claim of expected.flatMap((s) => s.claims)) {
      expectedIds.add(claim.id);
      const got = claimed.get(claim.id);
      if (got === undefined) {
        issues.push({
          code: 'REPORT_CLAIM_MISMATCH',
          message: `claim ${claim.id} (${claim.title}) is missing from the report`,
          where: claim.id,
          severity: 'error',
        });
      } else if (canonicalize(got) !== canonicalize(claim)) {
        const what = (['status', 'value', 'finding', 'records', 'title'] as const).filter(
          (k) =>
            canonicalize((got[k] ?? null) as never) !== canonicalize((claim[k] ?? null) as never),
        );
        issues.push({
          code: 'REPORT_CLAIM_MISMATCH',
          message: `claim ${claim.id} (${claim.title}): its ${what.join(', ') || 'content'} differs from what the evidence gives`,
          where: claim.id,
          severity: 'error',
        });
      } else claimsRecomputed++;
    }
    for (const id of claimed.keys()) {
      if (!expectedIds.has(id))
        issues.push({
          code: 'REPORT_CLAIM_MISMATCH',
          message: `claim ${id} does not follow from the evidence`,
          where: id,
          severity: 'error',
        });
    }
  }
  if (report.record !== undefined && report.record.digest !== reportDigest(report)) {
    issues.push({
      code: 'REPORT_DIGEST_MISMATCH',
      message: `the report does not match the digest its log entry ${report.record.id} records`,
      where: '$.record.digest',
      severity: 'error',
    });
  }
  return {
    ok: issues.length === 0,
    issues,
    type: report.type,
    level: evidence.level,
    claimsRecomputed,
    recordsChecked,
    population: checked.members.length,
  };
}
