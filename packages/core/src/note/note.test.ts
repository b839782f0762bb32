import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CoreError } from '../errors.js';
import { createNoteSigner, createNoteVerifier, encodeBase64, generateSignerKey } from './keys.js';
import type { NoteSigner, NoteVerifier } from './keys.js';
import { MAX_NOTE_SIGNATURES, openNote, parseNote, signNote } from './note.js';

function throwsCode(fn: () => unknown, code: string, where?: string, reason?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof CoreError, String(error));
    assert.equal(error.code, code, error.message);
    if (where !== undefined) assert.equal(error.where, where, error.message);
    if (reason !== undefined) assert.match(error.message, reason);
    return true;
  });
}

function pair(name: string): { signer: NoteSigner; verifier: NoteVerifier } {
  const { skey, vkey } = generateSignerKey(name);
  return { signer: createNoteSigner(skey), verifier: createNoteVerifier(vkey) };
}

const alice = pair('alice.example/log');
const bob = pair('bob.example/witness');
const TEXT = 'example.com/log\n3\nroot\n';

describe('signNote', () => {
  test('writes text, a blank line, then one "— name base64(id ‖ sig)" line per signer', () => {
    const signed = signNote(TEXT, [alice.signer, bob.signer]);
    const [, block] = signed.split('\n\n');
    const lines = block!.split('\n');
    assert.equal(lines.length, 3);
    assert.equal(lines[2], '');
    assert.match(lines[0]!, /^— alice\.example\/log [A-Za-z0-9+/]{91}=$/);
    assert.match(lines[1]!, /^— bob\.example\/witness [A-Za-z0-9+/]{91}=$/);
    assert.ok(signed.startsWith(TEXT + '\n— '));
  });

  test('puts the key ID big-endian before the signature', () => {
    const { signatures } = parseNote(signNote(TEXT, [alice.signer]));
    assert.equal(signatures[0]!.keyId, alice.signer.keyId);
    assert.equal(signatures[0]!.signature.length, 64);
  });

  test('refuses text a verifier could not open', () => {
    throwsCode(
      () => signNote('abc', [alice.signer]),
      'NOTE_MALFORMED',
      'text',
      /end with a newline/,
    );
    throwsCode(
      () => signNote('a\rb\n', [alice.signer]),
      'NOTE_MALFORMED',
      'text',
      /U\+000D at offset 1/,
    );
    throwsCode(() => signNote('a\tb\n', [alice.signer]), 'NOTE_MALFORMED', 'text', /U\+0009/);
    throwsCode(
      () => signNote('\uD800\n', [alice.signer]),
      'NOTE_MALFORMED',
      'text',
      /valid Unicode/,
    );
    throwsCode(() => signNote(TEXT, []), 'NOTE_MALFORMED', undefined, /at least one signer/);
  });

  test('refuses a signer with an invalid name or key ID', () => {
    const spaced: NoteSigner = { ...alice.signer, name: 'has space' };
    throwsCode(() => signNote(TEXT, [spaced]), 'KEY_INVALID');
    const badId: NoteSigner = { ...alice.signer, keyId: 2 ** 32 };
    throwsCode(() => signNote(TEXT, [badId]), 'KEY_INVALID');
  });
});

