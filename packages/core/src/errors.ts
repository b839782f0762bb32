import { DocketError } from '@docket/protocol';

/**
 * Error of the core package: a proof, signature, note, checkpoint or bundle that does not verify
 * or does not parse. `verify*` functions throw it; `check*` functions return its issues.
 *
 * @example
 * throw new CoreError('INCLUSION_PROOF_INVALID', 'root mismatch', { where: 'leaf 3' });
 */
export class CoreError extends DocketError {}
