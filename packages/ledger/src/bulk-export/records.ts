import { ENTRY_TYPES, finalOutcomeOf } from '@docket/core';
import type {
  ExportEvent,
  ExportHeader,
  ExportProof,
  ExportRecord,
  ExportSelection,
  ExportTrailer,
  JsonValue,
} from '@docket/protocol';
import type { EntryWithContent, LedgerStore } from '@docket/store';
import type { ReadEntry } from '../read.js';
import { proveInclusion } from '../store-proofs.js';
import { csvHeader, csvRow } from './csv.js';

/** How {@link exportRecords} runs. */
export interface ExportOptions {
  /** Each record and event with its envelope, salts and inclusion proof (default false). */
  readonly withProofs?: boolean;
  /** Entries read per store batch (default 1000): memory stays flat whatever the log's size. */
  readonly batchSize?: number;
  /** Told after each store batch: entries scanned so far, of `total`, and records exported. */
  readonly onProgress?: (progress: { scanned: number; total: number; exported: number }) => void;
}

/** What {@link exportRecords} needs of the ledger. */
export interface ExportSource {
  readonly store: LedgerStore;
  readonly origin: string;
  readonly vkey: string;
  open(row: EntryWithContent): Promise<ReadEntry>;
  pseudonymize(subjectId: string): string;
}

/** One line of a `docket.export/v1` file. */
export type ExportLine = ExportHeader | ExportRecord | ExportTrailer;

const isObject = (v: unknown): v is Record<string, JsonValue> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Whether a decision matches the selection's agent filters. The envelope filters (type, subject,
 * time) are applied before the entry is opened; agent filters read the content, so a decision
 * whose content is gone can't be attributed.
 */
function matchesAgent(entry: ReadEntry, selection: ExportSelection): boolean {
  if (selection.agent === undefined && selection.version === undefined) return true;
  const agent = entry.fields?.['agent'];
  if (!isObject(agent)) return false;
  if (selection.agent !== undefined && agent['id'] !== selection.agent) return false;
  return selection.version === undefined || agent['version'] === selection.version;
}

async function proofOf(
  store: LedgerStore,
  entry: ReadEntry,
  treeSize: number,
): Promise<ExportProof> {
  const hashes = await proveInclusion(store, entry.index, treeSize);
  return {
    envelope: entry.envelope,
    salts: entry.salts,
    hashes: hashes.map((h) => h.toString('base64')),
  };
}

/**
 * Streams a bulk export of the decisions a selection matches, in index order, as the lines of a
 * `docket.export/v1` file: a header (with the signed checkpoint when `withProofs`), one record per
 * decision (its fields, final outcome and events; with proofs, each entry's envelope, salts and
 * inclusion proof in that checkpoint's tree), and a trailer with the count. Only entries below the
 * latest checkpoint are exported, so every proof leads to the header's checkpoint. Reads the log in
 * batches: memory stays flat.
 *
 * @example
 * for await (const line of exportRecords(source, { agent: 'loan-approver' })) out.write(JSON.stringify(line) + '\n');
 */
export async function* exportRecords(
  source: ExportSource,
  selection: ExportSelection,
  options: ExportOptions = {},
): AsyncGenerator<ExportLine> {
  const { store } = source;
  const withProofs = options.withProofs === true;
  const latest = await store.latestCheckpoint();
  const treeSize = latest?.size ?? 0;
  yield {
    format: 'docket.export/v1',
    origin: source.origin,
    vkey: source.vkey,
    exportedAt: new Date().toISOString(),
    selection,
    ...(withProofs && latest !== undefined ? { checkpoint: latest.note } : {}),
    treeSize,
  };
  const pseudonym =
    selection.subject === undefined ? undefined : source.pseudonymize(selection.subject);
  let scanned = 0;
  let count = 0;
  scan: for await (const batch of store.scanEntries({
    from: 0,
    batchSize: options.batchSize ?? 1000,
    withContent: true,
  })) {
    for (const row of batch) {
      if (row.index >= treeSize) break scan;
      scanned++;
      // Envelope filters first: most entries are skipped without decrypting.
      if (row.type !== ENTRY_TYPES.decision) continue;
      if (pseudonym !== undefined && row.subject !== pseudonym) continue;
      if (selection.from !== undefined && row.ts < selection.from) continue;
      if (selection.to !== undefined && row.ts >= selection.to) continue;
      const entry = await source.open(row);
      if (!matchesAgent(entry, selection)) continue;
      const events: ExportEvent[] = [];
      for (const eventRow of await store.entriesByRef(entry.envelope.id)) {
        if (eventRow.index >= treeSize || eventRow.type !== ENTRY_TYPES.event) continue;
        const event = await source.open(eventRow);
        events.push({
          id: event.envelope.id,
          index: event.index,
          ts: event.envelope.ts,
          fields: event.fields,
          ...(withProofs ? { proof: await proofOf(store, event, treeSize) } : {}),
        });
      }
      count++;
      yield {
        id: entry.envelope.id,
        index: entry.index,
        ts: entry.envelope.ts,
        // docket.export/v1: `erased` means no content is left (erased or purged).
        erased: entry.erased || entry.purged,
        fields: entry.fields,
        finalOutcome: finalOutcomeOf(entry.fields, events),
        events,
        ...(withProofs ? { proof: await proofOf(store, entry, treeSize) } : {}),
      };
    }
    options.onProgress?.({ scanned, total: treeSize, exported: count });
  }
  yield { end: 'docket.export/v1', count };
}

/**
 * The text of an export, chunk by chunk: `docket.export/v1` JSON Lines (every line), or CSV (a
 * header, then one row per decision).
 *
 * @example
 * for await (const chunk of exportText(ledger.exportRecords(selection), 'csv')) out.write(chunk);
 */
export async function* exportText(
  lines: AsyncIterable<ExportLine>,
  format: 'jsonl' | 'csv',
): AsyncGenerator<string> {
  if (format === 'csv') yield csvHeader();
  for await (const line of lines) {
    if (format === 'jsonl') yield `${JSON.stringify(line)}\n`;
    else if ('id' in line) yield csvRow(line);
  }
}
