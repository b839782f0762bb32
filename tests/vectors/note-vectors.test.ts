/**
 * Signed-note and checkpoint vectors: Go's sumdb/note test keys, the C2SP spec example, real
 * sum.golang.org checkpoints, and transparency-dev/formats checkpoint body cases.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CoreError,
  createNoteSigner,
  createNoteVerifier,
  formatCheckpoint,
  keyIdFor,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  signNote,
  SIG_TYPE_ED25519,
} from '@docket/core';
import { readVectorJson, vectorsAvailable } from '../support/vectors.js';

interface GoNoteVectors {
  signer: { skey: string; vkey: string };
  otherVerifier: { vkey: string };
  text: string;
  wantSignedNote: string;
  enochSignatureLine: string;
  badVkeys: { vkey: string; why: string }[];
  malformedForSign: { text: string; why: string }[];
}

interface C2spExample {
  vkey: string;
  signedNote: string;
  signedText: string;
  wantValid: boolean;
}

interface SumGolangOrg {
  vkey: string;
  checkpoints: {
    origin: string;
    treeSize: number;
    rootHashBase64: string;
    signedNote: string;
    wantValid: boolean;
  }[];
  negative: { desc: string; signedNote: string; wantValid: boolean }[];
}

interface FormatsParse {
  marshal: { origin: string; size: number; rootHashAscii: string; want: string }[];
  unmarshal: { desc: string; m: string; wantErr: boolean; wantRest?: string }[];
}

const available = vectorsAvailable();

function coreCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof CoreError, String(error));
    return error.code;
  }
  return 'no error';
}

/** The base64 part of a key string: everything after the second `+` of the name+id prefix. */
function keyBytes(vkey: string): Uint8Array {
  const base64 = vkey.split('+').slice(2).join('+');
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/** Every substring but the whole one, and every single-byte increment (Go's mangling tests). */
function mangled(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i <= key.length; i++) {
    for (let j = i; j <= key.length; j++)
      if (i !== 0 || j !== key.length) out.push(key.slice(i, j));
  }
  for (let i = 0; i < key.length; i++) {
    out.push(key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1));
  }
  return out;
}

describe('golang.org/x/mod/sumdb/note vectors', available, () => {
  const v =
    available.skip === undefined
      ? readVectorJson<GoNoteVectors>('signed-note/go-sumdb-note.json')
      : undefined;

  test('the skey gives the expected signer, key ID and vkey', () => {
    const signer = createNoteSigner(v!.signer.skey);
    assert.equal(signer.name, 'PeterNeumann');
    assert.equal(signer.keyId, 0xc74f20a3);
    assert.equal(signer.vkey, v!.signer.vkey);
    const pub = keyBytes(v!.signer.vkey);
    assert.equal(keyIdFor('PeterNeumann', SIG_TYPE_ED25519, pub.subarray(1)), 0xc74f20a3);
  });

  test('signing the text reproduces the signed note byte for byte', () => {
    assert.equal(signNote(v!.text, [createNoteSigner(v!.signer.skey)]), v!.wantSignedNote);
  });

  test('the signed note opens with the vkey', () => {
    const opened = openNote(v!.wantSignedNote, [createNoteVerifier(v!.signer.vkey)]);
    assert.equal(opened.text, v!.text);
    assert.deepEqual(
      opened.verified.map((s) => [s.name, s.keyId]),
      [['PeterNeumann', 0xc74f20a3]],
    );
  });

  test('the second signer (EnochRoot) verifies alongside, and is ignored when unknown', () => {
    const enoch = createNoteVerifier(v!.otherVerifier.vkey);
    assert.equal(enoch.name, 'EnochRoot');
    assert.equal(enoch.keyId, 0xaf0cfe78);
    const both = v!.wantSignedNote + v!.enochSignatureLine;
    const peter = createNoteVerifier(v!.signer.vkey);
    assert.deepEqual(
      openNote(both, [peter, enoch]).verified.map((s) => s.name),
      ['PeterNeumann', 'EnochRoot'],
    );
    assert.deepEqual(
      openNote(both, [peter]).verified.map((s) => s.name),
      ['PeterNeumann'],
    );
    assert.equal(openNote(`${v!.text}\n${v!.enochSignatureLine}`, [enoch]).verified.length, 1);
    assert.equal(
      coreCode(() => openNote(`${v!.text}\n${v!.enochSignatureLine}`, [peter])),
      'NOTE_UNVERIFIED',
    );
  });

  test('a changed text fails against the known key', () => {
    const tampered = v!.wantSignedNote.replace('answer', 'Answer');
    assert.equal(
      coreCode(() => openNote(tampered, [createNoteVerifier(v!.signer.vkey)])),
      'NOTE_SIGNATURE_INVALID',
    );
  });

  test('the 2 bad vkeys are rejected', () => {
    assert.equal(v!.badVkeys.length, 2);
    for (const { vkey, why } of v!.badVkeys) {
      assert.equal(
        coreCode(() => createNoteVerifier(vkey)),
        'KEY_INVALID',
        why,
      );
    }
  });

  test('text without a final newline cannot be signed', () => {
    assert.equal(v!.malformedForSign.length, 1);
    for (const { text, why } of v!.malformedForSign) {
      assert.equal(
        coreCode(() => signNote(text, [createNoteSigner(v!.signer.skey)])),
        'NOTE_MALFORMED',
        why,
      );
    }
  });

  test('every proper substring and byte increment of the vkeys and the skey is rejected', () => {
    let count = 0;
    for (const vkey of [v!.signer.vkey, v!.otherVerifier.vkey]) {
      for (const bad of mangled(vkey)) {
        assert.equal(
          coreCode(() => createNoteVerifier(bad)),
          'KEY_INVALID',
          bad,
        );
        count++;
      }
    }
    for (const bad of mangled(v!.signer.skey)) {
      assert.equal(
        coreCode(() => createNoteSigner(bad)),
        'KEY_INVALID',
        bad,
      );
      count++;
    }
    const cases = (n: number): number => ((n + 1) * (n + 2)) / 2 - 1 + n;
    assert.equal(
      count,
      cases(v!.signer.vkey.length) +
        cases(v!.otherVerifier.vkey.length) +
        cases(v!.signer.skey.length),
    );
  });
});

