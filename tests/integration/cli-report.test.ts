// `docket report` and `docket verify REPORT.json` as a user runs them (a child process): each
// report type on a log with a gap, an override and an erasure; tampering with a figure, a cited
// record or the evidence exits 1 naming what differs; bad input is a clear error; the report
// and its access-log entry leave every log verifying.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { repoRoot } from '../support/vectors.js';
import { tempDir } from '../support/ledger-fixture.js';
import { seedReportLog } from '../support/report-log.js';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');

function docket(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DOCKET_FLUSH_INTERVAL_MS: '10' },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('docket report', () => {
  const tmp = tempDir('docket-cli-report-');
  const data = join(tmp.dir, 'data');
  let vkey = '';

  before(async () => {
    vkey = await seedReportLog(data);
  });
  after(() => {
    tmp.cleanup();
  });

  test('each type is written, recorded, and verifies offline', () => {
    for (const [type, extra] of [
      ['integrity', []],
      ['eu-ai-act-art12', []],
      ['explanation', ['--subject', 'app-1']],
      ['explanation', ['--subject', 'app-2']],
    ] as const) {
      const out = join(tmp.dir, `${type}.json`);
      const made = docket('report', type, '--data', data, '--out', out, ...extra);
      assert.equal(made.code, 0, made.stderr);
      assert.match(made.stdout, /recorded as entry \d+/);
      const checked = docket('verify', out, '--key', vkey);
      assert.equal(checked.code, 0, checked.stdout);
      assert.match(checked.stdout, /OK: the report verifies/);
    }
    const erased = readFileSync(join(tmp.dir, 'explanation.json'), 'utf8');
    assert.match(erased, /erased on \d{4}-\d{2}-\d{2} \(request #12\)/);
    const html = join(tmp.dir, 'art12.html');
    assert.equal(
      docket('report', 'eu-ai-act-art12', '--data', data, '--format', 'html', '--out', html).code,
      0,
    );
    const page = readFileSync(html, 'utf8');
    assert.ok(page.indexOf('Findings') < page.indexOf('Evidence'));
    assert.match(page, /Customer document required/);
    // Reports and access records are entries: every log still verifies.
    const audit = docket('verify', '--data', data, '--key', vkey, '--json');
    assert.equal(audit.code, 0, audit.stdout);
    const logs = (JSON.parse(audit.stdout) as { logs: { kind: string; entries: number }[] }).logs;
    assert.ok(logs.find((l) => l.kind === 'access')!.entries >= 5);
  });

  test('a changed figure, cited record or piece of evidence fails naming it', () => {
    const out = join(tmp.dir, 'tamper.json');
    assert.equal(docket('report', 'eu-ai-act-art12', '--data', data, '--out', out).code, 0);
    const original = readFileSync(out, 'utf8');
    const tamper = (edit: (r: Record<string, never>) => void): string => {
      const report = JSON.parse(original) as Record<string, never>;
      edit(report);
      const file = join(tmp.dir, 'tampered.json');
      writeFileSync(file, JSON.stringify(report));
      const r = docket('verify', file, '--key', vkey);
      assert.equal(r.code, 1, r.stdout);
      return r.stdout;
    };
    type Claims = {
      sections: {
        claims: { id: string; value: { lacking?: number }; records: { leafHash: string }[] }[];
      }[];
    };
    assert.match(
      tamper((r) => {
        const row = (r as unknown as Claims).sections[0]!.claims.find(
          (c) => c.id === 'art12.row10',
        )!;
        row.value.lacking = 7;
      }),
      /REPORT_CLAIM_MISMATCH.*art12\.row10/,
    );
    assert.match(
      tamper((r) => {
        (r as unknown as Claims).sections[0]!.claims[0]!.records[0]!.leafHash = 'AAAA';
      }),
      /REPORT_RECORD_MISMATCH/,
    );
    assert.match(
      tamper((r) => {
        (r as unknown as { evidence: { leaves: unknown[] } }).evidence.leaves.splice(1, 1);
      }),
      /REPORT_EVIDENCE_INVALID/,
    );
  });

  test('bad input is a clear error, never an empty report', () => {
    const out = join(tmp.dir, 'bad.json');
    const cases: [string[], RegExp][] = [
      [['report', 'sox', '--data', data, '--out', out], /REPORT_TYPE_UNKNOWN/],
      [
        ['report', 'explanation', '--data', data, '--subject', 'nobody', '--out', out],
        /REPORT_NOTHING/,
      ],
      [
        ['report', 'integrity', '--data', data, '--from', '2099-01-01', '--out', out],
        /REPORT_NOTHING.*no records in the period/,
      ],
      [
        [
          'report',
          'integrity',
          '--data',
          data,
          '--from',
          '2026-02-01',
          '--to',
          '2026-01-01',
          '--out',
          out,
        ],
        /REPORT_PARAMS_INVALID/,
      ],
      [['report', 'integrity', '--data', data, '--format', 'docx', '--out', out], /USAGE/],
    ];
    for (const [args, message] of cases) {
      const r = docket(...args);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
    }
    assert.throws(() => readFileSync(out));
  });
});
