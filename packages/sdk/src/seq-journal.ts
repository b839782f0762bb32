/**
 * The seq journal: makes a crash visible. With a spool directory, a producer writes its identity
 * and a reserved block of seqs to `<dir>/<producer>.seqs` (fsynced) before it uses them, and
 * appends the seqs it has accounted for: delivered, moved to the spool, or named in a producer
 * report that was delivered or spooled (these appends are not fsynced: a killed process loses
 * none of them; an OS crash can lose some, and the successor then over-reports). A clean shutdown
 * removes the file. A successor that finds the file of a dead producer of this host reports
 * every reserved seq not accounted for as a `crash` loss, in a producer report under the dead
 * producer's id, so that a gap in its sequence is explained, never silent.
 *
 * Lines: `{"producer":id,"sdk":…,"host":…,"pid":…,"reserved":n}` first, then
 * `{"reserved":n}` (a new block) and `{"done":[[from,to],…],"reportSeq":k}`.
 */
import {
  closeSync,
  constants,
  fdatasync,
  fdatasyncSync,
  mkdirSync,
  openSync,
  write,
  writeSync,
} from 'node:fs';
import { readdir, readFile, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createUuidV7, PRODUCER_REPORT_SCHEMA_V1 } from '@docket/protocol';
import type { ProducerReport } from '@docket/protocol';
import { isAlive } from './spool.js';

/** Seqs reserved per block; the next block is reserved (in the background) at half of this one. */
export const SEQ_BLOCK = 4096;

const SUFFIX = '.seqs';

/**
 * The journal of one live producer.
 *
 * @example
 * const journal = SeqJournal.open('/var/spool/docket', { id: 'worker-1', sdk: '@docket/sdk@0.1.0' });
 * journal.use(seq); // before seq is handed out
 * journal.done([[0, 99]]); // delivered or spooled
 */
export class SeqJournal {
  readonly path: string;
  readonly #block: number;
  readonly #fd: number;
  /** Seqs below this are reserved on disk (fsynced). */
  #durable: number;
  /** Seqs below this are reserved or being reserved. */
  #reserved: number;
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(path: string, fd: number, block: number) {
    this.path = path;
    this.#fd = fd;
    this.#block = block;
    this.#durable = block;
    this.#reserved = block;
  }

