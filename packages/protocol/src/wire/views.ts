/**
 * What the HTTP API answers (the OpenAPI document's components), declared once: the server builds
 * these, the SDK and the web UI read them. Types only: this module has no runtime code, so the
 * browser UI imports it with `import type` (see docs/decisions/0001-package-layout.md).
 */

/**
 * An inclusion proof of one entry in the tree of one size, with that tree's signed checkpoint
 * (RFC 9162 §2.1.3, c2sp.org/tlog-checkpoint). `receipt` of `GET /v1/decisions/{id}`, and the
 * answer of `GET /v1/decisions/{id}/proof`.
 *
 * @example
 * const { index, treeSize, leafHash, hashes, checkpoint } = proof;
 */
export interface InclusionProof {
  readonly index: number;
  readonly treeSize: number;
  /** Base64 RFC 6962 leaf hash. */
  readonly leafHash: string;
  /** Base64 inclusion proof hashes, leaf sibling first. */
  readonly hashes: readonly string[];
  /** The C2SP signed checkpoint of `treeSize`; null when no checkpoint of that size is kept. */
  readonly checkpoint: string | null;
}

/**
 * A decision's receipt as the SDK hands it out: its id with its {@link InclusionProof}.
 *
 * @example
 * const receipt: Receipt = { id, index: 7, treeSize: 8, leafHash, hashes, checkpoint };
 */
export interface Receipt extends InclusionProof {
  readonly id: string;
}

/**
 * An entry as the API shows it to a role (`EntryView` in the document): content about a subject
 * is withheld from roles that may not read it, and is null once the subject was erased.
 *
 * @example
 * const shown = view.withheld ? 'withheld' : view.erased ? 'erased' : view.content;
 */
export interface EntryView {
  readonly id: string;
  readonly index: number;
  /** One of the entry types (`docket.decision/v1`, `docket.event/v1`, …). */
  readonly type: string;
  readonly ts: string;
  /** The subject's pseudonym (hex HMAC), or null. */
  readonly subject: string | null;
  readonly erased: boolean;
  /** A retention purge removed the content (a purge receipt names it); distinct from `erased`. */
  readonly purged: boolean;
  readonly withheld: boolean;
  readonly content: Record<string, unknown> | null;
}

/**
 * The tombstone that erased a decision's subject, as `GET /v1/decisions/{id}` links it (the reason
 * only for roles that may read content).
 *
 * @example
 * if (view.erasure) console.log(`erased at ${view.erasure.ts} by entry ${view.erasure.index}`);
 */
export interface ErasureView {
  readonly id: string;
  readonly index: number;
  readonly ts: string;
  readonly reason?: string;
}

/**
 * `GET /v1/decisions/{id}`: the decision, its linked events, its receipt and, once its subject
 * was erased, the tombstone.
 *
 * @example
 * const view = (await res.json()) as DecisionView;
 */
export interface DecisionView extends EntryView {
  readonly events: readonly EntryView[];
  readonly receipt: InclusionProof;
  readonly erasure?: ErasureView | null;
}

/**
 * One log of a tenant in `GET /v1/log`: its origin, verifier key (Go note format), size and latest
 * signed checkpoint.
 *
 * @example
 * const { origin, vkey, checkpoint } = info.access;
 */
export interface LogView {
  readonly origin: string;
  readonly vkey: string;
  readonly size: number;
  readonly checkpoint: string;
}

/**
 * `GET /v1/log`: the tenant's decision log, and its access log under `access`.
 *
 * @example
 * const info = (await res.json()) as LogInfo;
 */
export interface LogInfo extends LogView {
  readonly tenant: string;
  readonly access: LogView;
}

/**
 * One entry of `GET /v1/entries`: its leaf bytes and, unless erased, its fields and salts, for a
 * remote audit that recomputes every leaf and commitment.
 *
 * @example
 * const leaf = Buffer.from(entry.leaf, 'base64');
 */
export interface LogEntry {
  readonly index: number;
  /** Base64 leaf bytes (the RFC 8785 envelope). */
  readonly leaf: string;
  readonly erased: boolean;
  readonly fields: Record<string, unknown> | null;
  readonly salts: Record<string, string> | null;
}

/**
 * `GET /v1/entries`: one page of a log's entries, oldest first; `next` is the index to ask from.
 *
 * @example
 * for (let from = 0; from !== null; ) ({ next: from } = await page(from));
 */
export interface EntriesPage {
  readonly log: 'decisions' | 'access';
  readonly entries: readonly LogEntry[];
  readonly next: number | null;
}
