/**
 * C2SP signed notes (c2sp.org/signed-note), Go-format note keys and tlog checkpoints
 * (c2sp.org/tlog-checkpoint).
 */
export {
  createNoteSigner,
  createNoteVerifier,
  generateSignerKey,
  keyIdFor,
  SIG_TYPE_ED25519,
} from './keys.js';
export type { NoteSigner, NoteVerifier } from './keys.js';
export { MAX_NOTE_SIGNATURES, openNote, parseNote, signNote } from './note.js';
export type { NoteSignature, OpenedNote } from './note.js';
export { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint.js';
export type { Checkpoint } from './checkpoint.js';
