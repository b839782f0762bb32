// The ledger end to end on a real SQLite file: idempotent appends, receipts that verify against
// the signed checkpoint, evidence bundles, erasure that keeps every proof valid.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  checkBundle,
  createNoteSigner,
  createNoteVerifier,
  generateSignerKey,
  openCheckpoint,
} from '@docket/core';
import { auditDataDir, CheckpointSigner, dataDirPaths, openLedger } from '@docket/ledger';
import type { Ledger } from '@docket/ledger';
import { fixtureDecision, tempDir, verifyReceipt } from '../support/ledger-fixture.js';

describe('ledger', () => {
  const tmp = tempDir();
  let ledger: Ledger;
  before(async () => {
    ledger = await openLedger({
      dataDir: tmp.dir,
      origin: 'test.docket.local/ledger',
      flushIntervalMs: 20,
    });
  });
  after(async () => {
    await ledger.close();
    tmp.cleanup();
  });

  test('a new log has a signed checkpoint of size 0 and a vkey named after its origin', async () => {
    const info = await ledger.info();
    assert.equal(info.origin, 'test.docket.local/ledger');
    assert.match(info.vkey, /^test\.docket\.local\/ledger\+[0-9a-f]{8}\+A/);
    const { checkpoint } = openCheckpoint(info.checkpoint, createNoteVerifier(info.vkey));
    assert.equal(checkpoint.size, 0);
  });

  test('appending is idempotent by id: concurrent and later duplicates return the original index', async () => {
    const record = fixtureDecision(1);
    const [a, b] = await Promise.all([ledger.append(record), ledger.append(record)]);
    assert.equal(a.status, 'accepted');
    assert.equal(b.status, 'duplicate');
    assert.equal(a.index, b.index);
    const size = ledger.size;
    const c = await ledger.append(structuredClone(record));
    assert.deepEqual(c, { status: 'duplicate', id: record.id, index: a.index });
    assert.equal(ledger.size, size);
  });

  test('an invalid record is rejected with every schema problem', async () => {
    const bad = { ...fixtureDecision(2), confidence: 7, outcome: {} };
    await assert.rejects(
      ledger.append(bad),
      (e: { code: string; issues: { code: string; where: string }[] }) => {
        assert.equal(e.code, 'DECISION_INVALID');
        const wheres = e.issues.map((i) => i.where);
        assert.ok(wheres.includes('$.confidence'), JSON.stringify(e.issues));
        assert.ok(wheres.includes('$.outcome.action'), JSON.stringify(e.issues));
        return true;
      },
    );
  });

  test('a receipt verifies: inclusion proof against the signed checkpoint', async () => {
    const records = Array.from({ length: 25 }, (_, i) => fixtureDecision(100 + i));
    await Promise.all(records.map((r) => ledger.append(r)));
    for (const r of records) verifyReceipt(await ledger.receipt(r.id), ledger.vkey);
  });

  test('read gives back exactly what was appended (encrypted and clear)', async () => {
    const withSubject = fixtureDecision(301);
    const clear = fixtureDecision(300);
    assert.equal(clear.subject, undefined);
    await Promise.all([ledger.append(withSubject), ledger.append(clear)]);
    for (const r of [withSubject, clear]) {
      const entry = await ledger.read(r.id);
      // producer's id and seq are in the envelope; the whole producer (with sdk) is committed too.
      const { id: _id, schema: _schema, ts: _ts, ...fields } = r;
      assert.deepEqual(entry.fields, fields);
      assert.deepEqual(entry.envelope.producer, { id: r.producer!.id, seq: r.producer!.seq });
      assert.equal(entry.erased, false);
    }
    const row = new Database(dataDirPaths(tmp.dir).db, { readonly: true })
      .prepare('SELECT kid, subject FROM entries WHERE id = ?')
      .get(withSubject.id) as { kid: string; subject: string };
    assert.match(row.kid, /^dk-/);
    assert.match(row.subject, /^[0-9a-f]{64}$/);
    assert.notEqual(row.subject, withSubject.subject!.id);
  });

  test('an evidence bundle verifies offline; changed disclosures, proofs and keys are caught', async () => {
    const record = fixtureDecision(401);
    await ledger.append(record);
    const bundle = await ledger.exportBundle(record.id, ['outcome', 'reasoning', 'model']);
    const ok = checkBundle(JSON.parse(JSON.stringify(bundle)), ledger.vkey);
    assert.equal(ok.ok, true, JSON.stringify(ok));
    assert.deepEqual(ok.verifiedFields.sort(), ['model', 'outcome', 'reasoning']);

    const changed = structuredClone(bundle) as unknown as {
      disclosed: { outcome: { value: { action: string } } };
    };
    changed.disclosed.outcome.value.action = 'decline';
    assert.deepEqual(codes(checkBundle(changed, ledger.vkey)), ['COMMITMENT_MISMATCH']);

    const other = generateSignerKey('test.docket.local/ledger').vkey;
    assert.deepEqual(codes(checkBundle(bundle, other)), ['CHECKPOINT_SIGNATURE_INVALID']);

    const badProof = {
      ...bundle,
      proof: bundle.proof.replace(
        /\nindex (\d+)\n/,
        (_m, i: string) => `\nindex ${Number(i) + 1}\n`,
      ),
    };
    assert.ok(codes(checkBundle(badProof, ledger.vkey)).includes('INCLUSION_PROOF_INVALID'));

    // `erased` is covered by no signature of its own: claiming it without a tombstone fails.
    assert.equal(ok.erased, false);
    assert.deepEqual(codes(checkBundle({ ...bundle, erased: true }, ledger.vkey)), [
      'ERASED_FLAG_MISMATCH',
    ]);

    await assert.rejects(
      ledger.exportBundle(record.id, ['nope']),
      (e: { code: string }) => e.code === 'FIELD_UNKNOWN',
    );
  });

  test('erasure destroys the key bytes, appends a tombstone, and every proof still verifies', async () => {
    const records = [fixtureDecision(506), fixtureDecision(511), fixtureDecision(521)]; // subject applicant-1
    await Promise.all(records.map((r) => ledger.append(r)));
    await ledger.flush();
    const db = new Database(dataDirPaths(tmp.dir).db, { readonly: true });
    const wrapped = (
      db
        .prepare(
          'SELECT wrapped FROM subject_keys WHERE kid = (SELECT kid FROM entries WHERE id = ?)',
        )
        .get(records[0]!.id) as { wrapped: Buffer }
    ).wrapped;
    db.close();

    const result = await ledger.erase(
      'applicant-1',
      'DSR-2291: erasure requested by the data subject',
    );
    assert.equal(result.keysDestroyed, 1);
    assert.ok(result.decisions >= 3);
    assert.notEqual(result.tombstone, null);
    for (const r of records) {
      const entry = await ledger.read(r.id);
      assert.equal(entry.erased, true);
      assert.equal(entry.fields, null);
      const bundle = await ledger.exportBundle(r.id);
      assert.equal(bundle.erased, true);
      const checked = checkBundle(bundle, ledger.vkey);
      assert.equal(checked.ok, true, JSON.stringify(checked));
      // Derived from the signed tombstone and its inclusion, not from the flag.
      assert.equal(checked.erased, true);
      assert.deepEqual(codes(checkBundle({ ...bundle, erased: false }, ledger.vkey)), [
        'ERASED_FLAG_MISMATCH',
      ]);
    }
    await assert.rejects(
      ledger.exportBundle(records[0]!.id, ['outcome']),
      (e: { code: string }) => e.code === 'CONTENT_ERASED',
    );
    // The wrapped key's bytes are gone from the database file and its WAL.
    for (const suffix of ['', '-wal']) {
      let bytes: Buffer;
      try {
        bytes = readFileSync(dataDirPaths(tmp.dir).db + suffix);
      } catch {
        continue;
      }
      assert.equal(bytes.indexOf(wrapped), -1, `wrapped key still in ledger.db${suffix}`);
    }
    // Erasing again: nothing left to destroy, no second tombstone.
    const again = await ledger.erase('applicant-1', 'repeat');
    assert.equal(again.tombstone, null);
    await assert.rejects(
      ledger.erase('nobody', 'x'),
      (e: { code: string }) => e.code === 'SUBJECT_NOT_FOUND',
    );
    // New decisions about the same person get a new key and stay readable.
    const later = fixtureDecision(526);
    await ledger.append(later);
    assert.equal((await ledger.read(later.id)).erased, false);

    await ledger.flush();
    const report = await auditDataDir(tmp.dir);
    assert.deepEqual(
      report.issues.filter((i) => i.severity !== 'warning'),
      [],
    );
    for (const r of records) assert.ok(report.erased.includes(r.id));
    assert.equal(report.tombstones, 1);
  });
});

