import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CoreError } from '../errors.js';
import {
  createNoteSigner,
  createNoteVerifier,
  decodeBase64,
  encodeBase64,
  generateSignerKey,
  isValidKeyName,
  keyIdFor,
  SIG_TYPE_ED25519,
} from './keys.js';

/** Go's public *test* key from golang.org/x/mod/sumdb/note (never a real key). */
const GO_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const GO_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';

function keyInvalid(fn: () => unknown, reason: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof CoreError, String(error));
    assert.equal(error.code, 'KEY_INVALID');
    assert.match(error.message, reason);
    return true;
  });
}

/** Builds a vkey string from parts, computing nothing (so tests can lie in any field). */
function vkeyOf(name: string, id: string, typed: Uint8Array): string {
  return `${name}+${id}+${encodeBase64(typed)}`;
}

describe('generateSignerKey', () => {
  test('makes a Go-format pair whose signer and verifier agree', () => {
    const { skey, vkey } = generateSignerKey('ledger.example.com/decisions/v1');
    assert.match(
      skey,
      /^PRIVATE\+KEY\+ledger\.example\.com\/decisions\/v1\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/,
    );
    assert.match(vkey, /^ledger\.example\.com\/decisions\/v1\+[0-9a-f]{8}\+A[A-Za-z0-9+/]{43}$/);
    const signer = createNoteSigner(skey);
    const verifier = createNoteVerifier(vkey);
    assert.equal(signer.vkey, vkey);
    assert.equal(signer.keyId, verifier.keyId);
    assert.equal(signer.name, verifier.name);
    const message = new TextEncoder().encode('hello\n');
    const signature = signer.sign(message);
    assert.equal(signature.length, 64);
    assert.ok(verifier.verify(message, signature));
  });

  test('makes a different key each time', () => {
    assert.notEqual(generateSignerKey('a').vkey, generateSignerKey('a').vkey);
  });

  test('rejects names that are not valid key names', () => {
    for (const name of [
      '',
      'a b',
      'a+b',
      'tab\there',
      'nbsp\u00a0',
      'ideographic\u3000space',
      'nel\u0085',
      'lone\uD800',
    ]) {
      keyInvalid(() => generateSignerKey(name), /name/);
    }
  });
});

describe('isValidKeyName', () => {
  test('follows Go: non-empty, no Unicode White_Space, no plus', () => {
    assert.ok(isValidKeyName('sum.golang.org'));
    assert.ok(isValidKeyName('example.com/log-42_é😀'));
    // U+FEFF is not White_Space (Go's unicode.IsSpace agrees), so it is allowed.
    assert.ok(isValidKeyName('bom\uFEFF'));
    assert.ok(!isValidKeyName('go.sum database tree'));
    assert.ok(!isValidKeyName('\u2028'));
  });
});

describe('keyIdFor', () => {
  test('is SHA-256(name ‖ 0x0A ‖ type ‖ key)[:4] big-endian (Go test key c74f20a3)', () => {
    const typed = decodeBase64('ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')!;
    assert.equal(keyIdFor('PeterNeumann', SIG_TYPE_ED25519, typed.subarray(1)), 0xc74f20a3);
    assert.notEqual(keyIdFor('PeterNeumann', 0x04, typed.subarray(1)), 0xc74f20a3);
    assert.notEqual(keyIdFor('PeterNeumanm', SIG_TYPE_ED25519, typed.subarray(1)), 0xc74f20a3);
  });

  test('rejects a signature type that is not one byte', () => {
    keyInvalid(() => keyIdFor('a', 256, new Uint8Array(32)), /one byte/);
    keyInvalid(() => keyIdFor('a', -1, new Uint8Array(32)), /one byte/);
  });
});

