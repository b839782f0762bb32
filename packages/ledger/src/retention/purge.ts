import { hashLeaf } from '@docket/core';
import type { JsonValue } from '@docket/protocol';
import type { EntryWithContent, LedgerStore } from '@docket/store';
import type { KeyRing } from '../keyring.js';
import { openEntry } from '../read.js';
import { toSortableUtc } from '../search-columns.js';
import { cutoffOf, parseDuration } from './duration.js';
import { holdOver } from './holds.js';
import type { LegalHold } from './holds.js';
import type { RetentionPolicy } from './policies.js';

/** Options of a purge run (`docket purge`, the scheduled job of `docket serve`). */
export interface PurgeOptions {
  /** Report what would be purged and kept, change nothing. */
  readonly dryRun?: boolean;
  /** The time ages are measured at (default: now). */
  readonly now?: Date;
  /** Decisions per purge receipt (one store transaction each), default 1000. */
  readonly batchSize?: number;
  /** Called after each batch is durable (its receipt and the removal committed): progress. */
  readonly onBatch?: (batch: PurgeBatch) => void;
}

/** One decision a purge kept although it is past its maximum, and why. */
export interface PurgeKept {
  readonly id: string;
  readonly index: number;
  readonly reason: string;
}

/** One purge receipt appended (or, in a dry run, that would be). */
export interface PurgeBatch {
  /** The receipt's entry (null in a dry run). */
  readonly receipt: { readonly id: string; readonly index: number } | null;
  readonly policy: string;
  readonly decisions: number;
  /** Entries whose content was removed: the decisions and their events. */
  readonly entries: number;
}

/** What a purge did, policy by policy. */
export interface PurgeReport {
  readonly dryRun: boolean;
  readonly now: string;
  readonly policies: { scope: string; max: string; basis: string; cutoff: string }[];
  readonly batches: PurgeBatch[];
  readonly purgedDecisions: number;
  readonly purgedEntries: number;
  readonly kept: PurgeKept[];
  /** Held decisions past their maximum beyond those listed in `kept`. */
  readonly keptNotListed: number;
}

