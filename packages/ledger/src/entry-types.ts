import { ENTRY_TYPES } from '@docket/core';
import { assertChangeRecord, assertDecision, assertProducerReport } from '@docket/protocol';
import type { ChangeRecord, DecisionRecord, JsonValue, ProducerReport } from '@docket/protocol';
import type { EntryWithContent, LedgerStore } from '@docket/store';
import type { EntryPool } from './entry-pool.js';
import { LedgerError } from './errors.js';
import type { KeyRing } from './keyring.js';
import { admitHold, admitPurge, admitRetention } from './retention/entries.js';
import type { RetentionBody } from './retention/entries.js';
import { admitComplianceReport } from './reports/entry.js';
import type { ComplianceReportBody } from './reports/entry.js';
import { toSearchColumns } from './search-columns.js';
import { toFacetColumns, toUpdateColumns } from './facet-columns.js';

/**
 * An append request, one variant per kind of entry: what a public `Ledger.append*` method hands
 * to the sequencer, and what a replica of a shared log seals into the intake (JSON).
 */
export type EntryBody =
  | { readonly kind: 'decision'; readonly record: DecisionRecord }
  | {
      readonly kind: 'event';
      readonly decisionId: string;
      readonly ts: string;
      readonly fields: Record<string, JsonValue>;
    }
  | { readonly kind: 'access'; readonly ts: string; readonly fields: Record<string, JsonValue> }
  | { readonly kind: 'report'; readonly report: ProducerReport }
  | { readonly kind: 'change'; readonly change: ChangeRecord }
  | ComplianceReportBody
  | RetentionBody;

/** The result of admitting one request: its index, and whether this admission made the entry. */
export interface Admitted {
  readonly index: number;
  readonly fresh: boolean;
}

/** What an admit function works with: the store, the key ring, the pool, and admissions pending. */
export interface AdmitContext {
  readonly store: LedgerStore;
  readonly ring: KeyRing;
  readonly pool: EntryPool;
  readonly admission: Admission;
}

/** How one kind of entry is checked and admitted. */
export interface EntryKind<B extends EntryBody> {
  /** The leaf type of the entries of this kind (`ENTRY_TYPES`). */
  readonly type: string;
  /** The decision an entry of this kind is about (its `ref`), for kinds that have one. */
  readonly refOf?: (body: B) => string;
  /**
   * Checks a body read back from the intake (it was checked by the writer, but the intake is
   * data): `INTAKE_INVALID` or the kind's own code. Optional: only for kinds with a schema.
   */
  readonly check?: (id: string, body: B) => void;
  /**
   * Admits the entry: a duplicate of an earlier entry of the same kind (its index, not fresh),
   * `ID_CONFLICT` for an id another kind of entry has, else enqueues it into the pool.
   */
  readonly admit: (ctx: AdmitContext, id: string, body: B) => Promise<Admitted>;
}

type EntryKinds = { readonly [K in EntryBody['kind']]: EntryKind<Extract<EntryBody, { kind: K }>> };

/**
 * Every kind of entry a ledger appends. A new kind is a variant of {@link EntryBody} and a row
 * here; the local and the shared sequencer both admit it through this table.
 */
export const ENTRY_KINDS: EntryKinds = {
  decision: {
    type: ENTRY_TYPES.decision,
    check(id, body) {
      assertDecision(body.record);
      if (body.record.id !== id) throw new LedgerError('INTAKE_INVALID', `${id}: id differs`);
    },
    admit: admitDecision,
  },
  event: { type: ENTRY_TYPES.event, refOf: (body) => body.decisionId, admit: admitEvent },
  access: { type: ENTRY_TYPES.access, admit: admitAccess },
  report: {
    type: ENTRY_TYPES.producer,
    check(id, body) {
      assertProducerReport(body.report);
      if (body.report.id !== id) throw new LedgerError('INTAKE_INVALID', `${id}: id differs`);
    },
    admit: admitReport,
  },
  change: {
    type: ENTRY_TYPES.change,
    check(id, body) {
      assertChangeRecord(body.change);
      if (body.change.id !== id) throw new LedgerError('INTAKE_INVALID', `${id}: id differs`);
    },
    admit: admitChange,
  },
  retention: { type: ENTRY_TYPES.retention, admit: admitRetention },
  hold: { type: ENTRY_TYPES.hold, admit: admitHold },
  purge: { type: ENTRY_TYPES.purge, admit: admitPurge },
  'compliance-report': { type: ENTRY_TYPES.complianceReport, admit: admitComplianceReport },
};

/** Whether `kind` names a kind of entry of {@link ENTRY_KINDS}. */
export function isEntryKind(kind: string): kind is EntryBody['kind'] {
  return Object.hasOwn(ENTRY_KINDS, kind);
}

/**
 * Admission by id: each id is admitted once (a second request while the first is pending, or
 * after it through the store, is a duplicate with the original's index).
 *
 * @example
 * const admission = new Admission();
 * const { status, index } = await admission.admit(ctx, record.id, { kind: 'decision', record });
 */
export class Admission {
  /** Ids admitted but not yet durable → their index (and whether this admission was the first). */
  readonly #pending = new Map<string, Promise<Admitted>>();

  /** Requests admitted and not yet durable. */
  get size(): number {
    return this.#pending.size;
  }

  /** Resolves once the admission of `id` (if pending) is durable; rejects as it did. */
  async wait(id: string): Promise<void> {
    await this.#pending.get(id);
  }

