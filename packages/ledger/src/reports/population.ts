import { ENTRY_TYPES } from '@docket/core';
import type { JsonValue, LeafEnvelope } from '@docket/protocol';
import type { RecordRef, ReportParams } from './format.js';
import { MAX_CITED } from './format.js';

/**
 * One leaf as a report reads it: its envelope, leaf hash and the fields disclosed (null when its
 * content was erased). The generator builds these from the log, the verifier from the evidence:
 * the same computation over the same members gives the same figures.
 */
export interface Member {
  readonly index: number;
  /** Base64 RFC 6962 leaf hash. */
  readonly leafHash: string;
  readonly envelope: LeafEnvelope;
  readonly fields: Readonly<Record<string, JsonValue>> | null;
}

/** What every section's computation gets. */
export interface ReportInput {
  readonly params: ReportParams;
  /** The period's leaves (full evidence: all of them; cited: the cited ones), in index order. */
  readonly members: readonly Member[];
  /** Leaves outside the period the report cites (change records, the oldest record). */
  readonly context: readonly Member[];
  readonly treeSize: number;
  readonly range: { readonly start: number; readonly end: number };
  readonly origin: string;
  /** Signature lines on the checkpoint other than the log's own (witness cosignatures). */
  readonly cosignatures: number;
  readonly generatedAt: string;
}

const DECISION_READS = {
  'eu-ai-act-art12': [
    'agent',
    'model',
    'prompt',
    'policy',
    'outcome',
    'confidence',
    'human',
    'lineage',
    'correlation',
  ],
  explanation: [
    'agent',
    'model',
    'policy',
    'goal',
    'context',
    'alternatives',
    'reasoning',
    'outcome',
    'confidence',
    'human',
  ],
} as const;

/**
 * The fields of a leaf a report of these parameters reads (and so discloses): nothing of a
 * decision for the integrity attestation alone, the checklist's fields for Art. 12, and for an
 * explanation only the subject's own entries. Always a subset of the leaf's commitments.
 *
 * @example
 * disclosedFields(params, envelope); // ['agent', 'model', …]
 */
export function disclosedFields(params: ReportParams, envelope: LeafEnvelope): string[] {
  const wanted = new Set<string>();
  const own = params.subjectRef !== undefined && envelope.subject === params.subjectRef;
  switch (envelope.type) {
    case ENTRY_TYPES.decision:
      if (params.agent !== undefined) wanted.add('agent');
      if (params.type === 'eu-ai-act-art12')
        DECISION_READS[params.type].forEach((f) => wanted.add(f));
      if (params.type === 'explanation' && own)
        DECISION_READS.explanation.forEach((f) => wanted.add(f));
      break;
    case ENTRY_TYPES.event:
      if (params.agent !== undefined || params.type === 'eu-ai-act-art12') {
        ['decision', 'kind', 'actor'].forEach((f) => wanted.add(f));
      }
      if (params.type === 'explanation' && own) {
        ['decision', 'kind', 'actor', 'reason', 'outcome'].forEach((f) => wanted.add(f));
      }
      break;
    case ENTRY_TYPES.producer:
      ['producer', 'gaps', 'losses'].forEach((f) => wanted.add(f));
      break;
    case ENTRY_TYPES.change:
      ['agent', 'model', 'prompt', 'policy', 'author', 'approver'].forEach((f) => wanted.add(f));
      break;
    case ENTRY_TYPES.tombstone:
      if (own) wanted.add('reason');
      break;
    default:
      break;
  }
  return [...wanted].filter((f) => Object.hasOwn(envelope.commitments, f)).sort();
}

/** The record reference of a member. */
export const refOf = (m: Member): RecordRef => ({
  id: m.envelope.id,
  index: m.index,
  leafHash: m.leafHash,
});

/** References to at most {@link MAX_CITED} of these members. */
export const cite = (members: readonly Member[]): RecordRef[] =>
  members.slice(0, MAX_CITED).map(refOf);

/** The time a leaf is placed in a period by: the server's receive time, else its own time. */
export const timeOf = (envelope: LeafEnvelope): string => envelope.rt ?? envelope.ts;

/** A field of a member as an object, or undefined. */
export function objectField(m: Member, name: string): Record<string, JsonValue> | undefined {
  return asObject(m.fields?.[name]);
}

/** A JSON value as an array, or undefined when it is not one. */
export function asArray(v: JsonValue | undefined): readonly JsonValue[] | undefined {
  return Array.isArray(v) ? (v as readonly JsonValue[]) : undefined;
}

/** A JSON value as an object, or undefined when it is not one. */
export function asObject(v: JsonValue | undefined): Record<string, JsonValue> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, JsonValue>)
    : undefined;
}

/** A string at `path` in a member's fields, or undefined. */
export function stringAt(m: Member, ...path: string[]): string | undefined {
  let v: JsonValue | undefined = m.fields === null ? undefined : m.fields;
  for (const key of path) {
    const o = asObject(v);
    if (o === undefined) return undefined;
    v = o[key];
  }
  return typeof v === 'string' ? v : undefined;
}

/**
 * The members a report is about: with `agent`, only that agent's decisions, the events about
 * them and that agent's change records (everything else in the period is kept: producer reports,
 * tombstones, policies).
 */
export function inScope(params: ReportParams, members: readonly Member[]): Member[] {
  if (params.agent === undefined) return [...members];
  const decisions = new Set<string>();
  const out: Member[] = [];
  for (const m of members) {
    const type = m.envelope.type;
    if (type === ENTRY_TYPES.decision || type === ENTRY_TYPES.change) {
      if (stringAt(m, 'agent', 'id') !== params.agent) continue;
      if (type === ENTRY_TYPES.decision) decisions.add(m.envelope.id);
    } else if (type === ENTRY_TYPES.event) {
      if (!decisions.has(stringAt(m, 'decision') ?? '')) continue;
    }
    out.push(m);
  }
  return out;
}

/** Members of one entry type. */
export const ofType = (members: readonly Member[], type: string): Member[] =>
  members.filter((m) => m.envelope.type === type);
