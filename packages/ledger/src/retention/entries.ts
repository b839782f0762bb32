import { ENTRY_TYPES } from '@docket/core';
import type { JsonValue } from '@docket/protocol';
import type { LedgerStore } from '@docket/store';
import type { EntryPool } from '../entry-pool.js';
import { LedgerError } from '../errors.js';
import type { KeyRing } from '../keyring.js';
import { readHolds } from './holds.js';
import type { HoldTarget } from './holds.js';

/**
 * The append requests of retention (variants of `EntryBody`): a policy set, a legal hold placed
 * or released, a purge receipt with the leaves whose content it removes.
 */
export type RetentionBody =
  | { readonly kind: 'retention'; readonly ts: string; readonly fields: Record<string, JsonValue> }
  | {
      readonly kind: 'hold';
      readonly ts: string;
      readonly action: 'place' | 'release';
      /** `place`: what is held; `release`: the hold's id. */
      readonly target: HoldTarget | { readonly hold: string };
      readonly reason: string;
    }
  | {
      readonly kind: 'purge';
      readonly ts: string;
      readonly fields: Record<string, JsonValue>;
      readonly purge: readonly number[];
    };

/** What the admit functions use of an admit context (see `AdmitContext` in entry-types.ts). */
interface RetentionAdmitContext {
  readonly store: LedgerStore;
  readonly ring: KeyRing;
  readonly pool: EntryPool;
}

type Admitted = Promise<{ index: number; fresh: boolean }>;

/** Admits a retention policy (checked by `Ledger.setRetention`); a fresh id each time. */
export async function admitRetention(
  ctx: RetentionAdmitContext,
  id: string,
  { ts, fields }: { ts: string; fields: Record<string, JsonValue> },
): Admitted {
  return {
    index: await ctx.pool.enqueue({ type: ENTRY_TYPES.retention, id, ts, fields }),
    fresh: true,
  };
}

/**
 * Admits a legal hold placed or released: `HOLD_TARGET_NOT_FOUND` for a hold on nothing (no
 * decision of the subject, of the agent, or no such decision), `HOLD_NOT_FOUND` for the release of
 * a hold not in force. A subject is held by its pseudonym: its id never enters the log.
 */
export async function admitHold(
  ctx: RetentionAdmitContext,
  id: string,
  body: Extract<RetentionBody, { kind: 'hold' }>,
): Admitted {
  let fields: Record<string, JsonValue>;
  if (body.action === 'release') {
    const hold = 'hold' in body.target ? body.target.hold : '';
    const { active } = await readHolds(ctx.store);
    if (!active.some((h) => h.id === hold)) {
      throw new LedgerError('HOLD_NOT_FOUND', `no legal hold ${hold} is in force in this log`, {
        where: 'hold',
      });
    }
    fields = { action: 'release', hold, reason: body.reason };
  } else {
    const { kind, target } = await resolveTarget(ctx, body.target);
    fields = { action: 'place', kind, target, reason: body.reason };
  }
  return {
    index: await ctx.pool.enqueue({ type: ENTRY_TYPES.hold, id, ts: body.ts, fields }),
    fresh: true,
  };
}

async function resolveTarget(
  ctx: RetentionAdmitContext,
  target: HoldTarget | { readonly hold: string },
): Promise<{ kind: 'subject' | 'agent' | 'decision'; target: string }> {
  const nothing = (what: string, where: string): LedgerError =>
    new LedgerError('HOLD_TARGET_NOT_FOUND', `a hold on nothing: ${what}`, { where });
  if ('subjectId' in target) {
    const pseudonym = ctx.ring.pseudonymize(target.subjectId);
    const decisions = (await ctx.store.entriesBySubject(pseudonym)).filter(
      (e) => e.type === ENTRY_TYPES.decision,
    );
    if (decisions.length === 0) throw nothing('no decision about this subject', 'subject');
    return { kind: 'subject', target: pseudonym };
  }
  if ('agent' in target) {
    const found = await ctx.store.searchEntries({ agentId: target.agent, limit: 1 });
    // A purged decision has no search row: an agent whose decisions were all purged holds nothing.
    if (found.length === 0) throw nothing(`no decision of agent ${target.agent}`, 'agent');
    return { kind: 'agent', target: target.agent };
  }
  if ('decisionId' in target) {
    const entry = await ctx.store.getEntryById(target.decisionId);
    if (entry?.type !== ENTRY_TYPES.decision) {
      throw nothing(`no decision ${target.decisionId}`, 'decision');
    }
    return { kind: 'decision', target: target.decisionId };
  }
  throw nothing('name a subject, an agent or a decision', 'target');
}

/**
 * Admits a purge receipt: its entry and the removal of its leaves' content go into one batch (one
 * store transaction), so a crash leaves both or neither.
 */
export async function admitPurge(
  ctx: RetentionAdmitContext,
  id: string,
  body: { ts: string; fields: Record<string, JsonValue>; purge: readonly number[] },
): Admitted {
  return {
    index: await ctx.pool.enqueue({
      type: ENTRY_TYPES.purge,
      id,
      ts: body.ts,
      fields: body.fields,
      purge: body.purge,
    }),
    fresh: true,
  };
}