  /** Creates the producer's journal with its first block reserved (synchronous: at construction). */
  static open(
    dir: string,
    producer: { readonly id: string; readonly sdk: string },
    block: number = SEQ_BLOCK,
  ): SeqJournal {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, `${producer.id}${SUFFIX}`);
    const fd = openSync(
      path,
      constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_APPEND,
      0o600,
    );
    const header = { producer: producer.id, sdk: producer.sdk, host: hostname(), pid: process.pid };
    writeSync(fd, `${JSON.stringify({ ...header, reserved: block })}\n`);
    fdatasyncSync(fd);
    return new SeqJournal(path, fd, block);
  }

  /**
   * Called with each seq before it is handed out. Cheap unless the seq reaches half of the
   * reserved range (then the next block is reserved in the background) or outruns the durable
   * range (then it is reserved at once, synchronously: rare, a burst faster than one fsync).
   */
  use(seq: number): void {
    if (seq < this.#reserved - this.#block / 2 || this.#closed) return;
    if (seq >= this.#durable) {
      this.#reserved = Math.max(this.#reserved, seq + this.#block);
      writeSync(this.#fd, `{"reserved":${this.#reserved}}\n`);
      fdatasyncSync(this.#fd);
      this.#durable = this.#reserved;
      return;
    }
    if (this.#reserved > this.#durable) return; // a reservation is on its way
    const next = this.#reserved + this.#block;
    this.#reserved = next;
    this.#append(`{"reserved":${next}}\n`, true).then(
      () => {
        this.#durable = Math.max(this.#durable, next);
      },
      () => undefined,
    );
  }

  /** Notes seqs accounted for (not fsynced), and the highest report seq they went with. */
  done(ranges: readonly (readonly [number, number])[], reportSeq?: number): void {
    if (ranges.length === 0 && reportSeq === undefined) return;
    const line = { done: ranges, ...(reportSeq === undefined ? {} : { reportSeq }) };
    this.#append(`${JSON.stringify(line)}\n`, false).catch(() => undefined);
  }

  /** Resolves once every line written so far is in the file. */
  settled(): Promise<void> {
    return this.#chain;
  }

  /** Clean shutdown: everything is delivered, spooled or reported; the file goes. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#chain;
    closeSync(this.#fd);
    await rm(this.path, { force: true });
  }

  #append(text: string, sync: boolean): Promise<void> {
    const run = this.#chain.then(
      () =>
        new Promise<void>((resolve, reject) => {
          if (this.#closed) {
            resolve();
            return;
          }
          write(this.#fd, text, (error) => {
            if (error !== null) reject(error);
            else if (!sync) resolve();
            else
              fdatasync(this.#fd, (e) => {
                if (e === null) resolve();
                else reject(e);
              });
          });
        }),
    );
    this.#chain = run.catch(() => undefined);
    return run;
  }
}

/** What a dead producer's journal says is unaccounted for. */
interface DeadJournal {
  readonly producer: string;
  readonly sdk: string | undefined;
  readonly lost: [number, number][];
  readonly count: number;
  readonly reportSeq: number;
}

/** Parses a journal's text: the reserved seqs not accounted for (a torn last line is ignored). */
export function readJournal(text: string): DeadJournal | undefined {
  const lines = text.split('\n');
  let header: { producer?: unknown; sdk?: unknown } | undefined;
  let reserved = 0;
  let reportSeq = -1;
  const done: [number, number][] = [];
  for (const line of lines) {
    if (line === '') continue;
    let parsed: { reserved?: unknown; done?: unknown; reportSeq?: unknown; producer?: unknown };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      continue;
    }
    header ??= parsed;
    if (typeof parsed.reserved === 'number') reserved = Math.max(reserved, parsed.reserved);
    if (typeof parsed.reportSeq === 'number') reportSeq = Math.max(reportSeq, parsed.reportSeq);
    if (Array.isArray(parsed.done)) {
      for (const r of parsed.done as unknown[]) {
        if (Array.isArray(r) && typeof r[0] === 'number' && typeof r[1] === 'number')
          done.push([r[0], r[1]]);
      }
    }
  }
  if (header === undefined || typeof header.producer !== 'string') return undefined;
  done.sort((a, b) => a[0] - b[0]);
  const lost: [number, number][] = [];
  let next = 0;
  for (const [from, to] of done) {
    if (from > next) lost.push([next, Math.min(from, reserved) - 1]);
    next = Math.max(next, to + 1);
    if (next >= reserved) break;
  }
  if (next < reserved) lost.push([next, reserved - 1]);
  const valid = lost.filter(([a, b]) => a <= b);
  return {
    producer: header.producer,
    sdk: typeof header.sdk === 'string' ? header.sdk : undefined,
    lost: valid,
    count: valid.reduce((n, [a, b]) => n + b - a + 1, 0),
    reportSeq: reportSeq + 1,
  };
}

/**
 * Claims the journals of dead producers of this host in `dir` (not `ownPath`) and makes the
 * `crash` producer report of each one that left seqs unaccounted for. The caller makes the
 * reports durable (the spool), then calls `release()` to remove the claimed files.
 *
 * @example
 * const { reports, release } = await adoptDeadJournals(dir, journal.path);
 * await spool.append({ ids: [], seqs: [], records: [], reports }); await release();
 */
export async function adoptDeadJournals(
  dir: string,
  ownPath: string,
): Promise<{ reports: string[]; release: () => Promise<void> }> {
  const claimed: string[] = [];
  const reports: string[] = [];
  const names = (await readdir(dir)).filter((n) => n.endsWith(SUFFIX)).sort();
  for (const name of names) {
    const path = join(dir, name);
    if (path === ownPath) continue;
    let text: string;
    try {
      text = await readFile(path, 'utf8');
      const first = JSON.parse(text.slice(0, text.indexOf('\n'))) as {
        host?: unknown;
        pid?: unknown;
      };
      if (first.host !== hostname()) continue;
      if (typeof first.pid === 'number' && isAlive(first.pid)) continue;
      // Claim it: only one successor wins the rename.
      // Still a journal by its name: if this process dies before it releases the file, the next
      // successor reports the same seqs again (counted twice, never lost).
      const target = join(dir, `${name.slice(0, -SUFFIX.length)}.claimed-${process.pid}${SUFFIX}`);
      await rename(path, target);
      claimed.push(target);
      text = await readFile(target, 'utf8');
    } catch {
      continue;
    }
    const dead = readJournal(text);
    if (dead === undefined || dead.count === 0) continue;
    const report: ProducerReport = {
      schema: PRODUCER_REPORT_SCHEMA_V1,
      id: createUuidV7(),
      ts: new Date().toISOString(),
      producer:
        dead.sdk === undefined ? { id: dead.producer } : { id: dead.producer, sdk: dead.sdk },
      reportSeq: dead.reportSeq,
      losses: {
        dropped: 0,
        rejected: 0,
        failed: 0,
        redactionFailed: 0,
        invalid: 0,
        crash: dead.count,
      },
      gaps: dead.lost,
      reasons: { CRASH: dead.count },
    };
    reports.push(JSON.stringify(report));
  }
  return {
    reports,
    release: async () => {
      for (const path of claimed) await rm(path, { force: true });
    },
  };
}
