/**
 * The on-disk spool: batches the server could not take, appended to one file per producer and
 * fsynced before the append resolves, delivered in order once the server is back.
 *
 * File format, one JSON object per line: `{"b":n,"d":[record,…]}` appends batch `n` (with
 * `"r":[report,…]` when it carries producer reports);
 * `{"a":n}` says batch `n` was delivered (not fsynced: losing an ack only re-sends a batch, which
 * the server answers as duplicates). A last line without its newline is a torn write and is
 * ignored; a corrupt line in the middle is skipped and reported. When every batch of the file is
 * delivered the file is emptied. Files left by a dead process (`<file>.lock` missing or naming a
 * dead pid on this host) are adopted at open and delivered first. The records are plaintext:
 * directories are created 0700 and files 0600.
 */
import { open, readdir, readFile, rename, rm, mkdir, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { SdkError, toSdkError } from './errors.js';
import type { Batch } from './transport/transport.js';

/** Where one pending batch lies in its file. */
interface Entry {
  readonly no: number;
  readonly offset: number;
  readonly length: number;
}

/** One spool file: adopted (read-only) or the producer's own (appended to). */
interface Segment {
  readonly path: string;
  readonly own: boolean;
  readonly pending: Entry[];
  handle: FileHandle | undefined;
  size: number;
  nextNo: number;
}

/**
 * A pending batch read back from the spool; pass it to {@link Spool.ack} once delivered.
 *
 * @example
 * const head = await spool.head(); if (head) { await send(head.batch); await spool.ack(head); }
 */
export interface SpooledBatch {
  /**
   * The batch; `seqs` are this producer's only: a record another producer spooled (adopted from a
   * dead process) has seq -1, so its delivery is never accounted in this producer's journal.
   */
  readonly batch: Batch;
  readonly segment: string;
  readonly no: number;
}

const SUFFIX = '.spool';

/** Whether a process of this host is alive (EPERM: alive, owned by another user). */
export const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** True when the lock of `file` is missing or names a dead process of this host. */
async function isOrphan(file: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(`${file}.lock`, 'utf8');
  } catch {
    return true;
  }
  try {
    const lock = JSON.parse(text) as { host?: unknown; pid?: unknown };
    if (lock.host !== hostname()) return false;
    return typeof lock.pid !== 'number' || !isAlive(lock.pid);
  } catch {
    return true;
  }
}

/** Spool files hold full plaintext records: owner only (directories 0700, files 0600). */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

const writeLock = (file: string): Promise<void> =>
  writeFile(`${file}.lock`, JSON.stringify({ host: hostname(), pid: process.pid }), {
    mode: FILE_MODE,
  });

/** Parses a spool file's text into its pending entries (torn tail ignored, bad lines reported). */
export function parseSpool(
  text: Buffer,
  report: (error: SdkError) => void,
  path: string,
): { pending: Entry[]; nextNo: number } {
  const batches = new Map<number, Entry>();
  let nextNo = 0;
  let offset = 0;
  let line = 0;
  while (offset < text.length) {
    const end = text.indexOf(0x0a, offset);
    if (end === -1) {
      report(new SdkError('SPOOL_TORN_TAIL', `${path}: ignoring an unfinished last line`));
      break;
    }
    line++;
    try {
      const parsed = JSON.parse(text.subarray(offset, end).toString('utf8')) as {
        b?: unknown;
        a?: unknown;
        d?: unknown;
        r?: unknown;
      };
      if (
        typeof parsed.b === 'number' &&
        Array.isArray(parsed.d) &&
        (parsed.r === undefined || Array.isArray(parsed.r))
      ) {
        batches.set(parsed.b, { no: parsed.b, offset, length: end - offset });
        nextNo = Math.max(nextNo, parsed.b + 1);
      } else if (typeof parsed.a === 'number') {
        batches.delete(parsed.a);
      } else {
        throw new Error('neither a batch nor an ack');
      }
    } catch (error) {
      report(toSdkError('SPOOL_CORRUPT', error, `${path}: skipping line ${line}`));
    }
    offset = end + 1;
  }
  return { pending: [...batches.values()].sort((a, b) => a.no - b.no), nextNo };
}

/**
 * The spool of one producer in `dir`.
 *
 * @example
 * const spool = await Spool.open('/var/spool/docket', 'worker-1', console.warn);
 * await spool.append(batch);
 */
export class Spool {
  readonly #segments: Segment[];
  readonly #own: Segment;
  readonly #report: (error: SdkError) => void;
  readonly #producerId: string;
  #chain: Promise<unknown> = Promise.resolve();

  private constructor(
    segments: Segment[],
    own: Segment,
    report: (error: SdkError) => void,
    producerId: string,
  ) {
    this.#segments = segments;
    this.#own = own;
    this.#report = report;
    this.#producerId = producerId;
  }

