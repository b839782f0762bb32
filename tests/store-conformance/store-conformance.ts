// The LedgerStore contract as tests: one suite, run unchanged against every adapter (SQLite,
// PostgreSQL). Batches are built the way the ledger's sequencer builds them (CompactRange over
// real leaf bytes), so the stored nodes are real RFC 6962 hashes and proofs can be checked.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  CompactRange,
  ENTRY_TYPES,
  hashLeaf,
  toLeafBytes,
  verifyConsistency,
  verifyInclusion,
} from '@docket/core';
import type { LeafEnvelope } from '@docket/core';
import { proveConsistency, proveInclusion, storeRootAt } from '@docket/ledger';
import type {
  CheckpointRow,
  EntryRow,
  EntryWithContent,
  ExpectedSearchRow,
  LedgerStore,
  NodeId,
  SearchQuery,
  SearchRow,
  SequencedBatch,
  SubjectKeyRow,
} from '@docket/store';

import { facetConformanceTests } from './facets-conformance.js';

/** A fresh, empty store for one test. */
export interface OpenedStore {
  readonly store: LedgerStore;
  /** Opens another instance on the same database or file (a second process, in effect). */
  readonly openAgain: () => Promise<LedgerStore>;
  /** Closes every instance opened and removes what the test created. */
  readonly cleanup: () => Promise<void>;
  /**
   * The files and folders the store's data lives in on disk, once everything written so far is
   * there (PostgreSQL: after a CHECKPOINT; its WAL, `pg_wal`, is not listed: see the threat model).
   */
  readonly filesOnDisk: () => Promise<string[]>;
}

/** Builds realistic batches: leaf envelopes, the nodes they complete, keys, one checkpoint each. */
export class BatchBuilder {
  readonly range: CompactRange;
  /** Every node ever completed, by `level/index`. */
  readonly nodes: Map<string, Buffer>;
  readonly entries: EntryWithContent[];
  readonly search: SearchRow[];
  /** Sizes and roots of the checkpoints built so far. */
  readonly checkpoints: { size: number; root: Buffer }[];
  readonly #keys: Map<string, SubjectKeyRow>;
  readonly #keysWritten: Set<string>;
  #clock: number;

  /** A new, empty log; or, given `from`, a second writer that has seen all `from` has. */
  constructor(from?: BatchBuilder) {
    this.range = new CompactRange(from?.range.size ?? 0, from?.range.edge ?? []);
    this.nodes = new Map(from?.nodes);
    this.entries = [...(from?.entries ?? [])];
    this.search = [...(from?.search ?? [])];
    this.checkpoints = [...(from?.checkpoints ?? [])];
    this.#keys = new Map(from === undefined ? [] : from.#keys);
    this.#keysWritten = new Set(from === undefined ? [] : from.#keysWritten);
    this.#clock = from === undefined ? Date.UTC(2026, 0, 1) : from.#clock;
  }

  /**
   * The next batch of `count` entries: subjects `subj-a`/`subj-b` on even indices (content
   * encrypted under their kid), every fourth entry without content, producers on most.
   */
  next(count: number, prefix = 'e'): SequencedBatch {
    const previousSize = this.range.size;
    const entries: EntryWithContent[] = [];
    const nodes = [];
    const subjectKeys: SubjectKeyRow[] = [];
    const search: SearchRow[] = [];
    for (let i = 0; i < count; i++) {
      const index = this.range.size;
      const subject = index % 2 === 0 ? (index % 4 === 0 ? 'subj-a' : 'subj-b') : null;
      const kid = subject === null ? null : `kid-${subject}`;
      if (kid !== null && subject !== null && !this.#keysWritten.has(kid)) {
        const row = this.keyRow(subject, kid);
        subjectKeys.push(row);
        this.#keysWritten.add(kid);
      }
      const producer = index % 5 === 4 ? null : { id: 'producer-1', seq: index };
      const ts = this.#tick();
      const id = `${prefix}-${index}-${randomBytes(4).toString('hex')}`;
      // Every seventh entry a tombstone, every seventh (from 5) an event about the entry before.
      const type =
        index % 7 === 6
          ? ENTRY_TYPES.tombstone
          : index % 7 === 5
            ? ENTRY_TYPES.event
            : ENTRY_TYPES.decision;
      const envelope: LeafEnvelope = {
        type,
        index,
        id,
        ts,
        ...(producer === null ? {} : { producer }),
        ...(subject === null ? {} : { subject }),
        ...(kid === null ? {} : { kid }),
        commitments: { outcome: randomBytes(32).toString('base64') },
      };
      const leaf = toLeafBytes(envelope);
      for (const node of this.range.append(hashLeaf(leaf))) {
        nodes.push(node);
        this.nodes.set(`${node.level}/${node.index}`, node.hash);
      }
      const entry: EntryWithContent = {
        index,
        id,
        type: envelope.type,
        ts,
        subject,
        producerId: producer?.id ?? null,
        producerSeq: producer?.seq ?? null,
        kid,
        ref: type === ENTRY_TYPES.event ? (this.entries[index - 1]?.id ?? null) : null,
        leaf,
        content: index % 4 === 3 ? null : randomBytes(48),
      };
      entries.push(entry);
      this.entries.push(entry);
      if (type === ENTRY_TYPES.decision) {
        const row: SearchRow = {
          index,
          agentId: `agent-${index % 3}`,
          agentVersion: index % 2 === 0 ? '1.0.0' : '2.0.0',
          subject,
          action: index % 3 === 0 ? 'approve' : 'deny',
          ts,
          runId: `run-${Math.floor(index / 10)}`,
          text: `Goal ${index}: assess application word${index % 5}. Reasoning: Größe ok`,
        };
        search.push(row);
        this.search.push(row);
      }
    }
    const root = this.range.root();
    this.checkpoints.push({ size: this.range.size, root });
    return {
      previousSize,
      entries,
      nodes,
      subjectKeys,
      search,
      checkpoint: {
        size: this.range.size,
        root,
        note: `test.docket.local/log\n${this.range.size}\n${root.toString('base64')}\n`,
        createdAt: this.#tick(),
      },
      tree: { size: this.range.size, edge: this.range.edge },
    };
  }

