/**
 * Receipt waiters: which captured ids are still on their way, the ledger index of the delivered
 * ones (bounded), and the `receipt()` calls waiting for an id to be sequenced.
 */
import type { SdkError } from './errors.js';

/**
 * How a pending record ended: sequenced at `index`, or lost with `error`.
 *
 * @example
 * book.settle(id, { ok: true, index: 41 });
 */
export type Outcome =
  { readonly ok: true; readonly index: number } | { readonly ok: false; readonly error: SdkError };

/** Ids whose index is remembered for `receipt()` (oldest forgotten first). */
const MAX_KNOWN = 100_000;

/**
 * The receipt book of one client.
 *
 * @example
 * const book = new ReceiptBook();
 * book.track(id);
 * const outcome = await book.wait(id); // once the pump calls book.settle(id, …)
 */
export class ReceiptBook {
  readonly #pending = new Set<string>();
  readonly #known = new Map<string, number>();
  readonly #waiters = new Map<string, ((outcome: Outcome) => void)[]>();
  readonly #maxKnown: number;

  constructor(maxKnown: number = MAX_KNOWN) {
    this.#maxKnown = maxKnown;
  }

  /** Notes that `id` was captured and is on its way. */
  track(id: string): void {
    this.#pending.add(id);
  }

  /** Whether `id` was captured and has not been settled yet. */
  isPending(id: string): boolean {
    return this.#pending.has(id);
  }

  /** The ledger index of a delivered `id`, while it is remembered. */
  indexOf(id: string): number | undefined {
    return this.#known.get(id);
  }

  /** Resolves when `id` is settled (never rejects). */
  wait(id: string): Promise<Outcome> {
    return new Promise((resolve) => {
      const list = this.#waiters.get(id) ?? [];
      list.push(resolve);
      this.#waiters.set(id, list);
    });
  }

  /** Ends `id`'s journey: remembers its index when sequenced, resolves its waiters. */
  settle(id: string, outcome: Outcome): void {
    this.#pending.delete(id);
    if (outcome.ok) {
      this.#known.set(id, outcome.index);
      if (this.#known.size > this.#maxKnown) this.#known.delete(this.#known.keys().next().value!);
    }
    const list = this.#waiters.get(id);
    if (list === undefined) return;
    this.#waiters.delete(id);
    for (const resolve of list) resolve(outcome);
  }

  /** Settles every id someone waits for with `errorFor(id)` (at shutdown). */
  failWaiting(errorFor: (id: string) => SdkError): void {
    for (const id of [...this.#waiters.keys()]) this.settle(id, { ok: false, error: errorFor(id) });
  }
}
