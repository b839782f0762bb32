import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { CoreError } from '../errors.js';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint.js';
import type { Checkpoint } from './checkpoint.js';
import {
  createNoteSigner,
  createNoteVerifier,
  decodeBase64,
  encodeBase64,
  generateSignerKey,
} from './keys.js';
import { signNote } from './note.js';

function throwsCode(fn: () => unknown, code: string, where?: string, reason?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof CoreError, String(error));
    assert.equal(error.code, code, error.message);
    if (where !== undefined) assert.equal(error.where, where, error.message);
    if (reason !== undefined) assert.match(error.message, reason);
    return true;
  });
}

/** RFC 6962 root of the 8 standard test leaves (transparency-dev/merkle testonly). */
const ROOT_8 = decodeBase64('XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=')!;
const ROOT_TEXT = 'XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=';
const ORIGIN = 'ledger.example.com/decisions/v1';
const BODY = `${ORIGIN}\n8\n${ROOT_TEXT}\n`;

const log = (() => {
  const { skey, vkey } = generateSignerKey(ORIGIN);
  return { signer: createNoteSigner(skey), verifier: createNoteVerifier(vkey) };
})();

describe('formatCheckpoint', () => {
  test('writes origin, decimal size and base64 root, one per line', () => {
    assert.equal(formatCheckpoint({ origin: ORIGIN, size: 8, root: ROOT_8, extensions: [] }), BODY);
    assert.equal(
      formatCheckpoint({ origin: ORIGIN, size: 0, root: ROOT_8, extensions: ['x', 'y z'] }),
      `${ORIGIN}\n0\n${ROOT_TEXT}\nx\ny z\n`,
    );
  });

  test('refuses fields that would not read back as the same lines', () => {
    const base: Checkpoint = { origin: ORIGIN, size: 1, root: ROOT_8, extensions: [] };
    throwsCode(() => formatCheckpoint({ ...base, origin: '' }), 'CHECKPOINT_MALFORMED', 'origin');
    throwsCode(
      () => formatCheckpoint({ ...base, origin: 'a\nb' }),
      'CHECKPOINT_MALFORMED',
      'origin',
    );
    throwsCode(() => formatCheckpoint({ ...base, size: -1 }), 'CHECKPOINT_MALFORMED', 'size');
    throwsCode(() => formatCheckpoint({ ...base, size: 1.5 }), 'CHECKPOINT_MALFORMED', 'size');
    throwsCode(() => formatCheckpoint({ ...base, size: 2 ** 53 }), 'CHECKPOINT_MALFORMED', 'size');
    throwsCode(
      () => formatCheckpoint({ ...base, extensions: ['ok', ''] }),
      'CHECKPOINT_MALFORMED',
      'extensions[1]',
    );
    throwsCode(
      () => formatCheckpoint({ ...base, extensions: ['a\nb'] }),
      'CHECKPOINT_MALFORMED',
      'extensions[0]',
    );
  });
});

