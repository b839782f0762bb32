// Tamper tests: each kind of change to a stored log must be found by the full audit, with its own
// issue code. The log is changed directly in SQLite, as an attacker with database access would.
import assert from 'node:assert/strict';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  createNoteSigner,
  generateSignerKey,
  parseLeafEnvelope,
  signCheckpoint,
  toLeafBytes,
} from '@docket/core';
import type { Issue } from '@docket/protocol';
import { auditDataDir, dataDirPaths, openLedger, readLogKey } from '@docket/ledger';
import { createFixtureLedger, fixtureDecision, tempDir } from '../support/ledger-fixture.js';

const COUNT = 30;
let base: { dir: string; cleanup: () => void };
let scratch: { dir: string; cleanup: () => void };
let caseNo = 0;

before(async () => {
  base = tempDir();
  scratch = tempDir();
  await createFixtureLedger(base.dir, COUNT, 3);
});
after(() => {
  base.cleanup();
  scratch.cleanup();
});

/** A copy of the fixture log, changed by `tamper` through SQL; returns the audit's errors. */
async function auditIssuesAfter(
  tamper: (db: Database.Database, dir: string) => void,
  options: Parameters<typeof auditDataDir>[1] = {},
): Promise<Issue[]> {
  const dir = join(scratch.dir, `case-${caseNo++}`);
  cpSync(base.dir, dir, { recursive: true });
  const db = new Database(dataDirPaths(dir).db);
  try {
    tamper(db, dir);
  } finally {
    db.close();
  }
  const report = await auditDataDir(dir, options);
  return report.issues.filter((i) => i.severity !== 'warning');
}

/** The codes of {@link auditIssuesAfter}. */
async function auditAfter(
  tamper: (db: Database.Database, dir: string) => void,
  options: Parameters<typeof auditDataDir>[1] = {},
): Promise<string[]> {
  return (await auditIssuesAfter(tamper, options)).map((i) => i.code);
}

const leafAt = (db: Database.Database, idx: number): Buffer =>
  (db.prepare('SELECT leaf FROM entries WHERE idx = ?').get(idx) as { leaf: Buffer }).leaf;
const checkpointNotes = (db: Database.Database): { seq: number; note: string; size: number }[] =>
  db.prepare('SELECT seq, note, size FROM checkpoints ORDER BY seq').all() as {
    seq: number;
    note: string;
    size: number;
  }[];

