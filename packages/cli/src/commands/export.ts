import { writeFileSync } from 'node:fs';
import type { EvidenceBundle } from '@docket/core';
import { openLedger } from '@docket/ledger';
import { optional, parse, required } from '../args.js';
import { DATA_HELP, DATA_OPTIONS, dataDirOf, JSON_HELP, storeOf } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { ApiClient } from '../remote/api-client.js';
import { runBulkExport } from './export-bulk.js';
import { CA_FILE_HELP, CA_FILE_OPTION, caFileOf } from '../remote/tls.js';
import { addLocalCosignatures } from '../witness/local-cosignatures.js';

/** The bundle from a local log: `all` on an erased decision discloses nothing (nothing is left). */
async function localBundle(
  values: Record<string, string | boolean | undefined>,
  id: string,
  list: string[],
): Promise<EvidenceBundle> {
  const ledger = await openLedger({
    dataDir: dataDirOf(values),
    ...storeOf(values),
    create: false,
  });
  try {
    const entry = await ledger.read(id);
    const all = list.length === 1 && list[0] === 'all';
    const fields = all ? (entry.erased ? [] : Object.keys(entry.envelope.commitments)) : list;
    // The witnesses' cosignatures of the bundle's checkpoint, when `serve --witness` kept some.
    return await addLocalCosignatures(dataDirOf(values), await ledger.exportBundle(id, fields));
  } finally {
    await ledger.close();
  }
}

/** `docket export`: an evidence bundle for one decision. */
export const exportCommand: Command = {
  name: 'export',
  summary:
    'write the evidence bundle of one decision, or a bulk export of many (--select, JSONL or CSV)',
  help: `Usage: docket export [--data DIR | --url URL] --decision ID [--disclose f1,f2|all] --out FILE
       docket export [--data DIR | --url URL] --select agent=A,version=V,subject=S,from=T,to=T
                     [--format jsonl|csv] [--with-proofs] --out FILE

Writes an evidence bundle (docket.bundle/v1, JSON): the leaf envelope, the disclosed fields with
their salts, the inclusion proof and signed checkpoint (as a c2sp.org/tlog-proof, with the witness cosignatures
kept so far when the log is witnessed: docs/witnesses.md), and the vkey.
Anyone can check it offline: docket verify FILE --key VKEY.
Without --disclose, no field is revealed: the bundle proves the decision exists, unchanged.

With --select: a bulk export of every decision the selection matches (all keys optional, each
must match; from/to are dates or RFC 3339 times on the decision's ts, to exclusive), in log order,
streamed with flat memory. --format jsonl (default) writes docket.export/v1 JSON Lines: a header,
one line per decision (its fields, final outcome after overrides, and events), a trailer with the
count. With --with-proofs the header carries the signed checkpoint and every entry its envelope,
salts and inclusion proof: docket verify FILE --key VKEY then checks every record offline (that
each is in the log, unchanged; not that nothing matching was left out). --format csv flattens the
main fields for spreadsheets (with the final outcome and the events as JSON). Through --url, the
server records the export (selection and tree size) in the tenant's access log.

Options:
${DATA_HELP}
  --url URL       ask a running server instead (an auditor or admin key; the export is
                  recorded in the tenant's access log)
  --api-key KEY   API key for --url (default: $DOCKET_API_KEY)
${CA_FILE_HELP}
  --purpose TEXT  why, for the access log (X-Docket-Purpose)
  --decision ID   the decision (or entry) id
  --disclose LIST fields to reveal, comma-separated (e.g. outcome,reasoning,model), or all
  --out FILE      where to write the bundle or export ('-' for stdout)
  --select LIST   bulk export: agent=A,version=V,subject=S,from=T,to=T (empty: every decision)
  --format F      bulk export format: jsonl (default) or csv
  --with-proofs   bulk export: each record's inclusion proof and the signed checkpoint (jsonl)
  --quiet         no progress on stderr
${JSON_HELP}`,
  async run(argv, io) {
    const { values } = parse(argv, {
      ...DATA_OPTIONS,
      decision: { type: 'string' },
      disclose: { type: 'string' },
      out: { type: 'string' },
      url: { type: 'string' },
      'api-key': { type: 'string' },
      ...CA_FILE_OPTION,
      purpose: { type: 'string' },
      select: { type: 'string' },
      format: { type: 'string' },
      'with-proofs': { type: 'boolean' },
      quiet: { type: 'boolean' },
    });
    if (values['select'] !== undefined || values['format'] !== undefined)
      return runBulkExport(values, io);
    const id = required(values, 'decision');
    const out = required(values, 'out');
    const list =
      typeof values['disclose'] === 'string'
        ? values['disclose']
            .split(',')
            .map((f) => f.trim())
            .filter(Boolean)
        : [];
    const url = optional(values, 'url');
    const bundle =
      url === undefined
        ? await localBundle(values, id, list)
        : await new ApiClient({
            url,
            apiKey: optional(values, 'api-key'),
            caFile: caFileOf(values),
            purpose: optional(values, 'purpose'),
          }).json<EvidenceBundle>(`/v1/decisions/${encodeURIComponent(id)}/bundle`, {
            disclose: list.join(','),
          });
    const text = `${JSON.stringify(bundle, null, 2)}\n`;
    if (out === '-') io.out(text);
    else writeFileSync(out, text);
    if (out !== '-') {
      const disclosed = Object.keys(bundle.disclosed);
      if (values['json'] === true) {
        io.out(
          `${JSON.stringify({ ok: true, out, id, disclosed, erased: bundle.erased, vkey: bundle.vkey })}\n`,
        );
      } else {
        io.out(
          `wrote ${out}: decision ${id}, disclosed ${disclosed.length === 0 ? 'nothing' : disclosed.join(', ')}${bundle.erased ? ' (subject erased: content destroyed)' : ''}\n`,
        );
        io.out(`check it with: docket verify ${out} --key ${bundle.vkey}\n`);
      }
    }
    return EXIT.ok;
  },
};
