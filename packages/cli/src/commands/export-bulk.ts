import { createWriteStream, renameSync, rmSync } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { exportText, openLedger, parseSelection } from '@docket/ledger';
import type { ExportLine } from '@docket/ledger';
import type { ExportSelection } from '@docket/protocol';
import { DocketError } from '@docket/protocol';
import { optional } from '../args.js';
import { dataDirOf, storeOf } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { createProgress, n } from '../output.js';
import type { Io } from '../output.js';
import { ApiClient } from '../remote/api-client.js';
import { caFileOf } from '../remote/tls.js';

type Values = Record<string, string | boolean | undefined>;

/** Where the export goes: a file written whole then renamed into place, or stdout. */
interface Sink {
  write(text: string): Promise<void>;
  /** Renames the finished file into place. */
  commit(): Promise<void>;
  /** Removes a partial file. */
  abort(): void;
}

const CHUNK = 256 * 1024;

function fileSink(out: string, io: Io): Sink {
  if (out === '-') {
    return {
      write: (text) => {
        io.out(text);
        return Promise.resolve();
      },
      commit: () => Promise.resolve(),
      abort: () => undefined,
    };
  }
  const partial = `${out}.partial`;
  const stream: WriteStream = createWriteStream(partial, { mode: 0o600 });
  let buffer = '';
  const flush = async (): Promise<void> => {
    if (buffer === '') return;
    const text = buffer;
    buffer = '';
    if (!stream.write(text))
      await new Promise<void>((resolve) =>
        stream.once('drain', () => {
          resolve();
        }),
      );
  };
  return {
    async write(text) {
      buffer += text;
      if (buffer.length >= CHUNK) await flush();
    },
    async commit() {
      await flush();
      await new Promise<void>((resolve, reject) => {
        stream.once('error', reject);
        stream.end(resolve);
      });
      renameSync(partial, out);
    },
    abort() {
      stream.destroy();
      rmSync(partial, { force: true });
    },
  };
}

/** What a bulk export wrote, for the summary. */
interface Written {
  records: number;
  treeSize: number | undefined;
  vkey: string | undefined;
}

async function exportLocal(
  values: Values,
  selection: ExportSelection,
  csv: boolean,
  withProofs: boolean,
  sink: Sink,
  progress: ReturnType<typeof createProgress>,
): Promise<Written> {
  const ledger = await openLedger({
    dataDir: dataDirOf(values),
    ...storeOf(values),
    create: false,
  });
  try {
    const written: Written = { records: 0, treeSize: undefined, vkey: ledger.vkey };
    const lines = ledger.exportRecords(selection, {
      withProofs,
      onProgress: ({ scanned, total, exported }) => {
        progress.update(
          `export: ${n(scanned)} of ${n(total)} entries read, ${n(exported)} exported`,
        );
      },
    });
    /** The lines as they pass, counted for the summary. */
    async function* counted(): AsyncGenerator<ExportLine> {
      for await (const line of lines) {
        if ('format' in line) written.treeSize = line.treeSize;
        if ('id' in line) written.records++;
        yield line;
      }
    }
    for await (const chunk of exportText(counted(), csv ? 'csv' : 'jsonl')) await sink.write(chunk);
    return written;
  } finally {
    await ledger.close();
  }
}

async function exportRemote(
  values: Values,
  url: string,
  selection: ExportSelection,
  csv: boolean,
  withProofs: boolean,
  sink: Sink,
  progress: ReturnType<typeof createProgress>,
): Promise<Written> {
  const client = new ApiClient({
    url,
    apiKey: optional(values, 'api-key'),
    caFile: caFileOf(values),
    purpose: optional(values, 'purpose'),
  });
  const res = await client.stream('/v1/exports', {
    ...(selection as Record<string, string>),
    format: csv ? 'csv' : 'jsonl',
    ...(withProofs ? { proofs: 'true' } : {}),
  });
  const size = res.headers.get('x-docket-tree-size');
  const written: Written = {
    records: 0,
    treeSize: size === null ? undefined : Number(size),
    vkey: undefined,
  };
  const decoder = new TextDecoder();
  let bytes = 0;
  // JSON Lines: the last line is the trailer. CSV: rows end at a line break outside quotes.
  let tail = '';
  let quoted = false;
  let rows = 0;
  const reader = (res.body as ReadableStream<Uint8Array> | null)?.getReader();
  while (reader !== undefined) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    const text = decoder.decode(value, { stream: true });
    await sink.write(text);
    if (csv) {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === 34) quoted = !quoted;
        else if (c === 10 && !quoted) rows++;
      }
    } else {
      tail = (tail + text).slice(-4096);
    }
    progress.update(`export: ${n(Math.round(bytes / 1024))} KiB received`);
  }
  if (csv) {
    written.records = Math.max(0, rows - 1);
    return written;
  }
  // The trailer counts the records; without it the stream was cut short.
  const lines = tail.trimEnd().split('\n');
  const trailer = (() => {
    try {
      return JSON.parse(lines[lines.length - 1] ?? '') as { end?: string; count?: number };
    } catch {
      return {};
    }
  })();
  if (trailer.end !== 'docket.export/v1') {
    throw new DocketError('EXPORT_TRUNCATED', 'the server ended the export before its trailer', {
      where: '--url',
    });
  }
  written.records = trailer.count ?? 0;
  written.vkey = res.headers.get('x-docket-vkey') ?? undefined;
  return written;
}

/**
 * `docket export --select …`: a bulk export of the decisions a selection matches, as
 * docket.export/v1 JSON Lines (optionally with proofs) or CSV, streamed to FILE.
 *
 * @example
 * await runBulkExport(values, io);
 */
export async function runBulkExport(values: Values, io: Io): Promise<number> {
  const out = optional(values, 'out');
  if (out === undefined)
    throw new DocketError('USAGE', 'a bulk export needs --out FILE (- for stdout)', {
      where: '--out',
    });
  const format = optional(values, 'format') ?? 'jsonl';
  if (format !== 'jsonl' && format !== 'csv') {
    throw new DocketError('USAGE', `--format is jsonl or csv, not "${format}"`, {
      where: '--format',
    });
  }
  const csv = format === 'csv';
  const withProofs = values['with-proofs'] === true;
  if (csv && withProofs) {
    throw new DocketError(
      'USAGE',
      '--with-proofs needs --format jsonl (CSV has no room for proofs)',
      {
        where: '--with-proofs',
      },
    );
  }
  const selection = parseSelection(optional(values, 'select') ?? '');
  const json = values['json'] === true;
  const progress = createProgress(io, json || values['quiet'] === true || out === '-');
  const sink = fileSink(out, io);
  const url = optional(values, 'url');
  let written: Written;
  try {
    written =
      url === undefined
        ? await exportLocal(values, selection, csv, withProofs, sink, progress)
        : await exportRemote(values, url, selection, csv, withProofs, sink, progress);
    await sink.commit();
  } catch (error) {
    sink.abort();
    throw error;
  } finally {
    progress.done();
  }
  if (out === '-') return EXIT.ok;
  if (json) {
    io.out(
      `${JSON.stringify({ ok: true, out, format, withProofs, selection, records: written.records, treeSize: written.treeSize ?? null })}\n`,
    );
  } else {
    io.out(
      `wrote ${out}: ${n(written.records)} decisions (${format}${withProofs ? ', with proofs' : ''}) of a log of ${n(written.treeSize ?? 0)} entries\n`,
    );
    if (withProofs && written.vkey !== undefined)
      io.out(`check it with: docket verify ${out} --key ${written.vkey}\n`);
  }
  return EXIT.ok;
}
