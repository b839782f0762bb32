import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkProducerReport } from '@docket/protocol';
import type { ProducerReport } from '@docket/protocol';
import { adoptDeadJournals, readJournal, SeqJournal } from './seq-journal.js';

function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'docket-journal-'));
  return fn(dir).finally(() => {
    rmSync(dir, { recursive: true, force: true });
  });
}

/** The pid of a process that has ended. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid;

test('readJournal: the reserved seqs not accounted for, as gaps', () => {
  const text = [
    '{"producer":"p","sdk":"s","host":"h","pid":1,"reserved":100}',
    '{"done":[[0,9]]}',
    '{"done":[[20,29]],"reportSeq":2}',
    '{"reserved":200}',
    '{"done":[[10,14]]}',
    '{"done":[[150',
  ].join('\n');
  assert.deepEqual(readJournal(text), {
    producer: 'p',
    sdk: 's',
    lost: [
      [15, 19],
      [30, 199],
    ],
    count: 175,
    reportSeq: 3,
  });
  const all = '{"producer":"p","reserved":10}\n{"done":[[0,9]]}\n';
  assert.equal(readJournal(all)?.count, 0);
});

test('a journal reserves before seqs are used, notes what is done, and goes at a clean close', () =>
  withDir(async (dir) => {
    const journal = SeqJournal.open(dir, { id: 'p1', sdk: 'test' }, 8);
    assert.equal(statSync(journal.path).mode & 0o777, 0o600);
    for (let seq = 0; seq < 20; seq++) journal.use(seq);
    journal.done([[0, 4]]);
    journal.done([[5, 5]], 0);
    await journal.settled();
    const read = readJournal(readFileSync(journal.path, 'utf8'));
    assert.ok(read !== undefined && read.lost[0]![0] === 6, JSON.stringify(read));
    assert.ok(read.lost.at(-1)![1] >= 19, 'every used seq was reserved on disk');
    assert.equal(read.reportSeq, 1);
    await journal.close();
    assert.deepEqual(readdirSync(dir), []);
  }));

test('a successor reports a dead producer’s unaccounted seqs as a crash loss; live ones are left alone', () =>
  withDir(async (dir) => {
    writeFileSync(
      join(dir, 'dead.seqs'),
      `${JSON.stringify({ producer: 'dead', sdk: 'test', host: hostname(), pid: deadPid(), reserved: 100 })}\n{"done":[[0,49]],"reportSeq":0}\n`,
    );
    writeFileSync(
      join(dir, 'alive.seqs'),
      `${JSON.stringify({ producer: 'alive', host: hostname(), pid: process.pid, reserved: 100 })}\n`,
    );
    const own = SeqJournal.open(dir, { id: 'successor', sdk: 'test' });
    const { reports, release } = await adoptDeadJournals(dir, own.path);
    assert.equal(reports.length, 1);
    const report = JSON.parse(reports[0]!) as ProducerReport;
    assert.deepEqual(checkProducerReport(report), []);
    assert.deepEqual(report.producer, { id: 'dead', sdk: 'test' });
    assert.equal(report.reportSeq, 1);
    assert.deepEqual(report.gaps, [[50, 99]]);
    assert.equal(report.losses.crash, 50);
    assert.deepEqual(report.reasons, { CRASH: 50 });
    await release();
    assert.deepEqual(readdirSync(dir).sort(), ['alive.seqs', 'successor.seqs']);
    await own.close();
  }));
