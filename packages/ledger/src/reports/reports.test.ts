import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ENTRY_TYPES } from '@docket/core';
import { createUuidV7, DocketError, sampleDecision } from '@docket/protocol';
import type { ErrorCode } from '@docket/protocol';
import { auditDataDir } from '../audit.js';
import { openLedger } from '../ledger.js';
import type { Ledger } from '../ledger.js';
import type { ComplianceReport } from './format.js';
import { createComplianceReport, reportDigest } from './generate.js';
import { checkComplianceReport } from './verify.js';

/** A report copied for tampering: the parts the tests change, writable. */
interface Tampered {
  summary: string[];
  sections: {
    claims: { id: string; status: string; value: unknown; records: { leafHash: string }[] }[];
  }[];
  evidence: {
    range: { start: number; end: number };
    leaves: {
      envelope: { index: number; producer?: { seq: number } };
      disclosed?: Record<string, { value: unknown }>;
      proof?: string[];
    }[];
  };
}
const copy = (r: ComplianceReport): Tampered => JSON.parse(JSON.stringify(r)) as Tampered;

const decision = (subject: string, seq: number, extra: Record<string, unknown> = {}) =>
  sampleDecision({
    id: createUuidV7(),
    ts: new Date().toISOString(),
    subject: { id: subject, type: 'loan_applicant' },
    producer: { id: 'worker-1', seq },
    ...extra,
  });

/**
 * A log with what the reports read: decisions of two applicants (seqs 0–5 with 3 missing and
 * 4 explained by a producer report), an override, a change record for one of two agent
 * versions, an erased applicant.
 */
async function seededLog(t: {
  after: (fn: () => void) => void;
}): Promise<{ ledger: Ledger; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'docket-reports-'));
  const ledger = await openLedger({ dataDir: dir, create: true });
  t.after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  await ledger.appendChange({
    schema: 'docket.change/v1',
    id: createUuidV7(),
    ts: new Date().toISOString(),
    agent: { id: 'credit-underwriter', version: '2.3.1' },
    author: 'a.dev',
    approver: 'r.risk',
  });
  const first = await ledger.append(
    decision('applicant-1', 0, {
      outcome: { action: 'decline', value: { adverseActionReasons: ['DTI above 0.43'] } },
    }),
  );
  await ledger.append(
    decision('applicant-1', 1, { agent: { id: 'credit-underwriter', version: '2.4.0' } }),
  );
  await ledger.append(decision('applicant-2', 2));
  await ledger.appendProducerReport({
    schema: 'docket.producer-report/v1',
    id: createUuidV7(),
    ts: new Date().toISOString(),
    producer: { id: 'worker-1' },
    reportSeq: 0,
    losses: { dropped: 1, rejected: 0, failed: 0, redactionFailed: 0, invalid: 0 },
    gaps: [[4, 4]],
    reasons: { QUEUE_FULL: 1 },
  });
  await ledger.append(decision('applicant-2', 5));
  await ledger.appendEvent(first.id, {
    fields: { kind: 'override', actor: 'underwriter:m.chen', reason: 'income verified by phone' },
  });
  await ledger.erase('applicant-2', 'data subject request #7');
  return { ledger, dir };
}

const codes = (check: { issues: { code: ErrorCode }[] }): ErrorCode[] =>
  check.issues.map((i) => i.code);

test('an integrity report re-derives every figure from its full evidence, and is recorded', async (t) => {
  const { ledger, dir } = await seededLog(t);
  const report = await createComplianceReport(
    ledger,
    { type: 'integrity' },
    { actor: 'cli', purpose: 'audit' },
  );
  const check = checkComplianceReport(report, ledger.vkey);
  assert.deepEqual(check.issues, []);
  assert.ok(check.claimsRecomputed >= 5);
  assert.equal(check.population, report.evidence.range.end);
  const claim = (id: string) => report.sections[0]!.claims.find((c) => c.id === id)!;
  // Seq 3 is missing with no report; seq 4 is explained by the producer report.
  assert.equal(claim('integrity.producers').status, 'gap');
  assert.deepEqual(
    (claim('integrity.producers').value as { unexplained: number[][] }[])[0]!.unexplained,
    [[3, 3]],
  );
  assert.equal(report.record?.digest, reportDigest(report));
  const entry = await ledger.read(report.id);
  assert.equal(entry.envelope.type, ENTRY_TYPES.complianceReport);
  assert.equal(entry.fields?.['digest'], report.record.digest);
  await ledger.close();
  const audit = await auditDataDir(dir, {});
  assert.deepEqual(
    audit.issues.filter((i) => i.severity !== 'warning'),
    [],
  );
});

