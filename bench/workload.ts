// What the in-process benchmarks (ledger.ts, scale.ts) share: the decisions they append, their
// options, and the ceilings each Docket figure is compared with in the same run.
import * as nodeCrypto from 'node:crypto';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import type { DecisionRecord } from '@docket/protocol';
import { fmt } from './figures.js';

/**
 * Integer options: `--name N` on the command line, else the environment twin, else the default.
 * Underscores are allowed (`--n 1_000_000`).
 */
export function intOptions<K extends string>(
  spec: Record<K, { env: string; fallback: number; min: number }>,
  extra: Record<string, { type: 'boolean' | 'string' }> = {},
): { ints: Record<K, number>; flags: Record<string, string | boolean | undefined> } {
  const options: Record<string, { type: 'boolean' | 'string' }> = { ...extra };
  for (const name of Object.keys(spec)) options[name] = { type: 'string' };
  const { values } = parseArgs({ options });
  const ints = {} as Record<K, number>;
  for (const [name, { env, fallback, min }] of Object.entries(spec) as [
    K,
    { env: string; fallback: number; min: number },
  ][]) {
    const raw = (values[name] as string | undefined) ?? process.env[env];
    const n = raw === undefined || raw === '' ? fallback : Number(raw.replaceAll('_', ''));
    if (!Number.isSafeInteger(n) || n < min) {
      throw new Error(`--${name} (${env}) must be an integer ≥ ${min}, got ${String(raw)}`);
    }
    ints[name] = n;
  }
  return { ints, flags: values };
}

/**
 * Decision `i` of a run: the sample loan decision trimmed to about 2 KB of JSON (without the
 * optional llm, lineage, human, policy, tags and metadata). Half carry a subject (encrypted under
 * that subject's data key); subject `applicant-⌊i/3⌋`, so a run of n decisions has n/3 subjects
 * and creates a data key for about two decisions in three that have one.
 */
export function twoKbDecision(i: number): DecisionRecord {
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
  return i % 2 === 0
    ? { ...rest, subject: { ...subject!, id: `applicant-${Math.floor(i / 3)}` } }
    : rest;
}

/** Mean bytes of JSON of `records`. */
export const meanJsonBytes = (records: readonly DecisionRecord[]): number =>
  records.reduce((s, r) => s + Buffer.byteLength(JSON.stringify(r)), 0) / records.length;

/** What one decision left in the ledger's SQLite file: its leaf and its (maybe sealed) content. */
export interface StoredBytes {
  readonly id: string;
  readonly leaf: Buffer;
  readonly body: Buffer | null;
}

