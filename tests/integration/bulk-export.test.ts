// Bulk export (issue 18 item 4): `docket export --select` as JSON Lines with proofs and as CSV,
// from a data directory and through a running server, and `docket verify EXPORT --key` catching
// every kind of tampering with the file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createExportChecker } from '@docket/core';
import { openLedger } from '@docket/ledger';
import type { DecisionRecord } from '@docket/protocol';
import { fixtureDecision, tempDir } from '../support/ledger-fixture.js';
import { api, assertProblem, startTestServer } from '../support/server.js';
import { repoRoot } from '../support/vectors.js';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');
const tmp = tempDir('docket-bulk-export-');
const data = join(tmp.dir, 'data');
let vkey = '';
let records: DecisionRecord[] = [];
let overridden = '';

const docket = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

/** A line of an export, as the tamper tests edit it. */
interface Line {
  fields: Record<string, unknown>;
  finalOutcome: Record<string, unknown>;
  events: unknown[];
  index: number;
  checkpoint: string;
}

/** Checks export text as `docket verify` does; returns the issue codes. */
function codesOf(text: string): string[] {
  const checker = createExportChecker(vkey);
  text.split('\n').forEach((line, i) => {
    checker.line(line, i + 1);
  });
  return checker.finish().issues.map((i) => i.code);
}

before(async () => {
  const ledger = await openLedger({ dataDir: data, create: true, flushIntervalMs: 5 });
  try {
    records = Array.from({ length: 12 }, (_, i) =>
      fixtureDecision(i, {
        agent: { id: i % 2 === 0 ? 'underwriter' : 'fraud-check', version: i < 6 ? '1' : '2' },
        ts: new Date(Date.UTC(2026, 0, 1 + i)).toISOString(),
        subject: { id: `cust-${i}`, type: 'applicant' },
        goal: i === 2 ? '=HYPERLINK("http://evil")' : 'Decide, then explain, "quoted"',
      }),
    );
    for (const r of records) await ledger.append(r);
    overridden = records[0]!.id;
    await ledger.appendEvent(overridden, {
      fields: { kind: 'override', actor: 'j.doe', outcome: { action: 'decline' } },
    });
    await ledger.appendEvent(records[2]!.id, { fields: { kind: 'effect', note: 'mail sent' } });
    await ledger.erase('cust-4', 'GDPR Art. 17 request #7');
    vkey = ledger.vkey;
  } finally {
    await ledger.close();
  }
});
after(() => {
  tmp.cleanup();
});