test('tampering with a figure, a cited record or the evidence is caught and named', async (t) => {
  const { ledger } = await seededLog(t);
  const report = await createComplianceReport(ledger, { type: 'integrity' }, { record: false });
  await ledger.close();
  const figure = copy(report);
  const population = figure.sections[0]!.claims.find((c) => c.id === 'integrity.population')!;
  (population.value as { entries: number }).entries += 1;
  const a = checkComplianceReport(figure, ledger.vkey);
  assert.deepEqual(codes(a), ['REPORT_CLAIM_MISMATCH']);
  assert.equal(a.issues[0]!.where, 'integrity.population');

  const status = copy(report);
  status.sections[0]!.claims.find((c) => c.id === 'integrity.producers')!.status = 'pass';
  assert.deepEqual(codes(checkComplianceReport(status, ledger.vkey)), ['REPORT_CLAIM_MISMATCH']);

  const cited = copy(report);
  cited.sections[0]!.claims[1]!.records[0]!.leafHash = Buffer.alloc(32).toString('base64');
  assert.ok(codes(checkComplianceReport(cited, ledger.vkey)).includes('REPORT_RECORD_MISMATCH'));

  const dropped = copy(report);
  dropped.evidence.leaves.splice(2, 1);
  assert.ok(codes(checkComplianceReport(dropped, ledger.vkey)).includes('REPORT_EVIDENCE_INVALID'));

  const changed = copy(report);
  changed.evidence.leaves[1]!.envelope.producer!.seq = 3;
  assert.ok(codes(checkComplianceReport(changed, ledger.vkey)).includes('REPORT_EVIDENCE_INVALID'));

  const otherDir = mkdtempSync(join(tmpdir(), 'docket-reports-k-'));
  t.after(() => {
    rmSync(otherDir, { recursive: true, force: true });
  });
  const other = await openLedger({ dataDir: otherDir, create: true });
  await other.close();
  assert.deepEqual(codes(checkComplianceReport(report, other.vkey)), ['REPORT_EVIDENCE_INVALID']);
});

test('a disclosed field that does not open its commitment is caught; the digest binds the report', async (t) => {
  const { ledger } = await seededLog(t);
  const report = await createComplianceReport(ledger, { type: 'eu-ai-act-art12' });
  await ledger.close();
  assert.deepEqual(checkComplianceReport(report, ledger.vkey).issues, []);
  const disclosed = copy(report);
  const leaf = disclosed.evidence.leaves.find((l) => l.disclosed?.['model'] !== undefined)!;
  (leaf.disclosed!['model']!.value as { version: string }).version = 'gpt-5';
  assert.ok(
    codes(checkComplianceReport(disclosed, ledger.vkey)).includes('REPORT_RECORD_MISMATCH'),
  );
  const summary = copy(report);
  summary.summary = ['All good.'];
  assert.deepEqual(codes(checkComplianceReport(summary, ledger.vkey)), ['REPORT_DIGEST_MISMATCH']);
});

test('the Art. 12 checklist has its 24 rows, finds the orphan version and the override', async (t) => {
  const { ledger } = await seededLog(t);
  const report = await createComplianceReport(
    ledger,
    { type: 'eu-ai-act-art12' },
    { record: false },
  );
  await ledger.close();
  const rows = report.sections[0]!.claims;
  assert.equal(rows.length, 24);
  const row = (n: number) => rows[n - 1]!;
  assert.equal(row(12).status, 'gap');
  assert.deepEqual((row(12).value as { orphanVersions: string[] }).orphanVersions, [
    'credit-underwriter@2.4.0',
  ]);
  assert.equal((row(4).value as { overrides: number }).overrides, 1);
  assert.equal(row(17).status, 'gap');
  assert.equal(row(2).status, 'customer-document-required');
  assert.equal(report.sections[1]!.type, 'integrity');
});