describe('checkpoint signer', () => {
  test('refuses to sign a checkpoint that does not extend the last one', () => {
    const { skey } = generateSignerKey('test.docket.local/signer');
    const root = (b: number): Buffer => Buffer.alloc(32, b);
    const signer = new CheckpointSigner(createNoteSigner(skey), 'test.docket.local/signer', {
      origin: 'test.docket.local/signer',
      size: 4,
      root: root(1),
      extensions: [],
    });
    const refuse = (fn: () => unknown): void => {
      assert.throws(fn, (e: { code: string }) => e.code === 'CHECKPOINT_NOT_CONSISTENT');
    };
    refuse(() =>
      signer.sign(
        { origin: 'test.docket.local/signer', size: 3, root: root(2), extensions: [] },
        [],
      ),
    );
    refuse(() =>
      signer.sign({ origin: 'test.docket.local/signer', size: 8, root: root(2), extensions: [] }, [
        root(3),
      ]),
    );
    refuse(() =>
      signer.sign(
        { origin: 'test.docket.local/signer', size: 4, root: root(2), extensions: [] },
        [],
      ),
    );
    refuse(() => signer.sign({ origin: 'other/log', size: 8, root: root(2), extensions: [] }, []));
  });
});

function codes(result: { ok: boolean; issues?: { code: string }[] }): string[] {
  return result.ok ? [] : (result.issues ?? []).map((i) => i.code);
}