  /** Opens the spool: takes the lock of the producer's file and adopts orphaned files. */
  static async open(
    dir: string,
    producerId: string,
    report: (error: SdkError) => void,
  ): Promise<Spool> {
    await mkdir(dir, { recursive: true, mode: DIR_MODE });
    const ownPath = join(dir, `${producerId}${SUFFIX}`);
    const segments: Segment[] = [];
    const names = (await readdir(dir)).filter((n) => n.endsWith(SUFFIX)).sort();
    let k = 0;
    for (const name of names) {
      const path = join(dir, name);
      if (!(await isOrphan(path))) {
        if (path === ownPath) {
          throw new SdkError('SPOOL_LOCKED', `${path} is locked by a live process`);
        }
        continue;
      }
      // Lock the new name before the rename, so another process never sees it unlocked.
      const target = join(dir, `${producerId}.adopted-${Date.now()}-${k++}${SUFFIX}`);
      await writeLock(target);
      try {
        await rename(path, target);
      } catch {
        await rm(`${target}.lock`, { force: true });
        continue; // another process adopted it first
      }
      await rm(`${path}.lock`, { force: true });
      const text = await readFile(target);
      const { pending, nextNo } = parseSpool(text, report, target);
      segments.push({
        path: target,
        own: false,
        pending,
        handle: undefined,
        size: text.length,
        nextNo,
      });
      if (pending.length === 0) await Spool.#remove(target);
    }
    await writeLock(ownPath);
    const own: Segment = {
      path: ownPath,
      own: true,
      pending: [],
      handle: undefined,
      size: 0,
      nextNo: 0,
    };
    return new Spool(
      segments.filter((s) => s.pending.length > 0),
      own,
      report,
      producerId,
    );
  }

  static async #remove(path: string): Promise<void> {
    await rm(path, { force: true });
    await rm(`${path}.lock`, { force: true });
  }

  /** Batches waiting in the spool. */
  get pending(): number {
    return this.#segments.reduce((n, s) => n + s.pending.length, 0) + this.#own.pending.length;
  }

  /** Runs `task` after every earlier spool operation (appends stay in call order). */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(task, task);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  /** Appends `batch` and fsyncs it; resolves once it is on disk. Rejects on an I/O error. */
  append(batch: Batch): Promise<void> {
    return this.#serial(async () => {
      const own = this.#own;
      own.handle ??= await open(own.path, 'a+', FILE_MODE);
      const no = own.nextNo++;
      const reports = batch.reports?.length ? `,"r":[${batch.reports.join(',')}]` : '';
      const line = `{"b":${no},"d":[${batch.records.join(',')}]${reports}}`;
      const bytes = Buffer.from(`${line}\n`);
      await own.handle.write(bytes);
      await own.handle.datasync();
      own.pending.push({ no, offset: own.size, length: bytes.length - 1 });
      own.size += bytes.length;
    });
  }

  /** The oldest pending batch (adopted files first), or undefined when the spool is empty. */
  head(): Promise<SpooledBatch | undefined> {
    return this.#serial(async () => {
      for (const segment of [...this.#segments, this.#own]) {
        const entry = segment.pending[0];
        if (entry === undefined) continue;
        segment.handle ??= await open(segment.path, segment.own ? 'a+' : 'r', FILE_MODE);
        const buffer = Buffer.alloc(entry.length);
        await segment.handle.read(buffer, 0, entry.length, entry.offset);
        const parsed = JSON.parse(buffer.toString('utf8')) as {
          d: { id?: unknown; producer?: { id?: unknown; seq?: unknown } }[];
          r?: unknown[];
        };
        return {
          segment: segment.path,
          no: entry.no,
          batch: {
            ids: parsed.d.map((r) => (typeof r.id === 'string' ? r.id : '')),
            seqs: parsed.d.map((r) =>
              r.producer?.id === this.#producerId && typeof r.producer.seq === 'number'
                ? r.producer.seq
                : -1,
            ),
            records: parsed.d.map((r) => JSON.stringify(r)),
            ...(parsed.r === undefined ? {} : { reports: parsed.r.map((r) => JSON.stringify(r)) }),
          },
        };
      }
      return undefined;
    });
  }

  /** Marks `spooled` delivered; empties or removes its file once nothing in it is pending. */
  ack(spooled: SpooledBatch): Promise<void> {
    return this.#serial(async () => {
      const segment = [...this.#segments, this.#own].find((s) => s.path === spooled.segment);
      if (segment === undefined) return;
      const at = segment.pending.findIndex((e) => e.no === spooled.no);
      if (at === -1) return;
      segment.pending.splice(at, 1);
      if (segment.own) {
        if (segment.pending.length === 0) {
          await segment.handle?.truncate(0);
          segment.size = 0;
        } else {
          segment.handle ??= await open(segment.path, 'a+', FILE_MODE);
          const bytes = Buffer.from(`{"a":${spooled.no}}\n`);
          await segment.handle.write(bytes);
          segment.size += bytes.length;
        }
      } else if (segment.pending.length === 0) {
        await segment.handle?.close();
        segment.handle = undefined;
        await Spool.#remove(segment.path);
        this.#segments.splice(this.#segments.indexOf(segment), 1);
      } else {
        // Adopted files are read-only for us: record the ack by appending to the file itself.
        await writeFile(segment.path, `{"a":${spooled.no}}\n`, { flag: 'a' });
      }
    });
  }

  /** Closes the files; removes the own file when empty, and the lock (the file is then adoptable). */
  close(): Promise<void> {
    return this.#serial(async () => {
      for (const segment of [...this.#segments, this.#own]) {
        await segment.handle?.close();
        segment.handle = undefined;
      }
      if (this.#own.pending.length === 0) await rm(this.#own.path, { force: true });
      for (const segment of [...this.#segments, this.#own]) {
        await rm(`${segment.path}.lock`, { force: true });
      }
    }).catch((error: unknown) => {
      this.#report(toSdkError('SPOOL_IO', error, 'closing the spool'));
    });
  }
}
