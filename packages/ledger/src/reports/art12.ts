import { ENTRY_TYPES } from '@docket/core';
import type { JsonValue } from '@docket/protocol';
import type { Claim, ClaimStatus, RecordRef, ReportSection } from './format.js';
import { producerFigures, skewFigures } from './integrity.js';
import { asArray, asObject, cite, inScope, objectField, ofType, stringAt } from './population.js';
import type { Member, ReportInput } from './population.js';

/** EU AI Act Art. 19(1) / 26(6): logs kept at least six months. */
const MIN_RETENTION_DAYS = 183;

const n = (x: number): string => x.toLocaleString('en-US');

interface Row {
  readonly source: string;
  readonly title: string;
  readonly status: ClaimStatus;
  readonly finding: string;
  readonly value: JsonValue;
  readonly records: readonly RecordRef[];
}

/** A row over decisions lacking something: pass when none lacks it. */
function coverage(
  decisions: readonly Member[],
  lacking: readonly Member[],
  what: string,
): Pick<Row, 'status' | 'finding' | 'value' | 'records'> {
  const readable = decisions.filter((m) => m.fields !== null).length;
  return {
    status: decisions.length === 0 ? 'not-applicable' : lacking.length === 0 ? 'pass' : 'gap',
    finding:
      decisions.length === 0
        ? 'No decisions in the period.'
        : lacking.length === 0
          ? `All ${n(readable)} readable decisions record ${what}.`
          : `${n(lacking.length)} of ${n(readable)} readable decisions do not record ${what}.`,
    value: {
      decisions: decisions.length,
      readable,
      erased: decisions.length - readable,
      lacking: lacking.length,
    },
    records: cite(lacking.length > 0 ? lacking : decisions),
  };
}

const versionKey = (agent: string, version: string): string => `${agent}@${version}`;

/**
 * R1, the EU AI Act Art. 12 / 19 / 26(6) log-conformity checklist (wave2-anchors §1.4), row by
 * row: pass, gap, not applicable, "customer document required" or not evidenced by the log,
 * each with the records behind it.
 *
 * @example
 * const section = art12Section(input);
 */
