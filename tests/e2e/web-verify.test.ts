/**
 * The browser verifier of @docket/web (packages/web/src/verify), run in Node 20 (which has the same
 * WebCrypto) against the independent vectors in ../shared/vectors, and against a real Docket log
 * made by @docket/core: RFC 6962 proofs, C2SP signed notes and checkpoints, Ed25519 on both
 * backends (WebCrypto and the bundled @noble/ed25519), RFC 8785, and a whole decision check.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import * as core from '@docket/core';
import type { JsonValue } from '@docket/protocol';
import {
  canonicalBytes,
  checkDecision,
  commitField,
  createEd25519Verifier,
  hashChildren,
  hashLeaf,
  keyIdFor,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseVerifierKey,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
  VerifyError,
  webCryptoHasEd25519,
} from '@docket/web';
import type { Ed25519Verifier } from '@docket/web';
import {
  listVectorFiles,
  readVectorJson,
  vectorsAvailable,
  vectorsDir,
} from '../support/vectors.js';

const options = vectorsAvailable();
const available = options.skip === undefined;
const b64 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'base64'));
const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
const loadNoble = () => import('@noble/ed25519');

/** Runs `fn`, returning the VerifyError code it threw, or 'ok'. */
async function outcome(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof VerifyError, `threw ${String(error)}, want a VerifyError`);
    return error.code;
  }
}

const PROOF_CODES = [
  'PROOF_BAD_HASH_SIZE',
  'PROOF_INDEX_OUT_OF_RANGE',
  'PROOF_WRONG_LENGTH',
  'PROOF_ROOT_MISMATCH',
  'PROOF_BAD_SIZES',
];

describe('web verifier: transparency-dev Merkle probes', options, () => {
  const inclusion = available ? listVectorFiles('rfc6962-merkle/inclusion') : [];
  const consistency = available ? listVectorFiles('rfc6962-merkle/consistency') : [];

  test('98 inclusion probes agree with wantErr', async () => {
    assert.equal(inclusion.length, 98);
    for (const path of inclusion) {
      const p = readVectorJson<{
        leafIdx: number;
        treeSize: number;
        root: string;
        leafHash: string;
        proof: string[] | null;
        wantErr: boolean;
      }>(path);
      const code = await outcome(() =>
        verifyInclusion(
          p.leafIdx,
          p.treeSize,
          b64(p.leafHash),
          (p.proof ?? []).map(b64),
          b64(p.root),
        ),
      );
      if (p.wantErr) assert.ok(PROOF_CODES.includes(code), `${path}: ${code}`);
      else {
        assert.equal(code, 'ok', path);
        const root = await rootFromInclusionProof(
          p.leafIdx,
          p.treeSize,
          b64(p.leafHash),
          (p.proof ?? []).map(b64),
        );
        assert.deepEqual(root, b64(p.root), path);
      }
    }
  });

  test('98 consistency probes agree with wantErr', async () => {
    assert.equal(consistency.length, 98);
    for (const path of consistency) {
      const p = readVectorJson<{
        size1: number;
        size2: number;
        root1: string;
        root2: string;
        proof: string[] | null;
        wantErr: boolean;
      }>(path);
      const code = await outcome(() =>
        verifyConsistency(p.size1, p.size2, (p.proof ?? []).map(b64), b64(p.root1), b64(p.root2)),
      );
      if (p.wantErr) assert.ok(PROOF_CODES.includes(code), `${path}: ${code}`);
      else assert.equal(code, 'ok', path);
    }
  });

  test('RFC 6962 reference tree hasher vectors', async () => {
    const v = readVectorJson<{
      hasherVectors: {
        desc: string;
        want: string;
        leafHex?: string;
        leftHex?: string;
        rightHex?: string;
      }[];
    }>('rfc6962-merkle/reference-tree.json');
    let checked = 0;
    for (const h of v.hasherVectors) {
      let got: Uint8Array | undefined;
      if (h.leafHex !== undefined) got = await hashLeaf(hex(h.leafHex));
      else if (h.leftHex !== undefined && h.rightHex !== undefined)
        got = await hashChildren(hex(h.leftHex), hex(h.rightHex));
      if (got === undefined) continue;
      assert.equal(Buffer.from(got).toString('hex'), h.want, h.desc);
      checked++;
    }
    assert.equal(checked, 3);
  });
});

