import { CoreError } from '../errors.js';
import { isCount, popCount } from './bits.js';
import { assertHashSize, EMPTY_ROOT, hashChildren } from './hash.js';

/** One complete subtree: its hash covers the leaves `[index * 2^level, (index + 1) * 2^level)`. */
export interface TreeNode {
  level: number;
  index: number;
  hash: Buffer;
}

/**
 * The growing tree reduced to its right edge: the hashes of the perfect subtrees that cover
 * `[0, size)`, biggest first (one per one bit of `size`, so O(log n) memory). Enough to append and to
 * compute the root; a store persists the nodes `append` returns to serve proofs later.
 *
 * @example
 * const range = new CompactRange();
 * const nodes = range.append(hashLeaf(Buffer.from('first'))); // [{ level: 0, index: 0, hash }]
 * const restored = new CompactRange(range.size, range.edge);
 * restored.root().equals(range.root()); // true
 */
export class CompactRange {
  #size: number;
  readonly #edge: Buffer[];

  /**
   * @param size number of leaves already in the tree.
   * @param edge the hashes of the perfect subtrees covering `[0, size)`, biggest first, as
   *   returned by {@link CompactRange.edge}.
   */
  constructor(size = 0, edge: readonly Uint8Array[] = []) {
    if (!isCount(size)) {
      throw new CoreError('MERKLE_BAD_STATE', `tree size ${size} is not a safe integer >= 0`, {
        where: 'size',
      });
    }
    // A tree of `size` leaves has one perfect subtree on its right edge per one bit of `size`.
    if (edge.length !== popCount(size)) {
      throw new CoreError(
        'MERKLE_BAD_STATE',
        `a tree of ${size} leaves has ${popCount(size)} edge hashes, got ${edge.length}`,
        { where: 'edge' },
      );
    }
    edge.forEach((hash, i) => {
      assertHashSize(hash, `edge[${i}]`);
    });
    this.#size = size;
    this.#edge = edge.map((hash) => Buffer.from(hash));
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.#size;
  }

  /** Copies of the right-edge hashes, biggest subtree first: store them to restore the range. */
  get edge(): readonly Buffer[] {
    return this.#edge.map((hash) => Buffer.from(hash));
  }

  /**
   * Appends one leaf hash. Returns every node this completes, the level-0 leaf node first, so a
   * store can persist them and later serve proofs through a {@link NodeReader}.
   */
  append(leafHash: Uint8Array): TreeNode[] {
    assertHashSize(leafHash, 'leafHash');
    if (this.#size >= Number.MAX_SAFE_INTEGER) {
      throw new CoreError('MERKLE_BAD_STATE', 'the tree is full (2^53 - 1 leaves)', {
        where: 'size',
      });
    }
    let hash: Buffer = Buffer.from(leafHash);
    let level = 0;
    let index = this.#size;
    const completed: TreeNode[] = [{ level, index, hash: Buffer.from(hash) }];
    // RFC 6962 §2.1: a node is complete once its right child is. While the new node is a right
    // child (odd index), its left sibling is the smallest subtree on the edge: merge them.
    while (index % 2 === 1) {
      const left = this.#edge.pop();
      if (left === undefined) throw new CoreError('MERKLE_BAD_STATE', 'right edge is too short');
      hash = hashChildren(left, hash);
      level += 1;
      index = (index - 1) / 2;
      completed.push({ level, index, hash: Buffer.from(hash) });
    }
    this.#edge.push(hash);
    this.#size += 1;
    return completed;
  }

  /** The RFC 6962 Merkle Tree Hash of `[0, size)`; {@link EMPTY_ROOT} for an empty tree. */
  root(): Buffer {
    // MTH(D[0:n]) = H(0x01 || MTH(D[0:k]) || MTH(D[k:n])) with the biggest perfect subtree on the
    // left (RFC 6962 §2.1), so the edge folds from the right.
    let root: Buffer | undefined;
    for (let i = this.#edge.length - 1; i >= 0; i--) {
      const hash = this.#edge[i] as Buffer;
      root = root === undefined ? Buffer.from(hash) : hashChildren(hash, root);
    }
    return root ?? Buffer.from(EMPTY_ROOT);
  }
}
