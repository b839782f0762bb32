import { existsSync } from 'node:fs';
import { createNoteSigner, createNoteVerifier } from '@docket/core';
import type { EvidenceBundle, NoteSigner, TileRef } from '@docket/core';
import {
  assertChangeRecord,
  assertDecision,
  assertProducerReport,
  createUuidV7,
} from '@docket/protocol';
import type { ExportSelection, JsonValue } from '@docket/protocol';
import { isSharedLogStore } from '@docket/store';
import type {
  DecisionStats,
  EntryWithContent,
  FeatureQuery,
  FeatureVersionCount,
  LedgerStore,
  OutcomeUpdateRow,
  SearchQuery,
  StatsQuery,
} from '@docket/store';
import {
  dataDirPaths,
  generateMasterKey,
  readLogKey,
  readMasterKey,
  writeLogKey,
} from './data-dir.js';
import type { DataDirPaths } from './data-dir.js';
import { Admission, requireEntry } from './entry-types.js';
import type { EntryBody } from './entry-types.js';
import { findErasure } from './erasure.js';
import type { Erasure } from './erasure.js';
import { exportRecords } from './bulk-export/records.js';
import type { ExportLine, ExportOptions } from './bulk-export/records.js';
import { LedgerError } from './errors.js';
import { createEntryBundle } from './export.js';
import { listChanges } from './changes.js';
import { IntakeSealer } from './intake-codec.js';
import { KeyRing } from './keyring.js';
import { checkLogKey } from './open-checks.js';
import { openLedgerStore } from './open-store.js';
import { resolveLedgerOptions } from './options.js';
import type { LedgerOptions } from './options.js';
import { openEntry } from './read.js';
import { readTile } from './tiles.js';
import type { ReadEntry } from './read.js';
import { catchUpFeatures, readFeatures } from './drift/feature-index.js';
import type { FeatureCatchUp, FeatureEntry } from './drift/feature-index.js';
import { createConsistencyProof, createInclusionProof, createReceipt } from './receipts.js';
import type { InclusionProof, Receipt } from './receipts.js';
import { LocalSequencer } from './sequencer.js';
import type { LogParts, Sequencer } from './sequencer.js';
import { SharedSequencer } from './shared-sequencer.js';

export type { RecordedChange } from './changes.js';
import type { ComplianceReportEntry } from './reports/entry.js';
import type { RecordedChange } from './changes.js';
import { checkErasureAllowed } from './retention/erasure-guard.js';
import { readHolds } from './retention/holds.js';
import type { HoldList, HoldTarget } from './retention/holds.js';
import { checkRetentionInput, readRetentionPolicies } from './retention/policies.js';
import type { RetentionInput, RetentionPolicy } from './retention/policies.js';
import { runPurge, toReceiptFields } from './retention/purge.js';
import type { PurgeOptions, PurgeReport } from './retention/purge.js';
export type { Erasure } from './erasure.js';
export type { ReadEntry } from './read.js';
export type { InclusionProof, Receipt } from './receipts.js';

/** What happened to one appended decision. */
export interface AppendResult {
  readonly status: 'accepted' | 'duplicate';
  readonly id: string;
  /** Leaf index in the log (for a duplicate: the original's). */
  readonly index: number;
}

/** A new fact about a decision (see {@link Ledger.appendEvent}). */
export interface EventInput {
  /** Idempotency key (UUIDv7); made by the ledger when absent. */
  readonly id?: string;
  /** When it happened (RFC 3339); now when absent. */
  readonly ts?: string;
  /** What is recorded: `kind` (effect, override, outcome…) and its details. */
  readonly fields: Record<string, JsonValue>;
}

/** Filters of {@link Ledger.search}: as {@link SearchQuery}, with the subject's own id. */
export type DecisionQuery = Omit<SearchQuery, 'subject'> & { readonly subjectId?: string };

/** Filters and groups of {@link Ledger.decisionStats}: as {@link StatsQuery}, with the subject's own id. */
export type DecisionStatsQuery = Omit<StatsQuery, 'subject'> & { readonly subjectId?: string };