test('an explanation speaks to the person; erased subjects, empty periods and bad input are clear', async (t) => {
  const { ledger } = await seededLog(t);
  const report = await createComplianceReport(
    ledger,
    { type: 'explanation', subject: 'applicant-1' },
    { record: false },
  );
  assert.deepEqual(checkComplianceReport(report, ledger.vkey).issues, []);
  const claims = report.sections[0]!.claims;
  assert.match(claims[0]!.finding, /2 automated decisions/);
  assert.match(claims[1]!.finding, /DTI above 0\.43/);
  assert.match(claims[1]!.finding, /underwriter:m\.chen/);
  assert.equal((claims[1]!.value as { solelyAutomated: boolean }).solelyAutomated, false);
  // Only the subject's own entries are disclosed: no field of applicant-2's decisions.
  const ref = report.params.subjectRef;
  for (const leaf of report.evidence.leaves) {
    if (leaf.envelope.subject !== ref) assert.equal(leaf.disclosed?.['context'], undefined);
  }
  const erased = await createComplianceReport(
    ledger,
    { type: 'explanation', subject: 'applicant-2' },
    { record: false },
  );
  const erasure = erased.sections[0]!.claims.find((c) => c.id === 'explanation.erasure')!;
  assert.match(erasure.finding, /erased on \d{4}-\d{2}-\d{2} \(data subject request #7\)/);
  assert.match(erased.sections[0]!.claims[1]!.finding, /content was erased/);
  assert.deepEqual(checkComplianceReport(erased, ledger.vkey).issues, []);

  const refused = async (
    request: Parameters<typeof createComplianceReport>[1],
    code: ErrorCode,
  ) => {
    await assert.rejects(
      createComplianceReport(ledger, request, { record: false }),
      (e: unknown) => e instanceof DocketError && e.code === code,
    );
  };
  await refused({ type: 'sox' }, 'REPORT_TYPE_UNKNOWN');
  await refused({ type: 'explanation', subject: 'nobody' }, 'REPORT_NOTHING');
  await refused({ type: 'explanation' }, 'REPORT_PARAMS_INVALID');
  await refused({ type: 'integrity', from: '2030-01-01' }, 'REPORT_NOTHING');
  await refused(
    { type: 'integrity', from: '2026-02-01', to: '2026-01-01' },
    'REPORT_PARAMS_INVALID',
  );
  await refused({ type: 'integrity', from: 'yesterday' }, 'REPORT_PARAMS_INVALID');
  await ledger.close();
});

test('a period inside the log: the boundary leaves prove nothing of the period was left out', async (t) => {
  const { ledger } = await seededLog(t);
  const entries = await ledger.entries(0, 100);
  const from = entries[2]!.entry.envelope.rt!;
  const to = entries[5]!.entry.envelope.rt!;
  const report = await createComplianceReport(
    ledger,
    { type: 'integrity', from, to },
    { record: false },
  );
  await ledger.close();
  // Receive times can repeat within a millisecond: the range starts at the first leaf at `from`.
  assert.ok(report.evidence.range.start <= 2 && report.evidence.range.end <= 5);
  assert.deepEqual(checkComplianceReport(report, ledger.vkey).issues, []);
  // Dropping the boundary leaf after the period leaves the end unproven.
  const cut = copy(report);
  const end = cut.evidence.range.end;
  cut.evidence.leaves = cut.evidence.leaves.filter((l) => l.envelope.index !== end);
  assert.ok(codes(checkComplianceReport(cut, ledger.vkey)).includes('REPORT_EVIDENCE_INVALID'));
  // Shrinking the range (a leaf of the period left out) breaks the proof.
  const short = copy(report);
  short.evidence.range.end -= 1;
  assert.ok(codes(checkComplianceReport(short, ledger.vkey)).includes('REPORT_EVIDENCE_INVALID'));
});

test('cited evidence carries the cited records with inclusion proofs, and says it is cited', async (t) => {
  const { ledger } = await seededLog(t);
  const report = await createComplianceReport(
    ledger,
    { type: 'eu-ai-act-art12', evidence: 'cited' },
    { record: false },
  );
  await ledger.close();
  assert.equal(report.evidence.level, 'cited');
  const check = checkComplianceReport(report, ledger.vkey);
  assert.deepEqual(check.issues, []);
  assert.equal(check.claimsRecomputed, 0);
  assert.ok(check.recordsChecked > 0);
  const bad = copy(report);
  bad.evidence.leaves[0]!.proof = [];
  assert.ok(codes(checkComplianceReport(bad, ledger.vkey)).includes('REPORT_EVIDENCE_INVALID'));
});
