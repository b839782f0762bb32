import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EvidenceBundle } from '@docket/protocol';
import { formatTlogProof, parseTlogProof } from '../bundle/tlog-proof.js';
import { CoreError } from '../errors.js';
import { hashLeaf } from '../merkle/hash.js';
import { MemoryTree } from '../merkle/memory-tree.js';
import { signCheckpoint } from '../note/checkpoint.js';
import { createNoteSigner, generateSignerKey } from '../note/keys.js';
import { parseNote } from '../note/note.js';
import {
  addBundleCosignatures,
  bundleCheckpoint,
  withBundleCheckpoint,
} from './bundle-cosignatures.js';
import { addSignatureLines, createCosigner, generateCosignerKey } from './cosignature.js';
import { checkWitnessPolicy, parseWitnessPolicy } from './policy.js';

const ORIGIN = 'example.com/policy-log';
const logKey = generateSignerKey(ORIGIN);
const logSigner = createNoteSigner(logKey.skey);
const otherLogKey = generateSignerKey(ORIGIN);
const keys = ['w1', 'w2', 'w3', 'y1'].map((n) => generateCosignerKey(`witness.example/${n}`));
const cosigners = keys.map((k) => createCosigner(k.skey));

function noteAt(size: number, signer = logSigner): string {
  const tree = new MemoryTree();
  for (let i = 0; i < size; i++) tree.append(hashLeaf(Buffer.from(`leaf ${i}`)));
  return signCheckpoint({ origin: ORIGIN, size, root: tree.rootAt(size), extensions: [] }, signer);
}

/** The note cosigned by the witnesses at `which` (indexes into `cosigners`). */
function cosign(note: string, which: number[]): string {
  const body = parseNote(note).text;
  const lines = which.map((i) => cosigners[i]!.cosign(body, 1_700_000_000 + i)).join('');
  return addSignatureLines(note, lines);
}

const POLICY = `# two of three X witnesses and the Y witness
log ${logKey.vkey} https://log.example
witness X1 ${keys[0]!.vkey}
witness X2 ${keys[1]!.vkey}   # trailing comment
witness X3 ${keys[2]!.vkey}
group X 2 X1 X2 X3

witness Y1 ${keys[3]!.vkey}
group Y any Y1
group X-and-Y all X Y
quorum X-and-Y
`;