/** One batch of decisions to purge under one policy: the fields of its receipt, and its leaves. */
export interface PurgePlan {
  readonly policy: RetentionPolicy;
  readonly cutoff: string;
  readonly decisions: number;
  readonly indices: number[];
  readonly hashes: string[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** How many kept decisions a report lists (the rest are counted). */
const MAX_KEPT_LISTED = 1000;

/**
 * Finds the decisions past their maximum, batch by batch, and hands each batch to `commit` (which
 * appends its receipt and removes the content, atomically). The agents' own policies first, then
 * the tenant-wide one (a decision past the tenant maximum is past its agent's too: a policy can
 * only shorten the maximum, see `checkRetentionInput`). Held decisions are kept and reported.
 *
 * @example
 * const report = await runPurge(store, ring, policies, holds, {}, (plan) => appendReceipt(plan));
 */
export async function runPurge(
  store: LedgerStore,
  ring: KeyRing,
  policies: readonly RetentionPolicy[],
  holds: readonly LegalHold[],
  options: PurgeOptions,
  commit: (plan: PurgePlan) => Promise<{ id: string; index: number }>,
): Promise<PurgeReport> {
  const now = options.now ?? new Date();
  const dryRun = options.dryRun === true;
  const batchSize = options.batchSize ?? 1000;
  const tenant = policies.find((p) => p.agent === null);
  const ordered = [...policies.filter((p) => p.agent !== null), ...(tenant ? [tenant] : [])];
  const report: Mutable<PurgeReport> = {
    dryRun,
    now: now.toISOString(),
    policies: [],
    batches: [],
    purgedDecisions: 0,
    purgedEntries: 0,
    kept: [],
    keptNotListed: 0,
  };
  const agentHolds = holds.some((h) => h.kind === 'agent');
  const done = new Set<number>();
  for (const policy of ordered) {
    // The agent's maximum, capped by the tenant-wide one (the later cutoff wins).
    let cutoff = cutoffOf(now, parseDuration(policy.max));
    if (policy.agent !== null && tenant !== undefined) {
      const t = cutoffOf(now, parseDuration(tenant.max));
      if (t > cutoff) cutoff = t;
    }
    const until = toSortableUtc(cutoff.toISOString());
    report.policies.push({
      scope: policy.scope,
      max: policy.max,
      basis: policy.basis,
      cutoff: until,
    });
    let before: number | undefined;
    let pending: EntryWithContent[] = [];
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      const plan = await planBatch(store, policy, until, batch);
      const receipt = dryRun ? null : await commit(plan);
      const done: PurgeBatch = {
        receipt,
        policy: policy.scope,
        decisions: plan.decisions,
        entries: plan.indices.length,
      };
      report.batches.push(done);
      options.onBatch?.(done);
      report.purgedDecisions += plan.decisions;
      report.purgedEntries += plan.indices.length;
    };
    for (;;) {
      const page = await store.searchEntries({
        ...(policy.agent === null ? {} : { agentId: policy.agent }),
        until,
        ...(before === undefined ? {} : { before }),
        limit: batchSize,
      });
      if (page.length === 0) break;
      before = page[page.length - 1]!.index;
      for (const entry of page) {
        if (done.has(entry.index) || entry.content === null) continue;
        done.add(entry.index);
        let agent = policy.agent;
        if (agent === null && agentHolds) agent = await agentOf(store, ring, entry);
        const hold = holdOver(holds, { id: entry.id, subject: entry.subject, agent });
        if (hold !== undefined) {
          if (report.kept.length < MAX_KEPT_LISTED) {
            report.kept.push({
              id: entry.id,
              index: entry.index,
              reason: `legal hold ${hold.id} (${hold.kind}): ${hold.reason}`,
            });
          } else {
            report.keptNotListed++;
          }
          continue;
        }
        pending.push(entry);
        if (pending.length >= batchSize) await flush();
      }
      if (page.length < batchSize) break;
    }
    await flush();
  }
  return report;
}

/** The receipt of one batch: the decisions and their events, with their leaf hashes. */
async function planBatch(
  store: LedgerStore,
  policy: RetentionPolicy,
  cutoff: string,
  decisions: readonly EntryWithContent[],
): Promise<PurgePlan> {
  const entries: EntryWithContent[] = [];
  for (const d of decisions) {
    entries.push(d);
    for (const e of await store.entriesByRef(d.id)) if (e.content !== null) entries.push(e);
  }
  entries.sort((a, b) => a.index - b.index);
  return {
    policy,
    cutoff,
    decisions: decisions.length,
    indices: entries.map((e) => e.index),
    hashes: entries.map((e) => hashLeaf(e.leaf).toString('hex')),
  };
}

/** The agent of a decision, from its content (null when unreadable: erased). */
async function agentOf(
  store: LedgerStore,
  ring: KeyRing,
  entry: EntryWithContent,
): Promise<string | null> {
  const read = await openEntry(store, ring, entry);
  const agent = read.fields?.['agent'];
  if (typeof agent !== 'object' || agent === null || Array.isArray(agent)) return null;
  const id = (agent as Record<string, JsonValue>)['id'];
  return typeof id === 'string' ? id : null;
}

/**
 * The fields of a purge receipt (`docket.purge/v1`): the policy and its basis, the cutoff, the
 * checkpoint the purged leaves are under, and each purged leaf's index and RFC 6962 leaf hash.
 *
 * @example
 * const fields = toReceiptFields(plan, { size: 1200, root: 'base64…' });
 */
export function toReceiptFields(
  plan: PurgePlan,
  checkpoint: { size: number; root: string },
): Record<string, JsonValue> {
  return {
    policy: plan.policy.scope,
    policyEntry: plan.policy.id,
    max: plan.policy.max,
    basis: plan.policy.basis,
    cutoff: plan.cutoff,
    checkpoint,
    decisions: plan.decisions,
    indices: plan.indices,
    hashes: plan.hashes,
  };
}
