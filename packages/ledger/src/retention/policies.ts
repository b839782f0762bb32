import { ENTRY_TYPES } from '@docket/core';
import type { JsonValue } from '@docket/protocol';
import type { EntryWithContent, LedgerStore } from '@docket/store';
import { LedgerError } from '../errors.js';
import { cutoffOf, isShorter, parseDuration } from './duration.js';

/** A retention policy to set: for the whole tenant (its log), or for one agent. */
export interface RetentionInput {
  /** The agent it applies to; absent: every decision of the tenant. */
  readonly agent?: string;
  /** Keep at least this long (`6mo`, `6y`); no purge, no erasure before. */
  readonly min?: string;
  /** Keep at most this long (`30d`): content older is purged unless on hold. */
  readonly max: string;
  /** The legal basis, as text (`EU AI Act Art. 19(1)`, `GDPR Art. 5(1)(e)`). */
  readonly basis: string;
}

/** A retention policy in force, as its latest `docket.retention/v1` entry set it. */
export interface RetentionPolicy {
  /** `tenant`, or `agent:<id>`: one policy per scope, a later one replaces it. */
  readonly scope: string;
  readonly agent: string | null;
  readonly min: string | null;
  readonly max: string;
  readonly basis: string;
  /** The entry that set it. */
  readonly id: string;
  readonly index: number;
  readonly ts: string;
}

/** The retention that applies to one agent's decisions: every policy in force over them. */
export interface EffectiveRetention {
  /** The policies that apply (tenant-wide, then the agent's). */
  readonly policies: readonly RetentionPolicy[];
  /** Decisions older than this are kept at least until then: the longest minimum's cutoff. */
  readonly minCutoff: Date | null;
  /** Content of decisions older than this is purged (unless held): the shortest maximum's. */
  readonly maxCutoff: Date | null;
}

/** The scope key of a policy: one policy per scope. */
export const scopeOf = (agent: string | null | undefined): string =>
  agent === undefined || agent === null ? 'tenant' : `agent:${agent}`;

/**
 * Checks a policy to set and returns the fields of its entry: `RETENTION_INVALID` for a bad
 * duration, a blank basis, or a maximum shorter than the minimum; `RETENTION_CONFLICT` when,
 * with the policies in force over the same decisions (tenant-wide and per agent), the shortest
 * maximum would come before the longest minimum (records would have to be purged while they
 * must be kept).
 *
 * @example
 * const fields = checkRetentionInput({ max: '6y', min: '6mo', basis: 'HIPAA' }, current, new Date());
 */
export function checkRetentionInput(
  input: RetentionInput,
  current: readonly RetentionPolicy[],
  now: Date,
): Record<string, JsonValue> {
  const max = parseDuration(input.max, 'max');
  const min = input.min === undefined ? undefined : parseDuration(input.min, 'min');
  if (typeof input.basis !== 'string' || input.basis.trim() === '') {
    throw new LedgerError('RETENTION_INVALID', 'a retention policy needs its legal basis', {
      where: 'basis',
    });
  }
  if (input.agent !== undefined && (typeof input.agent !== 'string' || input.agent === '')) {
    throw new LedgerError('RETENTION_INVALID', 'the agent must be a non-empty id', {
      where: 'agent',
    });
  }
  if (min !== undefined && isShorter(max, min, now)) {
    throw new LedgerError(
      'RETENTION_INVALID',
      `the maximum (${input.max}) is shorter than the minimum (${input.min ?? ''})`,
      { where: 'max' },
    );
  }
  const scope = scopeOf(input.agent);
  const proposed: RetentionPolicy = {
    scope,
    agent: input.agent ?? null,
    min: input.min ?? null,
    max: input.max,
    basis: input.basis,
    id: '',
    index: -1,
    ts: now.toISOString(),
  };
  const others = current.filter((p) => p.scope !== scope);
  // The agents whose decisions the new policy meets another one over: all of them for a
  // tenant-wide policy (each agent policy), else the tenant-wide one.
  const groups =
    proposed.agent === null
      ? others.map((p) => [proposed, p])
      : others.filter((p) => p.agent === null).map((p) => [p, proposed]);
  for (const group of groups) {
    const eff = effectiveOf(group, now);
    if (eff.minCutoff !== null && eff.maxCutoff !== null && eff.maxCutoff > eff.minCutoff) {
      const longest = group.find(
        (p) =>
          p.min !== null &&
          cutoffOf(now, parseDuration(p.min)).getTime() === eff.minCutoff!.getTime(),
      )!;
      const shortest = group.find(
        (p) => cutoffOf(now, parseDuration(p.max)).getTime() === eff.maxCutoff!.getTime(),
      )!;
      throw new LedgerError(
        'RETENTION_CONFLICT',
        `overlapping policies: ${shortest.scope} keeps at most ${shortest.max}, but ${longest.scope} keeps at least ${longest.min ?? ''}`,
        { where: proposed.agent === null ? 'max' : 'agent' },
      );
    }
  }
  return {
    scope,
    ...(input.agent === undefined ? {} : { agent: input.agent }),
    ...(input.min === undefined ? {} : { min: input.min }),
    max: input.max,
    basis: input.basis,
  };
}

