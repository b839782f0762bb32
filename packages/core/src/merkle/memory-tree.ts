import { CoreError } from '../errors.js';
import { isCount } from './bits.js';
import { assertHashSize, HASH_SIZE, hashAdjacentChildren } from './hash.js';
import type { NodeReader } from './node-reader.js';
import {
  consistencyProof as consistencyProofFrom,
  inclusionProof as inclusionProofFrom,
  rootAt as rootAtFrom,
} from './proof.js';

/** Nodes of one level, `count` hashes back to back in a buffer that grows by doubling. */
interface Level {
  bytes: Buffer;
  count: number;
}

const INITIAL_CAPACITY = 1024; // nodes per level before the first doubling

/**
 * A whole tree in memory: every complete node of every level, for full audits and tests. Each
 * level is one contiguous buffer (about 64 bytes per leaf in all), not one object per node, so a
 * million leaves cost ~64 MB and no garbage-collector pressure. Buffers are limited to
 * `buffer.constants.MAX_LENGTH`, which bounds level 0 at that many bytes / 32 leaves.
 *
 * @example
 * const tree = new MemoryTree();
 * for (const entry of entries) tree.append(hashLeaf(entry));
 * const proof = tree.inclusionProof(3, tree.size);
 * verifyInclusion(3, tree.size, tree.getNode(0, 3), proof, tree.root());
 */
export class MemoryTree implements NodeReader {
  readonly #levels: Level[] = [];
  #size = 0;

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Appends one leaf hash and every node it completes. */
  append(leafHash: Uint8Array): void {
    assertHashSize(leafHash, 'leafHash');
    let level = 0;
    let index = this.#size;
    this.#store(level, leafHash);
    // RFC 6962 §2.1: a right child (odd index) completes its parent; the two children sit next to
    // each other in the level buffer, so the parent is one SHA-256 over 0x01 and 64 stored bytes.
    while (index % 2 === 1) {
      const parent = hashAdjacentChildren(this.#level(level).bytes, (index - 1) * HASH_SIZE);
      level += 1;
      index = (index - 1) / 2;
      this.#store(level, parent);
    }
    this.#size += 1;
  }

  /** The RFC 6962 root of the whole tree; `EMPTY_ROOT` when empty. */
  root(): Buffer {
    return rootAtFrom(this.#size, this);
  }

  /** The RFC 6962 root of the first `size` leaves (`size <= this.size`). */
  rootAt(size: number): Buffer {
    this.#assertSize(size, 'size');
    return rootAtFrom(size, this);
  }

  /** A copy of the complete node at `level` / `index`; `PROOF_BAD_REQUEST` when not complete. */
  getNode(level: number, index: number): Buffer {
    const nodes = this.#levels[level];
    if (nodes === undefined || !isCount(index) || index >= nodes.count) {
      throw new CoreError('PROOF_BAD_REQUEST', `no complete node ${level}/${index}`, {
        where: `node ${level}/${index}`,
      });
    }
    const offset = index * HASH_SIZE;
    return Buffer.from(nodes.bytes.subarray(offset, offset + HASH_SIZE));
  }

  /** Inclusion proof of leaf `index` in the tree of the first `size` leaves (`size <= this.size`). */
  inclusionProof(index: number, size: number): Buffer[] {
    this.#assertSize(size, 'size');
    return inclusionProofFrom(index, size, this);
  }

  /** Consistency proof from the first `size1` to the first `size2` leaves (`size2 <= this.size`). */
  consistencyProof(size1: number, size2: number): Buffer[] {
    this.#assertSize(size2, 'size2');
    return consistencyProofFrom(size1, size2, this);
  }

  #assertSize(size: number, where: string): void {
    if (!isCount(size) || size > this.#size) {
      throw new CoreError('PROOF_BAD_REQUEST', `size ${size} is not in [0, ${this.#size}]`, {
        where,
      });
    }
  }

  #level(level: number): Level {
    let nodes = this.#levels[level];
    if (nodes === undefined) {
      nodes = { bytes: Buffer.allocUnsafe(INITIAL_CAPACITY * HASH_SIZE), count: 0 };
      this.#levels[level] = nodes;
    }
    return nodes;
  }

  #store(level: number, hash: Uint8Array): void {
    const nodes = this.#level(level);
    const offset = nodes.count * HASH_SIZE;
    if (offset === nodes.bytes.length) {
      const grown = Buffer.allocUnsafe(2 * nodes.bytes.length);
      nodes.bytes.copy(grown, 0, 0, offset);
      nodes.bytes = grown;
    }
    nodes.bytes.set(hash, offset);
    nodes.count += 1;
  }
}