/** Every decision's stored bytes, read back from a closed ledger's `ledger.db`. */
export function readStoredBytes(dbPath: string): StoredBytes[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT e.id AS id, e.leaf AS leaf, c.body AS body
           FROM entries e LEFT JOIN contents c ON c.idx = e.idx ORDER BY e.idx`,
      )
      .all() as StoredBytes[];
  } finally {
    db.close();
  }
}

/**
 * The ceiling of a durable append: the same bytes (leaf, content) inserted with better-sqlite3 into
 * one plain table, with the ledger's durability settings (WAL, `synchronous = FULL`), in
 * transactions of `batch` rows (the ledger's flush size). No hashing, no index beyond the id.
 * Returns rows per second and the file's bytes per row after a WAL checkpoint.
 */
export function rawSqliteInsert(
  path: string,
  rows: readonly StoredBytes[],
  batch = 8192,
): { perSecond: number; bytesPerRow: number } {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE raw (idx INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, leaf BLOB NOT NULL, body BLOB)',
  );
  const insert = db.prepare('INSERT INTO raw (idx, id, leaf, body) VALUES (?, ?, ?, ?)');
  const many = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const r = rows[i]!;
      insert.run(i, r.id, r.leaf, r.body);
    }
  });
  const started = performance.now();
  for (let from = 0; from < rows.length; from += batch) {
    many(from, Math.min(rows.length, from + batch));
  }
  const seconds = (performance.now() - started) / 1000;
  db.pragma('wal_checkpoint(TRUNCATE)');
  const pages = db.pragma('page_count', { simple: true }) as number;
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  db.close();
  return { perSecond: rows.length / seconds, bytesPerRow: (pages * pageSize) / rows.length };
}

/**
 * The floor of a lone durable append: one better-sqlite3 INSERT of a row (id, leaf, body), each in
 * its own transaction (WAL, `synchronous=FULL`: one fsync each), one after the other; p50 and p99
 * in ms over `rows` (after 10 warm-up commits). What a single-decision POST cannot beat on this disk.
 */
export function rawSqliteSingleCommits(
  path: string,
  rows: readonly StoredBytes[],
): { p50: number; p99: number } {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec(
      'CREATE TABLE raw (idx INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, leaf BLOB, body BLOB)',
    );
    const insert = db.prepare('INSERT INTO raw (idx, id, leaf, body) VALUES (?, ?, ?, ?)');
    const times: number[] = [];
    rows.forEach((r, i) => {
      const t = performance.now();
      insert.run(i, r.id, r.leaf, r.body); // autocommit: one transaction, one fsync
      if (i >= 10) times.push(performance.now() - t);
    });
    times.sort((a, b) => a - b);
    const at = (q: number): number =>
      times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    return { p50: at(0.5), p99: at(0.99) };
  } finally {
    db.close();
  }
}

/** SHA-256 in one call when Node has `crypto.hash` (≥ 20.12), else through a Hash object. */
// Read off the namespace: a named import of `hash` fails to link on Node < 20.12.
const oneShotHash = (nodeCrypto as Partial<typeof nodeCrypto>).hash;
const sha256: (data: Uint8Array) => Buffer =
  oneShotHash === undefined
    ? (data) => nodeCrypto.createHash('sha256').update(data).digest()
    : (data) => oneShotHash('sha256', data, 'buffer');

/**
 * The ceiling of verification: SHA-256 over the same bytes, nothing else. `structural` hashes each
 * leaf (0x00 ‖ leaf) and the n − 1 interior nodes (0x01 ‖ l ‖ r) of RFC 6962 — what a structural
 * verify must at least do; `full` adds one SHA-256 pass over each stored content (a full verify
 * decrypts and re-commits it, so this is a loose floor). Leaves per second.
 */
export function sha256Ceiling(rows: readonly StoredBytes[]): { structural: number; full: number } {
  let scratch = Buffer.alloc(4096);
  const pair = Buffer.alloc(65);
  pair[0] = 1;
  const structural = (): void => {
    const level: Buffer[] = [];
    for (const r of rows) {
      if (scratch.length < r.leaf.length + 1) scratch = Buffer.alloc(r.leaf.length * 2);
      scratch[0] = 0;
      r.leaf.copy(scratch, 1);
      level.push(sha256(scratch.subarray(0, r.leaf.length + 1)));
    }
    // n − 1 node hashes, whatever the tree's shape.
    let h = level[0] ?? Buffer.alloc(32);
    for (let i = 1; i < level.length; i++) {
      pair.set(h, 1);
      pair.set(level[i]!, 33);
      h = sha256(pair);
    }
  };
  let t = performance.now();
  structural();
  const structuralSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  for (const r of rows) if (r.body !== null) sha256(r.body);
  const contentSeconds = (performance.now() - t) / 1000;
  return {
    structural: rows.length / structuralSeconds,
    full: rows.length / (structuralSeconds + contentSeconds),
  };
}

/** "x of y = r×" for a Docket figure beside its ceiling (same units, higher is better). */
export const ratio = (docket: number, ceiling: number): string =>
  `${fmt(docket / ceiling, 3)}× of ${fmt(ceiling)}`;