describe('createNoteSigner', () => {
  test('derives the public key and vkey from the seed (Go test key)', () => {
    const signer = createNoteSigner(GO_SKEY);
    assert.equal(signer.name, 'PeterNeumann');
    assert.equal(signer.keyId, 0xc74f20a3);
    assert.equal(signer.vkey, GO_VKEY);
  });

  test('accepts an upper-case key ID as Go does, and writes it lower-case', () => {
    assert.equal(createNoteSigner(GO_SKEY.replace('c74f20a3', 'C74F20A3')).vkey, GO_VKEY);
  });

  test('says what is wrong with a bad key', () => {
    keyInvalid(() => createNoteSigner(GO_VKEY), /must start with "PRIVATE\+KEY\+"/);
    keyInvalid(() => createNoteSigner('PRIVATE+KEY++c74f20a3+AAAA'), /name "" must be non-empty/);
    keyInvalid(() => createNoteSigner(GO_SKEY.replace('c74f20a3', 'c74f20a')), /8 hex digits/);
    keyInvalid(() => createNoteSigner(GO_SKEY.replace('c74f20a3', 'c74f20a3x')), /8 hex digits/);
    keyInvalid(() => createNoteSigner(GO_SKEY.replace('+AYEK', '+AYE_')), /base64/);
    keyInvalid(() => createNoteSigner(GO_SKEY.replace('c74f20a3', 'c74f20a4')), /does not match/);
    const seed = decodeBase64('AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz')!.subarray(1);
    const type4 = new Uint8Array([0x04, ...seed]);
    keyInvalid(
      () => createNoteSigner(`PRIVATE+KEY+${vkeyOf('x', '00000000', type4)}`),
      /type 0x04/,
    );
    const short = new Uint8Array([0x01, ...seed.subarray(1)]);
    keyInvalid(
      () => createNoteSigner(`PRIVATE+KEY+${vkeyOf('x', '00000000', short)}`),
      /32 bytes, got 31/,
    );
  });
});

describe('createNoteVerifier', () => {
  test('parses the Go test vkey', () => {
    const verifier = createNoteVerifier(GO_VKEY);
    assert.equal(verifier.name, 'PeterNeumann');
    assert.equal(verifier.keyId, 0xc74f20a3);
  });

  test('says what is wrong with a bad key', () => {
    keyInvalid(() => createNoteVerifier(''), /name "" must be non-empty/);
    keyInvalid(() => createNoteVerifier('PeterNeumann'), /8 hex digits, got ""/);
    keyInvalid(() => createNoteVerifier('PeterNeumann+c74f20a3+'), /non-empty standard base64/);
    keyInvalid(() => createNoteVerifier(GO_VKEY.replace('+ARpc', '+ARpc=')), /base64/);
    keyInvalid(
      () => createNoteVerifier(GO_VKEY.replace('c74f20a3', '00000000')),
      /does not match .* c74f20a3/,
    );
    const typed = decodeBase64('ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')!;
    const pub = typed.subarray(1);
    const idHex = (type: number, key: Uint8Array): string =>
      keyIdFor('k', type, key).toString(16).padStart(8, '0');
    keyInvalid(
      () => createNoteVerifier(vkeyOf('k', idHex(0x02, pub), new Uint8Array([0x02, ...pub]))),
      /unsupported signature type 0x02/,
    );
    const long = new Uint8Array([...pub, 0]);
    keyInvalid(
      () => createNoteVerifier(vkeyOf('k', idHex(0x01, long), new Uint8Array([0x01, ...long]))),
      /32 bytes, got 33/,
    );
  });

  test('verify is false, never a throw, for wrong signatures', () => {
    const { skey, vkey } = generateSignerKey('k');
    const signer = createNoteSigner(skey);
    const verifier = createNoteVerifier(vkey);
    const message = new TextEncoder().encode('text\n');
    const signature = signer.sign(message);
    assert.ok(verifier.verify(message, signature));
    assert.ok(!verifier.verify(new TextEncoder().encode('texT\n'), signature));
    const flipped = signature.slice();
    flipped[10] = (flipped[10] as number) ^ 1;
    assert.ok(!verifier.verify(message, flipped));
    assert.ok(!verifier.verify(message, signature.subarray(0, 63)));
    assert.ok(!verifier.verify(message, new Uint8Array([...signature, 0])));
    assert.ok(!verifier.verify(message, new Uint8Array(64)));
    assert.ok(!createNoteVerifier(generateSignerKey('k').vkey).verify(message, signature));
  });
});

describe('key strings resist mangling (port of Go note_test.go)', () => {
  const { skey, vkey } = generateSignerKey('mangle.example/log');

  /** Every substring but the whole, and every single-character increment. */
  function* mangled(key: string): Generator<string> {
    for (let i = 0; i <= key.length; i++) {
      for (let j = i; j <= key.length; j++) if (i !== 0 || j !== key.length) yield key.slice(i, j);
    }
    for (let i = 0; i < key.length; i++) {
      yield key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
    }
  }

  for (const [what, key, create] of [
    ['vkey', vkey, createNoteVerifier],
    ['skey', skey, createNoteSigner],
  ] as const) {
    test(`every proper substring and byte increment of a ${what} is rejected`, () => {
      let count = 0;
      for (const bad of mangled(key)) {
        assert.throws(() => create(bad), { code: 'KEY_INVALID' }, bad);
        count++;
      }
      const n = key.length;
      assert.equal(count, ((n + 1) * (n + 2)) / 2 - 1 + n);
    });
  }
});
