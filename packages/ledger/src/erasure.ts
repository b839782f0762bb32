import { ENTRY_TYPES } from '@docket/core';
import type { EntryWithContent, LedgerStore } from '@docket/store';
import type { EntryPool } from './entry-pool.js';
import { requireEntry } from './entry-types.js';
import { LedgerError } from './errors.js';
import type { ErasedSubject } from './intake-codec.js';
import type { KeyRing } from './keyring.js';
import type { ReadEntry } from './read.js';

/** An erasure to run: whose, why, and the id its tombstone gets. */
export interface EraseRequest {
  readonly subjectId: string;
  readonly reason: string;
  readonly tombstoneId: string;
}

/** The tombstone that erased a decision's subject (see `Ledger.erasureOf`). */
export interface Erasure {
  readonly id: string;
  readonly index: number;
  readonly ts: string;
  readonly reason: string;
}

/**
 * Erases a subject (GDPR Art. 17) on the process that sequences: flushes what is pending,
 * destroys every data key of the subject, then appends and flushes the tombstone `tombstoneId`.
 * `named` names the subject in errors (never its id on a shared log: errors go into the intake).
 * `SUBJECT_NOT_FOUND` when the log has no decision about the subject.
 *
 * @example
 * const erased = await eraseSubject(store, ring, pool, { subjectId, reason, tombstoneId }, 'this subject');
 */
export function eraseSubject(
  store: LedgerStore,
  ring: KeyRing,
  pool: EntryPool,
  request: EraseRequest,
  named: string,
): Promise<ErasedSubject> {
  const pseudonym = ring.pseudonymize(request.subjectId);
  return pool.withSubjectLocked(pseudonym, async () => {
    await pool.flush();
    const decisions = (await store.entriesBySubject(pseudonym)).filter(
      (e) => e.type === ENTRY_TYPES.decision,
    );
    if (decisions.length === 0) {
      throw new LedgerError('SUBJECT_NOT_FOUND', `no decisions about ${named} in this log`, {
        where: 'subject',
      });
    }
    const now = new Date().toISOString();
    const kids = [...new Set(decisions.map((e) => e.kid).filter((k): k is string => k !== null))];
    pool.forgetDataKey(pseudonym);
    const destroyed = await store.eraseSubjectKeys(pseudonym, now);
    if (destroyed === 0) {
      return { subject: pseudonym, keysDestroyed: 0, decisions: decisions.length, tombstone: null };
    }
    const id = request.tombstoneId;
    const index = await pool.enqueue({
      type: ENTRY_TYPES.tombstone,
      id,
      ts: now,
      subject: pseudonym,
      fields: { reason: request.reason, keys: kids, decisions: decisions.length },
    });
    await pool.flush();
    return {
      subject: pseudonym,
      keysDestroyed: destroyed,
      decisions: decisions.length,
      tombstone: { id, index },
    };
  });
}

/**
 * The first tombstone of the entry's subject after it (id, index, time, reason), or null when
 * the entry has no subject or was not erased.
 *
 * @example
 * const erasure = await findErasure(store, entry, (e) => openEntry(store, ring, e));
 */
export async function findErasure(
  store: LedgerStore,
  entry: EntryWithContent,
  open: (entry: EntryWithContent) => Promise<ReadEntry>,
): Promise<Erasure | null> {
  if (entry.subject === null) return null;
  const tombstone = (await store.entriesBySubject(entry.subject))
    .filter((e) => e.type === ENTRY_TYPES.tombstone && e.index > entry.index)
    .sort((a, b) => a.index - b.index)[0];
  if (tombstone === undefined) return null;
  const read = await open(await requireEntry(store, tombstone.id));
  const reason = read.fields?.['reason'];
  return {
    id: tombstone.id,
    index: tombstone.index,
    ts: read.envelope.ts,
    reason: typeof reason === 'string' ? reason : '',
  };
}