/** The longest minimum and shortest maximum of a group of policies over the same decisions. */
function effectiveOf(policies: readonly RetentionPolicy[], now: Date): EffectiveRetention {
  let minCutoff: Date | null = null;
  let maxCutoff: Date | null = null;
  for (const p of policies) {
    if (p.min !== null) {
      const c = cutoffOf(now, parseDuration(p.min));
      if (minCutoff === null || c < minCutoff) minCutoff = c;
    }
    const c = cutoffOf(now, parseDuration(p.max));
    if (maxCutoff === null || c > maxCutoff) maxCutoff = c;
  }
  return { policies, minCutoff, maxCutoff };
}

/**
 * The retention in force over one agent's decisions (`agent` null: a decision of no known agent):
 * the tenant-wide policy and the agent's own, the longest minimum and the shortest maximum.
 *
 * @example
 * const { maxCutoff } = effectiveRetention(policies, 'loan-agent', new Date());
 */
export function effectiveRetention(
  policies: readonly RetentionPolicy[],
  agent: string | null,
  now: Date,
): EffectiveRetention {
  return effectiveOf(
    policies.filter((p) => p.agent === null || (agent !== null && p.agent === agent)),
    now,
  );
}

/**
 * The policies in force in a log: for each scope, the latest `docket.retention/v1` entry.
 *
 * @example
 * const policies = await readRetentionPolicies(store);
 */
export async function readRetentionPolicies(store: LedgerStore): Promise<RetentionPolicy[]> {
  const byScope = new Map<string, RetentionPolicy>();
  for (const entry of await store.entriesByType(ENTRY_TYPES.retention)) {
    const f = plainFields(entry);
    if (f === null || typeof f['scope'] !== 'string' || typeof f['max'] !== 'string') continue;
    byScope.set(f['scope'], {
      scope: f['scope'],
      agent: typeof f['agent'] === 'string' ? f['agent'] : null,
      min: typeof f['min'] === 'string' ? f['min'] : null,
      max: f['max'],
      basis: typeof f['basis'] === 'string' ? f['basis'] : '',
      id: entry.id,
      index: entry.index,
      ts: entry.ts,
    });
  }
  return [...byScope.values()].sort((a, b) => a.scope.localeCompare(b.scope));
}

/**
 * The fields of an entry stored in clear (no subject key): policies, holds and purge receipts
 * carry no personal data. Null when it has no content.
 */
export function plainFields(entry: EntryWithContent): Record<string, JsonValue> | null {
  if (entry.content === null || entry.kid !== null) return null;
  const parsed = JSON.parse(Buffer.from(entry.content).toString('utf8')) as {
    fields?: Record<string, JsonValue>;
  };
  return parsed.fields ?? null;
}
