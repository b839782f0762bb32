import { Buffer } from 'node:buffer';
import { signCheckpoint, verifyConsistency } from '@docket/core';
import type { Checkpoint, NoteSigner } from '@docket/core';
import { LedgerError } from './errors.js';

/**
 * Signs checkpoints for one log, and only consistent extensions of the last one it signed
 * (C2SP tlog-checkpoint: "a log MUST NOT sign two checkpoints that are inconsistent"). It checks a
 * consistency proof the way a witness would, so a sequencer bug can't fork the log.
 *
 * @example
 * const signer = new CheckpointSigner(noteSigner, origin, last);
 * const note = signer.sign(next, proof);
 */
export class CheckpointSigner {
  readonly #signer: NoteSigner;
  readonly #origin: string;
  #last: Checkpoint | undefined;

  constructor(signer: NoteSigner, origin: string, last: Checkpoint | undefined) {
    this.#signer = signer;
    this.#origin = origin;
    this.#last = last;
  }

  get last(): Checkpoint | undefined {
    return this.#last;
  }

  /**
   * Signs `next` if `proof` shows it extends the last checkpoint; throws CHECKPOINT_NOT_CONSISTENT.
   * The signed checkpoint becomes the new "last" only on {@link commit}, once it is durable.
   */
  sign(next: Checkpoint, proof: readonly Uint8Array[]): string {
    if (next.origin !== this.#origin) {
      throw new LedgerError(
        'CHECKPOINT_NOT_CONSISTENT',
        `origin ${next.origin} is not this log's (${this.#origin})`,
      );
    }
    const last = this.#last;
    if (last !== undefined && last.size > 0) {
      if (next.size < last.size) {
        throw new LedgerError(
          'CHECKPOINT_NOT_CONSISTENT',
          `refusing to sign size ${next.size}: smaller than the last checkpoint (${last.size})`,
        );
      }
      try {
        verifyConsistency(last.size, next.size, proof, last.root, next.root);
      } catch (cause) {
        throw new LedgerError(
          'CHECKPOINT_NOT_CONSISTENT',
          `refusing to sign size ${next.size}: not a consistent extension of size ${last.size}`,
          { cause },
        );
      }
    } else if (last !== undefined && next.size === 0 && !Buffer.from(next.root).equals(last.root)) {
      throw new LedgerError('CHECKPOINT_NOT_CONSISTENT', 'two different roots for the empty tree');
    }
    return signCheckpoint(next, this.#signer);
  }

  /** Records that `next` (signed by {@link sign}) is now durable: later checkpoints must extend it. */
  commit(next: Checkpoint): void {
    this.#last = next;
  }
}
