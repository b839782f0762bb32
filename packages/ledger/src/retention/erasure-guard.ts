import { ENTRY_TYPES } from '@docket/core';
import type { JsonValue } from '@docket/protocol';
import type { LedgerStore } from '@docket/store';
import { LedgerError } from '../errors.js';
import type { KeyRing } from '../keyring.js';
import { openEntry } from '../read.js';
import { readHolds, holdOver } from './holds.js';
import { effectiveRetention, readRetentionPolicies } from './policies.js';

/**
 * Refuses the erasure of a subject while a legal hold covers one of its decisions (GDPR Art.
 * 17(3)(e): the establishment, exercise or defence of legal claims) or a minimum retention still
 * applies to one (Art. 17(3)(b): a legal obligation to keep it): `ERASURE_RESTRICTED`, naming the
 * hold or the policy. A subject with no such decision passes (erasure works as before).
 *
 * @example
 * await checkErasureAllowed(store, ring, 'cust-42', new Date());
 */
export async function checkErasureAllowed(
  store: LedgerStore,
  ring: KeyRing,
  subjectId: string,
  now: Date,
): Promise<void> {
  const [{ active }, policies] = await Promise.all([
    readHolds(store),
    readRetentionPolicies(store),
  ]);
  if (active.length === 0 && !policies.some((p) => p.min !== null)) return;
  const pseudonym = ring.pseudonymize(subjectId);
  for (const row of await store.entriesBySubject(pseudonym)) {
    if (row.type !== ENTRY_TYPES.decision) continue;
    const entry = await store.getEntry(row.index);
    if (entry === undefined) continue;
    const read = await openEntry(store, ring, entry);
    const agentField = read.fields?.['agent'];
    const agentId =
      typeof agentField === 'object' && agentField !== null && !Array.isArray(agentField)
        ? (agentField as Record<string, JsonValue>)['id']
        : undefined;
    const agent = typeof agentId === 'string' ? agentId : null;
    const hold = holdOver(active, { id: entry.id, subject: pseudonym, agent });
    if (hold !== undefined) {
      throw new LedgerError(
        'ERASURE_RESTRICTED',
        `erasure refused under GDPR Art. 17(3)(e): legal hold ${hold.id} (${hold.kind}: ${hold.reason}) covers decision ${entry.id}`,
        { where: `hold ${hold.id}` },
      );
    }
    const { minCutoff, policies: applying } = effectiveRetention(policies, agent, now);
    if (minCutoff !== null && Date.parse(entry.ts) > minCutoff.getTime()) {
      const policy = applying
        .filter((p) => p.min !== null)
        .map((p) => `${p.scope} (min ${p.min ?? ''}, ${p.basis})`)
        .join(', ');
      throw new LedgerError(
        'ERASURE_RESTRICTED',
        `erasure refused under GDPR Art. 17(3)(b): decision ${entry.id} is within the minimum retention of ${policy}, until ${new Date(Date.parse(entry.ts) + (now.getTime() - minCutoff.getTime())).toISOString().slice(0, 10)}`,
        { where: `retention ${applying.find((p) => p.min !== null)?.scope ?? ''}` },
      );
    }
  }
}
