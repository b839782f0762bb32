import { DocketError } from '@docket/protocol';

/**
 * Error of the store package: the database can't be opened, read or written.
 *
 * @example
 * throw new StoreError('STORE_IO', 'disk full', { cause });
 */
export class StoreError extends DocketError {}
