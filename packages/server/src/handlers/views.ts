import { ENTRY_TYPES } from '@docket/core';
import type { ReadEntry } from '@docket/ledger';
import type { EntryView } from '@docket/protocol';
import { ServerError } from '../errors.js';
import { CONTENT_ROLES } from '../auth/roles.js';
import type { ApiKeyRole } from '../auth/roles.js';

/** An entry as the API shows it: a wire shape, declared once in `@docket/protocol`. */
export type { EntryView };

/**
 * The API view of an entry for a role: a decision's content is the record as it was sent;
 * content about a subject is withheld from roles that may not see it (reader).
 *
 * @example
 * const view = toEntryView(await ledger.read(id), 'auditor');
 */
export function toEntryView(entry: ReadEntry, role: ApiKeyRole): EntryView {
  const { envelope } = entry;
  const subject = envelope.subject ?? null;
  const withheld = subject !== null && !CONTENT_ROLES.includes(role);
  let content: Record<string, unknown> | null = null;
  if (!withheld && entry.fields !== null) {
    content =
      envelope.type === ENTRY_TYPES.decision
        ? {
            id: envelope.id,
            schema: ENTRY_TYPES.decision,
            ts: envelope.ts,
            ...(envelope.producer === undefined ? {} : { producer: envelope.producer }),
            ...entry.fields,
          }
        : { ...entry.fields };
  }
  return {
    id: envelope.id,
    index: entry.index,
    type: envelope.type,
    ts: envelope.ts,
    subject,
    erased: entry.erased,
    purged: entry.purged,
    withheld,
    content,
  };
}

const CURSOR = /^c1\.(\d{1,16})$/;

/**
 * An opaque page cursor: the index the next page starts before.
 *
 * @example
 * const next = toCursor(1234);
 */
export function toCursor(index: number): string {
  return Buffer.from(`c1.${index}`, 'utf8').toString('base64url');
}

/**
 * The index a cursor stands for; `CURSOR_INVALID` for anything this API did not make.
 *
 * @example
 * const before = fromCursor(params.cursor); // 1234
 */
export function fromCursor(cursor: string): number {
  const m = /^[A-Za-z0-9_-]*$/.test(cursor)
    ? CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
    : null;
  const index = m === null ? NaN : Number(m[1]);
  if (!Number.isSafeInteger(index)) {
    throw new ServerError('CURSOR_INVALID', 'not a cursor of this API (use a page’s `next`)', {
      where: 'query.cursor',
    });
  }
  return index;
}