describe('C2SP signed-note spec example', available, () => {
  test('verifies, and its text is the signed text', () => {
    const v = readVectorJson<C2spExample>('signed-note/c2sp-signed-note-example.json');
    assert.equal(v.wantValid, true);
    const verifier = createNoteVerifier(v.vkey);
    assert.equal(verifier.keyId, 0x530d903a);
    const opened = openNote(v.signedNote, [verifier]);
    assert.equal(opened.text, v.signedText);
    assert.equal(opened.verified.length, 1);
  });
});

describe('sum.golang.org checkpoints', available, () => {
  const v =
    available.skip === undefined
      ? readVectorJson<SumGolangOrg>('checkpoint/sum-golang-org-checkpoints.json')
      : undefined;

  test('the 4 real checkpoints verify and parse to the recorded fields', () => {
    const verifier = createNoteVerifier(v!.vkey);
    assert.equal(verifier.keyId, 0x033de0ae);
    assert.equal(v!.checkpoints.length, 4);
    for (const c of v!.checkpoints) {
      assert.equal(c.wantValid, true);
      const { checkpoint, note } = openCheckpoint(c.signedNote, verifier);
      assert.deepEqual(checkpoint, {
        origin: c.origin,
        size: c.treeSize,
        root: new Uint8Array(Buffer.from(c.rootHashBase64, 'base64')),
        extensions: [],
      });
      assert.equal(note.verified.length, 1);
    }
  });

  test('the witness cosignature by an unknown key is ignored', () => {
    const withWitness = v!.checkpoints.find((c) => c.signedNote.includes('test.example.com'))!;
    const { note } = openCheckpoint(withWitness.signedNote, createNoteVerifier(v!.vkey));
    assert.equal(note.signatures.length, 2);
    assert.deepEqual(
      note.verified.map((s) => s.name),
      ['sum.golang.org'],
    );
  });

  test('the 2 rejects are rejected: changed size → NOTE_SIGNATURE_INVALID; C2SP example under another name → NOTE_UNVERIFIED', () => {
    const verifier = createNoteVerifier(v!.vkey);
    assert.deepEqual(
      v!.negative.map((n) => [n.wantValid, coreCode(() => openCheckpoint(n.signedNote, verifier))]),
      [
        [false, 'NOTE_SIGNATURE_INVALID'],
        [false, 'NOTE_UNVERIFIED'],
      ],
    );
  });
});

/** 32 bytes of root, to show which cases fail on the root length alone. */
const ROOT_32 = Buffer.alloc(32, 7).toString('base64');

function withRoot32(m: string): string {
  const lines = m.split('\n');
  lines[2] = ROOT_32;
  return lines.join('\n');
}