  /** Admits `body` through its kind's row of {@link ENTRY_KINDS}, once per id. */
  async admit(
    ctx: AdmitContext,
    id: string,
    body: EntryBody,
  ): Promise<{ status: 'accepted' | 'duplicate'; index: number }> {
    // Everything up to the first await runs synchronously, so a second append of the same id
    // always finds the first one pending.
    const pending = this.#pending.get(id);
    if (pending !== undefined) return { status: 'duplicate', index: (await pending).index };
    const kind = ENTRY_KINDS[body.kind] as EntryKind<EntryBody>;
    const admitted = kind.admit(ctx, id, body);
    this.#pending.set(id, admitted);
    try {
      const { index, fresh } = await admitted;
      return { status: fresh ? 'accepted' : 'duplicate', index };
    } finally {
      this.#pending.delete(id);
    }
  }
}

/**
 * The index of the entry `id` when it is the same kind of entry (a duplicate); undefined when
 * the id is new; `ID_CONFLICT` when another kind of entry has it.
 */
async function earlier(
  store: LedgerStore,
  id: string,
  type: string,
  ref: string | undefined,
): Promise<number | undefined> {
  const existing = await store.getEntryById(id);
  if (existing === undefined) return undefined;
  if (existing.type === type && (existing.ref ?? undefined) === ref) return existing.index;
  throw new LedgerError(
    'ID_CONFLICT',
    `id ${id} is already used by another entry of this log (index ${existing.index})`,
    { where: 'id' },
  );
}

/**
 * The entry `id`; `DECISION_NOT_FOUND` when the log has none.
 *
 * @example
 * const entry = await requireEntry(store, id);
 */
export async function requireEntry(store: LedgerStore, id: string): Promise<EntryWithContent> {
  const entry = await store.getEntryById(id);
  if (entry === undefined) {
    throw new LedgerError('DECISION_NOT_FOUND', `no entry with id ${id} in this log`, {
      where: id,
    });
  }
  return entry;
}

async function admitDecision(
  ctx: AdmitContext,
  id: string,
  { record }: { record: DecisionRecord },
): Promise<Admitted> {
  // A duplicate only of an earlier decision: an id another kind of entry has is ID_CONFLICT.
  const found = await earlier(ctx.store, id, ENTRY_TYPES.decision, undefined);
  if (found !== undefined) return { index: found, fresh: false };
  const { id: _id, ts, producer, schema: _schema, ...rest } = record;
  // The envelope carries the producer's id and seq in clear; anything more (the SDK's name
  // and version) is committed to like any other field.
  const fields: Record<string, JsonValue> =
    producer !== undefined && Object.keys(producer).some((k) => k !== 'id' && k !== 'seq')
      ? { ...rest, producer }
      : rest;
  const subject =
    record.subject === undefined ? undefined : ctx.ring.pseudonymize(record.subject.id);
  const index = await ctx.pool.enqueue({
    type: ENTRY_TYPES.decision,
    id,
    ts,
    producer: producer === undefined ? undefined : { id: producer.id, seq: producer.seq },
    subject,
    key: subject === undefined ? undefined : await ctx.pool.dataKey(subject),
    search: toSearchColumns(record, subject),
    facets: toFacetColumns(record),
    fields,
  });
  return { index, fresh: true };
}

async function admitEvent(
  ctx: AdmitContext,
  id: string,
  body: { decisionId: string; ts: string; fields: Record<string, JsonValue> },
): Promise<Admitted> {
  const { decisionId, ts, fields } = body;
  const found = await earlier(ctx.store, id, ENTRY_TYPES.event, decisionId);
  if (found !== undefined) return { index: found, fresh: false };
  await ctx.admission.wait(decisionId);
  const decision = await requireEntry(ctx.store, decisionId);
  if (decision.type !== ENTRY_TYPES.decision) {
    throw new LedgerError('DECISION_NOT_FOUND', `entry ${decisionId} is not a decision`, {
      where: decisionId,
    });
  }
  const subject = decision.subject ?? undefined;
  const index = await ctx.pool.enqueue({
    type: ENTRY_TYPES.event,
    id,
    ts,
    subject,
    key: subject === undefined ? undefined : await ctx.pool.dataKey(subject),
    ref: decisionId,
    update: toUpdateColumns(decisionId, fields, ts),
    fields: { ...fields, decision: decisionId },
  });
  return { index, fresh: true };
}

async function admitAccess(
  ctx: AdmitContext,
  id: string,
  { ts, fields }: { ts: string; fields: Record<string, JsonValue> },
): Promise<Admitted> {
  // A fresh id each time (an intake row leaves the intake with its entry): never a duplicate.
  return {
    index: await ctx.pool.enqueue({ type: ENTRY_TYPES.access, id, ts, fields }),
    fresh: true,
  };
}

async function admitReport(
  ctx: AdmitContext,
  id: string,
  { report }: { report: ProducerReport },
): Promise<Admitted> {
  const found = await earlier(ctx.store, id, ENTRY_TYPES.producer, undefined);
  if (found !== undefined) return { index: found, fresh: false };
  const { id: _id, ts, schema: _schema, ...fields } = report;
  const index = await ctx.pool.enqueue({
    type: ENTRY_TYPES.producer,
    id,
    ts,
    fields: fields as unknown as Record<string, JsonValue>,
  });
  return { index, fresh: true };
}

async function admitChange(
  ctx: AdmitContext,
  id: string,
  { change }: { change: ChangeRecord },
): Promise<Admitted> {
  const found = await earlier(ctx.store, id, ENTRY_TYPES.change, undefined);
  if (found !== undefined) return { index: found, fresh: false };
  // A change names people (author, approver) by their work identity, never a data subject: it
  // is stored in clear like an access record, and read back with the log.
  const { id: _id, ts, schema: _schema, ...fields } = change;
  const index = await ctx.pool.enqueue({
    type: ENTRY_TYPES.change,
    id,
    ts,
    fields,
  });
  return { index, fresh: true };
}