describe('docket export --select (local)', () => {
  test('JSON Lines with proofs: the selection, final outcomes, events; verify passes', () => {
    const out = join(tmp.dir, 'under.jsonl');
    const r = docket('export', '--data', data, '--select', 'agent=underwriter', '--with-proofs');
    assert.equal(r.code, 2, 'no --out is a usage error');
    const ok = docket(
      'export',
      '--data',
      data,
      '--select',
      'agent=underwriter',
      '--with-proofs',
      '--out',
      out,
      '--json',
    );
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((JSON.parse(ok.stdout) as { records: number }).records, 5, 'cust-4 is erased');
    const lines = readFileSync(out, 'utf8').trimEnd().split('\n');
    const header = JSON.parse(lines[0]!) as { format: string; checkpoint?: string };
    assert.equal(header.format, 'docket.export/v1');
    assert.ok(header.checkpoint?.includes('\n\n'), 'the signed checkpoint note');
    const body = lines.slice(1, -1).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(JSON.parse(lines.at(-1)!), { end: 'docket.export/v1', count: 5 });
    const first = body.find((b) => b['id'] === overridden)!;
    assert.deepEqual(first['finalOutcome'], {
      action: 'decline',
      by: 'j.doe',
      at: (first['events'] as { ts: string }[])[0]!.ts,
      overridden: true,
    });
    const indices = body.map((b) => b['index'] as number);
    assert.deepEqual(
      indices,
      [...indices].sort((a, b) => a - b),
      'log order',
    );

    const verified = docket('verify', out, '--key', vkey);
    assert.equal(verified.code, 0, verified.stdout);
    assert.match(verified.stdout, /5 decisions and 2 events checked/);
    assert.match(verified.stdout, /OK: the export verifies/);
  });

  test('an erased subject: the record is there without content, and still verifies', () => {
    const out = join(tmp.dir, 'erased.jsonl');
    assert.equal(
      docket('export', '--data', data, '--select', 'subject=cust-4', '--with-proofs', '--out', out)
        .code,
      0,
    );
    const [, line] = readFileSync(out, 'utf8').split('\n');
    const record = JSON.parse(line!) as { erased: boolean; fields: unknown; finalOutcome: unknown };
    assert.equal(record.erased, true);
    assert.equal(record.fields, null);
    assert.equal(record.finalOutcome, null);
    const verified = docket('verify', out, '--key', vkey, '--json');
    assert.equal(verified.code, 0, verified.stdout);
    assert.equal((JSON.parse(verified.stdout) as { erased: number }).erased, 1);
  });

  test('tampering is caught and named', () => {
    const out = join(tmp.dir, 'all.jsonl');
    assert.equal(
      docket('export', '--data', data, '--with-proofs', '--select', '', '--out', out).code,
      0,
    );
    const text = readFileSync(out, 'utf8');
    assert.deepEqual(codesOf(text), []);
    const lines = text.trimEnd().split('\n');
    const edit = (i: number, fn: (v: Line) => void): string => {
      const copy = [...lines];
      const value = JSON.parse(copy[i]!) as Line;
      fn(value);
      copy[i] = JSON.stringify(value);
      return copy.join('\n');
    };
    // A field changed: its commitment no longer opens.
    assert.deepEqual(codesOf(edit(1, (v) => (v.fields['confidence'] = 0.01))), [
      'COMMITMENT_MISMATCH',
    ]);
    // The final outcome rewritten (the override hidden).
    const overriddenLine = lines.findIndex((l) => l.includes(`"id":"${overridden}"`));
    assert.deepEqual(
      codesOf(
        edit(overriddenLine, (v) => (v.finalOutcome = { ...v.finalOutcome, action: 'approve' })),
      ),
      ['EXPORT_FINAL_OUTCOME_MISMATCH'],
    );
    // An event dropped: the final outcome no longer follows.
    assert.ok(
      codesOf(edit(overriddenLine, (v) => (v.events = []))).includes(
        'EXPORT_FINAL_OUTCOME_MISMATCH',
      ),
    );
    // A field removed from a record.
    assert.deepEqual(codesOf(edit(1, (v) => delete v.fields['reasoning'])), [
      'EXPORT_FIELD_MISSING',
    ]);
    // A record line removed, the trailer cut, the order changed.
    assert.deepEqual(codesOf([...lines.slice(0, 2), ...lines.slice(3)].join('\n')), [
      'EXPORT_TRUNCATED',
    ]);
    assert.deepEqual(codesOf(lines.slice(0, -1).join('\n')), ['EXPORT_TRUNCATED']);
    assert.ok(
      codesOf([lines[0], lines[2], lines[1], ...lines.slice(3)].join('\n')).includes(
        'EXPORT_MALFORMED',
      ),
    );
    // A record moved to another index: its leaf says otherwise.
    assert.ok(codesOf(edit(1, (v) => (v.index = 99))).includes('INDEX_MISMATCH'));
    // The checkpoint re-signed with another key, or the export checked under another key.
    assert.deepEqual(
      codesOf(edit(0, (v) => (v.checkpoint = v.checkpoint.replace(/— .*\n$/, '— x AAAA\n')))),
      ['CHECKPOINT_SIGNATURE_INVALID'],
    );
    // Through the CLI: exit 1 naming the claim.
    const bad = join(tmp.dir, 'bad.jsonl');
    writeFileSync(
      bad,
      edit(1, (v) => (v.fields['confidence'] = 0.01)),
    );
    const r = docket('verify', bad, '--key', vkey);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /COMMITMENT_MISMATCH line 2\.fields\.confidence/);
  });

  test('an export without proofs cannot be verified, and says so', () => {
    const out = join(tmp.dir, 'plain.jsonl');
    assert.equal(docket('export', '--data', data, '--select', 'version=2', '--out', out).code, 0);
    const r = docket('verify', out, '--key', vkey);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /EXPORT_NO_PROOFS/);
  });

  test('CSV: one row per decision, RFC 4180 quoting, final outcome, formulas neutralized', () => {
    const out = join(tmp.dir, 'all.csv');
    assert.equal(
      docket(
        'export',
        '--data',
        data,
        '--select',
        'from=2026-01-01',
        '--format',
        'csv',
        '--out',
        out,
      ).code,
      0,
    );
    const rows = parseCsv(readFileSync(out, 'utf8'));
    const [header, ...rest] = rows;
    assert.equal(header![0], 'id');
    assert.equal(rest.length, 12);
    const col = (name: string) => header!.indexOf(name);
    const first = rest.find((r) => r[col('id')] === overridden)!;
    assert.equal(first[col('final_action')], 'decline');
    assert.equal(first[col('final_by')], 'j.doe');
    assert.equal(first[col('overridden')], 'true');
    const evil = rest.find((r) => r[col('id')] === records[2]!.id)!;
    assert.equal(evil[col('goal')], `'=HYPERLINK("http://evil")`);
    assert.equal(
      rest.find((r) => r[col('id')] === records[1]!.id)![col('goal')],
      'Decide, then explain, "quoted"',
    );
    assert.equal(rest.filter((r) => r[col('erased')] === 'true').length, 1);
  });

  test('bad input: clear errors, no file left behind', () => {
    const out = join(tmp.dir, 'never.jsonl');
    for (const [args, code] of [
      [['--select', 'agent=a,colour=red'], /SELECTION_INVALID.*unknown selection key "colour"/],
      [['--select', 'from=yesterday'], /SELECTION_INVALID.*not a date/],
      [['--select', 'from=2026-02-01,to=2026-01-01'], /SELECTION_INVALID.*must be before/],
      [['--select', 'agent='], /SELECTION_INVALID.*needs a value/],
      [['--select', '', '--format', 'xml'], /USAGE.*jsonl or csv/],
      [
        ['--select', '', '--format', 'csv', '--with-proofs'],
        /USAGE.*--with-proofs needs --format jsonl/,
      ],
    ] as const) {
      const r = docket('export', '--data', data, ...args, '--out', out);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, code);
    }
    assert.throws(() => readFileSync(out));
    assert.throws(() => readFileSync(`${out}.partial`));
  });
});

