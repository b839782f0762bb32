/** The delivery port: how batches reach a ledger (HTTP today; an embedded ledger in local mode). */
import type { InclusionProof } from '@docket/protocol';
import type { SdkError } from '../errors.js';

/**
 * One batch, already serialized: `records` is the JSON text of each record, in producer order,
 * `seqs` their producer seqs; `reports` the JSON text of producer reports
 * (`docket.producer-report/v1`: losses since the previous report) to deliver with it.
 *
 * @example
 * const batch: Batch = { ids: [id], seqs: [0], records: [JSON.stringify(record)] };
 */
export interface Batch {
  readonly ids: readonly string[];
  readonly seqs: readonly number[];
  readonly records: readonly string[];
  readonly reports?: readonly string[];
}

/**
 * The ledger's answer for one record of a batch (`ItemResult` in the OpenAPI document).
 *
 * @example
 * const item: ItemResult = { status: 'accepted', position: 0, id, index: 41 };
 */
export interface ItemResult {
  readonly status: 'accepted' | 'duplicate' | 'rejected';
  readonly position: number;
  readonly id?: string;
  readonly index?: number;
  readonly code?: string;
  readonly message?: string;
}

/**
 * Outcome of one delivery attempt. `retryable` failures are retried (then spooled); others are
 * final and counted as failed.
 *
 * @example
 * const sent: SendResult = { ok: false, retryable: true, retryAfterMs: 1000, error };
 */
export type SendResult =
  | {
      readonly ok: true;
      readonly results: readonly ItemResult[];
      /** One per report of the batch, when it had any. */
      readonly reportResults?: readonly ItemResult[];
    }
  | {
      readonly ok: false;
      readonly retryable: boolean;
      readonly retryAfterMs?: number;
      readonly error: SdkError;
    };

/** An inclusion proof: a wire shape, declared once in `@docket/protocol`. */
export type { InclusionProof };

/**
 * Outcome of a proof request.
 *
 * @example
 * if (result.ok) verify(result.proof);
 */
export type ProofResult =
  | { readonly ok: true; readonly proof: InclusionProof }
  | { readonly ok: false; readonly error: SdkError };

/**
 * Port between the SDK and a ledger. Implementations never throw: every failure is a result.
 *
 * @example
 * const transport: Transport = { send: async () => ({ ok: true, results: [] }), proof: async () => ({ ok: false, error }) };
 */
export interface Transport {
  /** Delivers one batch; resolves once the accepted records are durable. */
  send(batch: Batch, signal: AbortSignal): Promise<SendResult>;
  /** The inclusion proof of a record by id. */
  proof(id: string, signal: AbortSignal): Promise<ProofResult>;
  /** Releases what the transport holds (an embedded ledger's worker); after the last send. */
  close?(): Promise<void>;
}