/** Result of {@link Ledger.erase}. */
export interface EraseResult {
  readonly subject: string;
  readonly keysDestroyed: number;
  readonly decisions: number;
  /** The tombstone appended, or null when the subject was already erased. */
  readonly tombstone: { id: string; index: number } | null;
}

/** Facts about the log, for `docket log`. */
export interface LogInfo {
  readonly origin: string;
  readonly vkey: string;
  readonly size: number;
  readonly checkpoint: string;
  readonly dataDir: string;
  readonly bytesOnDisk: number;
}

/**
 * Opens (creating when asked) a ledger in a data directory: loads its keys, checks that the store
 * is not behind or forked from its last signed checkpoint, and starts the sequencer. With
 * `shared`, several processes open the same PostgreSQL log: each accepts writes, and the one
 * holding the log's sequencer lease sequences them (see `docs/decisions/0005-replicas.md`).
 *
 * @example
 * const ledger = await openLedger({ dataDir: '.docket' });
 * const { index } = await ledger.append(sampleDecision());
 * await ledger.close();
 */
export async function openLedger(options: LedgerOptions): Promise<Ledger> {
  const resolved = resolveLedgerOptions(options);
  const paths = dataDirPaths(resolved.dataDir);
  const store = await openLedgerStore(paths, resolved.pgUrl, {
    mustExist: !resolved.create,
    pgSchema: resolved.pgSchema,
  });
  try {
    if ((await store.getMeta('origin')) === undefined) {
      // A new log: make its keys, unless the data directory or the environment has them.
      const logKeyFromEnv =
        resolved.environmentLogKey && process.env['DOCKET_LOG_KEY'] !== undefined;
      if (!existsSync(paths.logKey) && !logKeyFromEnv) {
        writeLogKey(paths.dir, resolved.origin);
      }
      if (!existsSync(paths.masterKey) && process.env['DOCKET_MASTER_KEY'] === undefined) {
        generateMasterKey(paths.dir);
      }
    }
    const noteSigner = createNoteSigner(
      readLogKey(paths.dir, { environment: resolved.environmentLogKey }),
    );
    const master = readMasterKey(paths.dir);
    const parts: LogParts = {
      store,
      ring: new KeyRing(master),
      noteSigner,
      verifier: createNoteVerifier(noteSigner.vkey),
      options: resolved,
      paths,
      admission: new Admission(),
    };
    await checkLogKey(store, { origin: noteSigner.name, vkey: noteSigner.vkey }, paths);
    let sequencer: Sequencer;
    if (!resolved.shared) {
      sequencer = new LocalSequencer(parts);
    } else if (isSharedLogStore(store)) {
      const sealer = new IntakeSealer(master, noteSigner.name);
      sequencer = new SharedSequencer(parts, store, await store.openSequencerLease(), sealer);
    } else {
      throw new LedgerError('OPTION_INVALID', `a ${store.kind} store can't be shared`, {
        where: 'shared',
      });
    }
    await sequencer.start();
    return new Ledger(parts, sequencer);
  } catch (err) {
    await store.close();
    throw err;
  }
}

/**
 * The ledger service: admits entries (decisions, events, access records, producer reports; see
 * `ENTRY_KINDS`) and hands them to its {@link Sequencer}, which flushes its pool (at once when
 * no flush runs, else after it and at most once per `flushIntervalMs`; at `flushMaxEntries` at once), assigning indices, extending the Merkle tree, signing
 * one checkpoint and committing it all durably before anyone is told "accepted". On a shared log,
 * writes go through the database's intake to whichever process sequences. Reads, proofs, receipts,
 * bundles and erasure lookups are the same for both.
 *
 * @example
 * const ledger = await openLedger({ dataDir: '.docket' });
 * const receipt = await ledger.receipt((await ledger.append(record)).id);
 */
export class Ledger {
  readonly origin: string;
  readonly vkey: string;
  readonly #paths: DataDirPaths;
  readonly #store: LedgerStore;
  readonly #ring: KeyRing;
  readonly #admission: Admission;
  readonly #sequencer: Sequencer;
  #closed = false;
  /** The purge running in this process, if any: purges run one at a time. */
  #purging: Promise<void> = Promise.resolve();