describe('GET /v1/exports', () => {
  test('streams the export, records the access first, refuses a reader', async () => {
    const server = await startTestServer();
    try {
      const auditor = api(server.url, server.keys.default.auditor);
      const ingest = api(server.url, server.keys.default.ingest);
      const sent = await ingest.post('/v1/decisions', { decisions: records.slice(0, 4) });
      assert.equal(sent.status, 200, sent.text);
      const reader = await api(server.url, server.keys.default.reader).get('/v1/exports');
      assertProblem(reader, 403);
      const bad = await auditor.get('/v1/exports?from=nope');
      assertProblem(bad, 400, 'SELECTION_INVALID');
      const res = await auditor.get('/v1/exports?agent=underwriter&proofs=true', {
        headers: { 'x-docket-purpose': 'SOC 2 sample' },
      });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /application\/x-ndjson/);
      const lines = res.text.trimEnd().split('\n');
      const header = JSON.parse(lines[0]!) as { vkey: string; treeSize: number };
      const checker = createExportChecker(header.vkey);
      lines.forEach((l, i) => {
        checker.line(l, i + 1);
      });
      const result = checker.finish();
      assert.deepEqual(result.issues, []);
      assert.equal(result.records, 2);
      const access = await auditor.get('/v1/access-log?limit=5');
      const items = (access.body as { items: { record: Record<string, unknown> }[] }).items;
      const entry = items.find((i) => i.record['action'] === 'export')!;
      assert.equal(entry.record['target'], `export agent=underwriter @${header.treeSize}`);
      assert.equal(entry.record['purpose'], 'SOC 2 sample');
      const csv = await auditor.get('/v1/exports?format=csv');
      assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
      assert.equal(parseCsv(csv.text).length, 5);
    } finally {
      await server.close();
    }
  });
});

/** A small RFC 4180 reader (quoted cells with commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\r') continue;
    else if (c === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  return rows;
}
