/**
 * Read access to the stored complete subtrees of a tree, so that roots and proofs can be built
 * from O(log n) stored nodes instead of from the leaves (RFC 6962 §2.1.1, §2.1.2).
 *
 * `getNode(level, index)` is the hash of the complete subtree covering the leaves
 * `[index * 2^level, (index + 1) * 2^level)`; level 0 holds the leaf hashes. It is synchronous
 * (stores are: better-sqlite3) and throws when the node is not stored.
 *
 * @example
 * const reader: NodeReader = { getNode: (level, index) => nodes.get(`${level}/${index}`)! };
 * const root = rootAt(5, reader);
 */
export interface NodeReader {
  getNode(level: number, index: number): Uint8Array;
}
