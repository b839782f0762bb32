import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { SdkError } from './errors.js';
import { Spool } from './spool.js';

/** A batch of producer `p1` (the producer most tests open the spool as). */
const batch = (...ids: string[]) => ({
  ids,
  seqs: ids.map((_, i) => i),
  records: ids.map((id, i) => JSON.stringify({ id, producer: { id: 'p1', seq: i } })),
});

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'docket-spool-'));
  try {
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('append, head, ack in order; the file is removed when empty at close', () =>
  withDir(async (dir) => {
    const spool = await Spool.open(dir, 'p1', () => undefined);
    await spool.append(batch('a', 'b'));
    await spool.append(batch('c'));
    assert.equal(spool.pending, 2);
    const first = await spool.head();
    assert.deepEqual(first?.batch.ids, ['a', 'b']);
    await spool.ack(first);
    const second = await spool.head();
    assert.deepEqual(second?.batch.ids, ['c']);
    await spool.ack(second);
    assert.equal(await spool.head(), undefined);
    await spool.close();
    assert.deepEqual(readdirSync(dir), []);
  }));

test('a batch keeps its seqs and producer reports through the spool', () =>
  withDir(async (dir) => {
    const spool = await Spool.open(dir, 'p1', () => undefined);
    const report = JSON.stringify({ schema: 'docket.producer-report/v1', reportSeq: 0 });
    await spool.append({ ...batch('a', 'b'), reports: [report] });
    await spool.append({ ids: [], seqs: [], records: [], reports: [report] });
    const first = await spool.head();
    assert.ok(first !== undefined);
    assert.deepEqual(first.batch.seqs, [0, 1]);
    assert.deepEqual(first.batch.reports, [report]);
    await spool.ack(first);
    const second = await spool.head();
    assert.ok(second !== undefined);
    assert.deepEqual(second.batch.ids, []);
    assert.deepEqual(second.batch.reports, [report]);
    await spool.ack(second);
    await spool.close();
  }));

test('a closed spool with pending batches is adopted by the next producer, acks honored', () =>
  withDir(async (dir) => {
    const old = await Spool.open(dir, 'p1', () => undefined);
    await old.append(batch('a'));
    await old.append(batch('b'));
    await old.ack((await old.head())!);
    await old.close();
    const next = await Spool.open(dir, 'new', () => undefined);
    assert.equal(next.pending, 1);
    const head = await next.head();
    assert.deepEqual(head?.batch.ids, ['b']);
    // Another producer's seqs: delivering them must not count in this producer's seq journal.
    assert.deepEqual(head.batch.seqs, [-1]);
    await next.ack(head);
    await next.close();
    assert.deepEqual(readdirSync(dir), []);
  }));

test('a live lock keeps a file from adoption', () =>
  withDir(async (dir) => {
    const live = await Spool.open(dir, 'live', () => undefined);
    await live.append(batch('a'));
    const other = await Spool.open(dir, 'other', () => undefined);
    assert.equal(other.pending, 0);
    await other.close();
    await live.close();
  }));

test('a torn last line is ignored and a corrupt middle line skipped, both reported', () =>
  withDir(async (dir) => {
    const file = join(dir, 'crashed.spool');
    writeFileSync(file, '{"b":0,"d":[{"id":"a"}]}\nnot json\n{"b":1,"d":[{"id":"b"}]}\n');
    appendFileSync(file, '{"b":2,"d":[{"id":"c"');
    const codes: string[] = [];
    const spool = await Spool.open(dir, 'p', (e: SdkError) => codes.push(e.code));
    assert.deepEqual(codes.sort(), ['SPOOL_CORRUPT', 'SPOOL_TORN_TAIL']);
    const ids: string[] = [];
    for (let head = await spool.head(); head !== undefined; head = await spool.head()) {
      ids.push(...head.batch.ids);
      await spool.ack(head);
    }
    assert.deepEqual(ids, ['a', 'b']);
    await spool.close();
  }));

test('spool directories are created 0700 and spool and lock files 0600 (records are plaintext)', () =>
  withDir(async (dir) => {
    const nested = join(dir, 'var', 'spool');
    const spool = await Spool.open(nested, 'p1', () => undefined);
    await spool.append(batch('a'));
    const mode = (path: string) => statSync(path).mode & 0o777;
    assert.equal(mode(join(dir, 'var')), 0o700);
    assert.equal(mode(nested), 0o700);
    assert.equal(mode(join(nested, 'p1.spool')), 0o600);
    assert.equal(mode(join(nested, 'p1.spool.lock')), 0o600);
    await spool.close();
  }));