describe('parseCheckpoint', () => {
  test('reads the three lines and any extension lines', () => {
    assert.deepEqual(parseCheckpoint(BODY), {
      origin: ORIGIN,
      size: 8,
      root: ROOT_8,
      extensions: [],
    });
    assert.deepEqual(parseCheckpoint(`go.sum database tree\n0\n${ROOT_TEXT}\n— x\n`), {
      origin: 'go.sum database tree',
      size: 0,
      root: ROOT_8,
      extensions: ['— x'],
    });
    assert.equal(parseCheckpoint(`o\n9007199254740991\n${ROOT_TEXT}\n`).size, 2 ** 53 - 1);
  });

  const bad: [string, string, string, RegExp][] = [
    ['no final newline', BODY.slice(0, -1), 'body', /end with a newline/],
    ['two lines', `${ORIGIN}\n8\n`, 'body', /at least 3 lines/],
    ['an empty origin', `\n8\n${ROOT_TEXT}\n`, 'line 1', /origin line is empty/],
    ['a leading zero', `${ORIGIN}\n08\n${ROOT_TEXT}\n`, 'line 2', /without leading zeros/],
    ['"00"', `${ORIGIN}\n00\n${ROOT_TEXT}\n`, 'line 2', /without leading zeros/],
    ['a sign', `${ORIGIN}\n+8\n${ROOT_TEXT}\n`, 'line 2', /decimal/],
    ['a negative size', `${ORIGIN}\n-1\n${ROOT_TEXT}\n`, 'line 2', /decimal/],
    ['a fractional size', `${ORIGIN}\n8.0\n${ROOT_TEXT}\n`, 'line 2', /decimal/],
    ['an empty size', `${ORIGIN}\n\n${ROOT_TEXT}\n`, 'line 2', /decimal/],
    ['a space in the size', `${ORIGIN}\n 8\n${ROOT_TEXT}\n`, 'line 2', /decimal/],
    ['a size beyond 2^53−1', `${ORIGIN}\n9007199254740992\n${ROOT_TEXT}\n`, 'line 2', /2\^53/],
    [
      'a 31-byte root',
      `${ORIGIN}\n8\n${encodeBase64(ROOT_8.subarray(1))}\n`,
      'line 3',
      /32 bytes .* got 31/,
    ],
    ['a 33-byte root', `${ORIGIN}\n8\n${encodeBase64(new Uint8Array(33))}\n`, 'line 3', /got 33/],
    [
      'url-safe base64',
      `${ORIGIN}\n8\n${ROOT_TEXT.replace('+', '-')}\n`,
      'line 3',
      /not standard base64/,
    ],
    [
      'unpadded base64',
      `${ORIGIN}\n8\n${ROOT_TEXT.slice(0, -1)}\n`,
      'line 3',
      /not standard base64/,
    ],
    ['an empty extension line', `${BODY}x\n\ny\n`, 'line 5', /extension lines must be non-empty/],
    ['a trailing blank line', `${BODY}\n`, 'line 4', /extension lines must be non-empty/],
    ['a carriage return', BODY.replace('\n8', '\r\n8'), 'body', /U\+000D/],
  ];
  for (const [what, body, where, reason] of bad) {
    test(`rejects ${what} as CHECKPOINT_MALFORMED`, () => {
      throwsCode(() => parseCheckpoint(body), 'CHECKPOINT_MALFORMED', where, reason);
    });
  }

  test('round-trips any valid checkpoint (property)', () => {
    // eslint-disable-next-line no-control-regex -- lines may not hold control characters
    const control = /[\u0000-\u001f]/;
    const line = fc.string({ unit: 'grapheme', minLength: 1 }).filter((s) => !control.test(s));
    const checkpoint = fc.record(
      {
        origin: line,
        size: fc.maxSafeNat(),
        root: fc.uint8Array({ minLength: 32, maxLength: 32 }),
        extensions: fc.array(line, { maxLength: 3 }),
      },
      { noNullPrototype: true },
    );
    fc.assert(
      fc.property(checkpoint, (c) => {
        assert.deepEqual(parseCheckpoint(formatCheckpoint(c)), c);
      }),
    );
  });

  test('throws only CHECKPOINT_MALFORMED on arbitrary input (fuzz)', () => {
    const pieces = fc.constantFrom('\n', 'o', '0', '1', '08', ROOT_TEXT, '=', '-', ' ', '\t');
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 10 }).map((p) => p.join('')),
        (body) => {
          try {
            const c = parseCheckpoint(body);
            assert.equal(formatCheckpoint(c), body);
          } catch (error) {
            assert.ok(
              error instanceof CoreError && error.code === 'CHECKPOINT_MALFORMED',
              String(error),
            );
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('signCheckpoint and openCheckpoint', () => {
  const checkpoint: Checkpoint = { origin: ORIGIN, size: 8, root: ROOT_8, extensions: [] };

  test('matches the exact bytes in the design notes (Go test seed, illustration key)', () => {
    // ledger.md §1.3: Go's public test seed under the name ledger.example.com/decisions/v1.
    const signer = createNoteSigner(
      `PRIVATE+KEY+${ORIGIN}+83de4b22+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz`,
    );
    assert.equal(signer.vkey, `${ORIGIN}+83de4b22+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW`);
    assert.equal(
      signCheckpoint(checkpoint, signer),
      `${BODY}\n— ${ORIGIN} g95LIr/kMZ8DmmIpcMKry0Qll35/EfPKdUxu1yLfhNs1wwWxb3lam6/q4fQ55PuzEaotwlnJsru5BMV474Jk5X41ygQ=\n`,
    );
  });

  test('round-trips and returns the opened note', () => {
    const signed = signCheckpoint(checkpoint, log.signer);
    const { checkpoint: opened, note } = openCheckpoint(signed, log.verifier);
    assert.deepEqual(opened, checkpoint);
    assert.equal(note.text, BODY);
    assert.equal(note.verified.length, 1);
  });

  test('ignores a witness cosignature from an unknown key', () => {
    const witness = createNoteSigner(generateSignerKey('witness.example').skey);
    const signed = signNote(BODY, [log.signer, witness]);
    const { note } = openCheckpoint(signed, log.verifier);
    assert.equal(note.signatures.length, 2);
    assert.equal(note.verified.length, 1);
  });

  test('refuses to sign a checkpoint it would refuse to open', () => {
    throwsCode(
      () => signCheckpoint({ ...checkpoint, root: ROOT_8.subarray(0, 31) }, log.signer),
      'CHECKPOINT_MALFORMED',
      'line 3',
    );
  });

  test('fails with the note error or the checkpoint error, as applicable', () => {
    const signed = signCheckpoint(checkpoint, log.signer);
    throwsCode(
      () => openCheckpoint(signed.replace('\n8\n', '\n9\n'), log.verifier),
      'NOTE_SIGNATURE_INVALID',
    );
    const other = createNoteVerifier(generateSignerKey(ORIGIN).vkey);
    throwsCode(() => openCheckpoint(signed, other), 'NOTE_UNVERIFIED');
    throwsCode(() => openCheckpoint(signed.slice(0, -1), log.verifier), 'NOTE_MALFORMED');
    // A genuine signature over a body that is not a strict checkpoint.
    const loose = signNote(`${ORIGIN}\n8\n${ROOT_TEXT}\n\n\n`, [log.signer]);
    throwsCode(() => openCheckpoint(loose, log.verifier), 'CHECKPOINT_MALFORMED', 'line 4');
  });
});
