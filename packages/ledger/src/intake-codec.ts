import { deriveKey, open, seal } from '@docket/core';
import { DocketError } from '@docket/protocol';
import type { ErrorCode } from '@docket/protocol';
import type { IntakeRequest } from '@docket/store';
import { isEntryKind } from './entry-types.js';
import type { EntryBody } from './entry-types.js';
import { LedgerError } from './errors.js';

/**
 * A write request, as a replica of a shared log hands it to the sequencer through the intake: an
 * append of any kind of entry, or an erasure.
 */
export type IntakeBody =
  | EntryBody
  | {
      readonly kind: 'erase';
      readonly subjectId: string;
      readonly reason: string;
      /** The id the tombstone gets (the request's own id is `erase:` + this). */
      readonly tombstoneId: string;
    };

/** The result of an erasure, as the sequencer reports it (the ledger's `EraseResult`). */
export interface ErasedSubject {
  readonly subject: string;
  readonly keysDestroyed: number;
  readonly decisions: number;
  readonly tombstone: { id: string; index: number } | null;
}

/** How a request ended: an entry at `index` (new or earlier), or an erasure's result. */
export type Settled =
  | { readonly status: 'accepted' | 'duplicate'; readonly index: number }
  | { readonly erased: ErasedSubject };

/**
 * What the sequencer writes into `intake.outcome` for a request that did not become an entry of
 * its own. No personal data: an index, counts, or an error's code and message.
 */
export type IntakeOutcome =
  | { readonly status: 'duplicate'; readonly index: number }
  | { readonly erased: ErasedSubject }
  | {
      readonly error: {
        readonly code: ErrorCode;
        readonly message: string;
        readonly where?: string;
      };
    };

/**
 * Seals intake requests so the database never holds their content in clear: AES-256-GCM under a
 * key derived from the master key (which stays outside the database), with the log's origin, the
 * kind and the id as associated data, so a body can't be moved to another row or log unnoticed.
 *
 * @example
 * const sealer = new IntakeSealer(readMasterKey('.docket'), ledger.origin);
 * const request = sealer.seal(record.id, { kind: 'decision', record });
 * const body = sealer.open(request); // { kind: 'decision', record }
 */
export class IntakeSealer {
  readonly #key: Buffer;
  readonly #origin: string;

  constructor(master: Uint8Array, origin: string) {
    this.#key = deriveKey(master, 'docket/intake/v1');
    this.#origin = origin;
  }

  seal(id: string, body: IntakeBody): IntakeRequest {
    const plain = Buffer.from(JSON.stringify(body), 'utf8');
    return { id, kind: body.kind, body: seal(this.#key, plain, this.#aad(id, body.kind)) };
  }

  /** The request's body; `DECRYPT_FAILED` when sealed under another master key or changed. */
  open(request: IntakeRequest): IntakeBody {
    const plain = open(this.#key, request.body, this.#aad(request.id, request.kind));
    const body = JSON.parse(plain.toString('utf8')) as IntakeBody;
    if (body.kind !== request.kind || !(body.kind === 'erase' || isEntryKind(body.kind))) {
      throw new LedgerError('INTAKE_INVALID', `intake request ${request.id} has no known kind`, {
        where: request.id,
      });
    }
    return body;
  }

  #aad(id: string, kind: string): Buffer {
    return Buffer.from(`docket/intake/v1\n${this.#origin}\n${kind}\n${id}`, 'utf8');
  }
}

/**
 * The outcome to record for a refused request: its error's code, message and place.
 *
 * @example
 * const outcome = toErrorOutcome(new LedgerError('DECISION_NOT_FOUND', 'no entry x'));
 */
export function toErrorOutcome(error: unknown): IntakeOutcome {
  if (error instanceof DocketError) {
    return {
      error: {
        code: error.code,
        message: error.message,
        ...(error.where === undefined ? {} : { where: error.where }),
      },
    };
  }
  return { error: { code: 'INTERNAL_ERROR', message: String(error) } };
}