describe('web verifier: Ed25519 on both backends', options, () => {
  interface Wycheproof {
    testGroups: {
      publicKey: { pk: string };
      tests: {
        tcId: number;
        comment: string;
        msg: string;
        sig: string;
        result: 'valid' | 'invalid';
      }[];
    }[];
  }

  test('this Node has WebCrypto Ed25519 (as Chromium does)', async () => {
    assert.equal(await webCryptoHasEd25519(), true);
    assert.equal((await createEd25519Verifier({ loadNoble })).backend, 'webcrypto');
  });

  for (const prefer of ['webcrypto', 'noble'] as const) {
    test(`${prefer}: Wycheproof 151 cases (88 valid, 63 invalid) and RFC 8032 §7.1`, async () => {
      const ed = await createEd25519Verifier({ loadNoble, prefer });
      assert.equal(ed.backend, prefer);
      const w = readVectorJson<Wycheproof>('ed25519/wycheproof-ed25519_test.json');
      const counts = { valid: 0, invalid: 0 };
      for (const group of w.testGroups) {
        for (const t of group.tests) {
          const ok = await ed.verify(hex(group.publicKey.pk), hex(t.msg), hex(t.sig));
          assert.equal(ok, t.result === 'valid', `${prefer} tcId ${t.tcId} ${t.comment}`);
          counts[ok ? 'valid' : 'invalid']++;
        }
      }
      assert.deepEqual(counts, { valid: 88, invalid: 63 });
      const { vectors } = readVectorJson<{
        vectors: { name: string; publicKey: string; message: string; signature: string }[];
      }>('ed25519/rfc8032-section7.1-ed25519.json');
      assert.equal(vectors.length, 5);
      for (const v of vectors) {
        assert.equal(
          await ed.verify(hex(v.publicKey), hex(v.message), hex(v.signature)),
          true,
          v.name,
        );
        const flipped = hex(v.signature);
        flipped[0]! ^= 1;
        assert.equal(await ed.verify(hex(v.publicKey), hex(v.message), flipped), false, v.name);
      }
    });
  }
});

