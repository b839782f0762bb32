import { exportText, normalizeSelection } from '@docket/ledger';
import type { ExportLine } from '@docket/ledger';
import type { ExportSelection } from '@docket/protocol';
import { DocketError } from '@docket/protocol';
import { ServerError } from '../errors.js';
import type { Handler } from '../http/context.js';

/** The selection as the access log names it: `agent=…;from=…` (keys in a fixed order). */
function describe(selection: ExportSelection, treeSize: number): string {
  const parts = Object.entries(selection).map(([k, v]) => `${k}=${String(v)}`);
  return `export ${parts.length === 0 ? 'all' : parts.join(';')} @${treeSize}`;
}

/**
 * GET /v1/exports?agent&version&subject&from&to&format=jsonl|csv&proofs — a streamed bulk
 * export. The access-log entry (the selection and the tree size, which fix exactly which records
 * leave) is durable before the first record is sent.
 */
export const getExport: Handler = async (ctx) => {
  let selection: ExportSelection;
  try {
    selection = normalizeSelection(
      {
        agent: ctx.params['agent'] as string | undefined,
        version: ctx.params['version'] as string | undefined,
        subject: ctx.params['subject'] as string | undefined,
        from: ctx.params['from'] as string | undefined,
        to: ctx.params['to'] as string | undefined,
      },
      'query',
    );
  } catch (error) {
    if (error instanceof DocketError) {
      throw new ServerError(error.code, error.message, {
        where: error.where ?? 'query',
        cause: error,
      });
    }
    throw error;
  }
  const csv = ctx.params['format'] === 'csv';
  const { decisions } = await ctx.tenant();
  const lines = decisions.exportRecords(selection, {
    withProofs: !csv && ctx.params['proofs'] === true,
  });
  // The header is computed first: it fixes the tree size the export reads up to.
  const first = await lines.next();
  const header = first.value as ExportLine & { treeSize: number };
  await ctx.recordAccess('export', describe(selection, header.treeSize));
  async function* all(): AsyncGenerator<ExportLine> {
    yield header;
    yield* lines;
  }
  return {
    status: 200,
    contentType: csv ? 'text/csv; charset=utf-8' : 'application/x-ndjson',
    headers: {
      'x-docket-tree-size': String(header.treeSize),
      'x-docket-vkey': decisions.vkey,
      'content-disposition': `attachment; filename="docket-export.${csv ? 'csv' : 'jsonl'}"`,
    },
    stream: exportText(all(), csv ? 'csv' : 'jsonl'),
  };
};
