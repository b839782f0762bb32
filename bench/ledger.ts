// npm run bench:ledger — in-process figures, each beside its ceiling measured in the same run, and
// the ratio. Prints figures; asserts nothing. Options (environment twin, default):
//   --n N            decisions appended, then verified (BENCH_APPENDS, 100000)
//   --proof-leaves N leaves in the tree for the proof figures (BENCH_PROOF_LEAVES, 1000000; 0 skips)
//   --proofs N       proofs measured, after as many warm-up ones as a tenth of that (BENCH_PROOFS, 20000)
//   --lone N         appends made one at a time on an idle log, for their latency (BENCH_LONE, 200; 0 skips)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompactRange,
  createCommitments,
  createNoteSigner,
  generateSignerKey,
  hashLeaf,
  signCheckpoint,
  toLeafBytes,
  verifyInclusion,
} from '@docket/core';
import type { LeafEnvelope } from '@docket/core';
import { auditDataDir, openLedger, proveInclusion } from '@docket/ledger';
import { createUuidV7 } from '@docket/protocol';
import { openSqliteStore } from '@docket/store';
import type { EntryRow } from '@docket/store';
import { fmt, percentile } from './figures.js';
import {
  intOptions,
  meanJsonBytes,
  ratio,
  rawSqliteInsert,
  rawSqliteSingleCommits,
  readStoredBytes,
  sha256Ceiling,
  twoKbDecision,
} from './workload.js';

const { ints } = intOptions({
  n: { env: 'BENCH_APPENDS', fallback: 100_000, min: 1 },
  'proof-leaves': { env: 'BENCH_PROOF_LEAVES', fallback: 1_000_000, min: 0 },
  proofs: { env: 'BENCH_PROOFS', fallback: 20_000, min: 10 },
  lone: { env: 'BENCH_LONE', fallback: 200, min: 0 },
});
const LONE = ints.lone;
const APPENDS = ints.n;
const PROOF_LEAVES = ints['proof-leaves'];
const PROOFS = ints.proofs;

