import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CoreError } from '../errors.js';
import { hashLeaf } from '../merkle/hash.js';
import { MemoryTree } from '../merkle/memory-tree.js';
import { signCheckpoint } from '../note/checkpoint.js';
import {
  createNoteSigner,
  createNoteVerifier,
  decodeBase64,
  generateSignerKey,
  keyIdFor,
} from '../note/keys.js';
import { openNote } from '../note/note.js';
import { checkAddCheckpoint, formatAddCheckpoint, parseAddCheckpoint } from './add-checkpoint.js';
import type { WitnessedLog } from './add-checkpoint.js';
import {
  addSignatureLines,
  createCosignatureVerifier,
  createCosigner,
  findCosignatures,
  generateCosignerKey,
  SIG_TYPE_COSIGNATURE_V1,
} from './cosignature.js';

const ORIGIN = 'example.com/behind-the-sofa';
const logKey = generateSignerKey(ORIGIN);
const logSigner = createNoteSigner(logKey.skey);
const logVerifier = createNoteVerifier(logKey.vkey);
const witnessKey = generateCosignerKey('witness.example/w1');
const cosigner = createCosigner(witnessKey.skey);
const witnessVerifier = createCosignatureVerifier(witnessKey.vkey);

function treeOf(size: number, salt = ''): MemoryTree {
  const tree = new MemoryTree();
  for (let i = 0; i < size; i++) tree.append(hashLeaf(Buffer.from(`${salt}leaf ${i}`)));
  return tree;
}

function noteAt(tree: MemoryTree, size: number, signer = logSigner): string {
  return signCheckpoint(
    { origin: signer.name, size, root: tree.rootAt(size), extensions: [] },
    signer,
  );
}

describe('cosignature/v1', () => {
  test('the key ID is SHA-256(name ‖ \\n ‖ 0x04 ‖ key)[:4] and the vkey has type 0x04', () => {
    const [, hexId] = witnessKey.vkey.split('+') as [string, string];
    const key64 = witnessKey.vkey.slice('witness.example/w1+'.length + 9);
    const typed = decodeBase64(key64)!;
    assert.equal(typed[0], SIG_TYPE_COSIGNATURE_V1);
    assert.equal(parseInt(hexId, 16), keyIdFor('witness.example/w1', 0x04, typed.subarray(1)));
    assert.equal(cosigner.vkey, witnessKey.vkey);
  });

  test('a cosignature carries its timestamp, verifies over the body, and fails on another', () => {
    const tree = treeOf(5);
    const note = noteAt(tree, 5);
    const body = note.slice(0, note.lastIndexOf('\n\n') + 1);
    const line = cosigner.cosign(body, 1_767_139_200);
    const blob = decodeBase64(line.trimEnd().split(' ')[2]!)!;
    assert.equal(blob.length, 4 + 8 + 64);
    const cosigned = addSignatureLines(note, line);
    const found = findCosignatures(cosigned, [witnessVerifier]);
    assert.deepEqual(
      found.map((c) => [c.timestamp, c.line]),
      [[1_767_139_200, line]],
    );
    // The same signature line under another checkpoint body does not verify.
    const other = addSignatureLines(noteAt(treeOf(6), 6), line);
    assert.deepEqual(findCosignatures(other, [witnessVerifier]), []);
    // openNote takes witness verifiers too; a tampered cosignature is rejected.
    assert.equal(openNote(cosigned, [witnessVerifier]).verified.length, 1);
    assert.throws(
      () => openNote(addSignatureLines(noteAt(treeOf(6), 6), line), [witnessVerifier]),
      (e: unknown) => e instanceof CoreError && e.code === 'NOTE_SIGNATURE_INVALID',
    );
  });

  test('a log key is not a witness key, and the timestamp must be positive', () => {
    assert.throws(
      () => createCosignatureVerifier(logKey.vkey),
      (e: unknown) => e instanceof CoreError && e.code === 'KEY_INVALID',
    );
    assert.throws(
      () => cosigner.cosign('a\n1\nAA==\n', 0),
      (e: unknown) => e instanceof CoreError && e.code === 'COSIGNATURE_INVALID',
    );
  });
});

describe('add-checkpoint request', () => {
  test('round-trips through format and parse', () => {
    const tree = treeOf(9);
    const note = noteAt(tree, 9);
    const proof = tree.consistencyProof(4, 9);
    const body = formatAddCheckpoint({ oldSize: 4, proof, note });
    assert.ok(body.startsWith('old 4\n'));
    const parsed = parseAddCheckpoint(body);
    assert.equal(parsed.oldSize, 4);
    assert.deepEqual(
      parsed.proof.map((h) => Buffer.from(h)),
      proof.map((h) => Buffer.from(h)),
    );
    assert.equal(parsed.note, note);
  });

  for (const [body, where] of [
    ['old 01\n\nx', 'line 1'],
    ['old 1\nnot-a-hash\n\nx', 'line 2'],
    ['older 1\n\nx', 'line 1'],
    ['old 1\n', 'body'],
  ] as const) {
    test(`refuses ${JSON.stringify(body)} as WITNESS_REQUEST_MALFORMED at ${where}`, () => {
      assert.throws(
        () => parseAddCheckpoint(body),
        (e: unknown) =>
          e instanceof CoreError && e.code === 'WITNESS_REQUEST_MALFORMED' && e.where === where,
      );
    });
  }
});