describe('full audit of a tampered log', () => {
  test('the untouched log verifies, with no issue at all', async () => {
    const report = await auditDataDir(base.dir);
    assert.deepEqual(report.issues, []);
    assert.equal(report.ok, true);
    assert.equal(report.entries, COUNT);
    assert.equal(report.treeSize, COUNT);
    assert.equal(report.checkpoints, 4); // the empty log's, then one per flush
    assert.ok(report.commitmentsChecked > COUNT * 10);
  });

  test('changed content (clear) → CONTENT_CHANGED', async () => {
    const codes = await auditAfter((db) => {
      const row = db
        .prepare(
          'SELECT c.idx, c.body FROM contents c JOIN entries e ON e.idx = c.idx WHERE e.kid IS NULL LIMIT 1',
        )
        .get() as { idx: number; body: Buffer };
      const content = JSON.parse(row.body.toString()) as {
        fields: { outcome: { action: string } };
      };
      content.fields.outcome.action = 'decline';
      db.prepare('UPDATE contents SET body = ? WHERE idx = ?').run(
        Buffer.from(JSON.stringify(content)),
        row.idx,
      );
    });
    assert.deepEqual(codes, ['CONTENT_CHANGED']);
  });

  test('changed content (encrypted) → CONTENT_CHANGED', async () => {
    const codes = await auditAfter((db) => {
      const row = db
        .prepare(
          'SELECT c.idx, c.body FROM contents c JOIN entries e ON e.idx = c.idx WHERE e.kid IS NOT NULL LIMIT 1',
        )
        .get() as { idx: number; body: Buffer };
      row.body[40] = row.body[40]! ^ 1;
      db.prepare('UPDATE contents SET body = ? WHERE idx = ?').run(row.body, row.idx);
    });
    assert.deepEqual(codes, ['CONTENT_CHANGED']);
  });

  test('changed leaf → LEAF_CHANGED', async () => {
    const codes = await auditAfter((db) => {
      const envelope = parseLeafEnvelope(leafAt(db, 14));
      const changed = toLeafBytes({ ...envelope, ts: '2020-01-01T00:00:00.000Z' });
      db.prepare('UPDATE entries SET leaf = ? WHERE idx = 14').run(changed);
    });
    assert.ok(codes.includes('LEAF_CHANGED'), codes.join());
    assert.ok(
      codes.every((c) => c === 'LEAF_CHANGED'),
      codes.join(),
    );
  });

  test('deleted entry → ENTRY_MISSING', async () => {
    const codes = await auditAfter((db) => {
      db.prepare('DELETE FROM entries WHERE idx = 5').run();
      db.prepare('DELETE FROM contents WHERE idx = 5').run();
    });
    assert.ok(codes.includes('ENTRY_MISSING'), codes.join());
    assert.ok(!codes.includes('LEAF_CHANGED'));
  });

  test('deleted entry, later ones renumbered → ENTRY_MISSING', async () => {
    const codes = await auditAfter((db) => {
      db.prepare('DELETE FROM entries WHERE idx = 5').run();
      db.prepare('DELETE FROM contents WHERE idx = 5').run();
      db.prepare('UPDATE entries SET idx = -(idx - 1) WHERE idx > 5').run();
      db.prepare('UPDATE entries SET idx = -idx WHERE idx < 0').run();
    });
    assert.ok(codes.includes('ENTRY_MISSING'), codes.join());
  });

  test('reordered entries → ENTRY_REORDERED', async () => {
    const codes = await auditAfter((db) => {
      db.prepare('UPDATE entries SET idx = -1 WHERE idx = 3').run();
      db.prepare('UPDATE entries SET idx = 3 WHERE idx = 7').run();
      db.prepare('UPDATE entries SET idx = 7 WHERE idx = -1').run();
    });
    assert.ok(codes.includes('ENTRY_REORDERED'), codes.join());
    assert.ok(!codes.includes('LEAF_CHANGED') && !codes.includes('ENTRY_MISSING'), codes.join());
  });

  test('inserted entry (middle, others shifted) → ENTRY_INSERTED', async () => {
    const codes = await auditAfter((db) => {
      const copy = db.prepare('SELECT * FROM entries WHERE idx = 12').get() as Record<
        string,
        unknown
      >;
      db.prepare('UPDATE entries SET idx = -(idx + 1) WHERE idx >= 12').run();
      db.prepare('UPDATE entries SET idx = -idx WHERE idx < 0').run();
      db.prepare(
        'INSERT INTO entries (idx, id, type, ts, subject, producer_id, producer_seq, kid, leaf) VALUES (12, ?, ?, ?, ?, ?, ?, ?, ?)',
      ).run(
        '01900000-0000-7000-8000-000000000000',
        copy['type'],
        copy['ts'],
        copy['subject'],
        copy['producer_id'],
        copy['producer_seq'],
        copy['kid'],
        copy['leaf'],
      );
    });
    assert.ok(codes.includes('ENTRY_INSERTED'), codes.join());
  });

  test('inserted entry (after the last checkpoint) → ENTRY_INSERTED', async () => {
    const codes = await auditAfter((db) => {
      const envelope = parseLeafEnvelope(leafAt(db, 29));
      const leaf = toLeafBytes({
        ...envelope,
        index: 30,
        id: '01900000-0000-7000-8000-000000000001',
      });
      db.prepare(
        "INSERT INTO entries (idx, id, type, ts, leaf) VALUES (30, '01900000-0000-7000-8000-000000000001', ?, ?, ?)",
      ).run(envelope.type, envelope.ts, leaf);
    });
    assert.ok(codes.includes('ENTRY_INSERTED'), codes.join());
  });

  test('truncated log → LOG_TRUNCATED', async () => {
    const codes = await auditAfter((db) => {
      db.prepare('DELETE FROM entries WHERE idx >= 25').run();
    });
    assert.deepEqual(codes, ['LOG_TRUNCATED']);
  });

  test('forged checkpoint signature → CHECKPOINT_SIGNATURE_INVALID', async () => {
    const codes = await auditAfter((db) => {
      const last = checkpointNotes(db).at(-1)!;
      const sigLine = last.note.lastIndexOf('\n', last.note.length - 2) + 1;
      const line = last.note.slice(sigLine);
      const at = line.lastIndexOf(' ') + 10;
      const forged =
        last.note.slice(0, sigLine) +
        line.slice(0, at) +
        (line[at] === 'A' ? 'B' : 'A') +
        line.slice(at + 1);
      db.prepare('UPDATE checkpoints SET note = ? WHERE seq = ?').run(forged, last.seq);
    });
    assert.ok(codes.includes('CHECKPOINT_SIGNATURE_INVALID'), codes.join());
  });

  test('checkpoint re-signed with another key → CHECKPOINT_SIGNATURE_INVALID', async () => {
    const codes = await auditAfter((db) => {
      const last = checkpointNotes(db).at(-1)!;
      const body = last.note.slice(0, last.note.indexOf('\n\n') + 1);
      const other = createNoteSigner(generateSignerKey('test.docket.local/log').skey);
      const sig = Buffer.concat([Buffer.alloc(4), other.sign(Buffer.from(body))]);
      sig.writeUInt32BE(other.keyId, 0);
      db.prepare('UPDATE checkpoints SET note = ? WHERE seq = ?').run(
        `${body}\n— ${other.name} ${sig.toString('base64')}\n`,
        last.seq,
      );
    });
    assert.ok(codes.includes('CHECKPOINT_SIGNATURE_INVALID'), codes.join());
  });

  test('signature lines swapped between checkpoints → CHECKPOINT_SIGNATURE_INVALID', async () => {
    const codes = await auditAfter((db) => {
      const notes = checkpointNotes(db);
      const [a, b] = [notes[1]!, notes[2]!];
      const split = (n: string): [string, string] => [
        n.slice(0, n.indexOf('\n\n') + 2),
        n.slice(n.indexOf('\n\n') + 2),
      ];
      const [aBody, aSig] = split(a.note);
      const [bBody, bSig] = split(b.note);
      db.prepare('UPDATE checkpoints SET note = ? WHERE seq = ?').run(aBody + bSig, a.seq);
      db.prepare('UPDATE checkpoints SET note = ? WHERE seq = ?').run(bBody + aSig, b.seq);
    });
    assert.deepEqual([...new Set(codes)], ['CHECKPOINT_SIGNATURE_INVALID']);
  });

  test('rolled back to an older state (latest checkpoint and its entries removed) → CHECKPOINT_ROLLBACK', async () => {
    const codes = await auditAfter((db) => {
      const notes = checkpointNotes(db);
      const older = notes.at(-2)!;
      db.prepare('DELETE FROM checkpoints WHERE seq = ?').run(notes.at(-1)!.seq);
      db.prepare('DELETE FROM entries WHERE idx >= ?').run(older.size);
    });
    assert.deepEqual(codes, ['CHECKPOINT_ROLLBACK']);
  });

  test('latest checkpoint replaced by an older one → CHECKPOINT_ROLLBACK', async () => {
    const codes = await auditAfter((db) => {
      const notes = checkpointNotes(db);
      const older = notes.at(-2)!;
      db.prepare('UPDATE checkpoints SET note = ?, size = ? WHERE seq = ?').run(
        older.note,
        older.size,
        notes.at(-1)!.seq,
      );
    });
    assert.ok(codes.includes('CHECKPOINT_ROLLBACK'), codes.join());
  });

  test('a store restored from an old backup refuses to start (STORE_BEHIND_CHECKPOINT) and fails the audit (CHECKPOINT_ROLLBACK)', async () => {
    const dir = join(scratch.dir, `case-${caseNo++}`);
    const backup = join(scratch.dir, `backup-${caseNo}`);
    let ledger = await openLedger({ dataDir: dir });
    await Promise.all([0, 1, 2, 3].map((i) => ledger.append(fixtureDecision(i))));
    await ledger.close();
    cpSync(dir, backup, { recursive: true });
    ledger = await openLedger({ dataDir: dir });
    await Promise.all([4, 5, 6].map((i) => ledger.append(fixtureDecision(i))));
    await ledger.close();
    // Restore the database from the backup; the published checkpoint file stays as it was.
    for (const suffix of ['', '-wal', '-shm']) {
      rmSync(dataDirPaths(dir).db + suffix, { force: true });
      if (existsSync(dataDirPaths(backup).db + suffix))
        cpSync(dataDirPaths(backup).db + suffix, dataDirPaths(dir).db + suffix);
    }
    await assert.rejects(
      openLedger({ dataDir: dir }),
      (e: { code?: string }) => e.code === 'STORE_BEHIND_CHECKPOINT',
    );
    const report = await auditDataDir(dir);
    assert.deepEqual(
      report.issues.map((i) => i.code),
      ['CHECKPOINT_ROLLBACK'],
    );
  });
  test('changed tree node → NODE_CHANGED (and nothing else)', async () => {
    const codes = await auditAfter((db) => {
      db.prepare('UPDATE nodes SET hash = zeroblob(32) WHERE level = 1 AND idx = 2').run();
    });
    assert.deepEqual(codes, ['NODE_CHANGED']);
  });

  test('changed tree node on the path of the latest root → NODE_CHANGED', async () => {
    const codes = await auditAfter((db) => {
      db.prepare('UPDATE nodes SET hash = zeroblob(32) WHERE level = 4 AND idx = 0').run();
    });
    assert.deepEqual(codes, ['NODE_CHANGED']);
  });

  test('deleted tree node → NODE_MISSING', async () => {
    const codes = await auditAfter((db) => {
      db.prepare('DELETE FROM nodes WHERE level = 0 AND idx = 7').run();
    });
    assert.deepEqual(codes, ['NODE_MISSING']);
  });

  test('a tree node no subtree of the log has → NODE_EXTRA', async () => {
    const codes = await auditAfter((db) => {
      db.prepare('INSERT INTO nodes (level, idx, hash) VALUES (0, 40, zeroblob(32))').run();
    });
    assert.deepEqual(codes, ['NODE_EXTRA']);
  });

  test('deleted tree state (meta.tree_edge) → TREE_STATE_MISMATCH', async () => {
    const codes = await auditAfter((db) => {
      db.prepare("DELETE FROM meta WHERE key = 'tree_edge'").run();
    });
    assert.deepEqual(codes, ['TREE_STATE_MISMATCH']);
  });

  test('changed tree size (meta.tree_size) → TREE_STATE_MISMATCH', async () => {
    const codes = await auditAfter((db) => {
      db.prepare("UPDATE meta SET value = '29' WHERE key = 'tree_size'").run();
    });
    assert.deepEqual(codes, ['TREE_STATE_MISMATCH']);
  });

  test('deleted intermediate checkpoint → CHECKPOINT_MISSING', async () => {
    const codes = await auditAfter((db) => {
      db.prepare('DELETE FROM checkpoints WHERE seq = ?').run(checkpointNotes(db)[2]!.seq);
    });
    assert.deepEqual(codes, ['CHECKPOINT_MISSING']);
  });

  test('changed subject key → KEY_CHANGED naming the key (a finding, not an I/O error)', async () => {
    let kid = '';
    const issues = await auditIssuesAfter((db) => {
      const row = db.prepare('SELECT kid, wrapped FROM subject_keys LIMIT 1').get() as {
        kid: string;
        wrapped: Buffer;
      };
      kid = row.kid;
      row.wrapped[20] = row.wrapped[20]! ^ 1;
      db.prepare('UPDATE subject_keys SET wrapped = ? WHERE kid = ?').run(row.wrapped, kid);
    });
    assert.deepEqual(
      issues.map((i) => [i.code, i.where]),
      [['KEY_CHANGED', `subject key ${kid}`]],
    );
  });

  test('changed search column (action) → SEARCH_ROW_CHANGED, clear and encrypted content', async () => {
    for (const encrypted of [false, true]) {
      const issues = await auditIssuesAfter((db) => {
        const { idx } = db
          .prepare(
            `SELECT s.idx FROM search s JOIN entries e ON e.idx = s.idx WHERE e.kid IS ${encrypted ? 'NOT ' : ''}NULL LIMIT 1`,
          )
          .get() as { idx: number };
        db.prepare("UPDATE search SET action = 'decline' WHERE idx = ?").run(idx);
      });
      assert.deepEqual(
        issues.map((i) => i.code),
        ['SEARCH_ROW_CHANGED'],
      );
      assert.match(issues[0]!.message, /action/);
    }
  });

  test('changed search text → SEARCH_ROW_CHANGED', async () => {
    const codes = await auditAfter((db) => {
      db.prepare("UPDATE search_text SET text = 'nothing to see' WHERE rowid = 4").run();
    });
    assert.deepEqual(codes, ['SEARCH_ROW_CHANGED']);
  });

  test('deleted search row → SEARCH_ROW_MISSING', async () => {
    const codes = await auditAfter((db) => {
      db.prepare('DELETE FROM search WHERE idx = 8').run();
    });
    assert.deepEqual(codes, ['SEARCH_ROW_MISSING']);
  });

  test('a search row of no decision → SEARCH_ROW_EXTRA', async () => {
    const codes = await auditAfter((db) => {
      db.prepare(
        "INSERT INTO search (idx, agent, agent_version, subject, action, ts, run_id) SELECT 77, agent, agent_version, subject, 'approve', ts, run_id FROM search WHERE idx = 3",
      ).run();
    });
    assert.deepEqual(codes, ['SEARCH_ROW_EXTRA']);
  });

  test('changed entry column (ts) → ENTRY_COLUMNS_MISMATCH', async () => {
    const codes = await auditAfter((db) => {
      db.prepare("UPDATE entries SET ts = '2020-01-01T00:00:00.000Z' WHERE idx = 6").run();
    });
    assert.deepEqual(codes, ['ENTRY_COLUMNS_MISMATCH']);
  });

  test('an erased subject verifies; its search rows are still checked against the leaf', async () => {
    const dir = join(scratch.dir, `case-${caseNo++}`);
    cpSync(base.dir, dir, { recursive: true });
    const ledger = await openLedger({ dataDir: dir });
    await ledger.erase('applicant-1', 'test');
    await ledger.close();
    const clean = await auditDataDir(dir);
    assert.deepEqual(clean.issues, []);
    assert.ok(clean.erased.length > 0);
    const db = new Database(dataDirPaths(dir).db);
    try {
      db.prepare(
        "UPDATE search SET ts = '2020-01-01T00:00:00.000Z' WHERE idx = (SELECT e.idx FROM entries e JOIN subject_keys k ON k.kid = e.kid WHERE k.wrapped IS NULL LIMIT 1)",
      ).run();
    } finally {
      db.close();
    }
    const report = await auditDataDir(dir);
    assert.deepEqual(
      report.issues.map((i) => i.code),
      ['SEARCH_ROW_CHANGED'],
    );
  });

  test('a kept checkpoint of a size the log never signed, with another root → CHECKPOINT_FORK', async () => {
    const signer = createNoteSigner(readLogKey(base.dir, { environment: false }));
    const forged = signCheckpoint(
      { origin: 'test.docket.local/log', size: 15, root: Buffer.alloc(32, 7), extensions: [] },
      signer,
    );
    const codes = await auditAfter(() => undefined, { trustedCheckpoint: forged });
    assert.deepEqual(codes, ['CHECKPOINT_FORK']);
  });
});

