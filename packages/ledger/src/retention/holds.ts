import { ENTRY_TYPES } from '@docket/core';
import type { LedgerStore } from '@docket/store';
import { plainFields } from './policies.js';

/** What a legal hold freezes: one subject's decisions, one agent's, or one decision. */
export type HoldTarget =
  { readonly subjectId: string } | { readonly agent: string } | { readonly decisionId: string };

/** A legal hold in force: no purge, no erasure of what it covers until it is released. */
export interface LegalHold {
  /** The id of the entry that placed it. */
  readonly id: string;
  readonly index: number;
  readonly ts: string;
  /** `subject` (its pseudonym, never the id), `agent` or `decision`. */
  readonly kind: 'subject' | 'agent' | 'decision';
  readonly target: string;
  readonly reason: string;
}

/** The legal holds of a log: those in force, and those released (with the release's entry id). */
export interface HoldList {
  readonly active: LegalHold[];
  readonly released: (LegalHold & { readonly releasedBy: string })[];
}

/**
 * The holds of a log, read from its `docket.hold/v1` entries: a `place` entry starts one, a
 * `release` entry naming it ends it.
 *
 * @example
 * const { active } = await readHolds(store);
 */
export async function readHolds(store: LedgerStore): Promise<HoldList> {
  const placed = new Map<string, LegalHold>();
  const released: (LegalHold & { releasedBy: string })[] = [];
  for (const entry of await store.entriesByType(ENTRY_TYPES.hold)) {
    const f = plainFields(entry);
    if (f === null) continue;
    if (f['action'] === 'place') {
      const kind = f['kind'];
      if (kind !== 'subject' && kind !== 'agent' && kind !== 'decision') continue;
      placed.set(entry.id, {
        id: entry.id,
        index: entry.index,
        ts: entry.ts,
        kind,
        target: typeof f['target'] === 'string' ? f['target'] : '',
        reason: typeof f['reason'] === 'string' ? f['reason'] : '',
      });
    } else if (f['action'] === 'release' && typeof f['hold'] === 'string') {
      const hold = placed.get(f['hold']);
      if (hold === undefined) continue;
      placed.delete(f['hold']);
      released.push({ ...hold, releasedBy: entry.id });
    }
  }
  return { active: [...placed.values()], released };
}

/**
 * The first hold in force over a decision (by its id, subject pseudonym and agent), or undefined.
 *
 * @example
 * const hold = holdOver(active, { id, subject: entry.subject, agent: 'loan-agent' });
 */
export function holdOver(
  holds: readonly LegalHold[],
  decision: { id: string; subject: string | null; agent: string | null },
): LegalHold | undefined {
  return holds.find(
    (h) =>
      (h.kind === 'decision' && h.target === decision.id) ||
      (h.kind === 'subject' && h.target === decision.subject) ||
      (h.kind === 'agent' && h.target === decision.agent),
  );
}