  /** @internal use {@link openLedger}. */
  constructor(parts: LogParts, sequencer: Sequencer) {
    const signer: NoteSigner = parts.noteSigner;
    this.#paths = parts.paths;
    this.#store = parts.store;
    this.#ring = parts.ring;
    this.#admission = parts.admission;
    this.#sequencer = sequencer;
    this.origin = signer.name;
    this.vkey = signer.vkey;
  }

  /**
   * Number of entries in the log (sequenced and durable). On a shared log, the largest size this
   * process has seen (its own batches, other replicas' notices): {@link info} reads the store.
   */
  get size(): number {
    return Math.max(this.#sequencer.pool.size, this.#sequencer.knownSize);
  }

  /**
   * Appends one decision record. Resolves once it is durable in the log (or was already there);
   * rejects with `DecisionInvalidError` (all schema problems) for an invalid record.
   *
   * @example
   * const { status, index } = await ledger.append(record);
   */
  async append(record: unknown): Promise<AppendResult> {
    this.#assertOpen();
    assertDecision(record);
    return this.#append(record.id, { kind: 'decision', record });
  }

  /**
   * Appends a later fact about a decision (downstream effect, human override, outcome update) as
   * a `docket.event/v1` entry linked to it, encrypted like the decision when it has a subject.
   * Idempotent by `id`; `DECISION_NOT_FOUND` when the decision is not in the log.
   *
   * @example
   * await ledger.appendEvent(decisionId, { fields: { kind: 'override', actor: 'j.doe', reason: 'manual review' } });
   */
  async appendEvent(decisionId: string, event: EventInput): Promise<AppendResult> {
    this.#assertOpen();
    const id = event.id ?? createUuidV7();
    const ts = event.ts ?? new Date().toISOString();
    return this.#append(id, { kind: 'event', decisionId, ts, fields: event.fields });
  }

  /**
   * Appends one access record (`docket.access/v1`: who read, exported or erased what, and why).
   * Used on a tenant's access log, a ledger of its own.
   *
   * @example
   * await accessLog.appendAccess({ actor: 'key_1', action: 'read', target: id, purpose: 'audit' });
   */
  async appendAccess(fields: Record<string, JsonValue>): Promise<AppendResult> {
    this.#assertOpen();
    return this.#append(createUuidV7(), { kind: 'access', ts: new Date().toISOString(), fields });
  }

  /**
   * Appends a producer's report of records it took from its host but never delivered
   * (`docket.producer-report/v1`, entry type `docket.producer/v1`), so a gap in the producer's
   * seqs is explained in the log. Idempotent by the report's id; `REPORT_INVALID` for a bad one.
   *
   * @example
   * await ledger.appendProducerReport(report); // { status: 'accepted', id, index }
   */
  async appendProducerReport(report: unknown): Promise<AppendResult> {
    this.#assertOpen();
    assertProducerReport(report);
    return this.#append(report.id, { kind: 'report', report });
  }

  /**
   * Appends a change record (`docket.change/v1`): a deployment of an agent version with its model,
   * prompt and policy, author and approver, and the replay run that tested it. Idempotent by the
   * change's id; `CHANGE_INVALID` for a bad one.
   *
   * @example
   * await ledger.appendChange({ schema: 'docket.change/v1', id: createUuidV7(), ts, agent, author, approver });
   */
  async appendChange(change: unknown): Promise<AppendResult> {
    this.#assertOpen();
    assertChangeRecord(change);
    return this.#append(change.id, { kind: 'change', change });
  }

  /**
   * The change records of the log in index order, each as it was recorded, with its index and
   * the server's receive time; optionally only those of one agent.
   *
   * @example
   * for (const { change, index } of await ledger.changes({ agentId: 'loan-agent' })) print(change);
   */
  async changes(filter: { readonly agentId?: string } = {}): Promise<RecordedChange[]> {
    return listChanges(this.#store, filter);
  }

  /**
   * The keyed pseudonym of a data subject in this log: the `subject` of their leaves (the id
   * itself never enters the log). For reports about one person.
   *
   * @example
   * const ref = ledger.subjectRef('applicant-88213');
   */
  subjectRef(subjectId: string): string {
    return this.#ring.pseudonymize(subjectId);
  }

  /**
   * Appends the record of a compliance report (`docket.compliance-report/v1`): its id, type,
   * parameters, the digest of its JSON, who asked and why. Idempotent by the report's id.
   *
   * @example
   * await ledger.appendComplianceReport({ id, ts, fields: { reportType: 'integrity', digest } });
   */
  async appendComplianceReport(entry: ComplianceReportEntry): Promise<AppendResult> {
    this.#assertOpen();
    return this.#append(entry.id, { kind: 'compliance-report', ...entry });
  }

  async #append(id: string, body: EntryBody): Promise<AppendResult> {
    const { status, index } = await this.#sequencer.append(id, body);
    return { status, id, index };
  }

  #assertOpen(): void {
    if (this.#closed) throw new LedgerError('LEDGER_CLOSED', 'the ledger is closed');
    const failed = this.#sequencer.failed;
    if (failed !== undefined) throw failed;
  }

  /**
   * Sequences everything admitted so far and waits until it is durable. Flushes run one at a
   * time; a failed flush rejects its entries (nothing of it was acknowledged) and the log goes on.
   * On a shared log: waits until every write made through this process is settled.
   *
   * @example
   * await ledger.flush();
   */
  async flush(): Promise<void> {
    await this.#sequencer.flush();
  }

  /** The entry `id` once this process's write of it (if any) has settled. */
  async #settledEntry(id: string): Promise<EntryWithContent> {
    await this.#admission.wait(id);
    await this.#sequencer.settled(id);
    return requireEntry(this.#store, id);
  }

  /**
   * A receipt for a decision: its index, an inclusion proof and the latest signed checkpoint.
   * Waits for the decision to be sequenced if it is still in the pool.
   *
   * @example
   * const receipt = await ledger.receipt(id);
   */
  async receipt(id: string): Promise<Receipt> {
    return createReceipt(this.#store, await this.#settledEntry(id));
  }

  /**
   * Reads an entry back: the envelope, and the fields unless the subject was erased.
   *
   * @example
   * const { fields, erased } = await ledger.read(id);
   */
  async read(id: string): Promise<ReadEntry> {
    return this.#open(await this.#settledEntry(id));
  }

  #open(entry: EntryWithContent): Promise<ReadEntry> {
    return openEntry(this.#store, this.#ring, entry);
  }

  /**
   * The events linked to a decision (effects, overrides, outcome updates), oldest first.
   *
   * @example
   * const events = await ledger.events(decisionId);
   */
  async events(decisionId: string): Promise<ReadEntry[]> {
    const rows = await this.#store.entriesByRef(decisionId);
    return Promise.all(rows.map((row) => this.#open(row)));
  }

  /**
   * Decisions matching every filter, newest first (at most `limit`, before index `before`).
   *
   * @example
   * const page = await ledger.search({ agentId: 'loan-approver', limit: 50 });
   */
  async search(query: DecisionQuery): Promise<ReadEntry[]> {
    const { subjectId, ...rest } = query;
    const rows = await this.#store.searchEntries({
      ...rest,
      ...(subjectId === undefined ? {} : { subject: this.#ring.pseudonymize(subjectId) }),
    });
    return Promise.all(rows.map((row) => this.#open(row)));
  }

  /**
   * Counts of the decisions matching every filter, by dimension and time bucket (`GET /v1/stats`).
   *
   * @example
   * const { total, groups } = await ledger.decisionStats({ agentId: 'loan-approver', groupBy: ['outcome'] });
   */
  async decisionStats(query: DecisionStatsQuery): Promise<DecisionStats> {
    const { subjectId, ...rest } = query;
    return this.#store.decisionStats({
      ...rest,
      ...(subjectId === undefined ? {} : { subject: this.#ring.pseudonymize(subjectId) }),
    });
  }

  /**
   * Each decision's overrides and outcome updates, oldest first (decisions without any absent):
   * what a list needs to show a decision's final outcome without opening its events.
   *
   * @example
   * const final = (await ledger.outcomeUpdates([id])).get(id)?.at(-1);
   */
  async outcomeUpdates(decisionIds: readonly string[]): Promise<Map<string, OutcomeUpdateRow[]>> {
    return this.#store.outcomeUpdates(decisionIds);
  }

  /**
   * Entries in index order from `from` (at most `limit`), each with its leaf bytes and, unless
   * erased, its content: what a remote audit needs to recompute the tree and the commitments.
   *
   * @example
   * for (const { leaf, entry } of await ledger.entries(0, 1000)) check(leaf, entry);
   */
  async entries(from: number, limit: number): Promise<{ leaf: Uint8Array; entry: ReadEntry }[]> {
    const out: { leaf: Uint8Array; entry: ReadEntry }[] = [];
    for await (const batch of this.#store.scanEntries({
      from,
      batchSize: limit,
      withContent: true,
    })) {
      for (const row of batch) out.push({ leaf: row.leaf, entry: await this.#open(row) });
      break;
    }
    return out;
  }

  /**
   * tlog-tiles (issue 19): a Merkle tile or an entry bundle of the tree at the latest checkpoint;
   * `TILE_NOT_FOUND` when that tree does not have it.
   *
   * @example
   * const leafHashes = await ledger.tile(parseTilePath('0/000.p/5'));
   */
  async tile(ref: TileRef): Promise<Buffer> {
    this.#assertOpen();
    return readTile(this.#store, ref);
  }

  /**
   * Drift (issue 16): derives and stores the features of decisions appended since the last call
   * (all of them the first time: the backfill), at most `limit` entries per call.
   *
   * @example
   * while ((await ledger.catchUpFeatures()).scanned > 0);
   */
  async catchUpFeatures(limit?: number): Promise<FeatureCatchUp> {
    this.#assertOpen();
    return catchUpFeatures(this.#store, this.#ring, limit);
  }

  /**
   * Drift: the stored features of one agent's decisions (a version, a time window), index order.
   *
   * @example
   * const rows = await ledger.readFeatures({ agentId: 'loan-approver', agentVersion: '2.4.0' });
   */
  async readFeatures(
    query: Omit<FeatureQuery, 'limit'>,
    onProgress?: (read: number) => void,
  ): Promise<FeatureEntry[]> {
    this.#assertOpen();
    return readFeatures(this.#store, { ...query, limit: 10_000 }, onProgress);
  }

  /**
   * Drift: how many decisions with features each version of an agent has, and their time span.
   *
   * @example
   * const versions = await ledger.featureVersions('loan-approver');
   */
  async featureVersions(agentId: string): Promise<FeatureVersionCount[]> {
    this.#assertOpen();
    return this.#store.featureVersions(agentId);
  }

  /**
   * Inclusion proof of an entry in the tree of `size` entries (default: the latest checkpoint's).
   * `SIZE_INVALID` when `size` is not above the index or beyond the latest checkpoint.
   *
   * @example
   * const { hashes, checkpoint } = await ledger.inclusionProof(id);
   */
  async inclusionProof(id: string, size?: number): Promise<InclusionProof> {
    return createInclusionProof(this.#store, await this.#settledEntry(id), size);
  }

  /**
   * The erasure that made decision `id` unreadable: the first tombstone of its subject after it
   * (id, index, time, reason), or null when the decision has no subject or was not erased.
   *
   * @example
   * const erasure = await ledger.erasureOf(id); // { id, index, ts, reason } | null
   */
  async erasureOf(id: string): Promise<Erasure | null> {
    const entry = await requireEntry(this.#store, id);
    return findErasure(this.#store, entry, (e) => this.#open(e));
  }

  /**
   * Consistency proof between two tree sizes (RFC 9162 §2.1.4), base64 hashes;
   * `SIZE_INVALID` unless 0 < from ≤ to ≤ the latest signed size.
   *
   * @example
   * const hashes = await ledger.consistencyProof(100, 200);
   */
  async consistencyProof(from: number, to: number): Promise<string[]> {
    return createConsistencyProof(this.#store, from, to);
  }

  /**
   * Entries waiting (in the pool; on a shared log, this process's writes not yet answered too),
   * the sequenced size (see {@link size}), and whether this process sequences the log.
   *
   * @example
   * const { poolDepth, size, sequencer } = ledger.stats();
   */
  stats(): { readonly poolDepth: number; readonly size: number; readonly sequencer: boolean } {
    return {
      poolDepth: this.#sequencer.pool.depth + this.#sequencer.waiting,
      size: this.size,
      sequencer: this.#sequencer.sequencing,
    };
  }

  /**
   * An evidence bundle for one entry, disclosing the named fields (none by default) with their
   * salts. Throws `FIELD_UNKNOWN` for a field the entry doesn't commit to (`where: 'disclose'`).
   *
   * @example
   * const bundle = await ledger.exportBundle(id, ['outcome', 'reasoning']);
   */
  async exportBundle(id: string, disclose: readonly string[] = []): Promise<EvidenceBundle> {
    const entry = await this.read(id);
    const erasure = entry.erased ? await this.erasureOf(id) : null;
    const tombstone =
      erasure === null ? undefined : { index: erasure.index, entry: await this.read(erasure.id) };
    return createEntryBundle(this.#store, this, id, entry, disclose, tombstone);
  }

  /**
   * Streams a bulk export (`docket.export/v1` lines: header, one record per matching decision with
   * its final outcome and events, trailer) in index order, in batches; with `withProofs`, each entry
   * carries its envelope, salts and inclusion proof in the header's checkpoint.
   *
   * @example
   * for await (const line of ledger.exportRecords({ agent: 'loan-approver' })) write(line);
   */
  exportRecords(
    selection: ExportSelection,
    options: ExportOptions = {},
  ): AsyncGenerator<ExportLine> {
    this.#assertOpen();
    const ring = this.#ring;
    const keyCache = new Map<string, Uint8Array | null>();
    return exportRecords(
      {
        store: this.#store,
        origin: this.origin,
        vkey: this.vkey,
        open: (row) => openEntry(this.#store, ring, row, keyCache),
        pseudonymize: (subjectId) => ring.pseudonymize(subjectId),
      },
      selection,
      options,
    );
  }

  /**
   * Erases a subject (GDPR Art. 17): destroys every data key of the subject, then appends a
   * tombstone. Their content becomes unreadable; every leaf, proof and checkpoint still verifies.
   * `REASON_REQUIRED` for a blank reason, `SUBJECT_NOT_FOUND` when no decision is about them.
   *
   * @example
   * await ledger.erase('cust-42', 'data subject request #1234');
   */
  async erase(subjectId: string, reason: string): Promise<EraseResult> {
    if (reason.trim() === '')
      throw new LedgerError('REASON_REQUIRED', 'an erasure needs a reason', { where: 'reason' });
    this.#assertOpen();
    await checkErasureAllowed(this.#store, this.#ring, subjectId, new Date());
    return this.#sequencer.erase({ subjectId, reason, tombstoneId: createUuidV7() });
  }

  /**
   * Sets the retention policy of the tenant (this log) or of one agent, as a
   * `docket.retention/v1` entry (a change to what is kept is audit evidence). A later policy of
   * the same scope replaces it. `RETENTION_INVALID` (bad duration, no basis, max below min),
   * `RETENTION_CONFLICT` (with the tenant's or an agent's policy, a maximum before a minimum).
   *
   * @example
   * await ledger.setRetention({ agent: 'loan-agent', min: '25mo', max: '6y', basis: 'Reg B 1002.12' });
   */
  async setRetention(input: RetentionInput): Promise<AppendResult> {
    this.#assertOpen();
    const now = new Date();
    const fields = checkRetentionInput(input, await readRetentionPolicies(this.#store), now);
    return this.#append(createUuidV7(), { kind: 'retention', ts: now.toISOString(), fields });
  }

  /**
   * The retention policies in force: one per scope (`tenant`, `agent:<id>`).
   *
   * @example
   * for (const p of await ledger.retentionPolicies()) console.log(p.scope, p.max, p.basis);
   */
  async retentionPolicies(): Promise<RetentionPolicy[]> {
    return readRetentionPolicies(this.#store);
  }

  /**
   * Places a legal hold on a subject's, an agent's or one decision's records (a
   * `docket.hold/v1` entry): none of them is purged or erased until it is released.
   * `REASON_REQUIRED`, `HOLD_TARGET_NOT_FOUND` for a hold on nothing.
   *
   * @example
   * const { id } = await ledger.placeHold({ subjectId: 'cust-42' }, 'litigation 2026-117');
   */
  async placeHold(target: HoldTarget, reason: string): Promise<AppendResult> {
    if (reason.trim() === '')
      throw new LedgerError('REASON_REQUIRED', 'a legal hold needs a reason', { where: 'reason' });
    this.#assertOpen();
    const ts = new Date().toISOString();
    return this.#append(createUuidV7(), { kind: 'hold', ts, action: 'place', target, reason });
  }

  /**
   * Releases a legal hold in force (a `docket.hold/v1` entry naming it); `HOLD_NOT_FOUND`.
   *
   * @example
   * await ledger.releaseHold(holdId, 'case closed');
   */
  async releaseHold(hold: string, reason: string): Promise<AppendResult> {
    this.#assertOpen();
    const ts = new Date().toISOString();
    return this.#append(createUuidV7(), {
      kind: 'hold',
      ts,
      action: 'release',
      target: { hold },
      reason,
    });
  }

  /**
   * The legal holds of the log: in force, and released.
   *
   * @example
   * const { active } = await ledger.holds();
   */
  async holds(): Promise<HoldList> {
    return readHolds(this.#store);
  }

  /**
   * Purges the content of decisions past their maximum retention (and their events' content),
   * except those on legal hold, in batches: each batch is one signed purge receipt
   * (`docket.purge/v1`: policy, basis, the checkpoint, each leaf's index and hash) written in the
   * same store transaction as the removal. Every leaf stays, so every proof still verifies.
   * One purge at a time per process; ingest goes on between batches.
   *
   * @example
   * const report = await ledger.purge({ dryRun: true });
   */
  async purge(options: PurgeOptions = {}): Promise<PurgeReport> {
    this.#assertOpen();
    const run = this.#purging.then(async () => {
      const policies = await readRetentionPolicies(this.#store);
      const { active } = await readHolds(this.#store);
      const report = await runPurge(
        this.#store,
        this.#ring,
        policies,
        active,
        options,
        async (plan) => {
          const latest = await this.#store.latestCheckpoint();
          const checkpoint = {
            size: latest?.size ?? 0,
            root: Buffer.from(latest?.root ?? []).toString('base64'),
          };
          const { id, index } = await this.#append(createUuidV7(), {
            kind: 'purge',
            ts: new Date().toISOString(),
            fields: toReceiptFields(plan, checkpoint),
            purge: plan.indices,
          });
          return { id, index };
        },
      );
      // The removed rows' old pages sit in SQLite's WAL until a checkpoint: move them out now,
      // as erasure does, so purged content is not left readable in ledger.db-wal.
      if (report.purgedEntries > 0 && !report.dryRun) await this.#store.releasePurged();
      return report;
    });
    this.#purging = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /**
   * Origin, size, vkey and latest checkpoint.
   *
   * @example
   * const { size, checkpoint } = await ledger.info();
   */
  async info(): Promise<LogInfo> {
    const latest = await this.#store.latestCheckpoint();
    if (latest !== undefined) this.#sequencer.noteSize(latest.size);
    return {
      origin: this.origin,
      vkey: this.vkey,
      // The store's size: on a shared log, another process may be sequencing.
      size: latest?.size ?? 0,
      checkpoint: latest?.note ?? '',
      dataDir: this.#paths.dir,
      bytesOnDisk: await this.#store.sizeOnDisk(),
    };
  }

  /**
   * Flushes what is pending and closes the store. Idempotent. On a shared log, also gives up the
   * sequencer lease once this process's writes are answered.
   *
   * @example
   * await ledger.close();
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const pool = this.#sequencer.pool;
    try {
      // Shared log: answer this process's writes (sequencing them if no one else does), then
      // stop sequencing and give the lease up to another replica.
      await this.#sequencer.close();
      // Appends accepted before close may still be on their way into the pool (waiting for a
      // subject key): flush until every one of them is durable.
      await pool.flush();
      while (this.#admission.size > 0) {
        await new Promise((resolve) => setImmediate(resolve));
        await pool.flush();
      }
    } finally {
      await pool.idle();
      await this.#store.close();
    }
  }
}
