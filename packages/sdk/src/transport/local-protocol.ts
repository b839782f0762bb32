/** Messages between local mode's transport (host thread) and its ledger worker. */
import type { ErrorCode } from '@docket/protocol';
import type { InclusionProof, ItemResult } from './transport.js';

/**
 * What the worker is started with.
 *
 * @example
 * const data: LocalWorkerData = { dataDir: './.docket', ledgerUrl: import.meta.resolve('@docket/ledger') };
 */
export interface LocalWorkerData {
  readonly dataDir: string;
  /** URL of `@docket/ledger`'s entry point, as resolved from the SDK. */
  readonly ledgerUrl: string;
}

/**
 * A request to the worker; `n` pairs it with its response.
 *
 * @example
 * const request: LocalRequest = { n: 1, op: 'send', records: ['{…}'], reports: [] };
 */
export type LocalRequest =
  | {
      readonly n: number;
      readonly op: 'send';
      readonly records: readonly string[];
      readonly reports: readonly string[];
    }
  | { readonly n: number; readonly op: 'proof'; readonly id: string }
  | { readonly n: number; readonly op: 'close' };

/**
 * The worker's answer to request `n`.
 *
 * @example
 * const response: LocalResponse = { n: 1, ok: true, results: [], reportResults: [] };
 */
export type LocalResponse =
  | {
      readonly n: number;
      readonly ok: true;
      readonly results?: ItemResult[];
      readonly reportResults?: ItemResult[];
      readonly proof?: InclusionProof;
    }
  | { readonly n: number; readonly ok: false; readonly code: ErrorCode; readonly message: string };