describe('web verifier: signed notes and checkpoints', options, () => {
  for (const prefer of ['webcrypto', 'noble'] as const) {
    test(`${prefer}: Go sumdb/note, the C2SP example and sum.golang.org checkpoints`, async () => {
      const ed = await createEd25519Verifier({ loadNoble, prefer });
      const go = readVectorJson<{
        signer: { vkey: string };
        otherVerifier: { vkey: string };
        text: string;
        wantSignedNote: string;
        badVkeys: { vkey: string; why: string }[];
      }>('signed-note/go-sumdb-note.json');
      const key = await parseVerifierKey(go.signer.vkey);
      const opened = await openNote(go.wantSignedNote, [key], ed);
      assert.equal(opened.text, go.text);
      assert.equal(await keyIdFor(key.name, 1, key.publicKey), key.keyId);
      // Unknown keys are ignored: only the other verifier → unverified.
      const other = await parseVerifierKey(go.otherVerifier.vkey);
      assert.equal(
        await outcome(() => openNote(go.wantSignedNote, [other], ed)),
        'NOTE_UNVERIFIED',
      );
      // One changed character of the text: the known key's signature fails.
      const changed = go.wantSignedNote.replace(
        go.text,
        go.text.replace(/.$/m, (c) => (c === 'x' ? 'y' : 'x')),
      );
      assert.equal(await outcome(() => openNote(changed, [key], ed)), 'NOTE_SIGNATURE_INVALID');
      for (const bad of go.badVkeys)
        assert.equal(await outcome(() => parseVerifierKey(bad.vkey)), 'KEY_INVALID', bad.why);

      const c2sp = readVectorJson<{
        vkey: string;
        signedNote: string;
        signedText: string;
        wantValid: boolean;
      }>('signed-note/c2sp-signed-note-example.json');
      const c2spKey = await parseVerifierKey(c2sp.vkey);
      assert.equal(c2sp.wantValid, true);
      assert.equal((await openNote(c2sp.signedNote, [c2spKey], ed)).text, c2sp.signedText);

      const sum = readVectorJson<{
        vkey: string;
        checkpoints: {
          origin: string;
          treeSize: number;
          rootHashBase64: string;
          signedNote: string;
          wantValid: boolean;
        }[];
        negative: { desc: string; signedNote: string }[];
      }>('checkpoint/sum-golang-org-checkpoints.json');
      assert.equal(sum.checkpoints.length, 4);
      for (const c of sum.checkpoints) {
        const { checkpoint } = await openCheckpoint(c.signedNote, sum.vkey, ed, c.origin);
        assert.equal(checkpoint.size, c.treeSize);
        assert.equal(Buffer.from(checkpoint.root).toString('base64'), c.rootHashBase64);
      }
      for (const n of sum.negative)
        assert.notEqual(
          await outcome(() => openCheckpoint(n.signedNote, sum.vkey, ed)),
          'ok',
          n.desc,
        );
      assert.equal(
        await outcome(() =>
          openCheckpoint(sum.checkpoints[0]!.signedNote, sum.vkey, ed, 'another/log'),
        ),
        'CHECKPOINT_ORIGIN_MISMATCH',
      );
    });
  }

  test('transparency-dev/formats checkpoint bodies: the strict C2SP parser', () => {
    const v = readVectorJson<{ unmarshal: { desc: string; m: string; wantErr: boolean }[] }>(
      'checkpoint/transparency-dev-formats-parse.json',
    );
    assert.equal(v.unmarshal.length, 12);
    const root32 = Buffer.alloc(32, 7).toString('base64');
    for (const u of v.unmarshal) {
      const code = (m: string): string => {
        try {
          parseCheckpoint(m);
          return 'ok';
        } catch (error) {
          assert.ok(error instanceof VerifyError);
          return error.code;
        }
      };
      if (u.wantErr) {
        assert.equal(code(u.m), 'CHECKPOINT_MALFORMED', u.desc);
        continue;
      }
      // Their roots are not 32 bytes (C2SP requires SHA-256 roots): with one, the valid bodies
      // parse, except where C2SP is stricter (no final newline, empty extension lines).
      const lines = u.m.split('\n');
      lines[2] = root32;
      const fixed = lines.join('\n');
      const stricter = !fixed.endsWith('\n') || fixed.endsWith('\n\n');
      assert.equal(code(fixed), stricter ? 'CHECKPOINT_MALFORMED' : 'ok', u.desc);
    }
  });
});

describe('web verifier: RFC 8785', options, () => {
  test('the six cyberphone files canonicalize byte for byte', () => {
    const inputs = listVectorFiles('jcs-rfc8785/input');
    assert.equal(inputs.length, 6);
    for (const input of inputs) {
      const name = basename(input, '.json');
      const text = readFileSync(join(vectorsDir(), input), 'utf8');
      const expected = new Uint8Array(
        readFileSync(join(vectorsDir(), 'jcs-rfc8785/output', `${name}.json`)),
      );
      assert.deepEqual(canonicalBytes(JSON.parse(text)), expected, name);
    }
  });
});

