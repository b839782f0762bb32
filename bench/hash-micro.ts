// node bench/dist/hash-micro.js — the hashing and sealing steps of an append and a verify, as
// @docket/core does them now beside the Hash-object code they replaced (kept here, verbatim in
// effect), in the same run. Prints figures; asserts nothing. Option: --rounds N (BENCH_ROUNDS, 200000).
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import {
  checkCommitments,
  createCommitments,
  hashChildren,
  hashLeaf,
  seal,
  toLeafBytes,
} from '@docket/core';
import { canonicalize } from '@docket/protocol';
import { fmt } from './figures.js';
import { intOptions, twoKbDecision } from './workload.js';

const { ints } = intOptions({ rounds: { env: 'BENCH_ROUNDS', fallback: 200_000, min: 100 } });
const ROUNDS = ints.rounds;

// The code before (Hash objects, a Buffer per step).
const before = {
  hashLeaf: (data: Uint8Array): Buffer =>
    createHash('sha256')
      .update(Buffer.from([0]))
      .update(data)
      .digest(),
  hashChildren: (left: Uint8Array, right: Uint8Array): Buffer => {
    const pair = Buffer.alloc(65);
    pair[0] = 1;
    pair.set(left, 1);
    pair.set(right, 33);
    return createHash('sha256').update(pair).digest();
  },
  commitField: (name: string, value: unknown, salt: Uint8Array): Buffer =>
    createHash('sha256')
      .update('docket/commit/v1\n', 'utf8')
      .update(salt)
      .update(canonicalize([name, value]), 'utf8')
      .digest(),
  createCommitments: (fields: Record<string, unknown>): Record<string, string> => {
    const commitments: Record<string, string> = {};
    const pool = randomBytes(16 * Object.keys(fields).length);
    Object.keys(fields).forEach((name, i) => {
      const salt = pool.subarray(i * 16, (i + 1) * 16);
      commitments[name] = before.commitField(name, fields[name], salt).toString('base64');
    });
    return commitments;
  },
  seal: (key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Buffer => {
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(aad);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return Buffer.concat([nonce, body, cipher.getAuthTag()]);
  },
};

/** Microseconds per call of `fn`, best of 3 runs of `rounds` calls (after one warm-up run). */
function time(rounds: number, fn: (i: number) => unknown): number {
  let best = Infinity;
  for (let run = 0; run < 4; run++) {
    const t = performance.now();
    for (let i = 0; i < rounds; i++) fn(i);
    const us = ((performance.now() - t) * 1000) / rounds;
    if (run > 0) best = Math.min(best, us);
  }
  return best;
}

const { id: _id, schema: _schema, ts: _ts, producer: _producer, ...rest } = twoKbDecision(0);
const fields: Record<string, unknown> = rest;
const { commitments, salts } = createCommitments(fields);
const leaf = Buffer.from(
  toLeafBytes({ type: 'docket.decision/v1', index: 0, id: 'x', ts: '', commitments }),
);
const a = hashLeaf(leaf);
const b = hashLeaf(a);
const key = randomBytes(32);
const plaintext = Buffer.from(JSON.stringify({ fields, salts }));
const aad = Buffer.from('entry-1');
const fewer = Math.max(100, Math.floor(ROUNDS / 20));
const rows: [string, number, (i: number) => unknown, (i: number) => unknown][] = [
  [
    `hashLeaf (${fmt(leaf.length)} B leaf)`,
    ROUNDS,
    () => before.hashLeaf(leaf),
    () => hashLeaf(leaf),
  ],
  ['hashChildren', ROUNDS, () => before.hashChildren(a, b), () => hashChildren(a, b)],
  [
    `createCommitments (${Object.keys(fields).length} fields of a 2 KB decision)`,
    fewer,
    () => before.createCommitments(fields),
    () => createCommitments(fields),
  ],
  [
    'checkCommitments (same)',
    fewer,
    () => {
      for (const name of Object.keys(fields)) {
        before.commitField(name, fields[name], Buffer.from(salts[name]!, 'base64'));
      }
    },
    () => checkCommitments(commitments, fields, salts, 'leaf'),
  ],
  [
    `seal (AES-256-GCM, ${fmt(plaintext.length)} B)`,
    fewer,
    () => before.seal(key, plaintext, aad),
    () => seal(key, plaintext, aad),
  ],
];
console.log(
  `docket hash-micro — node ${process.version}, ${new Date().toISOString()}; µs per call, best of 3 runs`,
);
for (const [label, rounds, old, now] of rows) {
  const o = time(rounds, old);
  const n = time(rounds, now);
  console.log(`${label}: before ${fmt(o, 2)} µs, now ${fmt(n, 2)} µs (${fmt(o / n, 2)}× faster)`);
}
