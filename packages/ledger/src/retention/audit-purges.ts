import type { Issue } from '@docket/protocol';
import type { EntryWithContent } from '@docket/store';
import { plainFields } from './policies.js';

/** How many issues about purge receipts an audit lists (the rest are counted in one more). */
const MAX_LISTED = 1000;

/**
 * The audit's check of purge receipts, both ways, in one pass over the log: content missing from
 * an entry is held until a later `docket.purge/v1` receipt names that entry with its leaf hash
 * (receipts always follow what they purge); a receipt naming an entry that still has its content
 * is an error, and so is content missing that no receipt explains (tampering).
 *
 * @example
 * const purges = new PurgeReceipts();
 * purges.contentMissing(entry.index, hashLeaf(entry.leaf));
 * issues.push(...purges.receipt(receiptEntry, seen), ...purges.unexplained());
 */
export class PurgeReceipts {
  /** Entries without content that no receipt has named yet → their leaf hash (hex). */
  readonly #missing = new Map<number, string>();
  /** Entries a receipt named whose content was indeed gone. */
  readonly #purged = new Set<number>();
  #issues = 0;

  /** Entries whose content a receipt accounts for. */
  get purged(): number {
    return this.#purged.size;
  }

  /** An entry (seen in index order) whose content is missing. */
  contentMissing(index: number, leafHash: Uint8Array): void {
    this.#missing.set(index, Buffer.from(leafHash).toString('hex'));
  }

  /** Checks a purge receipt against the entries before it; returns its issues. */
  receipt(entry: EntryWithContent, seen: ReadonlySet<number>): Issue[] {
    const where = `entry ${entry.index}`;
    const fields = plainFields(entry);
    const indices = fields?.['indices'];
    const hashes = fields?.['hashes'];
    if (!Array.isArray(indices) || !Array.isArray(hashes) || indices.length !== hashes.length) {
      return this.#cap([
        issue('PURGE_RECEIPT_MISMATCH', 'the purge receipt does not list its leaves', where),
      ]);
    }
    const out: Issue[] = [];
    indices.forEach((i: unknown, k) => {
      const hash: unknown = hashes[k];
      if (typeof i !== 'number' || typeof hash !== 'string' || i >= entry.index) {
        out.push(
          issue(
            'PURGE_RECEIPT_MISMATCH',
            `the receipt names ${String(i)}, which is not an entry before it`,
            where,
          ),
        );
        return;
      }
      const missing = this.#missing.get(i);
      if (missing !== undefined) {
        if (missing === hash) {
          this.#missing.delete(i);
          this.#purged.add(i);
        } else {
          out.push(
            issue(
              'PURGE_RECEIPT_MISMATCH',
              `the receipt names entry ${i} with leaf hash ${hash}, but that entry's leaf hashes to ${missing}`,
              where,
            ),
          );
        }
      } else if (!this.#purged.has(i) && seen.has(i)) {
        out.push(
          issue(
            'PURGE_RECEIPT_CONTENT_REMAINS',
            `the receipt says entry ${i} was purged, but its content is still stored`,
            `entry ${i}`,
          ),
        );
      }
    });
    return this.#cap(out);
  }

  /** Content missing that no receipt explains: removed without a receipt, or lost. */
  unexplained(): Issue[] {
    return this.#cap(
      [...this.#missing.keys()].map((i) =>
        issue(
          'CONTENT_MISSING',
          'the content of this entry is missing and no purge receipt names it',
          `entry ${i}`,
        ),
      ),
    );
  }

  #cap(issues: Issue[]): Issue[] {
    const room = Math.max(0, MAX_LISTED - this.#issues);
    this.#issues += issues.length;
    if (issues.length <= room) return issues;
    return [
      ...issues.slice(0, room),
      issue('AUDIT_TRUNCATED', `${issues.length - room} more purge issues were not listed`),
    ];
  }
}

function issue(code: Issue['code'], message: string, where?: string): Issue {
  return where === undefined
    ? { code, message, severity: 'error' }
    : { code, message, where, severity: 'error' };
}