describe('web verifier against a log made by @docket/core', () => {
  test('receipts, commitments and a whole decision check; every tamper is named', async () => {
    const ed: Ed25519Verifier = await createEd25519Verifier({ loadNoble });
    const { skey, vkey } = core.generateSignerKey('example.test/decisions');
    const signer = core.createNoteSigner(skey);
    const tree = new core.MemoryTree();
    const envelopes: core.LeafEnvelope[] = [];
    const contents: { fields: Record<string, unknown>; salts: Record<string, string> }[] = [];
    for (let i = 0; i < 13; i++) {
      const fields = {
        agent: { id: 'loan-approver', version: '2.0.0' },
        goal: `decide application ${i}`,
        outcome: { action: i % 3 === 0 ? 'decline' : 'approve' },
        confidence: 0.5 + i / 100,
      };
      const { commitments, salts } = core.createCommitments(fields);
      const envelope: core.LeafEnvelope = {
        type: core.ENTRY_TYPES.decision,
        index: i,
        id: `id-${i}`,
        ts: `2026-01-0${(i % 9) + 1}T10:00:00.000Z`,
        subject: `pseud-${i}`,
        commitments,
      };
      envelopes.push(envelope);
      contents.push({ fields, salts });
      tree.append(core.hashLeaf(core.toLeafBytes(envelope)));
    }
    const size = tree.size;
    const note = core.signCheckpoint(
      { origin: 'example.test/decisions', size, root: tree.root(), extensions: [] },
      signer,
    );
    const i = 7;
    const envelope = envelopes[i]!;
    const { fields, salts } = contents[i]!;
    assert.equal(
      await commitField('goal', fields.goal, salts['goal']!),
      envelope.commitments['goal'],
    );
    const decision = {
      id: envelope.id,
      index: i,
      ts: envelope.ts,
      subject: envelope.subject!,
      erased: false,
      content: {
        id: envelope.id,
        schema: 'docket.decision/v1',
        ts: envelope.ts,
        ...fields,
      } as Record<string, unknown> | null,
      receipt: {
        index: i,
        treeSize: size,
        leafHash: core.hashLeaf(core.toLeafBytes(envelope)).toString('base64'),
        hashes: core.inclusionProof(i, size, tree).map((h) => Buffer.from(h).toString('base64')),
        checkpoint: note,
      },
    };
    const disclosed = Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, { value: v as JsonValue, salt: salts[k]! }]),
    );
    const bundle = { envelope, disclosed, erased: false };
    const log = { origin: 'example.test/decisions', vkey };

    const good = await checkDecision({ decision, log, bundle, ed });
    assert.deepEqual(
      good.steps.map((s) => `${s.name}:${s.status}`),
      ['signature:pass', 'inclusion:pass', 'leaf:pass', 'commitments:pass', 'content:pass'],
    );
    assert.equal(good.ok && good.complete, true);

    // A reader: no bundle, the leaf checks are skipped, the receipt still verifies.
    const reader = await checkDecision({
      decision: { ...decision, content: null },
      log,
      ed,
      bundleMissing: 'needs an auditor key',
    });
    assert.equal(reader.ok, true);
    assert.equal(reader.complete, false);
    assert.match(reader.steps[2]!.detail, /needs an auditor key/);

    const codes = async (
      d: typeof decision,
      b: typeof bundle = bundle,
      l = log,
    ): Promise<string[]> =>
      (await checkDecision({ decision: d, log: l, bundle: b, ed })).steps
        .filter((s) => s.status === 'fail')
        .map((s) => s.issue!.code);
    // Another log's key.
    const other = core.generateSignerKey('example.test/decisions');
    assert.deepEqual(await codes(decision, bundle, { ...log, vkey: other.vkey }), [
      'NOTE_UNVERIFIED',
    ]);
    // The stored leaf changed: the receipt's leaf hash no longer leads to the signed root.
    const changedLeaf = core
      .hashLeaf(Buffer.from(JSON.stringify({ ...envelope, ts: 'x' })))
      .toString('base64');
    assert.deepEqual(
      await codes({ ...decision, receipt: { ...decision.receipt, leafHash: changedLeaf } }),
      ['PROOF_ROOT_MISMATCH', 'LEAF_HASH_MISMATCH'],
    );
    // A committed value changed in the stored content.
    const changedValue = {
      ...disclosed,
      outcome: { value: { action: 'approve-all' }, salt: salts['outcome']! },
    };
    assert.deepEqual(await codes(decision, { ...bundle, disclosed: changedValue }), [
      'COMMITMENT_MISMATCH',
      'CONTENT_CHANGED',
    ]);
    // The page shows something else than what is committed.
    assert.deepEqual(
      await codes({ ...decision, content: { ...decision.content, confidence: 0.99 } }),
      ['CONTENT_CHANGED'],
    );
    // A signature byte flipped.
    const flipped = note.replace(/ (\S+)\n$/, (_m, sig: string) => {
      const bytes = Buffer.from(sig, 'base64');
      bytes[10]! ^= 1;
      return ` ${bytes.toString('base64')}\n`;
    });
    assert.deepEqual(
      await codes({ ...decision, receipt: { ...decision.receipt, checkpoint: flipped } }),
      ['NOTE_SIGNATURE_INVALID'],
    );
  });
});
