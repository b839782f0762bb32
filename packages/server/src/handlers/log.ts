import type { EntriesPage, LogEntry, LogInfo, LogView } from '@docket/protocol';
import type { Handler } from '../http/context.js';
import { fromCursor, toCursor } from './views.js';

/** GET /v1/checkpoint: the latest signed checkpoint, as the C2SP note text. */
export const getCheckpoint: Handler = async (ctx) => {
  const { decisions } = await ctx.tenant();
  const { checkpoint } = await decisions.info();
  const witnessing = ctx.services.witnessing;
  const text = witnessing === undefined ? checkpoint : await witnessing.cosigned(checkpoint);
  return { status: 200, text, contentType: 'text/plain; charset=utf-8' };
};

/** GET /v1/proofs/consistency?from=&to= */
export const getConsistency: Handler = async (ctx) => {
  const from = ctx.params['from'] as number;
  const to = ctx.params['to'] as number;
  const { decisions } = await ctx.tenant();
  return { status: 200, json: { from, to, hashes: await decisions.consistencyProof(from, to) } };
};

/** GET /v1/log: origin, vkey, size and checkpoint of the tenant's two logs. */
export const getLog: Handler = async (ctx) => {
  const { tenant, decisions, access } = await ctx.tenant();
  const [d, a] = await Promise.all([decisions.info(), access.info()]);
  const view = (i: typeof d): LogView => ({
    origin: i.origin,
    vkey: i.vkey,
    size: i.size,
    checkpoint: i.checkpoint,
  });
  const json: LogInfo = { tenant, ...view(d), access: view(a) };
  return { status: 200, json };
};

/** GET /v1/entries?log=&from=&limit=: leaves and contents, for a remote audit. */
export const getEntries: Handler = async (ctx) => {
  const log = ctx.params['log'] as 'decisions' | 'access';
  const from = ctx.params['from'] as number;
  const limit = ctx.params['limit'] as number;
  const ledgers = await ctx.tenant();
  const page = await ledgers[log].entries(from, limit);
  const entries = page.map(({ leaf, entry }): LogEntry => ({
    index: entry.index,
    leaf: Buffer.from(leaf).toString('base64'),
    // Content gone, either way: what the remote audit counts (it checks purge receipts itself).
    erased: entry.erased || entry.purged,
    fields: entry.fields,
    salts: entry.salts,
  }));
  const last = entries.at(-1);
  if (last !== undefined)
    await ctx.recordAccess('export', `${log} ${from}..${last.index}`, entries.length);
  const json: EntriesPage = {
    log,
    entries,
    next: entries.length < limit || last === undefined ? null : last.index + 1,
  };
  return { status: 200, json };
};

/** Shortest subject id taken out of a reason (shorter ones would hit ordinary words). */
const MIN_ID_IN_REASON = 3;

/**
 * POST /v1/subjects/{id}/erase: destroy the subject's keys, append a tombstone. The tombstone is
 * permanent, so a reason that names the subject id has it replaced by `[subject]` (the tombstone
 * already carries the pseudonym) and the answer warns; the request's log line carries the
 * pseudonym, never the id.
 */
export const eraseSubject: Handler = async (ctx) => {
  const subject = ctx.params['id'] as string;
  const { reason } = ctx.body as { reason: string };
  const namesSubject = subject.length >= MIN_ID_IN_REASON && reason.includes(subject);
  const kept = namesSubject ? reason.replaceAll(subject, '[subject]') : reason;
  const { decisions } = await ctx.tenant();
  const result = await decisions.erase(subject, kept);
  await ctx.recordAccess('erase', result.subject, result.decisions);
  const warnings = namesSubject
    ? [
        {
          code: 'REASON_NAMES_SUBJECT' as const,
          message:
            'the reason named the subject id; the tombstone is permanent, so it says [subject] instead',
          where: '$.reason',
          severity: 'warning' as const,
        },
      ]
    : [];
  return {
    status: 200,
    json: { ...result, warnings },
    log: { subject: result.subject, ...(namesSubject ? { warning: 'REASON_NAMES_SUBJECT' } : {}) },
  };
};

/** GET /v1/access-log: access records, newest first. */
export const getAccessLog: Handler = async (ctx) => {
  const limit = ctx.params['limit'] as number;
  const cursor = ctx.params['cursor'] as string | undefined;
  const { access } = await ctx.tenant();
  const { size } = await access.info();
  const before = Math.min(cursor === undefined ? size : fromCursor(cursor), size);
  const from = Math.max(0, before - limit);
  const page = before === 0 ? [] : await access.entries(from, before - from);
  const items = page.reverse().map(({ entry }) => ({
    id: entry.envelope.id,
    index: entry.index,
    ts: entry.envelope.ts,
    record: entry.fields,
  }));
  return { status: 200, json: { items, next: from > 0 ? toCursor(from) : null } };
};