describe('parseNote', () => {
  const good = signNote(TEXT, [alice.signer]);
  const line = good.slice(TEXT.length + 1);

  test('splits at the last blank line, so the text may hold blank lines', () => {
    const text = 'para one\n\npara two\n\n';
    const { text: parsed, signatures } = parseNote(signNote(text, [alice.signer]));
    assert.equal(parsed, text);
    assert.equal(signatures.length, 1);
  });

  test('accepts the smallest text, a lone newline', () => {
    assert.equal(parseNote(signNote('\n', [alice.signer])).text, '\n');
  });

  const cases: [string, string, string | undefined, RegExp][] = [
    ['no blank line', `${TEXT}${line}`, undefined, /no blank line/],
    ['no signature line', `${TEXT}\n`, undefined, /at least one line/],
    ['no final newline', good.slice(0, -1), undefined, /end with a newline/],
    ['a blank line after the signatures', `${good}\n`, undefined, /at least one line/],
    [
      'a hyphen instead of an em dash',
      `${TEXT}\n- ${line.slice(2)}`,
      'signature line 1',
      /em dash/,
    ],
    [
      'no signature after the name',
      `${TEXT}\n— alice.example/log\n`,
      'signature line 1',
      /missing signature/,
    ],
    [
      'an empty name',
      `${TEXT}\n—  ${line.split(' ')[2]!}`,
      'signature line 1',
      /name "" must be non-empty/,
    ],
    ['base64 with junk', `${TEXT}\n${line.slice(0, -2)}!\n`, 'signature line 1', /base64/],
    ['unpadded base64', `${TEXT}\n${line.slice(0, -2)}\n`, 'signature line 1', /base64/],
    [
      'a signature of 4 bytes',
      `${TEXT}\n— k ${encodeBase64(new Uint8Array(4))}\n`,
      'signature line 1',
      /got 4 bytes/,
    ],
    ['a second malformed line', `${good}— k\n`, 'signature line 2', /missing signature/],
    ['a carriage return', good.replace('\n\n', '\r\n\n'), undefined, /U\+000D/],
    ['a NUL', `\u0000${good}`, undefined, /U\+0000 at offset 0/],
    ['a lone surrogate', `\uDC00${good}`, undefined, /valid Unicode/],
  ];
  for (const [what, signed, where, reason] of cases) {
    test(`rejects ${what} as NOTE_MALFORMED`, () => {
      throwsCode(() => parseNote(signed), 'NOTE_MALFORMED', where, reason);
    });
  }

  test(`accepts ${MAX_NOTE_SIGNATURES} signatures and refuses ${MAX_NOTE_SIGNATURES + 1}`, () => {
    const many = (n: number): string => good + line.repeat(n - 1);
    assert.equal(parseNote(many(MAX_NOTE_SIGNATURES)).signatures.length, MAX_NOTE_SIGNATURES);
    throwsCode(
      () => parseNote(many(MAX_NOTE_SIGNATURES + 1)),
      'NOTE_MALFORMED',
      undefined,
      /more than 100/,
    );
  });

  test('throws only NOTE_MALFORMED on arbitrary input (fuzz)', () => {
    const pieces = fc.constantFrom(
      '\n',
      '\n\n',
      '— ',
      'k',
      ' ',
      line,
      TEXT,
      '=',
      'AAAA',
      '\r',
      '+',
    );
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 12 }).map((p) => p.join('')),
        (signed) => {
          try {
            const { text, signatures } = parseNote(signed);
            assert.ok(text.endsWith('\n') && signatures.length > 0);
          } catch (error) {
            assert.ok(error instanceof CoreError && error.code === 'NOTE_MALFORMED', String(error));
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('openNote', () => {
  const signed = signNote(TEXT, [alice.signer, bob.signer]);

  test('verifies with any known key and reports which', () => {
    const opened = openNote(signed, [bob.verifier]);
    assert.equal(opened.text, TEXT);
    assert.equal(opened.signatures.length, 2);
    assert.deepEqual(
      opened.verified.map((s) => s.name),
      ['bob.example/witness'],
    );
    assert.equal(openNote(signed, [alice.verifier, bob.verifier]).verified.length, 2);
  });

  test('ignores unknown keys, even sharing the name or the key ID (but not both)', () => {
    const sameName = pair('alice.example/log');
    const unknownOnly = signNote(TEXT, [sameName.signer]);
    throwsCode(
      () => openNote(unknownOnly, [alice.verifier]),
      'NOTE_UNVERIFIED',
      undefined,
      /known: alice\.example\/log\+/,
    );
    const sameId: NoteSigner = { ...pair('carol.example').signer, keyId: alice.signer.keyId };
    const withImpostor = signNote(TEXT, [sameId, alice.signer]);
    assert.equal(openNote(withImpostor, [alice.verifier]).verified.length, 1);
  });

  test('throws NOTE_SIGNATURE_INVALID when a known key signature fails', () => {
    const tampered = signed.replace('\n3\n', '\n4\n');
    throwsCode(
      () => openNote(tampered, [alice.verifier]),
      'NOTE_SIGNATURE_INVALID',
      'signature line 1',
    );
    // Bob's key is known, his line is bad; Alice's good line does not save the note.
    const bobOnOtherText = signNote('other\n', [bob.signer]).split('\n\n')[1]!;
    const mixed = signNote(TEXT, [alice.signer]) + bobOnOtherText;
    throwsCode(
      () => openNote(mixed, [alice.verifier, bob.verifier]),
      'NOTE_SIGNATURE_INVALID',
      'signature line 2',
    );
    assert.equal(openNote(mixed, [alice.verifier]).verified.length, 1);
  });

  test('checks every repeated line of a known key, and lists the key once', () => {
    const good = signNote(TEXT, [alice.signer]);
    const line = good.slice(TEXT.length + 1);
    assert.equal(openNote(good + line, [alice.verifier]).verified.length, 1);
    // Change one base64 character inside the signature bytes (past the key ID).
    const at = line.length - 10;
    const forged = line.slice(0, at) + (line[at] === 'A' ? 'B' : 'A') + line.slice(at + 1);
    throwsCode(
      () => openNote(good + forged, [alice.verifier]),
      'NOTE_SIGNATURE_INVALID',
      'signature line 2',
    );
  });

  test('throws NOTE_UNVERIFIED when no known key signed', () => {
    throwsCode(() => openNote(signed, []), 'NOTE_UNVERIFIED', undefined, /known: none/);
    throwsCode(() => openNote(signed, [pair('dave.example').verifier]), 'NOTE_UNVERIFIED');
  });

  test('refuses two different verifiers for the same name and key ID', () => {
    const twin: NoteVerifier = { ...alice.verifier, verify: () => true };
    throwsCode(() => openNote(signed, [alice.verifier, twin]), 'KEY_INVALID');
    assert.equal(openNote(signed, [alice.verifier, alice.verifier]).verified.length, 1);
  });

  test('malformed notes fail before any verification', () => {
    throwsCode(() => openNote('no signature\n', [alice.verifier]), 'NOTE_MALFORMED');
  });

  test('round-trips any valid text (property)', () => {
    // eslint-disable-next-line no-control-regex -- strip what notes may not hold
    const lineText = fc.string({ unit: 'grapheme' }).map((s) => s.replace(/[\u0000-\u001f]/g, ''));
    fc.assert(
      fc.property(fc.array(lineText, { minLength: 1, maxLength: 5 }), (lines) => {
        const text = `${lines.join('\n')}\n`;
        const opened = openNote(signNote(text, [alice.signer]), [alice.verifier]);
        assert.equal(opened.text, text);
      }),
      { numRuns: 200 },
    );
  });
});
