import type { JsonValue, LeafEnvelope } from '@docket/protocol';

/** The `format` of a compliance report's JSON (the source of truth of every other format). */
export const COMPLIANCE_REPORT_FORMAT = 'docket.compliance-report/v1';

/** The report types this version generates (COMPLIANCE.md §8: R15, R1, R5). */
export const REPORT_TYPES = ['integrity', 'eu-ai-act-art12', 'explanation'] as const;

/** One of {@link REPORT_TYPES}. */
export type ReportType = (typeof REPORT_TYPES)[number];

/**
 * How much evidence a report carries. `full`: every leaf of the period's index range (fields the
 * report reads disclosed), so every count is recomputable; `cited`: only the records it cites,
 * each with an inclusion proof (counts over the population are then stated, not recomputable).
 */
export type EvidenceLevel = 'full' | 'cited';

/** What a report is about: its type, period, scope and evidence level. */
export interface ReportParams {
  readonly type: ReportType;
  /** Inclusive start of the period (RFC 3339), by the server's receive time; absent: the start. */
  readonly from?: string;
  /** Exclusive end of the period (RFC 3339); absent: the latest checkpoint. */
  readonly to?: string;
  /** Only this agent's decisions (by `agent.id`). */
  readonly agent?: string;
  /** The data subject's pseudonym (`explanation`): the leaves' `subject`. */
  readonly subjectRef?: string;
  readonly evidence: EvidenceLevel;
}

/** A record a claim rests on: its id, leaf index and base64 RFC 6962 leaf hash. */
export interface RecordRef {
  readonly id: string;
  readonly index: number;
  readonly leafHash: string;
}

/**
 * A claim's status. `customer-document-required`: the records can't show it, the customer's own
 * document must; `not-evidenced`: Docket does not record it (yet); `info`: a figure, no verdict.
 */
export type ClaimStatus =
  'pass' | 'gap' | 'not-applicable' | 'customer-document-required' | 'not-evidenced' | 'info';

/** One figure or finding of a report with the records behind it. */
export interface Claim {
  /** Stable id within its section (`art12.row07`, `integrity.producers`). */
  readonly id: string;
  readonly title: string;
  /** The provision it answers (`Art. 12(3)(a)`), when it answers one. */
  readonly source?: string;
  readonly status: ClaimStatus;
  /** The finding in plain language. */
  readonly finding: string;
  /** The figure (a count, a table), recomputable from the evidence. */
  readonly value: JsonValue;
  /** The records behind it (at most {@link MAX_CITED} per claim; `value` holds the full counts). */
  readonly records: readonly RecordRef[];
}

/** At most this many records are cited per claim (the figure still counts all of them). */
export const MAX_CITED = 25;

/** One section: the report type's body, or the integrity attestation attached to it. */
export interface ReportSection {
  readonly type: ReportType;
  readonly title: string;
  readonly claims: readonly Claim[];
}

/** A disclosed field of a leaf: its value and the salt that opens its commitment. */
export interface DisclosedValue {
  readonly value: JsonValue;
  readonly salt: string;
}

/** One leaf of the evidence: its envelope and the fields disclosed. */
export interface EvidenceLeaf {
  readonly envelope: LeafEnvelope;
  /** Fields the report reads, each opening its commitment in the envelope. */
  readonly disclosed?: Readonly<Record<string, DisclosedValue>>;
  /** True when the content was erased (its subject's key destroyed): nothing can be disclosed. */
  readonly erased?: true;
  /** Inclusion proof in the checkpoint's tree (base64): leaves outside the proven range only. */
  readonly proof?: readonly string[];
}

/** What the report was computed against, and what proves its population. */
export interface ReportEvidence {
  readonly level: EvidenceLevel;
  /** The C2SP signed checkpoint every proof leads to. */
  readonly checkpoint: string;
  readonly treeSize: number;
  /**
   * The period's index range `[start, end)`. With `full`, every leaf of it is in `leaves` in
   * order; `startProof` (the inclusion proof of leaf `start`) gives the tree left of it, and
   * `consistency` (from `end` to `treeSize`) shows the range is exactly that part of the tree.
   */
  readonly range: { readonly start: number; readonly end: number };
  readonly startProof: readonly string[];
  readonly consistency: readonly string[];
  /** `full`: the range's leaves, then other leaves (with proofs); `cited`: cited leaves. */
  readonly leaves: readonly EvidenceLeaf[];
}

/** The entry that records a report in its log: `digest` is over the report without `record`. */
export interface ReportRecord {
  readonly id: string;
  readonly index: number;
  /** `sha256:<hex>` of the RFC 8785 bytes of the report without `record`. */
  readonly digest: string;
}

/** A compliance report (`docket.compliance-report/v1`): findings first, evidence after. */
export interface ComplianceReport {
  readonly format: typeof COMPLIANCE_REPORT_FORMAT;
  readonly id: string;
  readonly type: ReportType;
  readonly title: string;
  readonly params: ReportParams;
  /** When it was generated: ages (retention) are computed against it. */
  readonly generatedAt: string;
  readonly generator: string;
  readonly log: { readonly origin: string; readonly vkey: string };
  /** For the data subject of an `explanation` report: the id they gave. */
  readonly subjectId?: string;
  /** Plain-language findings, first thing a reader sees. */
  readonly summary: readonly string[];
  /** What the report does not cover (a scope boundary, never auto-filled). */
  readonly scopeBoundary: readonly string[];
  readonly sections: readonly ReportSection[];
  /** The command that checks this file offline. */
  readonly verifyCommand: string;
  readonly evidence: ReportEvidence;
  /** The report's own log entry (absent until it is recorded). */
  readonly record?: ReportRecord;
}
