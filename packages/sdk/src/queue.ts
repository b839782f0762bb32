/** A bounded FIFO of serialized records: O(1) push and shift, no reallocation per item. */

/**
 * One captured record, serialized at capture time (later mutation cannot reach it): the
 * snapshot as the caller gave it, not yet redacted, checked or stamped with its producer.
 *
 * @example
 * const item: QueuedRecord = { id, seq: 7, json: '{"id":…}' };
 */
export interface QueuedRecord {
  readonly id: string;
  readonly seq: number;
  readonly json: string;
}

/**
 * A bounded FIFO: `push` refuses (returns false) when full, so the caller counts the drop.
 *
 * @example
 * const queue = new BoundedQueue<QueuedRecord>(10_000);
 * if (!queue.push(item)) dropped++;
 */
export class BoundedQueue<T> {
  readonly #items: (T | undefined)[];
  #head = 0;
  #size = 0;

  constructor(readonly capacity: number) {
    this.#items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.#size;
  }

  /** Adds `item` at the tail; false when the queue is full. */
  push(item: T): boolean {
    if (this.#size === this.capacity) return false;
    this.#items[(this.#head + this.#size) % this.capacity] = item;
    this.#size++;
    return true;
  }

  /** The head item without removing it. */
  peek(): T | undefined {
    return this.#size === 0 ? undefined : this.#items[this.#head];
  }

  /** Removes and returns the head item. */
  shift(): T | undefined {
    if (this.#size === 0) return undefined;
    const item = this.#items[this.#head];
    this.#items[this.#head] = undefined;
    this.#head = (this.#head + 1) % this.capacity;
    this.#size--;
    return item;
  }
}
