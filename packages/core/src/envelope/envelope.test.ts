import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { canonicalize } from '@docket/protocol';
import { CoreError } from '../errors.js';
import {
  checkCommitments,
  commitField,
  createCommitments,
  SALT_SIZE,
  toLeafEnvelope,
} from './envelope.js';

/** The commitment as specified, assembled the plain way: SHA-256(prefix ‖ salt ‖ JCS([n, v])). */
const reference = (name: string, value: unknown, salt: Uint8Array): string =>
  createHash('sha256')
    .update('docket/commit/v1\n', 'utf8')
    .update(salt)
    .update(canonicalize([name, value]), 'utf8')
    .digest('base64');

const salt = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');

// Values of every size and script: the one-shot path assembles its input in a reused buffer that
// grows, so a long value followed by a short one must not leave stale bytes behind.
const VALUES: [string, unknown][] = [
  ['outcome', { action: 'approve', value: 1 }],
  ['goal', 'é'.repeat(3000) + '日本語' + '😀'.repeat(2000)],
  ['confidence', 0.93],
  ['context', { text: 'x'.repeat(10_000), nested: [1, 'two', { three: null }] }],
  ['reasoning', ''],
];

describe('commitField', () => {
  test('matches the specified hash for values of every size, in any order', () => {
    for (const [name, value] of [...VALUES, ...VALUES.slice().reverse()]) {
      assert.equal(commitField(name, value, salt).toString('base64'), reference(name, value, salt));
    }
  });

  test('a salt of another length is hashed as given', () => {
    const short = salt.subarray(0, 5);
    assert.equal(commitField('goal', 'x', short).toString('base64'), reference('goal', 'x', short));
  });
});

describe('createCommitments and checkCommitments', () => {
  const fields = Object.fromEntries(VALUES);

  test('each commitment opens with its salt (the specified hash)', () => {
    const { commitments, salts } = createCommitments(fields);
    for (const [name, value] of VALUES) {
      const s = Buffer.from(salts[name]!, 'base64');
      assert.equal(s.length, SALT_SIZE);
      assert.equal(commitments[name], reference(name, value, s));
    }
    assert.deepEqual(checkCommitments(commitments, fields, salts, 'leaf 0'), {
      issues: [],
      checked: VALUES.length,
    });
  });

  test('salts are fresh for every field and every call', () => {
    const a = createCommitments(fields).salts;
    const b = createCommitments(fields).salts;
    const all = [...Object.values(a), ...Object.values(b)];
    assert.equal(new Set(all).size, all.length);
  });

  test('a changed value, a wrong salt or a malformed salt is CONTENT_CHANGED at that field', () => {
    const { commitments, salts } = createCommitments(fields);
    const wrongSalt = Buffer.alloc(SALT_SIZE, 7).toString('base64');
    const cases: [Record<string, unknown>, Record<string, string>][] = [
      [{ ...fields, confidence: 0.94 }, salts],
      [fields, { ...salts, confidence: wrongSalt }],
      [fields, { ...salts, confidence: salts['confidence']!.slice(0, 8) }],
      [
        fields,
        {
          ...salts,
          confidence: Buffer.concat([
            Buffer.from(salts['confidence']!, 'base64'),
            Buffer.from([1]),
          ]).toString('base64'),
        },
      ],
    ];
    for (const [f, s] of cases) {
      const { issues } = checkCommitments(commitments, f, s, 'leaf 3');
      assert.deepEqual(
        issues.map((i) => [i.code, i.where]),
        [['CONTENT_CHANGED', 'leaf 3.confidence']],
      );
    }
  });
});

describe('toLeafEnvelope and the receive time', () => {
  const old = { type: 'docket.decision/v1', index: 0, id: 'a', ts: 't', commitments: {} };
  test('an envelope without rt (written before receive times) is still a leaf', () => {
    assert.deepEqual(toLeafEnvelope(old), old);
  });
  test('rt is a string when present', () => {
    assert.equal(toLeafEnvelope({ ...old, rt: '2026-01-01T00:00:00Z' }).rt, '2026-01-01T00:00:00Z');
    assert.throws(
      () => toLeafEnvelope({ ...old, rt: 5 }),
      (e: unknown) => e instanceof CoreError && e.code === 'LEAF_MALFORMED',
    );
  });
});
