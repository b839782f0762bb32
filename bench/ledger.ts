// npm run bench:ledger — prints figures; asserts nothing. Knobs (env):
//   BENCH_APPENDS        decisions appended for the durable-append and verify figures (100000)
//   BENCH_PROOF_LEAVES   leaves in the tree for the proof figures (1000000)
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CompactRange,
  createNoteSigner,
  generateSignerKey,
  hashLeaf,
  signCheckpoint,
  verifyInclusion,
} from '@docket/core';
import { auditDataDir, openLedger, proveInclusion } from '@docket/ledger';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import type { DecisionRecord } from '@docket/protocol';
import { openSqliteStore } from '@docket/store';
import { fmt, percentile } from './figures.js';

const APPENDS = Number(process.env['BENCH_APPENDS'] ?? 100_000);
const PROOF_LEAVES = Number(process.env['BENCH_PROOF_LEAVES'] ?? 1_000_000);

/**
 * The sample loan decision (2.9 KB of JSON with every field) trimmed to about 2 KB: without the
 * optional llm, lineage, human, policy, tags and metadata. A subject on half of them (those are
 * encrypted under the subject's key).
 */
function twoKbDecision(i: number): DecisionRecord {
  const {
    llm: _llm,
    lineage: _lineage,
    human: _human,
    policy: _policy,
    tags: _tags,
    metadata: _metadata,
    subject,
    ...rest
  } = sampleDecision({ id: createUuidV7(), producer: { id: 'bench', seq: i, sdk: 'bench' } });
  return i % 2 === 0 ? { ...rest, subject: { ...subject!, id: `applicant-${i % 1000}` } } : rest;
}

async function appendsAndVerify(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'docket-bench-'));
  try {
    const records = Array.from({ length: APPENDS }, (_, i) => twoKbDecision(i));
    const bytes =
      records.reduce((s, r) => s + Buffer.byteLength(JSON.stringify(r)), 0) / records.length;
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
    // After close: the WAL is checkpointed into the database file, so this is what stays on disk.
    const disk = statSync(join(dir, 'ledger.db')).size;
    console.log(
      `durable appends: ${fmt(APPENDS)} decisions of ${fmt(bytes)} B (JSON) in ${fmt(seconds, 2)} s = ${fmt(APPENDS / seconds)}/s (half with a subject: encrypted)`,
    );
    console.log(
      `database size:   ${fmt(disk / APPENDS)} bytes per decision (${fmt(disk / 1048576, 1)} MiB for ${fmt(APPENDS)})`,
    );

    for (const skipContent of [false, true]) {
      const t = performance.now();
      const report = await auditDataDir(dir, { skipContent });
      const s = (performance.now() - t) / 1000;
      if (!report.ok) throw new Error(`audit failed: ${JSON.stringify(report.issues.slice(0, 3))}`);
      console.log(
        `full verify${skipContent ? ' (--no-content: roots, checkpoints, structure)' : ' (with commitments, decrypting)'}: ${fmt(report.entries)} leaves in ${fmt(s, 2)} s = ${fmt(report.entries / s)} leaves/s`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function proofs(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'docket-bench-proofs-'));
  try {
    const store = openSqliteStore(join(dir, 'ledger.db'));
    const signer = createNoteSigner(generateSignerKey('bench.docket.local/proofs').skey);
    const range = new CompactRange();
    const batch = 50_000;
    for (let start = 0; start < PROOF_LEAVES; start += batch) {
      const nodes = [];
      const entries = [];
      for (let i = start; i < Math.min(PROOF_LEAVES, start + batch); i++) {
        const leaf = Buffer.from(`{"bench":${i}}`);
        nodes.push(...range.append(hashLeaf(leaf)));
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
          content: null,
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
        entries,
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
    const gen: number[] = [];
    const ver: number[] = [];
    for (let k = 0; k < 2000; k++) {
      const index = Math.floor(Math.random() * PROOF_LEAVES);
      const leafHash = hashLeaf(Buffer.from(`{"bench":${index}}`));
      let t = performance.now();
      const proof = await proveInclusion(store, index, PROOF_LEAVES);
      gen.push(performance.now() - t);
      t = performance.now();
      verifyInclusion(index, PROOF_LEAVES, leafHash, proof, root);
      ver.push(performance.now() - t);
    }
    gen.sort((a, b) => a - b);
    ver.sort((a, b) => a - b);
    const us = (ms: number): string => `${fmt(ms * 1000, 1)} µs`;
    console.log(
      `inclusion proof at ${fmt(PROOF_LEAVES)} leaves (SQLite nodes): generation p50 ${us(percentile(gen, 0.5))}, p99 ${us(percentile(gen, 0.99))}; verification p50 ${us(percentile(ver, 0.5))}, p99 ${us(percentile(ver, 0.99))} (2,000 random leaves)`,
    );
    await store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`docket bench:ledger — node ${process.version}, ${new Date().toISOString()}`);
await appendsAndVerify();
await proofs();
