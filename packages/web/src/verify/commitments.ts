/**
 * Docket's salted field commitments (see @docket/core `commitField` and docs/): a leaf commits to
 * each field of a record as SHA-256("docket/commit/v1\n" ‖ salt ‖ JCS([name, value])), so the
 * leaf holds no personal data and a field can be disclosed on its own.
 */
import { sha256, toBase64, utf8, requireBase64 } from './bytes.js';
import { canonicalize } from './jcs.js';

const COMMIT_PREFIX = utf8('docket/commit/v1\n');

/**
 * The base64 commitment to one field value under `salt` (base64).
 *
 * @example
 * await commitField('outcome', { action: 'approve' }, salt) === envelope.commitments.outcome;
 */
export async function commitField(name: string, value: unknown, salt: string): Promise<string> {
  const saltBytes = requireBase64(salt, `salt of ${name}`);
  return toBase64(await sha256(COMMIT_PREFIX, saltBytes, utf8(canonicalize([name, value]))));
}