describe('checkAddCheckpoint', () => {
  const tree = treeOf(10);
  const known = (latest: WitnessedLog['latest']) => (origin: string) =>
    origin === ORIGIN ? { verifiers: [logVerifier], latest } : undefined;
  const at4 = { size: 4, root: tree.rootAt(4) };

  test('cosigns a first checkpoint from 0 and a consistent extension', () => {
    const first = checkAddCheckpoint(
      { oldSize: 0, proof: [], note: noteAt(tree, 4) },
      known(undefined),
    );
    assert.equal(first.ok, true);
    const next = checkAddCheckpoint(
      { oldSize: 4, proof: tree.consistencyProof(4, 10), note: noteAt(tree, 10) },
      known(at4),
    );
    assert.equal(next.ok, true);
    const same = checkAddCheckpoint({ oldSize: 4, proof: [], note: noteAt(tree, 4) }, known(at4));
    assert.equal(same.ok, true);
  });

  const cases: [string, () => ReturnType<typeof checkAddCheckpoint>, number, string][] = [
    [
      'an unknown origin',
      () => {
        const other = createNoteSigner(generateSignerKey('example.com/other').skey);
        return checkAddCheckpoint(
          { oldSize: 0, proof: [], note: noteAt(tree, 4, other) },
          known(undefined),
        );
      },
      404,
      'WITNESS_UNKNOWN_LOG',
    ],
    [
      're-signing with another key of the same name',
      () => {
        const forger = createNoteSigner(generateSignerKey(ORIGIN).skey);
        return checkAddCheckpoint(
          { oldSize: 0, proof: [], note: noteAt(tree, 4, forger) },
          known(undefined),
        );
      },
      403,
      'WITNESS_LOG_SIGNATURE_INVALID',
    ],
    [
      'a known key whose signature fails',
      () => {
        const note = noteAt(tree, 4);
        const bad = note.replace(
          /(\n— \S+ )(.)/,
          (_m, head: string, c: string) => head + (c === 'A' ? 'B' : 'A'),
        );
        return checkAddCheckpoint({ oldSize: 0, proof: [], note: bad }, known(undefined));
      },
      403,
      'WITNESS_LOG_SIGNATURE_INVALID',
    ],
    [
      'an old size above the checkpoint size',
      () => checkAddCheckpoint({ oldSize: 5, proof: [], note: noteAt(tree, 4) }, known(at4)),
      400,
      'WITNESS_OLD_SIZE_INVALID',
    ],
    [
      'a rollback (old size other than the cosigned one)',
      () => checkAddCheckpoint({ oldSize: 0, proof: [], note: noteAt(tree, 3) }, known(at4)),
      409,
      'WITNESS_CONFLICT',
    ],
    [
      'a fork (a proof to another tree)',
      () => {
        const fork = treeOf(10, 'fork ');
        return checkAddCheckpoint(
          { oldSize: 4, proof: fork.consistencyProof(4, 10), note: noteAt(fork, 10) },
          known(at4),
        );
      },
      422,
      'WITNESS_PROOF_INVALID',
    ],
    [
      'another root at the same size (split view)',
      () =>
        checkAddCheckpoint({ oldSize: 4, proof: [], note: noteAt(treeOf(4, 'x'), 4) }, known(at4)),
      422,
      'WITNESS_PROOF_INVALID',
    ],
    [
      'a non-empty proof from size 0',
      () =>
        checkAddCheckpoint(
          { oldSize: 0, proof: tree.consistencyProof(4, 10), note: noteAt(tree, 10) },
          known(undefined),
        ),
      422,
      'WITNESS_PROOF_INVALID',
    ],
    [
      'a size-0 checkpoint over a non-empty root',
      () => {
        const note = signCheckpoint(
          { origin: ORIGIN, size: 0, root: tree.rootAt(1), extensions: [] },
          logSigner,
        );
        return checkAddCheckpoint({ oldSize: 0, proof: [], note }, known(undefined));
      },
      422,
      'WITNESS_PROOF_INVALID',
    ],
  ];
  for (const [name, run, status, code] of cases) {
    test(`refuses ${name} with ${status} ${code}`, () => {
      const result = run();
      if (result.ok) assert.fail('cosigned');
      assert.equal(result.status, status, result.message);
      assert.equal(result.code, code);
      if (status === 409) assert.equal(result.knownSize, 4);
    });
  }
});
