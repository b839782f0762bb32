// Compliance reports over real HTTP (issue 15): POST /v1/reports generates and records a report
// (its entry and an access-log entry); GET /v1/reports/{id} gives it back as JSON, HTML or PDF,
// regenerated from its entry and checked against the digest it records; readers are refused,
// bad input is a coded problem, and a report whose records were erased since is gone (410).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { checkComplianceReport, fromReportPdf } from '@docket/ledger';
import type { ComplianceReport } from '@docket/ledger';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import { api, assertOk, assertProblem, startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';
import { tempDir } from '../support/ledger-fixture.js';
import { repoRoot } from '../support/vectors.js';

let server: TestServer;
let vkey = '';
let decisionId = '';
before(async () => {
  server = await startTestServer({ validateResponses: true });
  const decisions = ['app-1', 'app-2', 'app-1'].map((subject, seq) => ({
    ...sampleDecision({ id: createUuidV7() }),
    subject: { id: subject, type: 'loan_applicant' },
    producer: { id: 'worker', seq },
  }));
  decisionId = decisions[0]!.id;
  assertOk(
    await api(server.url, server.keys.default.ingest).post('/v1/decisions', { decisions }),
    200,
  );
  const log = assertOk<{ vkey: string; size: number }>(
    await api(server.url, server.keys.default.auditor).get('/v1/log'),
    200,
  );
  vkey = log.vkey;
});
after(async () => {
  await server.close();
});

interface Created {
  id: string;
  type: string;
  summary: string[];
  entry: { id: string; index: number; digest: string };
}

/** Polls until the log's checkpoint covers the ingested decisions (flushes are asynchronous). */
async function untilSigned(size: number): Promise<void> {
  const auditor = api(server.url, server.keys.default.auditor);
  for (;;) {
    const log = assertOk<{ size: number }>(await auditor.get('/v1/log'), 200);
    if (log.size >= size) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('POST then GET as JSON, HTML and PDF: recorded, and every form verifies', async () => {
  await untilSigned(3);
  const auditor = api(server.url, server.keys.default.auditor);
  const res = await auditor.post(
    '/v1/reports',
    { type: 'eu-ai-act-art12' },
    { headers: { 'x-docket-purpose': 'annual review' } },
  );
  const created = assertOk<Created>(res, 201);
  assert.equal(res.headers.get('location'), `/v1/reports/${created.id}`);
  assert.equal(created.entry.id, created.id);
  assert.match(created.summary[0]!, /pass/);

  const json = assertOk<ComplianceReport>(await auditor.get(`/v1/reports/${created.id}`), 200);
  assert.deepEqual(json.record, created.entry);
  assert.equal(checkComplianceReport(json, vkey).ok, true);

  const html = await auditor.get(`/v1/reports/${created.id}?format=html`);
  assert.equal(html.status, 200);
  assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
  assert.ok(html.text.indexOf('Findings') < html.text.indexOf('Evidence'));

  const pdf = await fetch(`${server.url}/v1/reports/${created.id}?format=pdf`, {
    headers: { authorization: `Bearer ${server.keys.default.admin}` },
  });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  const attached = JSON.parse(
    await fromReportPdf(new Uint8Array(await pdf.arrayBuffer())),
  ) as ComplianceReport;
  assert.deepEqual(attached, json);

  // The report is an entry of the log; generating and reading it are in the access log.
  const access = assertOk<{
    items: { record: { action: string; target: string; purpose: string | null } }[];
  }>(await api(server.url, server.keys.default.admin).get('/v1/access-log?limit=200'), 200);
  // Newest first.
  const mine = access.items
    .reverse()
    .filter((i) => i.record.target.startsWith(`report ${created.id}`));
  assert.deepEqual(
    mine.map((i) => i.record.action),
    ['report', 'read', 'read', 'read'],
  );
  assert.equal(mine[0]!.record.purpose, 'annual review');
});

test('a reader is refused; bad input is a coded problem, never an empty report', async () => {
  const reader = api(server.url, server.keys.default.reader);
  assertProblem(await reader.post('/v1/reports', { type: 'integrity' }), 403, 'FORBIDDEN');
  const auditor = api(server.url, server.keys.default.auditor);
  assertProblem(await auditor.post('/v1/reports', { type: 'sox' }), 400, 'REPORT_TYPE_UNKNOWN');
  assertProblem(
    await auditor.post('/v1/reports', { type: 'integrity', from: '2099-01-01' }),
    404,
    'REPORT_NOTHING',
  );
  assertProblem(
    await auditor.post('/v1/reports', { type: 'explanation', subject: 'nobody' }),
    404,
    'REPORT_NOTHING',
  );
  assertProblem(
    await auditor.post('/v1/reports', { type: 'integrity', from: 'yesterday' }),
    400,
    'REPORT_PARAMS_INVALID',
  );
  assertProblem(await auditor.get(`/v1/reports/${createUuidV7()}`), 404, 'REPORT_NOT_FOUND');
  const created = assertOk<Created>(await auditor.post('/v1/reports', { type: 'integrity' }), 201);
  assertProblem(await reader.get(`/v1/reports/${created.id}`), 403, 'FORBIDDEN');
  // Another tenant's auditor does not see it.
  assertProblem(
    await api(server.url, server.keys.acme.auditor).get(`/v1/reports/${created.id}`),
    404,
    'REPORT_NOT_FOUND',
  );
  // A decision's id is not a report.
  assertProblem(await auditor.get(`/v1/reports/${decisionId}`), 404, 'REPORT_NOT_FOUND');
});

test('an explanation report needs its subject again, and is gone once the subject is erased', async () => {
  const auditor = api(server.url, server.keys.default.auditor);
  const created = assertOk<Created>(
    await auditor.post('/v1/reports', { type: 'explanation', subject: 'app-2' }),
    201,
  );
  assertProblem(await auditor.get(`/v1/reports/${created.id}`), 400, 'REPORT_PARAMS_INVALID');
  assertProblem(
    await auditor.get(`/v1/reports/${created.id}?subject=app-1`),
    400,
    'REPORT_PARAMS_INVALID',
  );
  const report = assertOk<ComplianceReport>(
    await auditor.get(`/v1/reports/${created.id}?subject=app-2`),
    200,
  );
  assert.equal(report.subjectId, 'app-2');
  assert.equal(checkComplianceReport(report, vkey).ok, true);
  assertOk(
    await api(server.url, server.keys.default.admin).post('/v1/subjects/app-2/erase', {
      reason: 'request #7',
    }),
    200,
  );
  // Not stored: what it disclosed about app-2 is unreadable now, so it is gone, not served.
  assertProblem(await auditor.get(`/v1/reports/${created.id}?subject=app-2`), 410, 'REPORT_GONE');
});

/** Runs the docket binary without blocking the event loop (the in-process server answers it). */
function docket(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      join(repoRoot, 'packages', 'cli', 'bin', 'docket.js'),
      ...args,
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

test('docket report --url: generated by the server, written as JSON or PDF, verifies offline', async (t) => {
  const tmp = tempDir('docket-report-url-');
  t.after(() => {
    tmp.cleanup();
  });
  const remote = ['--url', server.url, '--api-key', server.keys.default.auditor, '--quiet'];
  const json = join(tmp.dir, 'integrity.json');
  const made = await docket('report', 'integrity', ...remote, '--out', json);
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /recorded as entry \d+/);
  const report = JSON.parse(readFileSync(json, 'utf8')) as ComplianceReport;
  assert.equal(report.type, 'integrity');
  const pdf = join(tmp.dir, 'explanation.pdf');
  const pdfMade = await docket(
    'report',
    'explanation',
    ...remote,
    '--subject',
    'app-1',
    '--format',
    'pdf',
    '--out',
    pdf,
  );
  assert.equal(pdfMade.code, 0, pdfMade.stderr);
  for (const file of [json, pdf]) {
    const checked = await docket('verify', file, '--key', vkey);
    assert.equal(checked.code, 0, checked.stdout);
  }
  // The server's refusals come back with their codes: a reader key, nothing to report.
  const reader = await docket(
    'report',
    'integrity',
    '--url',
    server.url,
    '--api-key',
    server.keys.default.reader,
    '--out',
    json,
  );
  assert.equal(reader.code, 2, reader.stderr);
  assert.match(reader.stderr, /FORBIDDEN/);
  const nothing = await docket(
    'report',
    'integrity',
    ...remote,
    '--from',
    '2099-01-01',
    '--out',
    json,
  );
  assert.equal(nothing.code, 2, nothing.stderr);
  assert.match(nothing.stderr, /REPORT_NOTHING/);
});