  /** A subject key row (remembered, so `keyRow(s, k)` twice gives the same row). */
  keyRow(subject: string, kid: string): SubjectKeyRow {
    let row = this.#keys.get(kid);
    if (row === undefined) {
      row = { subject, kid, wrapped: randomBytes(60), createdAt: this.#tick(), erasedAt: null };
      this.#keys.set(kid, row);
    }
    return row;
  }

  #tick(): string {
    this.#clock += 1000;
    return new Date(this.#clock).toISOString();
  }
}

/** The port's rows with bytes as hex, so rows from any adapter compare with deepEqual. */
const entryView = (e: EntryRow & { content?: Uint8Array | null }, withContent: boolean) => ({
  index: e.index,
  id: e.id,
  type: e.type,
  ts: e.ts,
  subject: e.subject,
  producerId: e.producerId,
  producerSeq: e.producerSeq,
  kid: e.kid,
  ref: e.ref,
  leaf: hex(e.leaf),
  ...(withContent
    ? { content: e.content === undefined || e.content === null ? null : hex(e.content) }
    : {}),
});
const checkpointView = (c: Omit<CheckpointRow, 'seq'>) => ({
  size: c.size,
  root: hex(c.root),
  note: c.note,
  createdAt: c.createdAt,
});
const keyView = (k: SubjectKeyRow) => ({
  subject: k.subject,
  kid: k.kid,
  wrapped: k.wrapped === null ? null : hex(k.wrapped),
  createdAt: k.createdAt,
  erasedAt: k.erasedAt,
});
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

async function collect<T>(batches: AsyncIterable<T[]>): Promise<T[][]> {
  const out: T[][] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

/** `code` of a rejection: adapters may throw synchronously, so the call is wrapped. */
const rejectsWith = (fn: () => Promise<unknown>, code: string): Promise<void> =>
  assert.rejects(
    async () => fn(),
    (e: { code?: string }) => {
      assert.equal(e.code, code);
      return true;
    },
  );

/**
 * Registers the store conformance suite for one adapter: every `LedgerStore` method, against a
 * fresh store per test from `open`.
 *
 * @example
 * describeStoreConformance('sqlite', async () => { ... return { store, openAgain, cleanup }; });
 */
export function describeStoreConformance(name: string, open: () => Promise<OpenedStore>): void {
  /** Runs `body` on a fresh store and always cleans up, also when the test fails. */
  const withStore =
    (body: (opened: OpenedStore, builder: BatchBuilder) => Promise<void>) =>
    async (): Promise<void> => {
      const opened = await open();
      try {
        await body(opened, new BatchBuilder());
      } finally {
        await opened.cleanup();
      }
    };

  describe(`${name} store conformance`, () => {
    test(
      'kind names the adapter; meta values are absent, set, then overwritten',
      withStore(async ({ store }) => {
        assert.equal(store.kind, name);
        assert.equal(await store.getMeta('origin'), undefined);
        await store.setMeta('origin', 'test.docket.local/log');
        await store.setMeta('vkey', 'v1');
        assert.equal(await store.getMeta('origin'), 'test.docket.local/log');
        await store.setMeta('origin', 'changed');
        assert.equal(await store.getMeta('origin'), 'changed');
        assert.equal(await store.getMeta('vkey'), 'v1');
        await store.setMeta('empty', '');
        assert.equal(await store.getMeta('empty'), '');
      }),
    );

    test(
      'an empty store has an empty tree and no entries, checkpoints, nodes or keys',
      withStore(async ({ store }) => {
        assert.deepEqual(await store.treeState(), { size: 0, edge: [] });
        assert.equal(await store.countEntries(), 0);
        assert.equal(await store.latestCheckpoint(), undefined);
        assert.deepEqual(await collect(store.scanEntries()), []);
        assert.deepEqual(await collect(store.scanCheckpoints()), []);
        assert.equal((await store.findIndexes(['nope'])).size, 0);
        assert.equal((await store.findIndexes([])).size, 0);
        assert.equal(await store.getEntry(0), undefined);
        assert.equal(await store.getEntryById('nope'), undefined);
        assert.deepEqual(await store.getNodes([]), []);
        await rejectsWith(() => store.getNodes([{ level: 0, index: 0 }]), 'STORE_NODE_MISSING');
        assert.deepEqual(await store.entriesBySubject('subj-a'), []);
        assert.equal(await store.getActiveSubjectKey('subj-a'), undefined);
        assert.equal((await store.getSubjectKeys(['kid-subj-a'])).size, 0);
        assert.equal(await store.eraseSubjectKeys('subj-a', '2026-01-01T00:00:00.000Z'), 0);
      }),
    );

    test(
      'an appended batch reads back: tree state, entries with and without content, ids, count',
      withStore(async ({ store }, b) => {
        const batch = b.next(6);
        await store.appendBatch(batch);
        const tree = await store.treeState();
        assert.equal(tree.size, 6);
        assert.deepEqual(tree.edge.map(hex), b.range.edge.map(hex));
        assert.equal(await store.countEntries(), 6);
        for (const e of b.entries) {
          const byIndex = await store.getEntry(e.index);
          const byId = await store.getEntryById(e.id);
          assert.ok(byIndex !== undefined && byId !== undefined);
          assert.deepEqual(entryView(byIndex, true), entryView(e, true));
          assert.deepEqual(entryView(byId, true), entryView(e, true));
          assert.equal(typeof byIndex.index, 'number');
        }
        assert.ok(b.entries.some((e) => e.content === null));
        assert.equal((await store.getEntry(3))?.content, null);
        assert.equal(await store.getEntry(6), undefined);
        assert.equal(await store.getEntry(-1), undefined);
        const ids = [b.entries[4]!.id, 'absent', b.entries[0]!.id, b.entries[4]!.id];
        const found = await store.findIndexes(ids);
        assert.deepEqual(
          [...found.entries()].sort((x, y) => x[1] - y[1]),
          [
            [b.entries[0]!.id, 0],
            [b.entries[4]!.id, 4],
          ],
        );
      }),
    );

    test(
      'getNodes returns real hashes in the order asked, duplicates included; a missing one throws STORE_NODE_MISSING',
      withStore(async ({ store }, b) => {
        await store.appendBatch(b.next(5));
        await store.appendBatch(b.next(6));
        const all = [...b.nodes.keys()].map((k): NodeId => {
          const [level, index] = k.split('/').map(Number);
          return { level: level!, index: index! };
        });
        assert.ok(all.some((n) => n.level >= 3));
        const asked = [...all].reverse();
        asked.splice(2, 0, asked[0]!);
        const hashes = await store.getNodes(asked);
        assert.deepEqual(
          hashes.map(hex),
          asked.map((n) => hex(b.nodes.get(`${n.level}/${n.index}`)!)),
        );
        await rejectsWith(
          () => store.getNodes([all[0]!, { level: 0, index: 11 }, all[1]!]),
          'STORE_NODE_MISSING',
        );
        await rejectsWith(() => store.getNodes([{ level: 1, index: 5 }]), 'STORE_NODE_MISSING');
      }),
    );

    test(
      'roots and proofs served from the stored nodes match CompactRange and verify',
      withStore(async ({ store }, b) => {
        for (const n of [1, 4, 3, 9, 1]) await store.appendBatch(b.next(n));
        const sizes = b.checkpoints.map((c) => c.size);
        assert.deepEqual(sizes, [1, 5, 8, 17, 18]);
        for (const { size, root } of b.checkpoints) {
          assert.equal(hex(await storeRootAt(store, size)), hex(root));
        }
        const latest = b.checkpoints[b.checkpoints.length - 1]!;
        for (const e of b.entries) {
          const proof = await proveInclusion(store, e.index, latest.size);
          verifyInclusion(e.index, latest.size, hashLeaf(e.leaf), proof, latest.root);
        }
        for (let i = 1; i < b.checkpoints.length; i++) {
          const old = b.checkpoints[i - 1]!;
          const proof = await proveConsistency(store, old.size, latest.size);
          verifyConsistency(old.size, latest.size, proof, old.root, latest.root);
        }
      }),
    );

    test(
      'checkpoints: the latest, and a scan in signing order in batches',
      withStore(async ({ store }, b) => {
        const written: Omit<CheckpointRow, 'seq'>[] = [];
        for (let i = 0; i < 5; i++) {
          const batch = b.next(i % 2 === 0 ? 2 : 0);
          written.push(batch.checkpoint);
          await store.appendBatch(batch);
        }
        const latest = await store.latestCheckpoint();
        assert.ok(latest !== undefined);
        assert.deepEqual(checkpointView(latest), checkpointView(written[4]!));
        const batches = await collect(store.scanCheckpoints(2));
        assert.deepEqual(
          batches.map((x) => x.length),
          [2, 2, 1],
        );
        const rows = batches.flat();
        assert.deepEqual(rows.map(checkpointView), written.map(checkpointView));
        for (let i = 1; i < rows.length; i++) assert.ok(rows[i]!.seq > rows[i - 1]!.seq);
        assert.equal(typeof rows[0]!.seq, 'number');
        assert.equal(rows[rows.length - 1]!.seq, latest.seq);
        assert.deepEqual((await collect(store.scanCheckpoints())).flat().length, 5);
      }),
    );

    test(
      'entries scan in index order, in batches, from an index, with or without content',
      withStore(async ({ store }, b) => {
        for (const n of [4, 3, 3]) await store.appendBatch(b.next(n));
        const plain = await collect(store.scanEntries({ batchSize: 3 }));
        assert.deepEqual(
          plain.map((x) => x.length),
          [3, 3, 3, 1],
        );
        assert.deepEqual(
          plain.flat().map((e) => entryView(e, false)),
          b.entries.map((e) => entryView(e, false)),
        );
        // Without content, none is read.
        assert.ok(plain.flat().every((e) => e.content === null));
        const full = await collect(store.scanEntries({ batchSize: 4, withContent: true }));
        assert.deepEqual(
          full.map((x) => x.length),
          [4, 4, 2],
        );
        assert.deepEqual(
          full.flat().map((e) => entryView(e, true)),
          b.entries.map((e) => entryView(e, true)),
        );
        const tail = await collect(store.scanEntries({ from: 7, batchSize: 2, withContent: true }));
        assert.deepEqual(
          tail.flat().map((e) => e.index),
          [7, 8, 9],
        );
        assert.deepEqual(await collect(store.scanEntries({ from: 10 })), []);
        assert.deepEqual(
          (await collect(store.scanEntries())).flat().map((e) => e.index),
          [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
        );
      }),
    );

    test(
      'entriesBySubject gives one subject’s entries in index order',
      withStore(async ({ store }, b) => {
        await store.appendBatch(b.next(5));
        await store.appendBatch(b.next(5));
        for (const subject of ['subj-a', 'subj-b']) {
          const rows = await store.entriesBySubject(subject);
          const expected = b.entries.filter((e) => e.subject === subject);
          assert.ok(expected.length >= 2);
          assert.deepEqual(
            rows.map((e) => entryView(e, false)),
            expected.map((e) => entryView(e, false)),
          );
        }
        assert.deepEqual(await store.entriesBySubject('nobody'), []);
      }),
    );

    test(
      'a batch at the wrong previousSize throws STORE_CONFLICT and writes nothing',
      withStore(async ({ store }, b) => {
        await store.appendBatch(b.next(3));
        const good = b.next(4);
        const before = await snapshotOf(store);
        for (const previousSize of [0, 2, 4, 7]) {
          await rejectsWith(() => store.appendBatch({ ...good, previousSize }), 'STORE_CONFLICT');
          assert.deepEqual(await snapshotOf(store), before);
          assert.equal((await store.findIndexes(good.entries.map((e) => e.id))).size, 0);
          await rejectsWith(() => store.getNodes([good.nodes[0]!]), 'STORE_NODE_MISSING');
        }
        // The right size still goes through afterwards.
        await store.appendBatch(good);
        assert.equal((await store.treeState()).size, 7);
      }),
    );

    test(
      'two writers at the same size: exactly one commits, the other gets STORE_CONFLICT',
      withStore(async ({ store, openAgain }, b) => {
        await store.appendBatch(b.next(2));
        const other = await openAgain();
        const fork = new BatchBuilder(b);
        const mine = b.next(3, 'mine');
        const theirs = fork.next(3, 'theirs');
        const results = await Promise.allSettled(
          [
            [store, mine],
            [other, theirs],
          ].map(async ([s, batch]) => (s as LedgerStore).appendBatch(batch as SequencedBatch)),
        );
        assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
        const rejected = results.find((r) => r.status === 'rejected');
        assert.equal((rejected?.reason as { code?: string }).code, 'STORE_CONFLICT');
        const winner = results[0]!.status === 'fulfilled' ? mine : theirs;
        assert.equal(await store.countEntries(), 5);
        const rows = (await collect(store.scanEntries())).flat();
        assert.deepEqual(
          rows.slice(2).map((e) => e.id),
          winner.entries.map((e) => e.id),
        );
        assert.equal((await collect(store.scanCheckpoints())).flat().length, 2);
      }),
    );

    test(
      'a batch that fails half-way (an id already in the log) throws STORE_IO and writes nothing',
      withStore(async ({ store }, b) => {
        await store.appendBatch(b.next(2));
        const before = await snapshotOf(store);
        const batch = b.next(3);
        const clash = { ...batch.entries[1]!, id: b.entries[0]!.id };
        await rejectsWith(
          () =>
            store.appendBatch({
              ...batch,
              entries: [batch.entries[0]!, clash, batch.entries[2]!],
            }),
          'STORE_IO',
        );
        assert.deepEqual(await snapshotOf(store), before);
        assert.equal(await store.getEntry(2), undefined);
        await rejectsWith(() => store.getNodes([batch.nodes[0]!]), 'STORE_NODE_MISSING');
        await store.appendBatch(batch);
        assert.equal(await store.countEntries(), 5);
      }),
    );

    test(
      'subject keys: written with their first entry, the latest active one, by kid, erased to null',
      withStore(async ({ store }, b) => {
        const first = b.next(3);
        assert.deepEqual(
          first.subjectKeys.map((k) => k.kid),
          ['kid-subj-a', 'kid-subj-b'],
        );
        await store.appendBatch(first);
        // A second, newer key for subj-a (after a rotation), written with the next batch.
        const newer = b.keyRow('subj-a', 'kid-subj-a-2');
        await store.appendBatch({ ...b.next(1), subjectKeys: [newer] });

        assert.deepEqual(keyView((await store.getActiveSubjectKey('subj-a'))!), keyView(newer));
        assert.deepEqual(
          keyView((await store.getActiveSubjectKey('subj-b'))!),
          keyView(b.keyRow('subj-b', 'kid-subj-b')),
        );
        assert.equal(await store.getActiveSubjectKey('nobody'), undefined);
        const kids = ['kid-subj-a', 'kid-subj-a-2', 'kid-absent', 'kid-subj-b'];
        const keys = await store.getSubjectKeys(kids);
        assert.deepEqual([...keys.keys()].sort(), ['kid-subj-a', 'kid-subj-a-2', 'kid-subj-b']);
        assert.deepEqual(
          keyView(keys.get('kid-subj-a')!),
          keyView(b.keyRow('subj-a', 'kid-subj-a')),
        );

        const when = '2026-06-01T00:00:00.000Z';
        assert.equal(await store.eraseSubjectKeys('subj-a', when), 2);
        assert.equal(await store.getActiveSubjectKey('subj-a'), undefined);
        const erased = await store.getSubjectKeys(['kid-subj-a', 'kid-subj-a-2', 'kid-subj-b']);
        for (const kid of ['kid-subj-a', 'kid-subj-a-2']) {
          const row = erased.get(kid);
          assert.ok(row !== undefined);
          assert.equal(row.wrapped, null);
          assert.equal(row.erasedAt, when);
          assert.equal(row.subject, 'subj-a');
        }
        assert.notEqual(erased.get('kid-subj-b')?.wrapped, null);
        assert.equal(erased.get('kid-subj-b')?.erasedAt, null);
        // Erasing again destroys nothing and keeps the first erasure time.
        assert.equal(await store.eraseSubjectKeys('subj-a', '2027-01-01T00:00:00.000Z'), 0);
        assert.equal(
          (await store.getSubjectKeys(['kid-subj-a'])).get('kid-subj-a')?.erasedAt,
          when,
        );
        // Entries and their (now unreadable) content are untouched.
        assert.equal(await store.countEntries(), 4);
        assert.notEqual((await store.getEntry(0))?.content, null);
      }),
    );

    test(
      "erasure: no search by the subject or by its words, and no byte of its words in the store's files",
      withStore(async ({ store, filesOnDisk }, b) => {
        // A word found nowhere else, in the search text of subj-a's decisions only.
        const word = `erasure${randomBytes(6).toString('hex').replace(/\d/g, 'q')}x`;
        const batch = b.next(12);
        const search = (batch.search ?? []).map((row) =>
          row.subject === 'subj-a' ? { ...row, text: `Goal: ${word} the application` } : row,
        );
        await store.appendBatch({ ...batch, search });
        const mine = search.filter((r) => r.subject === 'subj-a').map((r) => r.index);
        assert.ok(mine.length > 0);
        const found = async (query: Omit<SearchQuery, 'limit'>): Promise<number[]> =>
          (await store.searchEntries({ ...query, limit: 100 }))
            .map((e) => e.index)
            .sort((x, y) => x - y);
        assert.deepEqual(await found({ subject: 'subj-a' }), mine);
        assert.deepEqual(await found({ words: [word] }), mine);
        // The scan can find the word (it is on disk before the erasure).
        assert.deepEqual(filesHolding(await filesOnDisk(), word).length > 0, true);

        assert.equal(await store.eraseSubjectKeys('subj-a', '2026-06-01T00:00:00.000Z'), 1);
        assert.deepEqual(await found({ subject: 'subj-a' }), []);
        assert.deepEqual(await found({ words: [word] }), []);
        assert.deepEqual(filesHolding(await filesOnDisk(), word), []);
        // Everyone else's search rows stay.
        assert.ok((await found({ subject: 'subj-b' })).length > 0);
        assert.equal(await store.countEntries(), 12);
      }),
    );

    test(
      'readSnapshot: a batch another instance commits meanwhile stays invisible until it ends',
      withStore(async ({ store, openAgain }, b) => {
        await store.appendBatch(b.next(3));
        const writer = await openAgain();
        const late = b.next(4);
        const result = await store.readSnapshot(async () => {
          const before = await store.countEntries();
          await writer.appendBatch(late);
          // Everything read here, generators included, sees the state of the first read.
          assert.equal(await store.countEntries(), before);
          assert.equal((await store.treeState()).size, 3);
          assert.equal((await store.latestCheckpoint())?.size, 3);
          assert.equal((await collect(store.scanEntries({ batchSize: 2 }))).flat().length, 3);
          assert.equal((await collect(store.scanCheckpoints(1))).flat().length, 1);
          assert.equal(await store.getEntryById(late.entries[0]!.id), undefined);
          assert.equal((await store.findIndexes([late.entries[0]!.id])).size, 0);
          await rejectsWith(() => store.getNodes([late.nodes[0]!]), 'STORE_NODE_MISSING');
          // The writer itself sees its commit.
          assert.equal(await writer.countEntries(), 7);
          return before;
        });
        assert.equal(result, 3);
        assert.equal(await store.countEntries(), 7);
        assert.equal((await store.treeState()).size, 7);
        assert.equal((await store.latestCheckpoint())?.size, 7);
        assert.equal((await store.getEntryById(late.entries[0]!.id))?.index, 3);
        assert.equal(hex(await storeRootAt(store, 7)), hex(b.range.root()));
      }),
    );

    test(
      'readSnapshot passes its callback’s error on, and the store works afterwards',
      withStore(async ({ store }, b) => {
        await store.appendBatch(b.next(2));
        await assert.rejects(
          store.readSnapshot(async () => {
            await store.countEntries();
            throw new Error('boom');
          }),
          /boom/,
        );
        await store.appendBatch(b.next(1));
        assert.equal(await store.readSnapshot(() => store.countEntries()), 3);
      }),
    );

    test(
      'sizeOnDisk is positive; a store of another schema version refuses to open',
      withStore(async ({ store, openAgain }, b) => {
        await store.appendBatch(b.next(8));
        assert.ok((await store.sizeOnDisk()) > 0);
        await store.setMeta('schema_version', '999');
        await rejectsWith(openAgain, 'STORE_SCHEMA_UNSUPPORTED');
      }),
    );

    test(
      'entriesByRef returns the entries linked to an id, in order, with content',
      withStore(async ({ store }, b) => {
        await store.appendBatch(b.next(14));
        const events = b.entries.filter((e) => e.ref !== null);
        assert.equal(events.length, 2);
        for (const event of events) {
          const found = await store.entriesByRef(event.ref!);
          assert.deepEqual(
            found.map((e) => entryView(e, true)),
            [entryView(event, true)],
          );
        }
        assert.deepEqual(await store.entriesByRef('nope'), []);
      }),
    );

    test(
      'entriesByType returns the entries of one leaf type, in index order, with content',
      withStore(async ({ store }, b) => {
        await store.appendBatch(b.next(15));
        const events = b.entries.filter((e) => e.type === ENTRY_TYPES.event);
        assert.equal(events.length, 2);
        assert.deepEqual(
          (await store.entriesByType(ENTRY_TYPES.event)).map((e) => entryView(e, true)),
          events.map((e) => entryView(e, true)),
        );
        assert.deepEqual(await store.entriesByType('docket.none/v1'), []);
      }),
    );

    test(
      'a batch that purges removes the content and search rows of those entries with it, or nothing',
      withStore(async ({ store }, b) => {
        await store.appendBatch(b.next(10));
        // Decisions with content, and their search rows (one with full text).
        const purge = b.entries
          .filter((e) => e.type === ENTRY_TYPES.decision && e.content !== null)
          .slice(0, 3)
          .map((e) => e.index);
        assert.equal(purge.length, 3);
        const next = b.next(2);
        // A batch refused (STORE_CONFLICT) purges nothing.
        await rejectsWith(
          () => store.appendBatch({ ...next, previousSize: 3, purge }),
          'STORE_CONFLICT',
        );
        for (const i of purge) assert.notEqual((await store.getEntry(i))?.content, null);
        await store.appendBatch({ ...next, purge });
        for (const i of purge) {
          const e = await store.getEntry(i);
          assert.ok(e !== undefined, 'the entry stays');
          assert.equal(e.content, null, `content of ${i}`);
          assert.ok(e.leaf.length > 0, 'the leaf stays');
        }
        const found = (await store.searchEntries({ limit: 100 })).map((e) => e.index);
        for (const i of purge) assert.ok(!found.includes(i), `search row of ${i}`);
        const kept = b.search.filter((r) => !purge.includes(r.index)).map((r) => r.index);
        assert.deepEqual(
          found.sort((x, y) => x - y),
          kept.sort((x, y) => x - y),
        );
        // What the audit expects of a purged decision: no search row, no full-text row.
        const expected = b.search.map((r) =>
          purge.includes(r.index)
            ? { index: r.index, subject: r.subject, ts: r.ts, content: 'purged' as const }
            : { index: r.index, subject: r.subject, ts: r.ts, content: 'unread' as const },
        );
        assert.deepEqual(await store.checkSearchRows(expected, 0, 12), []);
      }),
    );

    test(
      'searchEntries applies every filter, newest first, with a cursor and a limit',
      withStore(async ({ store }, b) => {
        await store.appendBatch(b.next(40));
        await store.appendBatch(b.next(25));
        const expect = (q: SearchQuery): number[] =>
          b.search
            .filter(
              (r) =>
                (q.agentId === undefined || r.agentId === q.agentId) &&
                (q.agentVersion === undefined || r.agentVersion === q.agentVersion) &&
                (q.subject === undefined || r.subject === q.subject) &&
                (q.action === undefined || r.action === q.action) &&
                (q.since === undefined || r.ts >= q.since) &&
                (q.until === undefined || r.ts < q.until) &&
                (q.runId === undefined || r.runId === q.runId) &&
                (q.words === undefined ||
                  q.words.every((w) =>
                    r.text
                      .toLowerCase()
                      .split(/[^\p{L}\p{N}]+/u)
                      .includes(w.toLowerCase()),
                  )) &&
                (q.before === undefined || r.index < q.before),
            )
            .map((r) => r.index)
            .sort((x, y) => y - x)
            .slice(0, q.limit);
        const queries: SearchQuery[] = [
          { limit: 10 },
          { limit: 100 },
          { agentId: 'agent-1', limit: 100 },
          { agentId: 'agent-2', agentVersion: '2.0.0', limit: 100 },
          { subject: 'subj-a', limit: 100 },
          { action: 'approve', before: 30, limit: 5 },
          { since: b.search[10]!.ts, until: b.search[20]!.ts, limit: 100 },
          { runId: 'run-3', limit: 100 },
          { words: ['word3'], limit: 100 },
          { words: ['WORD3', 'assess'], agentId: 'agent-0', limit: 100 },
          { words: ['größe'], limit: 3 },
          { words: ['"quoted" OR'], limit: 100 },
          { agentId: 'nobody', limit: 100 },
        ];
        for (const q of queries) {
          const found = await store.searchEntries(q);
          assert.deepEqual(
            found.map((e) => e.index),
            expect(q),
            JSON.stringify(q),
          );
        }
        const [first] = await store.searchEntries({ limit: 1 });
        const original = b.entries[first!.index]!;
        assert.deepEqual(entryView(first!, true), entryView(original, true));
      }),
    );

    test(
      'erasing a subject forgets its search words and its search subject, keeps its other columns',
      withStore(async ({ store }, b) => {
        await store.appendBatch(b.next(20));
        const before = await store.searchEntries({ words: ['assess'], limit: 100 });
        assert.ok(before.some((e) => e.subject === 'subj-a'));
        await store.eraseSubjectKeys('subj-a', '2026-02-01T00:00:00.000Z');
        const after = await store.searchEntries({ words: ['assess'], limit: 100 });
        assert.ok(after.length > 0);
        assert.ok(after.every((e) => e.subject !== 'subj-a'));
        assert.equal((await store.searchEntries({ subject: 'subj-a', limit: 100 })).length, 0);
        // Its decisions are still found by their other columns (agent, action, run…).
        const mine = b.search.filter((r) => r.subject === 'subj-a');
        const byAgent = await store.searchEntries({ agentId: mine[0]!.agentId ?? '', limit: 100 });
        assert.ok(byAgent.some((e) => e.subject === 'subj-a'));
      }),
    );

    test(
      'countNodes counts every stored tree node',
      withStore(async ({ store }, b) => {
        assert.equal(await store.countNodes(), 0);
        await store.appendBatch(b.next(13));
        await store.appendBatch(b.next(8));
        assert.equal(await store.countNodes(), b.nodes.size);
      }),
    );

    test(
      'checkSearchRows reports rows missing, extra and changed in its range, text included',
      withStore(async ({ store }, b) => {
        await store.appendBatch(b.next(30));
        const read = (r: SearchRow): ExpectedSearchRow => ({
          index: r.index,
          subject: r.subject,
          ts: r.ts,
          content: {
            agentId: r.agentId,
            agentVersion: r.agentVersion,
            action: r.action,
            runId: r.runId,
            text: r.text,
          },
        });
        const all = b.search.map(read);
        const [lo, hi] = [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
        assert.deepEqual(await store.checkSearchRows(all, lo, hi), []);
        // Each half of the range on its own: rows outside the range are not looked at.
        const mid = all[5]!.index;
        assert.deepEqual(
          await store.checkSearchRows(
            all.filter((r) => r.index < mid),
            lo,
            mid,
          ),
          [],
        );
        const [a, c, d] = [all[1]!, all[2]!, all[3]!];
        const changed = all
          .filter((r) => r !== d)
          .map((r) =>
            r === a && typeof r.content === 'object'
              ? { ...r, content: { ...r.content, action: 'other' } }
              : r === c && typeof r.content === 'object'
                ? { ...r, ts: '2020-01-01T00:00:00.000Z', content: { ...r.content, text: 'x' } }
                : r,
          );
        const tombstone = b.entries.find((e) => e.type === ENTRY_TYPES.tombstone)!;
        changed.push({
          index: tombstone.index,
          subject: null,
          ts: tombstone.ts,
          content: 'unread',
        });
        changed.sort((x, y) => x.index - y.index);
        assert.deepEqual(
          (await store.checkSearchRows(changed, lo, hi)).map((p) => ({ ...p })),
          [
            { index: a.index, problem: 'changed', columns: ['action'] },
            { index: c.index, problem: 'changed', columns: ['ts', 'text'] },
            { index: d.index, problem: 'extra', columns: [] },
            { index: tombstone.index, problem: 'missing', columns: [] },
          ].sort((x, y) => x.index - y.index),
        );
        // `unread`: only subject and ts are compared; `erased`: the text must be gone.
        const unread = all.map((r) => ({ ...r, content: 'unread' as const }));
        assert.deepEqual(await store.checkSearchRows(unread, lo, hi), []);
        await store.eraseSubjectKeys('subj-a', '2026-02-01T00:00:00.000Z');
        // Erasure forgets the subject's words and the rows' subject (no lookup by the person).
        const afterErasure = all.map((r) =>
          r.subject === 'subj-a' ? { ...r, subject: null, content: 'erased' as const } : r,
        );
        assert.deepEqual(await store.checkSearchRows(afterErasure, lo, hi), []);
        const stillRead = all.find((r) => r.subject === 'subj-a')!;
        const notErased = all.find((r) => r.subject === 'subj-b')!;
        assert.deepEqual(
          (
            await store.checkSearchRows(
              afterErasure.map((r) =>
                r.index === notErased.index
                  ? { ...r, content: 'erased' as const }
                  : r.index === stillRead.index
                    ? stillRead
                    : r,
              ),
              lo,
              hi,
            )
          ).map((p) => ({ ...p })),
          [
            { index: stillRead.index, problem: 'changed', columns: ['subject', 'text'] },
            { index: notErased.index, problem: 'changed', columns: ['text'] },
          ].sort((x, y) => x.index - y.index),
        );
      }),
    );

    test(
      'close is idempotent; a closed store fails with STORE_IO',
      withStore(async ({ store }, b) => {
        await store.appendBatch(b.next(1));
        await store.close();
        await store.close();
        await rejectsWith(() => store.countEntries(), 'STORE_IO');
      }),
    );

    facetConformanceTests(withStore);
  });
}

/** What a failed write must leave unchanged. */
async function snapshotOf(store: LedgerStore): Promise<unknown> {
  const tree = await store.treeState();
  const latest = await store.latestCheckpoint();
  return {
    size: tree.size,
    edge: tree.edge.map(hex),
    count: await store.countEntries(),
    latest: latest === undefined ? undefined : { seq: latest.seq, ...checkpointView(latest) },
    checkpoints: (await collect(store.scanCheckpoints())).flat().length,
    entries: (await collect(store.scanEntries({ withContent: true })))
      .flat()
      .map((e) => entryView(e, true)),
    keys: [...(await store.getSubjectKeys(['kid-subj-a', 'kid-subj-b'])).values()].map(keyView),
  };
}

/** The files under `roots` (files or folders) whose bytes contain `text` (UTF-8). */
function filesHolding(roots: readonly string[], text: string): string[] {
  const needle = Buffer.from(text, 'utf8');
  const out: string[] = [];
  const visit = (path: string): void => {
    if (!existsSync(path)) return;
    if (statSync(path).isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
    } else if (readFileSync(path).includes(needle)) {
      out.push(path);
    }
  };
  for (const root of roots) visit(root);
  return out;
}
