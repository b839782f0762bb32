import { closeSync, openSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { StoreError } from '../errors.js';
import { callSqlite, runSqlite } from './sqlite-call.js';
import { toCheckpoint, toEntry, toKey } from '../rows.js';
import { diffSearchRows, fts5Words, searchSql, searchWhere } from '../search.js';
import { searchFrom, statsStatements, toDecisionStats, toUpdate } from '../facets.js';
import type { DecisionStats, OutcomeUpdateRow, RawCountRow, RawUpdate } from '../facets.js';
import type { RawSearchRow, SearchDialect } from '../search.js';
import { featureQuerySql, toFeatureRow } from '../drift-features.js';
import type {
  FeatureQuery,
  FeatureRow,
  FeatureVersionCount,
  RawFeatureRow,
} from '../drift-features.js';
import type { RawCheckpoint, RawEntry, RawKey } from '../rows.js';
import type {
  CheckpointRow,
  EntryRow,
  EntryWithContent,
  ExpectedSearchRow,
  LedgerStore,
  NodeId,
  SearchQuery,
  SearchRowProblem,
  SequencedBatch,
  SubjectKeyRow,
  TreeState,
  StatsQuery,
} from '../ledger-store.js';

const SCHEMA_VERSION = '2';

// Leaf envelopes and contents live in separate tables so a full audit reads only the leaves.
const DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entries (
  idx INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  type TEXT NOT NULL,
  ts TEXT NOT NULL,
  subject TEXT,
  producer_id TEXT,
  producer_seq INTEGER,
  kid TEXT,
  ref TEXT,
  leaf BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_subject ON entries(subject) WHERE subject IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_ref ON entries(ref) WHERE ref IS NOT NULL;
CREATE INDEX IF NOT EXISTS entries_type ON entries(type, idx);
CREATE TABLE IF NOT EXISTS search (
  idx INTEGER PRIMARY KEY, agent TEXT, agent_version TEXT, subject TEXT, action TEXT,
  ts TEXT NOT NULL, run_id TEXT
);
CREATE INDEX IF NOT EXISTS search_agent ON search(agent, idx);
CREATE INDEX IF NOT EXISTS search_agent_version ON search(agent, agent_version, idx);
CREATE INDEX IF NOT EXISTS search_subject ON search(subject, idx) WHERE subject IS NOT NULL;
CREATE INDEX IF NOT EXISTS search_action ON search(action, idx);
CREATE INDEX IF NOT EXISTS search_run ON search(run_id, idx) WHERE run_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS search_ts ON search(ts);
-- Goal and reasoning, by word; rowid = idx. Rows of an erased subject are deleted.
CREATE VIRTUAL TABLE IF NOT EXISTS search_text USING fts5(text, tokenize = 'unicode61');
INSERT INTO search_text(search_text, rank) VALUES ('secure-delete', 1);
CREATE TABLE IF NOT EXISTS contents (idx INTEGER PRIMARY KEY, body BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS nodes (
  level INTEGER NOT NULL, idx INTEGER NOT NULL, hash BLOB NOT NULL, PRIMARY KEY (level, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (
  seq INTEGER PRIMARY KEY, size INTEGER NOT NULL, root BLOB NOT NULL, note TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS subject_keys (
  kid TEXT PRIMARY KEY, subject TEXT NOT NULL, wrapped BLOB, created_at TEXT NOT NULL,
  erased_at TEXT
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS subject_keys_subject ON subject_keys(subject);
-- Facets and outcome updates (facets.ts): no personal data.
CREATE TABLE IF NOT EXISTS decision_facets (
  idx INTEGER PRIMARY KEY, model TEXT, prompt_version TEXT, policy_version TEXT, confidence REAL,
  trace_id TEXT, session_id TEXT, parent_id TEXT
);
CREATE INDEX IF NOT EXISTS decision_facets_trace ON decision_facets(trace_id) WHERE trace_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS decision_facets_session ON decision_facets(session_id) WHERE session_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS decision_facets_parent ON decision_facets(parent_id) WHERE parent_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS decision_updates (
  idx INTEGER PRIMARY KEY, decision TEXT NOT NULL, kind TEXT NOT NULL, action TEXT, actor TEXT,
  ts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS decision_updates_decision ON decision_updates(decision, kind);
`;

// Drift features (issue 16): one row per decision, written by the ledger's catch-up pass.
const FEATURES_DDL = `
CREATE TABLE IF NOT EXISTS features (
  idx INTEGER PRIMARY KEY, agent TEXT NOT NULL, agent_version TEXT NOT NULL, ts TEXT NOT NULL,
  subject TEXT, kid TEXT, body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS features_agent ON features(agent, agent_version, idx);
CREATE INDEX IF NOT EXISTS features_agent_ts ON features(agent, ts);
CREATE INDEX IF NOT EXISTS features_subject ON features(subject) WHERE subject IS NOT NULL;
`;

const SQLITE_SEARCH: SearchDialect = {
  param: () => '?',
  table: (name) => name,
  bucket: (interval, column) =>
    interval === 'day'
      ? `substr(${column}, 1, 10)`
      : interval === 'month'
        ? `substr(${column}, 1, 7) || '-01'`
        : // The Monday on or before the day: the next Sunday (or the day itself), less six days.
          `date(substr(${column}, 1, 10), 'weekday 0', '-6 days')`,
  wordsTest: (p) => `s.idx IN (SELECT rowid FROM search_text WHERE search_text MATCH ${p})`,
  wordsValue: fts5Words,
};

/** Long scans give way between batches, so a server stays responsive during an audit. */
const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    setImmediate(resolve);
  });

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** Open read-only (audits, `docket log`): never creates or changes the file. */
  readonly readonly?: boolean;
}

/**
 * Opens (creating if needed) a SQLite ledger store: WAL journal, `synchronous=FULL` so a commit is
 * on disk when it returns, and `secure_delete` so an erased key's bytes are overwritten.
 *
 * @example
 * const store = openSqliteStore('.docket/ledger.db');
 */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): LedgerStore {
  let db: Database.Database;
  try {
    // A new store is created owner-only before SQLite opens it (SQLite gives -wal and -shm the
    // same mode): it holds every leaf and the content of decisions without a subject in clear.
    if (options.readonly !== true) closeSync(openSync(path, 'a', 0o600));
    db = new Database(path, {
      readonly: options.readonly === true,
      fileMustExist: options.readonly === true,
    });
    if (options.readonly !== true) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('secure_delete = ON');
      db.exec(DDL);
      db.exec(FEATURES_DDL);
      const version = db
        .prepare<[], { value: string }>("SELECT value FROM meta WHERE key = 'schema_version'")
        .get();
      if (version === undefined) {
        db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', ?)").run(
          SCHEMA_VERSION,
        );
      } else if (version.value !== SCHEMA_VERSION) {
        throw new StoreError(
          'STORE_SCHEMA_UNSUPPORTED',
          `database schema ${version.value} is not supported (expected ${SCHEMA_VERSION})`,
          { where: path },
        );
      }
    }
    db.pragma('busy_timeout = 5000');
  } catch (cause) {
    if (cause instanceof StoreError) throw cause;
    throw new StoreError(
      'STORE_OPEN_FAILED',
      `cannot open SQLite database: ${(cause as Error).message}`,
      { where: path, cause },
    );
  }
  return new SqliteStore(db, path);
}

/** The statements of the drift `features` table (see {@link FEATURES_DDL}). */
function prepareFeatureStatements(db: Database.Database) {
  return {
    purge: db.prepare('DELETE FROM features WHERE idx = ?'),
    forget: db.prepare('DELETE FROM features WHERE subject = ?'),
    // Not written when the key it was read with is erased by now (a catch-up racing an erasure).
    put: db.prepare(
      `INSERT OR REPLACE INTO features (idx, agent, agent_version, ts, subject, kid, body)
       SELECT ?, ?, ?, ?, ?, ?, ?
       WHERE ? IS NULL OR EXISTS (SELECT 1 FROM subject_keys WHERE kid = ? AND wrapped IS NOT NULL)`,
    ),
    versions: db.prepare<
      [string],
      { agent_version: string; n: number; first: string; last: string }
    >(
      `SELECT agent_version, count(*) AS n, min(ts) AS first, max(ts) AS last
       FROM features WHERE agent = ? GROUP BY agent_version ORDER BY agent_version`,
    ),
  };
}

class SqliteStore implements LedgerStore {
  readonly kind = 'sqlite';
  readonly #db: Database.Database;
  readonly #path: string;
  readonly #stmt;
  readonly #entryCols: string;
  /** Prepared search statements by the set of filters they test. */
  readonly #searches = new Map<string, Database.Statement<unknown[], RawEntry>>();
  #featureStmt: ReturnType<typeof prepareFeatureStatements> | undefined;

  constructor(db: Database.Database, path: string) {
    this.#db = db;
    this.#path = path;
    const entryCols =
      'e.idx, e.id, e.type, e.ts, e.subject, e.producer_id, e.producer_seq, e.kid, e.ref, e.leaf';
    this.#entryCols = entryCols;
    this.#stmt = {
      getMeta: db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?'),
      getEntry: db.prepare<[number], RawEntry>(
        `SELECT ${entryCols}, c.body FROM entries e LEFT JOIN contents c ON c.idx = e.idx WHERE e.idx = ?`,
      ),
      getEntryById: db.prepare<[string], RawEntry>(
        `SELECT ${entryCols}, c.body FROM entries e LEFT JOIN contents c ON c.idx = e.idx WHERE e.id = ?`,
      ),
      findIndex: db.prepare<[string], { idx: number }>('SELECT idx FROM entries WHERE id = ?'),
      getNode: db.prepare<[number, number], { hash: Buffer }>(
        'SELECT hash FROM nodes WHERE level = ? AND idx = ?',
      ),
      countNodes: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM nodes'),
      searchRange: db.prepare<[number, number], RawSearchRow>(
        'SELECT idx, agent, agent_version, subject, action, ts, run_id FROM search WHERE idx >= ? AND idx < ?',
      ),
      searchTextRange: db.prepare<[number, number], { idx: number; text: string }>(
        'SELECT rowid AS idx, text FROM search_text WHERE rowid >= ? AND rowid < ?',
      ),
      latestCheckpoint: db.prepare<[], RawCheckpoint>(
        'SELECT * FROM checkpoints ORDER BY seq DESC LIMIT 1',
      ),
      checkpointsFrom: db.prepare<[number, number], RawCheckpoint>(
        'SELECT * FROM checkpoints WHERE seq > ? ORDER BY seq LIMIT ?',
      ),
      entriesFrom: db.prepare<[number, number], RawEntry>(
        `SELECT ${entryCols} FROM entries e WHERE e.idx >= ? ORDER BY e.idx LIMIT ?`,
      ),
      entriesWithContentFrom: db.prepare<[number, number], RawEntry>(
        `SELECT ${entryCols}, c.body FROM entries e LEFT JOIN contents c ON c.idx = e.idx WHERE e.idx >= ? ORDER BY e.idx LIMIT ?`,
      ),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM entries'),
      bySubject: db.prepare<[string], RawEntry>(
        `SELECT ${entryCols} FROM entries e WHERE e.subject = ? ORDER BY e.idx`,
      ),
      byRef: db.prepare<[string], RawEntry>(
        `SELECT ${entryCols}, c.body FROM entries e LEFT JOIN contents c ON c.idx = e.idx WHERE e.ref = ? ORDER BY e.idx`,
      ),
      insertSearch: db.prepare(
        'INSERT INTO search (idx, agent, agent_version, subject, action, ts, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      insertSearchText: db.prepare('INSERT INTO search_text (rowid, text) VALUES (?, ?)'),
      forgetSearchText: db.prepare(
        'DELETE FROM search_text WHERE rowid IN (SELECT idx FROM search WHERE subject = ?)',
      ),
      forgetSearchSubject: db.prepare('UPDATE search SET subject = NULL WHERE subject = ?'),
      activeKey: db.prepare<[string], RawKey>(
        'SELECT * FROM subject_keys WHERE subject = ? AND wrapped IS NOT NULL ORDER BY created_at DESC LIMIT 1',
      ),
      keyByKid: db.prepare<[string], RawKey>('SELECT * FROM subject_keys WHERE kid = ?'),
      eraseKeys: db.prepare<[string, string]>(
        'UPDATE subject_keys SET wrapped = NULL, erased_at = ? WHERE subject = ? AND wrapped IS NOT NULL',
      ),
      insertEntry: db.prepare(
        'INSERT INTO entries (idx, id, type, ts, subject, producer_id, producer_seq, kid, ref, leaf) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertContent: db.prepare('INSERT INTO contents (idx, body) VALUES (?, ?)'),
      byType: db.prepare<[string], RawEntry>(
        `SELECT ${entryCols}, c.body FROM entries e LEFT JOIN contents c ON c.idx = e.idx WHERE e.type = ? ORDER BY e.idx`,
      ),
      purgeContent: db.prepare('DELETE FROM contents WHERE idx = ?'),
      purgeSearch: db.prepare('DELETE FROM search WHERE idx = ?'),
      insertFacets: db.prepare(
        'INSERT INTO decision_facets (idx, model, prompt_version, policy_version, confidence, trace_id, session_id, parent_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      insertUpdate: db.prepare(
        'INSERT INTO decision_updates (idx, decision, kind, action, actor, ts) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      purgeFacets: db.prepare('DELETE FROM decision_facets WHERE idx = ?'),
      purgeUpdate: db.prepare('DELETE FROM decision_updates WHERE idx = ?'),
      updatesOf: db.prepare<[string], RawUpdate>(
        'SELECT * FROM decision_updates WHERE decision = ? ORDER BY idx',
      ),
      purgeSearchText: db.prepare('DELETE FROM search_text WHERE rowid = ?'),
      insertNode: db.prepare('INSERT INTO nodes (level, idx, hash) VALUES (?, ?, ?)'),
      insertKey: db.prepare(
        'INSERT INTO subject_keys (kid, subject, wrapped, created_at, erased_at) VALUES (?, ?, ?, ?, ?)',
      ),
      insertCheckpoint: db.prepare(
        'INSERT INTO checkpoints (size, root, note, created_at) VALUES (?, ?, ?, ?)',
      ),
      setMeta: db.prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      ),
    };
  }

  /**
   * The drift-feature statements, prepared on first use: a read-only store of a file made before
   * the features table existed has no such table, and must still open.
   */
  #features(): ReturnType<typeof prepareFeatureStatements> {
    this.#featureStmt ??= prepareFeatureStatements(this.#db);
    return this.#featureStmt;
  }

  #run<T>(what: string, fn: () => T): T {
    return runSqlite(this.#path, what, fn);
  }

  #call<T>(what: string, fn: () => T): Promise<T> {
    return callSqlite(this.#path, what, fn);
  }

  getMeta(key: string): Promise<string | undefined> {
    return this.#call('read meta', () => this.#stmt.getMeta.get(key)?.value);
  }

  setMeta(key: string, value: string): Promise<void> {
    return this.#call('write meta', () => {
      this.#stmt.setMeta.run(key, value);
    });
  }

  treeState(): Promise<TreeState> {
    return this.#call('read tree state', () => {
      const size = Number(this.#stmt.getMeta.get('tree_size')?.value ?? '0');
      const edgeText = this.#stmt.getMeta.get('tree_edge')?.value ?? '';
      const edge = edgeText === '' ? [] : edgeText.split(',').map((h) => Buffer.from(h, 'base64'));
      return { size, edge };
    });
  }

  appendBatch(batch: SequencedBatch): Promise<void> {
    const s = this.#stmt;
    const write = this.#db.transaction(() => {
      // Compare-and-swap on the tree size, inside the write lock (BEGIN IMMEDIATE).
      const size = Number(s.getMeta.get('tree_size')?.value ?? '0');
      if (size !== batch.previousSize) {
        throw new StoreError(
          'STORE_CONFLICT',
          `another writer extended this log (tree size ${size}, expected ${batch.previousSize}); nothing was written`,
          { where: this.#path },
        );
      }
      for (const k of batch.subjectKeys) {
        s.insertKey.run(k.kid, k.subject, k.wrapped, k.createdAt, k.erasedAt);
      }
      for (const e of batch.entries) {
        s.insertEntry.run(
          e.index,
          e.id,
          e.type,
          e.ts,
          e.subject,
          e.producerId,
          e.producerSeq,
          e.kid,
          e.ref,
          e.leaf,
        );
        if (e.content !== null) s.insertContent.run(e.index, e.content);
      }
      for (const r of batch.search ?? []) {
        s.insertSearch.run(r.index, r.agentId, r.agentVersion, r.subject, r.action, r.ts, r.runId);
        if (r.text !== '') s.insertSearchText.run(r.index, r.text);
      }
      for (const f of batch.facets ?? []) {
        s.insertFacets.run(
          f.index,
          f.model,
          f.promptVersion,
          f.policyVersion,
          f.confidence,
          f.traceId,
          f.sessionId,
          f.parentId,
        );
      }
      for (const u of batch.updates ?? []) {
        s.insertUpdate.run(u.index, u.decisionId, u.kind, u.action, u.actor, u.ts);
      }
      for (const n of batch.nodes) s.insertNode.run(n.level, n.index, n.hash);
      for (const index of batch.purge ?? []) {
        s.purgeFacets.run(index);
        s.purgeUpdate.run(index);
        s.purgeContent.run(index);
        s.purgeSearch.run(index);
        s.purgeSearchText.run(index);
        this.#features().purge.run(index);
      }
      const c = batch.checkpoint;
      s.insertCheckpoint.run(c.size, c.root, c.note, c.createdAt);
      s.setMeta.run('tree_size', String(batch.tree.size));
      s.setMeta.run(
        'tree_edge',
        batch.tree.edge.map((h) => Buffer.from(h).toString('base64')).join(','),
      );
    });
    return this.#call('append batch', () => {
      write.immediate();
    });
  }

  async readSnapshot<T>(read: () => Promise<T>): Promise<T> {
    // A WAL reader inside one transaction sees the database as of its first read, whatever
    // writers commit meanwhile. This connection is the caller's alone while `read` runs.
    this.#run('begin snapshot', () => this.#db.exec('BEGIN'));
    try {
      return await read();
    } finally {
      if (this.#db.inTransaction) this.#db.exec('COMMIT');
    }
  }

  findIndexes(ids: readonly string[]): Promise<Map<string, number>> {
    return this.#call('find ids', () => {
      const found = new Map<string, number>();
      for (const id of ids) {
        const row = this.#stmt.findIndex.get(id);
        if (row !== undefined) found.set(id, row.idx);
      }
      return found;
    });
  }

  getEntry(index: number): Promise<EntryWithContent | undefined> {
    return this.#call('read entry', () => {
      const row = this.#stmt.getEntry.get(index);
      return row === undefined ? undefined : toEntry(row);
    });
  }

  getEntryById(id: string): Promise<EntryWithContent | undefined> {
    return this.#call('read entry', () => {
      const row = this.#stmt.getEntryById.get(id);
      return row === undefined ? undefined : toEntry(row);
    });
  }

  getNodes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    return this.#call('read nodes', () =>
      ids.map(({ level, index }) => {
        const row = this.#stmt.getNode.get(level, index);
        if (row === undefined) {
          throw new StoreError('STORE_NODE_MISSING', `tree node ${level}/${index} is missing`, {
            where: this.#path,
          });
        }
        return row.hash;
      }),
    );
  }

  countNodes(): Promise<number> {
    return this.#call('count nodes', () => this.#stmt.countNodes.get()?.n ?? 0);
  }

  checkSearchRows(
    expected: readonly ExpectedSearchRow[],
    from: number,
    to: number,
  ): Promise<SearchRowProblem[]> {
    return this.#call('check search rows', () => {
      const stored = new Map(this.#stmt.searchRange.all(from, to).map((r) => [r.idx, r]));
      const texts = new Map(this.#stmt.searchTextRange.all(from, to).map((r) => [r.idx, r.text]));
      return diffSearchRows(expected, stored, texts);
    });
  }

  latestCheckpoint(): Promise<CheckpointRow | undefined> {
    return this.#call('read checkpoint', () => {
      const row = this.#stmt.latestCheckpoint.get();
      return row === undefined ? undefined : toCheckpoint(row);
    });
  }

  async *scanCheckpoints(batchSize = 1000): AsyncIterable<CheckpointRow[]> {
    let after = 0;
    for (;;) {
      const rows = this.#run('scan checkpoints', () =>
        this.#stmt.checkpointsFrom.all(after, batchSize),
      );
      if (rows.length === 0) return;
      after = rows[rows.length - 1]!.seq;
      yield rows.map(toCheckpoint);
      await yieldToEventLoop();
    }
  }

  async *scanEntries(
    options: { from?: number; batchSize?: number; withContent?: boolean } = {},
  ): AsyncIterable<EntryWithContent[]> {
    const stmt =
      options.withContent === true ? this.#stmt.entriesWithContentFrom : this.#stmt.entriesFrom;
    const batchSize = options.batchSize ?? 10_000;
    let from = options.from ?? 0;
    for (;;) {
      const rows = this.#run('scan entries', () => stmt.all(from, batchSize));
      if (rows.length === 0) return;
      from = rows[rows.length - 1]!.idx + 1;
      yield rows.map(toEntry);
      await yieldToEventLoop();
    }
  }

  countEntries(): Promise<number> {
    return this.#call('count entries', () => this.#stmt.count.get()?.n ?? 0);
  }

  entriesBySubject(subject: string): Promise<EntryRow[]> {
    return this.#call('read by subject', () => this.#stmt.bySubject.all(subject).map(toEntry));
  }

  entriesByType(type: string): Promise<EntryWithContent[]> {
    return this.#call('read by type', () => this.#stmt.byType.all(type).map(toEntry));
  }

  entriesByRef(ref: string): Promise<EntryWithContent[]> {
    return this.#call('read by ref', () => this.#stmt.byRef.all(ref).map(toEntry));
  }

  searchEntries(query: SearchQuery): Promise<EntryWithContent[]> {
    return this.#call('search', () => {
      const { sql, values } = searchSql(query, SQLITE_SEARCH);
      let stmt = this.#searches.get(sql);
      if (stmt === undefined) {
        stmt = this.#db.prepare<unknown[], RawEntry>(
          `SELECT ${this.#entryCols}, c.body FROM ${searchFrom(SQLITE_SEARCH)}
           LEFT JOIN contents c ON c.idx = s.idx ${sql}`,
        );
        this.#searches.set(sql, stmt);
      }
      return stmt.all(...values).map(toEntry);
    });
  }

  decisionStats(query: StatsQuery): Promise<DecisionStats> {
    return this.#call('count decisions', () => {
      const { sql: where, values } = searchWhere(query, SQLITE_SEARCH);
      const rows = new Map<string, RawCountRow[]>();
      for (const { key, sql } of statsStatements(query, SQLITE_SEARCH, where)) {
        rows.set(key, this.#db.prepare<unknown[], RawCountRow>(sql).all(...values));
      }
      return toDecisionStats(query, rows);
    });
  }

  outcomeUpdates(decisionIds: readonly string[]): Promise<Map<string, OutcomeUpdateRow[]>> {
    return this.#call('read outcome updates', () => {
      const found = new Map<string, OutcomeUpdateRow[]>();
      for (const id of decisionIds) {
        const rows = this.#stmt.updatesOf.all(id).map(toUpdate);
        if (rows.length > 0) found.set(id, rows);
      }
      return found;
    });
  }

  getActiveSubjectKey(subject: string): Promise<SubjectKeyRow | undefined> {
    return this.#call('read subject key', () => {
      const row = this.#stmt.activeKey.get(subject);
      return row === undefined ? undefined : toKey(row);
    });
  }

  getSubjectKeys(kids: readonly string[]): Promise<Map<string, SubjectKeyRow>> {
    return this.#call('read subject keys', () => {
      const found = new Map<string, SubjectKeyRow>();
      for (const kid of kids) {
        const row = this.#stmt.keyByKid.get(kid);
        if (row !== undefined) found.set(kid, toKey(row));
      }
      return found;
    });
  }

  eraseSubjectKeys(subject: string, erasedAt: string): Promise<number> {
    return this.#call('erase subject keys', () => {
      const n = this.#db.transaction(() => {
        // The subject's words first (found through its search rows), then the rows' subject, so
        // no search by the subject finds its decisions any more.
        this.#stmt.forgetSearchText.run(subject);
        this.#stmt.forgetSearchSubject.run(subject);
        this.#features().forget.run(subject);
        return this.#stmt.eraseKeys.run(erasedAt, subject).changes;
      })();
      // Move the overwritten pages out of the WAL into the main file, where secure_delete zeroed them.
      this.#db.pragma('wal_checkpoint(TRUNCATE)');
      return n;
    });
  }

  putFeatures(rows: readonly FeatureRow[]): Promise<number> {
    const put = this.#db.transaction(() => {
      let n = 0;
      for (const r of rows) {
        n += this.#features().put.run(
          r.index,
          r.agentId,
          r.agentVersion,
          r.ts,
          r.subject,
          r.kid,
          r.body,
          r.kid,
          r.kid,
        ).changes;
      }
      return n;
    });
    return this.#call('write features', () => put.immediate());
  }

  scanFeatures(query: FeatureQuery): Promise<FeatureRow[]> {
    const { sql, values } = featureQuerySql(query, () => '?');
    return this.#call('read features', () =>
      this.#db
        .prepare<unknown[], RawFeatureRow>(
          `SELECT idx, agent, agent_version, ts, subject, kid, body FROM features ${sql}`,
        )
        .all(...values)
        .map(toFeatureRow),
    );
  }

  featureVersions(agentId: string): Promise<FeatureVersionCount[]> {
    return this.#call('read feature versions', () =>
      this.#features()
        .versions.all(agentId)
        .map((r) => ({
          agentVersion: r.agent_version,
          count: r.n,
          first: r.first,
          last: r.last,
        })),
    );
  }

  releasePurged(): Promise<boolean> {
    return this.#call('checkpoint the WAL', () => {
      // busy = 1: a reader's snapshot still needs the WAL; its old pages stay until the next one.
      const [result] = this.#db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
      return result?.busy === 0;
    });
  }

  sizeOnDisk(): Promise<number> {
    let total = 0;
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        total += statSync(this.#path + suffix).size;
      } catch {
        // absent file: nothing to count
      }
    }
    return Promise.resolve(total);
  }

  close(): Promise<void> {
    return this.#call('close', () => {
      if (this.#db.open) this.#db.close();
    });
  }
}