describe('witness policy (Sigsum policy format, note vkeys)', () => {
  test('parses logs, witnesses, groups and the quorum', () => {
    const policy = parseWitnessPolicy(POLICY);
    assert.deepEqual(policy.logs, [logKey.vkey]);
    assert.deepEqual([...policy.witnesses.keys()], ['X1', 'X2', 'X3', 'Y1']);
    assert.deepEqual(policy.groups.get('X'), { threshold: 2, members: ['X1', 'X2', 'X3'] });
    assert.deepEqual(policy.groups.get('X-and-Y'), { threshold: 2, members: ['X', 'Y'] });
    assert.equal(policy.quorum, 'X-and-Y');
  });

  test('k of n: enough valid cosignatures pass; one short fails naming the quorum and group', () => {
    const policy = parseWitnessPolicy(POLICY);
    const note = noteAt(7);
    const ok = checkWitnessPolicy(policy, cosign(note, [0, 2, 3]));
    assert.equal(ok.ok, true, JSON.stringify(ok.issues));
    assert.equal(ok.logVkey, logKey.vkey);
    assert.deepEqual(ok.cosigned.map((c) => c.witness).sort(), ['X1', 'X3', 'Y1']);

    const short = checkWitnessPolicy(policy, cosign(note, [0, 3]));
    assert.equal(short.ok, false);
    assert.deepEqual(
      short.issues.map((i) => i.code),
      ['WITNESS_QUORUM_MISSING'],
    );
    assert.match(short.issues[0]!.message, /quorum "X-and-Y" is not met/);
    assert.match(short.issues[0]!.message, /group X needs 2 of X1, X2, X3, has 1/);

    const none = checkWitnessPolicy(policy, note);
    assert.match(none.issues[0]!.message, /by no witness of the policy/);
  });

  test('a cosignature over another checkpoint, or by an unlisted key, counts for nothing', () => {
    const policy = parseWitnessPolicy(POLICY);
    const note = noteAt(7);
    const other = cosign(noteAt(8), [0, 1, 3]);
    // Graft the lines cosigned over size 8 onto the note of size 7.
    const grafted = addSignatureLines(note, other.slice(other.indexOf('\n\n') + 2));
    assert.equal(checkWitnessPolicy(policy, grafted).ok, false);
    const stranger = createCosigner(generateCosignerKey('witness.example/w1').skey);
    const strange = addSignatureLines(note, stranger.cosign(parseNote(note).text, 1));
    assert.equal(checkWitnessPolicy(policy, cosign(strange, [3])).ok, false);
  });

  test('a checkpoint re-signed with another log key is reported even when cosigned', () => {
    const policy = parseWitnessPolicy(POLICY);
    const forged = cosign(noteAt(7, createNoteSigner(otherLogKey.skey)), [0, 1, 3]);
    const result = checkWitnessPolicy(policy, forged);
    assert.deepEqual(
      result.issues.map((i) => i.code),
      ['WITNESS_POLICY_LOG_UNKNOWN'],
    );
  });

  test('quorum none needs no cosignature; the log signature still counts', () => {
    const policy = parseWitnessPolicy(`log ${logKey.vkey}\nquorum none\n`);
    assert.equal(checkWitnessPolicy(policy, noteAt(3)).ok, true);
  });

  const bad: [string, string, RegExp][] = [
    ['unknown keyword', `log ${logKey.vkey}\nwitnes W ${keys[0]!.vkey}\nquorum none`, /line 2/],
    ['a name used before it is defined', `log ${logKey.vkey}\ngroup G any W\nquorum G`, /line 2/],
    ['a quorum of an undefined name', `log ${logKey.vkey}\nquorum W`, /line 2/],
    ['two quorum lines', `log ${logKey.vkey}\nquorum none\nquorum none`, /line 3/],
    ['no quorum', `log ${logKey.vkey}\n`, /policy/],
    ['no log', 'quorum none', /policy/],
    [
      'a threshold above n',
      `log ${logKey.vkey}\nwitness W ${keys[0]!.vkey}\ngroup G 2 W\nquorum G`,
      /line 3/,
    ],
    [
      'a name defined twice',
      `log ${logKey.vkey}\nwitness W ${keys[0]!.vkey}\nwitness W ${keys[1]!.vkey}\nquorum W`,
      /line 3/,
    ],
  ];
  for (const [what, text, where] of bad) {
    test(`refuses ${what} (WITNESS_POLICY_MALFORMED, where)`, () => {
      assert.throws(
        () => parseWitnessPolicy(text),
        (e: unknown) =>
          e instanceof CoreError && e.code === 'WITNESS_POLICY_MALFORMED' && where.test(e.where!),
      );
    });
  }

  test('a log key as a witness key is refused (KEY_INVALID at its line)', () => {
    assert.throws(
      () => parseWitnessPolicy(`log ${logKey.vkey}\nwitness W ${logKey.vkey}\nquorum W`),
      (e: unknown) => e instanceof CoreError && e.code === 'KEY_INVALID' && e.where === 'line 2',
    );
  });
});

describe('cosignatures in bundles', () => {
  test('are added to the proof’s checkpoint and the erasure proof’s, and read back', () => {
    const note = noteAt(4);
    const proof = formatTlogProof({ index: 1, hashes: [new Uint8Array(32)], checkpoint: note });
    const bundle = {
      proof,
      erasure: { proof: formatTlogProof({ index: 3, hashes: [], checkpoint: note }) },
    } as unknown as EvidenceBundle;
    const line = cosigners[0]!.cosign(parseNote(note).text, 1_700_000_000);
    const cosigned = addBundleCosignatures(bundle, line);
    assert.equal(bundleCheckpoint(cosigned), addSignatureLines(note, line));
    assert.equal(parseTlogProof(cosigned.erasure!.proof).checkpoint, addSignatureLines(note, line));
    assert.equal(parseTlogProof(cosigned.proof).index, 1);
    assert.equal(bundleCheckpoint({ proof: 'nonsense' }), undefined);
  });

  test('refuse the note of another checkpoint (BUNDLE_MALFORMED)', () => {
    const bundle = {
      proof: formatTlogProof({ index: 0, hashes: [], checkpoint: noteAt(4) }),
    } as unknown as EvidenceBundle;
    assert.throws(
      () => withBundleCheckpoint(bundle, cosign(noteAt(5), [0])),
      (e: unknown) => e instanceof CoreError && e.code === 'BUNDLE_MALFORMED',
    );
  });
});