describe('producer sequences', () => {
  test('gaps and repeats in a producer’s seq are reported as warnings; the log still verifies', async () => {
    const tmp = tempDir();
    try {
      const ledger = await openLedger({ dataDir: tmp.dir, flushIntervalMs: 5 });
      const seqs = [0, 1, 3, 4, 7, 7, 7, 9, 9];
      await Promise.all(
        seqs.map((seq, i) =>
          ledger.append(fixtureDecision(i, { producer: { id: 'agent-7', seq } })),
        ),
      );
      await ledger.close();
      const report = await auditDataDir(tmp.dir);
      assert.equal(report.ok, true);
      const found = report.issues.map((i) => [i.code, i.where, i.message, i.severity]);
      assert.deepEqual(found, [
        ['PRODUCER_SEQ_DUPLICATE', 'producer agent-7', 'seq 7 appears 3 times', 'warning'],
        ['PRODUCER_SEQ_DUPLICATE', 'producer agent-7', 'seq 9 appears 2 times', 'warning'],
        [
          'PRODUCER_SEQ_GAP',
          'producer agent-7',
          'seq 2 is missing; no report of the producer explains it',
          'warning',
        ],
        [
          'PRODUCER_SEQ_GAP',
          'producer agent-7',
          'seq 5–6 are missing; no report of the producer explains it',
          'warning',
        ],
        [
          'PRODUCER_SEQ_GAP',
          'producer agent-7',
          'seq 8 is missing; no report of the producer explains it',
          'warning',
        ],
      ]);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('two writers on one data directory', () => {
  test('the second writer to flush is refused (STORE_CONFLICT) and the log does not fork', async () => {
    const tmp = tempDir();
    try {
      const first = await openLedger({ dataDir: tmp.dir, flushIntervalMs: 5 });
      const second = await openLedger({ dataDir: tmp.dir, flushIntervalMs: 5 });
      await first.append(fixtureDecision(1));
      await assert.rejects(
        second.append(fixtureDecision(2)),
        (e: { code: string }) => e.code === 'STORE_CONFLICT',
      );
      // Once refused, it stays refused: its view of the tree is stale.
      await assert.rejects(
        second.append(fixtureDecision(3)),
        (e: { code: string }) => e.code === 'STORE_CONFLICT',
      );
      await first.append(fixtureDecision(4));
      await first.close();
      await second.close();
      const report = await auditDataDir(tmp.dir);
      assert.deepEqual(
        report.issues.filter((x) => x.severity !== 'warning'),
        [],
      );
      assert.equal(report.entries, 2);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('audit beside a running writer', () => {
  // Without a snapshot, the audit would chase a growing log forever: the timeout makes that a failure.
  test(
    'sees one snapshot: never a false truncation or rollback while appends commit',
    { timeout: 60_000 },
    async () => {
      const tmp = tempDir();
      try {
        const ledger = await openLedger({
          dataDir: tmp.dir,
          flushIntervalMs: 1,
          flushMaxEntries: 16,
        });
        const state = { writing: true };
        let i = 0;
        const writer = (async () => {
          while (state.writing)
            await Promise.all(
              Array.from({ length: 16 }, () => ledger.append(fixtureDecision(i++))),
            );
        })();
        try {
          let seen = 0;
          for (let round = 0; round < 5; round++) {
            const report = await auditDataDir(tmp.dir, { skipContent: true });
            const errors = report.issues.filter((x) => x.severity !== 'warning');
            assert.deepEqual(errors, [], `round ${round}`);
            seen = report.entries;
          }
          assert.ok(seen > 0, 'the audits ran while entries were being written');
        } finally {
          state.writing = false;
          await writer;
          await ledger.close();
        }
      } finally {
        tmp.cleanup();
      }
    },
  );
});

describe('close', () => {
  test('appends accepted just before close are all made durable, none is dropped', async () => {
    const tmp = tempDir();
    try {
      const ledger = await openLedger({ dataDir: tmp.dir, flushIntervalMs: 1000 });
      // Subject decisions wait for their data key before they reach the pool: close() must not
      // overtake them.
      const records = Array.from({ length: 40 }, (_, i) => fixtureDecision(i));
      const appended = records.map((r) => ledger.append(r));
      await ledger.close();
      const results = await Promise.all(appended);
      assert.equal(new Set(results.map((r) => r.index)).size, records.length);
      const report = await auditDataDir(tmp.dir);
      assert.equal(report.entries, records.length);
    } finally {
      tmp.cleanup();
    }
  });
});
