export {
  checkCommitments,
  commitField,
  createCommitments,
  ENTRY_TYPES,
  ENVELOPE_FIELDS,
  parseLeafEnvelope,
  SALT_SIZE,
  toLeafBytes,
  toLeafEnvelope,
} from './envelope.js';
export type { Commitments, EntryType, LeafEnvelope } from './envelope.js';
