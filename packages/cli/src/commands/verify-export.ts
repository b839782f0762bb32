import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createExportChecker, EXPORT_FORMAT } from '@docket/core';
import { EXIT } from '../exit-codes.js';
import { createProgress, formatIssue, n } from '../output.js';
import type { Io } from '../output.js';

/**
 * Whether a file is a bulk export (`docket.export/v1` JSON Lines): its first line names the format.
 * Reads only the file's first 64 KiB.
 *
 * @example
 * if (isExportFile('decisions.jsonl')) return verifyExportFile(…);
 */
export function isExportFile(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    const head = buffer.subarray(0, read).toString('utf8');
    const first = head.slice(0, head.indexOf('\n') === -1 ? head.length : head.indexOf('\n'));
    return first.includes(`"format":"${EXPORT_FORMAT}"`);
  } finally {
    closeSync(fd);
  }
}

/**
 * `docket verify EXPORT.jsonl --key VKEY`: checks a bulk export made with proofs, line by line
 * (flat memory): the checkpoint, every record's and event's inclusion and commitments, the final
 * outcomes and the trailer's count.
 *
 * @example
 * process.exitCode = await verifyExportFile('out.jsonl', vkey, false, io, false);
 */
export async function verifyExportFile(
  file: string,
  vkey: string,
  json: boolean,
  io: Io,
  quiet: boolean,
): Promise<number> {
  const checker = createExportChecker(vkey);
  const progress = createProgress(io, quiet || json);
  let lineNo = 0;
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of lines) {
    checker.line(line, ++lineNo);
    if (lineNo % 1000 === 0) progress.update(`verify: ${n(lineNo)} lines checked`);
  }
  progress.done();
  const result = checker.finish();
  if (json) {
    io.out(`${JSON.stringify({ file, ...result })}\n`);
  } else {
    io.out(`export ${file}\n`);
    if (result.treeSize !== undefined)
      io.out(`  log ${result.origin ?? '?'} · checkpoint of ${n(result.treeSize)} entries\n`);
    io.out(
      `  ${n(result.records)} decisions and ${n(result.events)} events checked against the signed tree${result.erased > 0 ? ` (${n(result.erased)} with their content erased or purged)` : ''}\n`,
    );
    for (const issue of result.issues.slice(0, 200)) io.out(`${formatIssue(issue)}\n`);
    if (result.issues.length > 200)
      io.out(`  … ${n(result.issues.length - 200)} more issues (see --json)\n`);
    io.out(result.ok ? 'OK: the export verifies\n' : `FAILED: ${n(result.issues.length)} issues\n`);
  }
  return result.ok ? EXIT.ok : EXIT.issues;
}