// `docket serve` (any openLedger) must not sign on top of a store its own audit rejects: the open
// checks that the entries, the stored tree and the latest checkpoint agree (cheaply: a count, the
// newest leaves, the root from the stored nodes).
describe('open refuses a store its audit rejects', () => {
  const cases: [string, (db: Database.Database) => void, string][] = [
    [
      'entries deleted at the end (truncated)',
      (db) => db.prepare('DELETE FROM entries WHERE idx >= 25').run(),
      'STORE_TRUNCATED',
    ],
    [
      'an entry deleted in the middle',
      (db) => db.prepare('DELETE FROM entries WHERE idx = 5').run(),
      'STORE_TRUNCATED',
    ],
    [
      'the newest leaf changed',
      (db) => {
        const row = db.prepare('SELECT leaf FROM entries WHERE idx = ?').get(COUNT - 1) as {
          leaf: Buffer;
        };
        const envelope = parseLeafEnvelope(row.leaf, 'leaf');
        const changed = toLeafBytes({ ...envelope, ts: '2020-01-01T00:00:00.000Z' });
        db.prepare('UPDATE entries SET leaf = ? WHERE idx = ?').run(changed, COUNT - 1);
      },
      'STORE_CORRUPT',
    ],
  ];
  for (const [what, tamper, code] of cases) {
    test(`${what} → ${code} at open, nothing signed`, async () => {
      const dir = join(scratch.dir, `case-${caseNo++}`);
      cpSync(base.dir, dir, { recursive: true });
      const db = new Database(dataDirPaths(dir).db);
      try {
        tamper(db);
      } finally {
        db.close();
      }
      await assert.rejects(openLedger({ dataDir: dir }), (e: { code?: string }) => e.code === code);
      const after = new Database(dataDirPaths(dir).db, { readonly: true });
      try {
        const n = after.prepare('SELECT count(*) AS n FROM checkpoints').get() as { n: number };
        const size = after.prepare('SELECT max(size) AS s FROM checkpoints').get() as { s: number };
        assert.equal(size.s, COUNT, `a checkpoint was signed over the tampered store (${n.n})`);
      } finally {
        after.close();
      }
      const report = await auditDataDir(dir);
      assert.ok(
        report.issues.some((i) => i.severity !== 'warning'),
        'the audit rejects it too',
      );
    });
  }
});
