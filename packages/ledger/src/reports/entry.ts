import { ENTRY_TYPES } from '@docket/core';
import type { JsonValue } from '@docket/protocol';
import type { LedgerStore } from '@docket/store';
import type { EntryPool } from '../entry-pool.js';
import { LedgerError } from '../errors.js';

/** The record of a compliance report in its log (`docket.compliance-report/v1`). */
export interface ComplianceReportEntry {
  /** The report's id (UUIDv7): the idempotency key. */
  readonly id: string;
  readonly ts: string;
  /** `reportType`, `params`, `digest` of the JSON, `actor`, `purpose`. Stored in clear. */
  readonly fields: Record<string, JsonValue>;
}

/** The append request of a compliance report's record (a variant of `EntryBody`). */
export type ComplianceReportBody = { readonly kind: 'compliance-report' } & ComplianceReportEntry;

/**
 * Admits a compliance report's record: a duplicate (same id, same type) gives the earlier index,
 * `ID_CONFLICT` when another kind of entry has the id. It names no data subject (a subject's
 * report carries the pseudonym in its parameters), so it is stored in clear like a change.
 */
export async function admitComplianceReport(
  ctx: { readonly store: LedgerStore; readonly pool: EntryPool },
  id: string,
  { ts, fields }: ComplianceReportBody,
): Promise<{ index: number; fresh: boolean }> {
  const existing = await ctx.store.getEntryById(id);
  if (existing !== undefined) {
    if (existing.type === ENTRY_TYPES.complianceReport)
      return { index: existing.index, fresh: false };
    throw new LedgerError('ID_CONFLICT', `id ${id} is already used by entry ${existing.index}`, {
      where: 'id',
    });
  }
  return {
    index: await ctx.pool.enqueue({ type: ENTRY_TYPES.complianceReport, id, ts, fields }),
    fresh: true,
  };
}