async function appendsAndVerify(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'docket-bench-'));
  try {
    const records = Array.from({ length: APPENDS }, (_, i) => twoKbDecision(i));
    const bytes = meanJsonBytes(records);
    const ledger = await openLedger({ dataDir: dir, origin: 'bench.docket.local/log' });
    const started = performance.now();
    const window: Promise<unknown>[] = [];
    for (const record of records) {
      window.push(ledger.append(record));
      if (window.length >= 20_000) await Promise.all(window.splice(0));
    }
    await Promise.all(window);
    await ledger.flush();
    const seconds = (performance.now() - started) / 1000;
    await ledger.close();
    const appendRate = APPENDS / seconds;
    // After close: the WAL is checkpointed into the database file, so this is what stays on disk.
    const disk = statSync(join(dir, 'ledger.db')).size;

    // Ceilings: the same stored bytes, inserted raw and hashed raw.
    const stored = readStoredBytes(join(dir, 'ledger.db'));
    const raw = rawSqliteInsert(join(dir, 'raw.db'), stored);
    const sha = sha256Ceiling(stored);

    console.log(
      `durable appends (Ledger.append, ${fmt(APPENDS)} decisions of ${fmt(bytes)} B JSON, half with a subject, ${fmt(APPENDS / 3)} subjects): ${fmt(seconds, 2)} s = ${fmt(appendRate)}/s`,
    );
    console.log(
      `  ceiling, same run: raw better-sqlite3 insert of the same leaf + content bytes (WAL, synchronous=FULL, 8,192 per transaction) ${fmt(raw.perSecond)}/s; Docket = ${ratio(appendRate, raw.perSecond)}`,
    );
    console.log(
      `database size: ${fmt(disk / APPENDS)} bytes per decision (${fmt(disk / 1048576, 1)} MiB); the same bytes raw: ${fmt(raw.bytesPerRow)} B/decision`,
    );

    for (const skipContent of [false, true]) {
      const t = performance.now();
      const report = await auditDataDir(dir, { skipContent });
      const s = (performance.now() - t) / 1000;
      if (!report.ok) throw new Error(`audit failed: ${JSON.stringify(report.issues.slice(0, 3))}`);
      const rate = report.entries / s;
      const ceiling = skipContent ? sha.structural : sha.full;
      console.log(
        `verify${skipContent ? ' --no-content (roots, checkpoints, structure)' : ' (commitments, decrypting)'}: ${fmt(report.entries)} leaves in ${fmt(s, 2)} s = ${fmt(rate)} leaves/s`,
      );
      console.log(
        `  ceiling, same run: SHA-256 over the same ${skipContent ? 'leaves (leaf + interior node hashes)' : 'leaves and contents'} ${fmt(ceiling)} leaves/s; Docket = ${ratio(rate, ceiling)}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A lone append's latency: `LONE` appends one after the other (each awaited) on an idle log, as an
 * agent deciding now and then sees it (adaptive group commit: one flush each, no timer), beside
 * its floor in the same run: one raw SQLite INSERT + commit (one fsync) of the same stored bytes.
 */
async function loneAppends(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'docket-bench-lone-'));
  try {
    const ledger = await openLedger({ dataDir: dir, origin: 'bench.docket.local/lone' });
    const times: number[] = [];
    for (let i = 0; i < LONE + 10; i++) {
      const record = twoKbDecision(i);
      const t = performance.now();
      await ledger.append(record);
      if (i >= 10) times.push(performance.now() - t); // the first 10 warm up
    }
    await ledger.close();
    times.sort((a, b) => a - b);
    const floor = rawSqliteSingleCommits(
      join(dir, 'floor.db'),
      readStoredBytes(join(dir, 'ledger.db')),
    );
    const p50 = percentile(times, 0.5);
    const ms = (v: number): string => `${fmt(v, 2)} ms`;
    console.log(
      `lone appends (Ledger.append awaited one at a time, ${fmt(LONE)} after 10 warm-up): p50 ${ms(p50)}, p99 ${ms(percentile(times, 0.99))}`,
    );
    console.log(
      `  floor, same run: one raw better-sqlite3 INSERT + commit (WAL, synchronous=FULL) of the same stored bytes, one at a time: p50 ${ms(floor.p50)}, p99 ${ms(floor.p99)}; Docket p50 = ${fmt(p50 / floor.p50, 1)}× the floor`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Leaves shaped as the ledger writes them: the envelope of a 2 KB decision (id, ts, producer,
 * subject pseudonym, kid and a salted commitment per field, ~1.2 KB), from a pool of 256
 * commitment sets so building a million stays quick.
 */
function leafMaker(): (index: number) => Buffer {
  const pool = Array.from({ length: 256 }, (_, i) => {
    const { id: _id, schema: _schema, ts: _ts, producer: _producer, ...fields } = twoKbDecision(i);
    return createCommitments(fields).commitments;
  });
  const ts = new Date().toISOString();
  return (index) => {
    const envelope: LeafEnvelope = {
      type: 'docket.decision/v1',
      index,
      id: createUuidV7(),
      ts,
      producer: { id: 'bench', seq: index },
      ...(index % 2 === 0
        ? { subject: hashLeaf(Buffer.from(String(index))).toString('hex'), kid: `dk-${index}` }
        : {}),
      commitments: pool[index % pool.length]!,
    };
    return Buffer.from(toLeafBytes(envelope));
  };
}

async function proofs(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'docket-bench-proofs-'));
  try {
    const store = openSqliteStore(join(dir, 'ledger.db'));
    const signer = createNoteSigner(generateSignerKey('bench.docket.local/proofs').skey);
    const range = new CompactRange();
    const makeLeaf = leafMaker();
    const leafHashes: Buffer[] = [];
    const batch = 20_000;
    let leafBytes = 0;
    for (let start = 0; start < PROOF_LEAVES; start += batch) {
      const nodes = [];
      const entries: EntryRow[] = [];
      for (let i = start; i < Math.min(PROOF_LEAVES, start + batch); i++) {
        const leaf = makeLeaf(i);
        leafBytes += leaf.length;
        const leafHash = hashLeaf(leaf);
        leafHashes.push(leafHash);
        nodes.push(...range.append(leafHash));
        entries.push({
          index: i,
          id: `e${i}`,
          type: 'docket.decision/v1',
          ts: '',
          subject: null,
          producerId: null,
          producerSeq: null,
          kid: null,
          ref: null,
          leaf,
        });
      }
      const checkpoint = {
        origin: 'bench.docket.local/proofs',
        size: range.size,
        root: range.root(),
        extensions: [],
      };
      await store.appendBatch({
        previousSize: start,
        entries: entries.map((e) => ({ ...e, content: null })),
        nodes,
        subjectKeys: [],
        checkpoint: {
          size: range.size,
          root: range.root(),
          note: signCheckpoint(checkpoint, signer),
          createdAt: '',
        },
        tree: { size: range.size, edge: range.edge },
      });
    }
    const root = range.root();
    const sample = async (n: number, gen: number[], ver: number[]): Promise<void> => {
      for (let k = 0; k < n; k++) {
        const index = Math.floor(Math.random() * PROOF_LEAVES);
        let t = performance.now();
        const proof = await proveInclusion(store, index, PROOF_LEAVES);
        gen.push(performance.now() - t);
        t = performance.now();
        verifyInclusion(index, PROOF_LEAVES, leafHashes[index]!, proof, root);
        ver.push(performance.now() - t);
      }
    };
    const warmUp = Math.max(1000, Math.floor(PROOFS / 10));
    await sample(warmUp, [], []);
    const gen: number[] = [];
    const ver: number[] = [];
    await sample(PROOFS, gen, ver);
    gen.sort((a, b) => a - b);
    ver.sort((a, b) => a - b);
    const us = (ms: number): string => `${fmt(ms * 1000, 1)} µs`;
    console.log(
      `inclusion proof at ${fmt(PROOF_LEAVES)} leaves (SQLite nodes, leaves of ${fmt(leafBytes / PROOF_LEAVES)} B): generation p50 ${us(percentile(gen, 0.5))}, p99 ${us(percentile(gen, 0.99))}, max ${us(gen.at(-1)!)}; verification p50 ${us(percentile(ver, 0.5))}, p99 ${us(percentile(ver, 0.99))} (${fmt(PROOFS)} random leaves after ${fmt(warmUp)} warm-up proofs; aim p99 < 1 ms)`,
    );
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(
  `docket bench:ledger — node ${process.version}, ${new Date().toISOString()}; --n ${APPENDS} --proof-leaves ${PROOF_LEAVES} --proofs ${PROOFS} --lone ${LONE}`,
);
await appendsAndVerify();
if (LONE > 0) await loneAppends();
if (PROOF_LEAVES > 0) await proofs();