/**
 * Our parser is strict C2SP; transparency-dev/formats is lenient. Each unmarshal case, by its
 * description: whether formats accepts it, why we reject it as given, and what we do once its
 * root line is replaced by a 32-byte root (showing whether the root length was the only reason).
 */
const UNMARSHAL: Record<
  string,
  { formats: 'accepts' | 'rejects'; why: string; with32ByteRoot: 'accept' | 'reject' | 'n/a' }
> = {
  'valid one': {
    formats: 'accepts',
    why: 'a 7-byte root; C2SP roots are 32-byte RFC 6962 hashes',
    with32ByteRoot: 'accept',
  },
  'valid with different origin': {
    formats: 'accepts',
    why: 'a 37-byte root',
    with32ByteRoot: 'accept',
  },
  'valid with trailing data': {
    formats: 'accepts',
    why: 'a 37-byte root; with 32 bytes the data line is one extension line',
    with32ByteRoot: 'accept',
  },
  'valid with multiple trailing data lines': {
    formats: 'accepts',
    why: 'a 37-byte root; with 32 bytes, three extension lines',
    with32ByteRoot: 'accept',
  },
  'valid with trailing newlines (formats-lenient; C2SP forbids empty extension lines)': {
    formats: 'accepts',
    why: 'C2SP extension lines MUST be non-empty, so trailing blank lines fail even with a 32-byte root',
    with32ByteRoot: 'reject',
  },
  'invalid - insufficient lines': { formats: 'rejects', why: 'two lines', with32ByteRoot: 'n/a' },
  'invalid - empty header': { formats: 'rejects', why: 'empty origin', with32ByteRoot: 'reject' },
  'invalid - missing newline on roothash': {
    formats: 'rejects',
    why: 'the body must end in a newline',
    with32ByteRoot: 'reject',
  },
  'invalid size - not a number': {
    formats: 'rejects',
    why: 'size not decimal',
    with32ByteRoot: 'reject',
  },
  'invalid size - negative': {
    formats: 'rejects',
    why: 'size not decimal',
    with32ByteRoot: 'reject',
  },
  'invalid size - too large (> uint64)': {
    formats: 'rejects',
    why: 'size beyond 2^53−1 (and uint64)',
    with32ByteRoot: 'reject',
  },
  'invalid roothash - not base64': {
    formats: 'rejects',
    why: 'root not base64',
    with32ByteRoot: 'n/a',
  },
};

describe('transparency-dev/formats checkpoint bodies', available, () => {
  const v =
    available.skip === undefined
      ? readVectorJson<FormatsParse>('checkpoint/transparency-dev-formats-parse.json')
      : undefined;

  test('the 2 marshal cases are written byte for byte', () => {
    assert.equal(v!.marshal.length, 2);
    for (const c of v!.marshal) {
      const root = new TextEncoder().encode(c.rootHashAscii);
      assert.equal(
        formatCheckpoint({ origin: c.origin, size: c.size, root, extensions: [] }),
        c.want,
      );
    }
  });

  test('the unmarshal cases are exactly the 12 our table explains', () => {
    assert.deepEqual(v!.unmarshal.map((c) => c.desc).sort(), Object.keys(UNMARSHAL).sort());
  });

  for (const [desc, expected] of Object.entries(UNMARSHAL)) {
    const outcome =
      expected.with32ByteRoot === 'n/a' ? '' : `; with a 32-byte root: ${expected.with32ByteRoot}`;
    test(`unmarshal "${desc}": formats ${expected.formats}, we reject (${expected.why})${outcome}`, () => {
      const c = v!.unmarshal.find((u) => u.desc === desc)!;
      assert.equal(c.wantErr, expected.formats === 'rejects');
      assert.equal(
        coreCode(() => parseCheckpoint(c.m)),
        'CHECKPOINT_MALFORMED',
      );
      if (expected.with32ByteRoot === 'n/a') return;
      const body = withRoot32(c.m);
      if (expected.with32ByteRoot === 'reject') {
        assert.equal(
          coreCode(() => parseCheckpoint(body)),
          'CHECKPOINT_MALFORMED',
        );
        return;
      }
      // The root length was the only reason.
      assert.throws(() => parseCheckpoint(c.m), /root hash must be 32 bytes/);
      const parsed = parseCheckpoint(body);
      const rest = c.wantRest ?? '';
      assert.deepEqual(parsed.extensions, rest === '' ? [] : rest.slice(0, -1).split('\n'));
      assert.equal(parsed.origin, c.m.split('\n')[0]);
      assert.equal(String(parsed.size), c.m.split('\n')[1]);
    });
  }
});
