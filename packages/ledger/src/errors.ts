import { DocketError } from '@docket/protocol';

/**
 * Error of the ledger service: configuration (keys, data dir), refusal to sign or to start, an
 * unknown decision or subject.
 *
 * @example
 * throw new LedgerError('STORE_BEHIND_CHECKPOINT', 'store has 10 entries, checkpoint says 12');
 */
export class LedgerError extends DocketError {}
