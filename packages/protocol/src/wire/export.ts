import type { JsonValue } from '../decision/json-value.js';
import type { LeafEnvelope } from './evidence.js';

/**
 * Which decisions a bulk export holds: every filter given must match (agent id and version, the
 * subject's own id, the producer time `ts` in `[from, to)`).
 *
 * @example
 * const selection: ExportSelection = { agent: 'loan-approver', from: '2024-01-01T00:00:00.000Z' };
 */
export interface ExportSelection {
  readonly agent?: string;
  readonly version?: string;
  readonly subject?: string;
  /** Inclusive lower bound of the decision's `ts` (RFC 3339). */
  readonly from?: string;
  /** Exclusive upper bound of the decision's `ts` (RFC 3339). */
  readonly to?: string;
}

/**
 * First line of a `docket.export/v1` JSON Lines file. With proofs it carries the signed checkpoint
 * every record's inclusion proof leads to.
 *
 * @example
 * const header = JSON.parse(firstLine) as ExportHeader;
 */
export interface ExportHeader {
  readonly format: 'docket.export/v1';
  readonly origin: string;
  readonly vkey: string;
  readonly exportedAt: string;
  readonly selection: ExportSelection;
  /** The signed checkpoint note (present with proofs). */
  readonly checkpoint?: string;
  /** Size of the tree of `checkpoint`: entries at or past it are not exported. */
  readonly treeSize: number;
}

/**
 * What proves one exported entry: its leaf envelope, the salts that open its commitments, and its
 * inclusion proof (base64 hashes) in the tree of the header's checkpoint.
 */
export interface ExportProof {
  readonly envelope: LeafEnvelope;
  /** Field name → base64 salt (null when the content was erased or purged). */
  readonly salts: Readonly<Record<string, string>> | null;
  readonly hashes: readonly string[];
}

/** An event of an exported decision (an effect, override or outcome update). */
export interface ExportEvent {
  readonly id: string;
  readonly index: number;
  readonly ts: string;
  /** The event's fields (`kind`, `actor`, `outcome`…); null when erased. */
  readonly fields: Readonly<Record<string, JsonValue>> | null;
  readonly proof?: ExportProof;
}

/**
 * The decision's outcome after every override and outcome update: the last event that gave an
 * outcome, else the decision's own.
 */
export interface ExportFinalOutcome {
  readonly action: string | null;
  /** The actor of the event that set it (null: the agent's own outcome). */
  readonly by: string | null;
  /** When that event happened (null: the agent's own outcome). */
  readonly at: string | null;
  readonly overridden: boolean;
}

/** One decision line of a `docket.export/v1` file. */
export interface ExportRecord {
  readonly id: string;
  readonly index: number;
  readonly ts: string;
  readonly erased: boolean;
  /** The committed fields of the decision as sent (null when erased or purged). */
  readonly fields: Readonly<Record<string, JsonValue>> | null;
  readonly finalOutcome: ExportFinalOutcome | null;
  readonly events: readonly ExportEvent[];
  readonly proof?: ExportProof;
}

/** Last line of a `docket.export/v1` file: without it the file was cut short. */
export interface ExportTrailer {
  readonly end: 'docket.export/v1';
  readonly count: number;
}
