import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { DocketError, parseStrictJson } from '@docket/protocol';
import type { Issue } from '@docket/protocol';
import { openLedger } from '@docket/ledger';
import { parse } from '../args.js';
import { DATA_HELP, DATA_OPTIONS, dataDirOf, JSON_HELP, storeOf } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { createProgress, formatIssue, n } from '../output.js';

interface Rejected {
  line: number;
  issues: Issue[];
}

/** `docket ingest`: append decisions from a JSON Lines file. */
export const ingest: Command = {
  name: 'ingest',
  summary: 'append decisions from a JSON Lines file (one record a line)',
  help: `Usage: docket ingest [--data DIR] FILE.jsonl|-

Appends decision records (docket.decision/v1, one JSON object a line; '-' reads stdin) to the
log. Each line is validated (strict I-JSON, the record schema); a record whose id is already in
the log is a duplicate and keeps its original index. A new data directory is created with fresh
keys on first use. Exit 0 when every line was accepted or a duplicate, 1 when a line was rejected.

Options:
${DATA_HELP}
  --origin NAME log name for a new data directory (default: docket.local/<random>)
  --quiet       no progress on stderr
${JSON_HELP}`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...DATA_OPTIONS,
      origin: { type: 'string' },
      quiet: { type: 'boolean' },
    });
    const file = positionals[0];
    if (file === undefined || positionals.length > 1) {
      throw new DocketError('USAGE', 'give exactly one FILE.jsonl (or - for stdin)', {
        where: 'FILE',
      });
    }
    const json = values['json'] === true;
    const dir = dataDirOf(values);
    const origin = typeof values['origin'] === 'string' ? values['origin'] : undefined;
    const ledger = await openLedger({
      dataDir: dir,
      ...storeOf(values),
      ...(origin === undefined ? {} : { origin }),
    });
    const progress = createProgress(io, values['quiet'] === true || json);
    const counts = { accepted: 0, duplicate: 0, rejected: 0 };
    const rejected: Rejected[] = [];
    const reject = (line: number, issues: Issue[]): void => {
      counts.rejected++;
      if (rejected.length < 1000) rejected.push({ line, issues });
    };
    const started = Date.now();
    let lineNo = 0;
    let interruptedAt: number | undefined;
    const input = file === '-' ? process.stdin : createReadStream(file);
    const lines = createInterface({ input, crlfDelay: Infinity });
    // Ctrl-C stops reading; what was read is still made durable and reported.
    const stop = (): void => {
      interruptedAt = lineNo;
      lines.close();
    };
    process.once('SIGINT', stop);
    try {
      let inFlight: Promise<void>[] = [];
      for await (const text of lines) {
        lineNo++;
        if (text.trim() === '') continue;
        const line = lineNo;
        let record: unknown;
        try {
          record = parseStrictJson(text);
        } catch (e) {
          reject(line, [
            e instanceof DocketError ? e.toIssue() : { code: 'INVALID_JSON', message: String(e) },
          ]);
          continue;
        }
        inFlight.push(
          ledger.append(record).then(
            (r) => {
              counts[r.status]++;
            },
            (e: unknown) => {
              if (e instanceof DocketError && 'issues' in e && Array.isArray(e.issues))
                reject(line, e.issues as Issue[]);
              else throw e;
            },
          ),
        );
        // Keep memory bounded on large files: wait for the sequencer now and then.
        if (inFlight.length >= 20_000) {
          await Promise.all(inFlight);
          inFlight = [];
        }
        const done = counts.accepted + counts.duplicate + counts.rejected;
        const rate = Math.round((done * 1000) / Math.max(1, Date.now() - started));
        progress.update(`ingest: ${n(lineNo)} lines read, ${n(done)} done (${n(rate)}/s)`);
      }
      await Promise.all(inFlight);
      await ledger.flush();
    } finally {
      process.removeListener('SIGINT', stop);
      progress.done();
      await ledger.close();
    }
    const size = ledger.size;
    if (json) {
      io.out(
        `${JSON.stringify({ ok: counts.rejected === 0 && interruptedAt === undefined, ...counts, treeSize: size, origin: ledger.origin, interruptedAtLine: interruptedAt ?? null, rejectedLines: rejected })}\n`,
      );
    } else {
      io.out(`ingested ${file === '-' ? 'stdin' : file} into ${dir} (log ${ledger.origin})\n`);
      io.out(
        `  accepted  ${n(counts.accepted)}\n  duplicate ${n(counts.duplicate)}\n  rejected  ${n(counts.rejected)}\n`,
      );
      for (const r of rejected)
        for (const issue of r.issues) io.out(`line ${r.line}:${formatIssue(issue).slice(1)}\n`);
      if (counts.rejected > rejected.length)
        io.out(`  … ${n(counts.rejected - rejected.length)} more rejected lines not shown\n`);
      io.out(`log size ${n(size)}, latest checkpoint signed\n`);
      if (interruptedAt !== undefined) {
        io.out(
          `interrupted after line ${n(interruptedAt)}: the lines above are in the log, the rest were not read\n`,
        );
      }
    }
    if (interruptedAt !== undefined) return EXIT.interrupted;
    return counts.rejected === 0 ? EXIT.ok : EXIT.issues;
  },
};
