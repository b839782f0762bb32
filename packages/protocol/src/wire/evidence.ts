/**
 * The leaf envelope, the evidence bundle and the parsed checkpoint, declared once: `@docket/core`
 * makes and checks them in Node, the web UI's verifier checks them in the browser. Types only
 * (see ./views.ts).
 */
import type { JsonValue } from '../decision/json-value.js';

/**
 * The leaf of the Merkle tree is the RFC 8785 canonical form of this small envelope. It carries no
 * personal data: only salted commitments to the content, and a keyed pseudonym of the subject.
 *
 * @example
 * const envelope: LeafEnvelope = { type: 'docket.decision/v1', index: 0, id, ts, commitments };
 */
export interface LeafEnvelope {
  /** One of the entry types (`ENTRY_TYPES` of `@docket/core`). */
  readonly type: string;
  /** Position in the log; part of the leaf so reordering is detected as such. */
  readonly index: number;
  /** Entry id (UUIDv7 for decisions): the idempotency key. */
  readonly id: string;
  /** RFC 3339 time the producer gave (decisions) or the ledger assigned (tombstones). */
  readonly ts: string;
  /**
   * RFC 3339 time the server received the entry (its sequencer's clock when it admitted it), so
   * the skew between a producer's `ts` and the server is measurable. Absent in entries written
   * before receive times were recorded.
   */
  readonly rt?: string;
  readonly producer?: { readonly id: string; readonly seq: number };
  /** HMAC-SHA-256 pseudonym of the subject (hex). */
  readonly subject?: string;
  /** Id of the subject data key that encrypts the content. */
  readonly kid?: string;
  /** Field name → base64 SHA-256 salted commitment (`commitField` of `@docket/core`). */
  readonly commitments: Readonly<Record<string, string>>;
}

/**
 * A field revealed to the holder of a bundle, with the salt that opens its commitment.
 *
 * @example
 * const field: DisclosedField = { value: { action: 'approve' }, salt: 'q3l0…' };
 */
export interface DisclosedField {
  readonly value: JsonValue;
  /** Base64, 16 bytes. */
  readonly salt: string;
}

/**
 * Evidence for one entry (`docket.bundle/v1`), verifiable offline with nothing but this file and
 * the log's vkey: the leaf envelope, the disclosed fields, and a c2sp.org/tlog-proof (index,
 * inclusion proof, signed checkpoint). See docs/proof-format.md.
 *
 * @example
 * const bundle = JSON.parse(text) as EvidenceBundle;
 */
export interface EvidenceBundle {
  /** Format tag (`BUNDLE_FORMAT` of `@docket/core`); bumped on any incompatible change. */
  readonly format: 'docket.bundle/v1';
  /** Log origin (informational: verification uses the key the verifier brings). */
  readonly origin: string;
  /** The log's verifier key as the exporter knew it (informational, as origin). */
  readonly vkey: string;
  readonly exportedAt: string;
  readonly envelope: LeafEnvelope;
  readonly disclosed: Readonly<Record<string, DisclosedField>>;
  /**
   * True when the subject was erased: nothing can be disclosed any more. Not trusted as such: a
   * verifier derives it from `erasure` and reports a flag that disagrees.
   */
  readonly erased: boolean;
  /** The proof, as a c2sp.org/tlog-proof@v1 text. */
  readonly proof: string;
  /**
   * When erased: the tombstone that erased the subject (a later entry of the same subject) and
   * its inclusion proof under the same checkpoint as `proof`.
   */
  readonly erasure?: BundleErasure;
}

/** The signed evidence of an erasure: the tombstone's leaf envelope and its tlog-proof. */
export interface BundleErasure {
  readonly envelope: LeafEnvelope;
  readonly proof: string;
}

/**
 * A log's signed statement of its Merkle tree head (RFC 6962 root) at one size: the body of a
 * c2sp.org/tlog-checkpoint note, parsed.
 *
 * @example
 * const c: Checkpoint = { origin: 'example.com/log', size: 8, root, extensions: [] };
 */
export interface Checkpoint {
  /** The log's identity, e.g. `ledger.example.com/decisions/v1`. */
  readonly origin: string;
  /** Number of leaves. */
  readonly size: number;
  /** RFC 6962 root hash (32 bytes). */
  readonly root: Uint8Array;
  /** Opaque extra lines; non-empty. NOT RECOMMENDED by the spec, and Docket writes none. */
  readonly extensions: readonly string[];
}
