import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  addSignatureLines,
  createCosignatureVerifier,
  createNoteSigner,
  findCosignatures,
  formatAddCheckpoint,
  generateSignerKey,
  hashLeaf,
  MemoryTree,
  signCheckpoint,
} from '@docket/core';
import type { NoteSigner } from '@docket/core';
import { startWitnessServer, WITNESS_FILES } from './witness-server.js';

const ORIGIN = 'example.com/witnessed-log';
const logKey = generateSignerKey(ORIGIN);
const logSigner = createNoteSigner(logKey.skey);

function treeOf(size: number, salt = ''): MemoryTree {
  const tree = new MemoryTree();
  for (let i = 0; i < size; i++) tree.append(hashLeaf(Buffer.from(`${salt}leaf ${i}`)));
  return tree;
}

function noteAt(tree: MemoryTree, size: number, signer: NoteSigner = logSigner): string {
  return signCheckpoint({ origin: ORIGIN, size, root: tree.rootAt(size), extensions: [] }, signer);
}

async function post(url: string, body: string) {
  const res = await fetch(`${url}/add-checkpoint`, { method: 'POST', body });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('docket witness serve (c2sp.org/tlog-witness)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-witness-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const tree = treeOf(20);

  test('first start makes a 0600 key; add-checkpoint cosigns and refuses per the spec', async () => {
    const witness = await startWitnessServer({ dir, name: 'witness.test/w1' });
    try {
      assert.equal(witness.created, true);
      assert.equal(statSync(join(dir, WITNESS_FILES.key)).mode & 0o777, 0o600);
      assert.equal(readFileSync(join(dir, WITNESS_FILES.vkey), 'utf8').trim(), witness.vkey);
      const verifier = createCosignatureVerifier(witness.vkey);

      // Unknown origin before add-log.
      const unknown = await post(
        witness.url,
        formatAddCheckpoint({ oldSize: 0, proof: [], note: noteAt(tree, 5) }),
      );
      assert.equal(unknown.status, 404);
      await witness.store.addLog(ORIGIN, [logKey.vkey]);

      const first = await post(
        witness.url,
        formatAddCheckpoint({ oldSize: 0, proof: [], note: noteAt(tree, 5) }),
      );
      assert.equal(first.status, 200, first.body);
      assert.match(first.body, /^— witness\.test\/w1 \S+\n$/);
      const cosigned = findCosignatures(addSignatureLines(noteAt(tree, 5), first.body), [verifier]);
      assert.equal(cosigned.length, 1);
      // Not over another checkpoint.
      assert.equal(
        findCosignatures(addSignatureLines(noteAt(tree, 6), first.body), [verifier]).length,
        0,
      );

      const next = await post(
        witness.url,
        formatAddCheckpoint({
          oldSize: 5,
          proof: tree.consistencyProof(5, 12),
          note: noteAt(tree, 12),
        }),
      );
      assert.equal(next.status, 200, next.body);

      // Rollback: a client that claims size 5 (or 0) gets 409 and the witness's size.
      const rollback = await post(
        witness.url,
        formatAddCheckpoint({ oldSize: 5, proof: [], note: noteAt(tree, 5) }),
      );
      assert.deepEqual(
        [rollback.status, rollback.type, rollback.body],
        [409, 'text/x.tlog.size', '12\n'],
      );
      // Fork: a tree of the same size with other leaves, or an extension of another tree.
      const fork = treeOf(20, 'fork ');
      const split = await post(
        witness.url,
        formatAddCheckpoint({ oldSize: 12, proof: [], note: noteAt(fork, 12) }),
      );
      assert.equal(split.status, 422);
      const forked = await post(
        witness.url,
        formatAddCheckpoint({
          oldSize: 12,
          proof: fork.consistencyProof(12, 15),
          note: noteAt(fork, 15),
        }),
      );
      assert.equal(forked.status, 422);
      // Re-signed with another key of the same name.
      const forger = createNoteSigner(generateSignerKey(ORIGIN).skey);
      const resigned = await post(
        witness.url,
        formatAddCheckpoint({
          oldSize: 12,
          proof: tree.consistencyProof(12, 15),
          note: noteAt(tree, 15, forger),
        }),
      );
      assert.equal(resigned.status, 403);
      const backwards = await post(
        witness.url,
        formatAddCheckpoint({ oldSize: 12, proof: [], note: noteAt(tree, 11) }),
      );
      assert.equal(backwards.status, 400);
      const garbage = await post(witness.url, 'old x\n\n');
      assert.equal(garbage.status, 400);

      // The monitoring endpoint serves the latest cosigned checkpoint with both signatures.
      const hash = createHash('sha256').update(ORIGIN).digest('hex');
      const served = await fetch(`${witness.url}/${hash}/checkpoint`);
      const note = await served.text();
      assert.equal(served.status, 200);
      assert.ok(note.startsWith(`${ORIGIN}\n12\n`));
      assert.equal(findCosignatures(note, [verifier]).length, 1);
      assert.ok(note.includes(`— ${ORIGIN} `));
    } finally {
      await witness.close();
    }
  });

  test('the latest size survives a restart, and concurrent submissions never roll it back', async () => {
    const witness = await startWitnessServer({ dir });
    try {
      assert.equal(witness.created, false);
      const stale = await post(
        witness.url,
        formatAddCheckpoint({ oldSize: 0, proof: [], note: noteAt(tree, 5) }),
      );
      assert.deepEqual([stale.status, stale.body], [409, '12\n']);
      // Two requests from 12: one to 14, one to 18. Whichever lands second gets 409.
      const [a, b] = await Promise.all([
        post(
          witness.url,
          formatAddCheckpoint({
            oldSize: 12,
            proof: tree.consistencyProof(12, 14),
            note: noteAt(tree, 14),
          }),
        ),
        post(
          witness.url,
          formatAddCheckpoint({
            oldSize: 12,
            proof: tree.consistencyProof(12, 18),
            note: noteAt(tree, 18),
          }),
        ),
      ]);
      assert.deepEqual([a.status, b.status].sort(), [200, 409]);
      const winner = a.status === 200 ? 14 : 18;
      assert.equal((await witness.store.latest(ORIGIN))?.size, winner);
    } finally {
      await witness.close();
    }
    await assert.rejects(
      startWitnessServer({ dir, name: 'another/name' }),
      /named witness\.test\/w1/,
    );
  });
});
