import { existsSync, readFileSync } from 'node:fs';
import { openCheckpoint } from '@docket/core';
import type { Checkpoint, NoteVerifier } from '@docket/core';
import { writeFileDurable } from './data-dir.js';

/**
 * The checkpoint last published in the data directory's `checkpoint` file, or undefined when
 * there is none. Throws (`NOTE_*`, `CHECKPOINT_*`) when the file does not verify under the log key.
 *
 * @example
 * const published = readPublishedCheckpoint(paths.checkpoint, verifier);
 */
export function readPublishedCheckpoint(
  path: string,
  verifier: NoteVerifier,
): Checkpoint | undefined {
  if (!existsSync(path)) return undefined;
  return openCheckpoint(readFileSync(path, 'utf8'), verifier).checkpoint;
}

/**
 * Publishes a checkpoint of a shared log in the `checkpoint` file unless the file already holds
 * one at least as large: several processes (replicas on one data directory, or a sequencer that
 * lost its lease finishing a write late) must not move it back. Atomic and durable (temp file,
 * fsync, rename, fsync of the directory); the temp name is random, as process ids repeat across
 * containers. A race between two writers can still leave the smaller of two sizes (both are
 * committed checkpoints of one log): the file is a lower bound, and the next flush raises it.
 *
 * @example
 * publishNewerCheckpoint(paths.checkpoint, note, 42, verifier);
 */
export function publishNewerCheckpoint(
  path: string,
  note: string,
  size: number,
  verifier: NoteVerifier,
): void {
  let current: Checkpoint | undefined;
  try {
    current = readPublishedCheckpoint(path, verifier);
  } catch {
    // An unreadable file is replaced by a good one; a start-up check reports it otherwise.
    current = undefined;
  }
  if (current !== undefined && current.size >= size) return;
  writeFileDurable(path, note);
}
