/** The change record: a deployment of an agent version, as a ledger entry. */
export {
  assertChangeRecord,
  ChangeInvalidError,
  CHANGE_SCHEMA_V1,
  checkChangeRecord,
} from './change.js';
export type { ChangeRecord } from './change.js';