export function art12Section(input: ReportInput): ReportSection {
  const members = inScope(input.params, input.members);
  const decisions = ofType(members, ENTRY_TYPES.decision);
  const readable = decisions.filter((m) => m.fields !== null);
  const events = ofType(members, ENTRY_TYPES.event);
  const overrides = events.filter((m) => stringAt(m, 'kind') === 'override');
  const withHuman = readable.filter((m) => objectField(m, 'human') !== undefined);
  const changes = [
    ...ofType(input.context, ENTRY_TYPES.change),
    ...ofType(members, ENTRY_TYPES.change),
  ];
  const rows: Row[] = [];
  const all = cite(members);

  const noProducer = decisions.filter((m) => m.envelope.producer === undefined);
  const { producers, reports, gapNeighbours } = producerFigures(members);
  rows.push({
    source: 'Art. 12(1); ISO/IEC DIS 24970 cl. 5',
    title: 'Logging is automatic over the lifetime, not opt-in per call',
    ...coverage(decisions, noProducer, 'a producer sequence number (captured by an SDK)'),
    value: {
      producers: producers.map((p) => ({
        producer: p.producer,
        firstSeq: p.firstSeq,
        lastSeq: p.lastSeq,
        records: p.records,
      })),
      withoutProducer: noProducer.length,
    },
  });
  rows.push({
    source: 'ISO/IEC DIS 24970 cl. 5–6; Art. 13(3)(f)',
    title: 'A declared logging specification exists and is versioned',
    status: 'customer-document-required',
    finding: `Every decision is a docket.decision/v1 record (Docket’s published schema). The deployer’s own logging specification is a customer document.`,
    value: { schema: ENTRY_TYPES.decision, decisions: decisions.length },
    records: cite(decisions),
  });
  const byType: Record<string, number> = {};
  for (const m of members) byType[m.envelope.type] = (byType[m.envelope.type] ?? 0) + 1;
  const declared = new Set<string>(Object.values(ENTRY_TYPES));
  const undeclared = Object.keys(byType)
    .filter((t) => !declared.has(t))
    .sort();
  rows.push({
    source: 'ISO/IEC DIS 24970 cl. 7–8; ISO 27001 A.12.4.2',
    title: 'Observed event types match the declared types',
    status: undeclared.length === 0 ? 'pass' : 'gap',
    finding:
      undeclared.length === 0
        ? `Every entry is of a declared type (${Object.keys(byType).length} types observed).`
        : `Undeclared types: ${undeclared.join(', ')}.`,
    value: { observed: Object.fromEntries(Object.entries(byType).sort()), undeclared },
    records: all,
  });
  const risk = [...overrides, ...withHuman];
  rows.push({
    source: 'Art. 12(2)(a); Art. 79(1)',
    title: 'Risk-relevant events are logged (overrides, human reviews)',
    status: decisions.length === 0 ? 'not-applicable' : risk.length > 0 ? 'pass' : 'gap',
    finding: `${n(overrides.length)} overrides and ${n(withHuman.length)} decisions with a human review are recorded, each linked to its decision. Drift alerts and stop events are not yet recorded by Docket.`,
    value: { overrides: overrides.length, humanReviews: withHuman.length },
    records: cite(risk),
  });
  rows.push({
    source: 'Art. 12(2)(b); Art. 72',
    title: 'Post-market-monitoring events are logged',
    status: 'not-evidenced',
    finding:
      'Drift and performance records per version are not entries of this log yet; see the drift report.',
    value: null,
    records: cite(decisions),
  });
  rows.push({
    source: 'Art. 12(2)(c); Art. 26(5)',
    title: 'Deployer monitoring is possible',
    status: 'not-evidenced',
    finding:
      'Reads by deployer keys are in the tenant’s access log, not in this decision log; see the access report (R11).',
    value: null,
    records: all,
  });
  const skew = skewFigures(decisions);
  rows.push({
    source: 'Art. 12(3)(a)',
    title: 'Each entry has a timestamp; clock skew against the server’s receive time is bounded',
    status: decisions.length === 0 ? 'not-applicable' : skew.over.length === 0 ? 'pass' : 'gap',
    finding: `Every decision carries its time (the envelope requires it); ${n(skew.over.length)} differ from the server’s receive time by more than five minutes.`,
    value: skew.value,
    records: cite(skew.over.length > 0 ? skew.over : skew.worst),
  });
  const noVersions = readable.filter(
    (m) =>
      stringAt(m, 'model', 'version') === undefined ||
      stringAt(m, 'prompt', 'hash') === undefined ||
      stringAt(m, 'policy', 'version') === undefined,
  );
  rows.push({
    source: 'ISO/IEC DIS 24970 cl. 6',
    title: 'Model, prompt and policy versions are recorded',
    ...coverage(decisions, noVersions, 'model.version, prompt.hash and policy.version'),
  });
  const noInput = decisions.filter((m) => {
    if (Object.hasOwn(m.envelope.commitments, 'context')) return false;
    const inputs = asArray(objectField(m, 'lineage')?.['inputs']) ?? [];
    return !inputs.some((x) => typeof asObject(x)?.['digest'] === 'string');
  });
  rows.push({
    source: 'Art. 12(3)(c) analogue',
    title: 'Input identifier or digest is recorded',
    ...coverage(decisions, noInput, 'a commitment to their input (context) or an input digest'),
  });
  const noOutcome = readable.filter((m) => objectField(m, 'outcome') === undefined);
  rows.push({
    source: 'AIG-020',
    title: 'Output, outcome and confidence are recorded',
    ...coverage(decisions, noOutcome, 'an outcome'),
  });
  const anonymous = [
    ...overrides.filter((m) => stringAt(m, 'actor') === undefined),
    ...withHuman.filter((m) => stringAt(m, 'human', 'actor') === undefined),
  ];
  rows.push({
    source: 'Art. 12(3)(d); Art. 14(5)',
    title: 'Human oversight identity is recorded',
    status: risk.length === 0 ? 'not-applicable' : anonymous.length === 0 ? 'pass' : 'gap',
    finding:
      risk.length === 0
        ? 'No human review or override in the period.'
        : anonymous.length === 0
          ? `Every one of ${n(risk.length)} reviews and overrides names its reviewer.`
          : `${n(anonymous.length)} reviews or overrides name no reviewer.`,
    value: {
      reviews: risk.length,
      anonymous: anonymous.length,
      reviewers: [
        ...new Set(
          risk.map((m) => stringAt(m, 'actor') ?? stringAt(m, 'human', 'actor') ?? ''),
        ).values(),
      ]
        .filter((a) => a !== '')
        .sort(),
    },
    records: cite(anonymous.length > 0 ? anonymous : risk),
  });
  const approved = new Set(
    changes
      .filter((c) => stringAt(c, 'approver') !== undefined)
      .map((c) =>
        versionKey(stringAt(c, 'agent', 'id') ?? '', stringAt(c, 'agent', 'version') ?? ''),
      ),
  );
  const orphans = readable.filter(
    (m) =>
      !approved.has(
        versionKey(stringAt(m, 'agent', 'id') ?? '', stringAt(m, 'agent', 'version') ?? ''),
      ),
  );
  const orphanVersions = [
    ...new Set(
      orphans.map((m) =>
        versionKey(stringAt(m, 'agent', 'id') ?? '', stringAt(m, 'agent', 'version') ?? ''),
      ),
    ),
  ].sort();
  rows.push({
    source: 'ISO/IEC DIS 24970 cl. 6; SOC 2 CC8.1',
    title: 'Each decision’s agent version resolves to an approved change record',
    status: readable.length === 0 ? 'not-applicable' : orphans.length === 0 ? 'pass' : 'gap',
    finding:
      orphans.length === 0
        ? `Every agent version in the period has an approved change record (${n(approved.size)} approved versions).`
        : `${n(orphans.length)} decisions run an agent version with no approved change record: ${orphanVersions.join(', ')}.`,
    value: {
      approvedVersions: [...approved].sort(),
      orphanDecisions: orphans.length,
      orphanVersions,
    },
    records: cite(orphans.length > 0 ? orphans : changes),
  });
  const ids = new Set(decisions.map((m) => m.envelope.id));
  const linked = readable.filter(
    (m) => stringAt(m, 'correlation', 'parentDecisionId') !== undefined,
  );
  const broken = linked.filter((m) => !ids.has(stringAt(m, 'correlation', 'parentDecisionId')!));
  rows.push({
    source: 'ISO 42001 A.6.2.8',
    title: 'Multi-step sequences are linked',
    status: linked.length === 0 ? 'not-applicable' : broken.length === 0 ? 'pass' : 'gap',
    finding:
      linked.length === 0
        ? 'No decision names a parent decision.'
        : `${n(broken.length)} of ${n(linked.length)} parent links point outside the period’s decisions.`,
    value: { linked: linked.length, broken: broken.length },
    records: cite(broken.length > 0 ? broken : linked),
  });
  rows.push({
    source: 'ISO 27001 A.12.4.2 / A.8.15',
    title: 'Integrity: no record changed after the fact',
    status: 'pass',
    finding:
      input.params.evidence === 'full'
        ? `The evidence proves the period’s ${n(input.range.end - input.range.start)} entries are leaves ${n(input.range.start)}–${n(input.range.end - 1)} of the signed tree of ${n(input.treeSize)}; every disclosed field opens its commitment.`
        : `Every cited record carries an inclusion proof to the signed tree of ${n(input.treeSize)}; the period’s other entries are not in this (cited) evidence.`,
    value: { start: input.range.start, end: input.range.end, treeSize: input.treeSize },
    records: all,
  });
  rows.push({
    source: 'Witness practice (C2SP tlog-witness)',
    title: 'No split view was presented to the auditor',
    status: input.cosignatures > 0 ? 'pass' : 'gap',
    finding:
      input.cosignatures > 0
        ? `The checkpoint carries ${n(input.cosignatures)} witness cosignatures.`
        : 'The checkpoint carries no witness cosignature.',
    value: { cosignatures: input.cosignatures },
    records: all,
  });
  rows.push({
    source: 'RFC 3161 practice',
    title: 'Time is anchored externally',
    status: 'not-evidenced',
    finding: 'Docket does not yet obtain RFC 3161 timestamps over checkpoints.',
    value: null,
    records: all,
  });
  const unexplained = producers.reduce(
    (s, p) => s + p.unexplained.reduce((t, [a, b]) => t + b - a + 1, 0),
    0,
  );
  rows.push({
    source: 'SOC 2 IPE',
    title: 'Completeness: no silent loss',
    status: unexplained === 0 ? 'pass' : 'gap',
    finding:
      unexplained === 0
        ? 'Every producer’s sequence is gap-free or each gap is covered by a signed producer report.'
        : `${n(unexplained)} missing sequence numbers are not covered by a producer report.`,
    value: { unexplained, explained: producers.reduce((s, p) => s + p.explained, 0) },
    records: cite([...reports, ...gapNeighbours]),
  });
  rows.push({
    source: 'ISO 27001 A.12.4.2',
    title: 'Changes to the logging configuration itself are logged',
    status: 'not-evidenced',
    finding: 'Redaction, sampling and capture settings of the SDK are not recorded as entries yet.',
    value: null,
    records: all,
  });
  const oldest =
    input.context.find((m) => m.index === 0) ?? input.members.find((m) => m.index === 0);
  const purges = ofType(members, ENTRY_TYPES.purge);
  const ageDays =
    oldest === undefined
      ? null
      : Math.floor((Date.parse(input.generatedAt) - Date.parse(oldest.envelope.ts)) / 86_400_000);
  rows.push({
    source: 'Art. 19(1); Art. 26(6)',
    title: 'Retention is at least six months',
    status: ageDays === null ? 'gap' : 'pass',
    finding:
      ageDays === null
        ? 'The oldest record is not in the evidence.'
        : ageDays >= MIN_RETENTION_DAYS
          ? `The oldest record (${oldest!.envelope.ts}) is ${n(ageDays)} days old: at least six months are kept. ${n(purges.length)} purge receipts in the period.`
          : `The log is ${n(ageDays)} days old, younger than the six-month minimum: nothing can have been removed early. ${n(purges.length)} purge receipts in the period.`,
    value: {
      oldest: oldest?.envelope.ts ?? null,
      ageDays,
      minimumDays: MIN_RETENTION_DAYS,
      purgeReceipts: purges.length,
    },
    records: cite([...(oldest === undefined ? [] : [oldest]), ...purges]),
  });
  rows.push({
    source: 'GDPR Art. 5(1)(e)',
    title: 'Retention is no longer than the maximum, unless on hold',
    status: 'not-evidenced',
    finding:
      'Maximum retention is enforced by `docket purge` against docket.retention/v1 policies; this report does not evaluate it per record.',
    value: null,
    records: cite(purges.length > 0 ? purges : members),
  });
  rows.push({
    source: 'ISO 27789; HIPAA 164.312(b)',
    title: 'Access to logs is controlled and itself logged',
    status: 'not-evidenced',
    finding:
      'Every read and export is an entry of the tenant’s access log, a separate signed log; see the access report (R11).',
    value: null,
    records: all,
  });
  rows.push({
    source: 'Art. 13(3)(f)',
    title: 'Logs are interpretable by deployers',
    status: 'pass',
    finding:
      'Records follow the published schema docket.decision/v1 (docs/data-model.md); this report names the command that verifies it.',
    value: { schema: ENTRY_TYPES.decision, docs: 'docs/data-model.md' },
    records: cite(decisions),
  });
  rows.push({
    source: 'Art. 19(2); Art. 26(6)',
    title: 'Financial-institution logs are kept with financial-law documentation',
    status: 'customer-document-required',
    finding: 'Whether a financial-law retention class applies is the deployer’s determination.',
    value: null,
    records: all,
  });
  rows.push({
    source: 'ISO/IEC 42001 cl. 7.5',
    title: 'Report self-logging',
    status: 'pass',
    finding:
      'This report is appended to the log as a docket.compliance-report/v1 entry with the digest of its JSON (see the report’s record).',
    value: { entryType: ENTRY_TYPES.complianceReport },
    records: all,
  });
  const claims: Claim[] = rows.map((row, i) => ({
    id: `art12.row${String(i + 1).padStart(2, '0')}`,
    ...row,
  }));
  return {
    type: 'eu-ai-act-art12',
    title: 'EU AI Act Art. 12 / 19 / 26(6) log conformity (R1)',
    claims,
  };
}
