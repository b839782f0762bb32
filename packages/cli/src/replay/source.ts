/**
 * Where a replay's decisions come from: a local log that verifies (a full audit first, as
 * `docket verify --data` runs it; replay refuses a log that does not verify), streamed page by
 * page so memory stays flat, filtered by a selection.
 */
import { DECISION_SCHEMA_V1, DocketError } from '@docket/protocol';
import type { DecisionRecord } from '@docket/protocol';
import { auditDataDir, openLedger } from '@docket/ledger';
import type { Ledger, ReadEntry } from '@docket/ledger';

/**
 * Which decisions to replay: by agent, version and time (`--select`), or by id (`--decisions`);
 * `sample` keeps a seeded random sample of that many.
 *
 * @example
 * const selection: ReplaySelection = { agentId: 'loan-underwriter', version: '2.3.1', sample: 200 };
 */
export interface ReplaySelection {
  readonly agentId?: string;
  readonly version?: string;
  /** Inclusive lower bound of the decision's `ts`. */
  readonly from?: string;
  /** Exclusive upper bound of the decision's `ts`. */
  readonly to?: string;
  readonly sample?: number;
  readonly ids?: readonly string[];
}

/**
 * One selected decision: its record, or `erased: true` (its content is gone).
 *
 * @example
 * if (!target.erased) replay(target.record);
 */
export type ReplayTarget =
  | {
      readonly id: string;
      readonly index: number;
      readonly erased: false;
      readonly record: DecisionRecord;
    }
  | { readonly id: string; readonly index: number; readonly erased: true };

const PAGE = 200;

/** The record of a decision entry read back (its fields, with the envelope's id and ts). */
function recordOf(entry: ReadEntry): DecisionRecord {
  return {
    ...(entry.fields as Record<string, unknown>),
    id: entry.envelope.id,
    ts: entry.envelope.ts,
    schema: DECISION_SCHEMA_V1,
  } as DecisionRecord;
}

function targetOf(entry: ReadEntry): ReplayTarget {
  return entry.erased || entry.fields === null
    ? { id: entry.envelope.id, index: entry.index, erased: true }
    : { id: entry.envelope.id, index: entry.index, erased: false, record: recordOf(entry) };
}

/**
 * Parses `--select agent=A,version=V,from=T,to=T,sample=N` (from/to: RFC 3339 or a date).
 *
 * @example
 * parseSelection('agent=loan-underwriter,version=2.3.1,sample=100');
 */
export function parseSelection(text: string): ReplaySelection {
  const out: Record<string, string | number> = {};
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (at <= 0 || value === '') {
      throw new DocketError('USAGE', `--select "${part}": expected KEY=VALUE`, {
        where: '--select',
      });
    }
    if (key === 'agent') out['agentId'] = value;
    else if (key === 'version') out['version'] = value;
    else if (key === 'from' || key === 'to') {
      const ms = Date.parse(value);
      if (Number.isNaN(ms)) {
        throw new DocketError('USAGE', `--select ${key}=${value}: not a date`, {
          where: '--select',
        });
      }
      out[key] = new Date(ms).toISOString();
    } else if (key === 'sample') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 1) {
        throw new DocketError('USAGE', `--select sample=${value}: a positive integer`, {
          where: '--select',
        });
      }
      out['sample'] = n;
    } else {
      throw new DocketError(
        'USAGE',
        `--select: unknown key "${key}" (agent, version, from, to, sample)`,
        { where: '--select' },
      );
    }
  }
  return out;
}

/** A small seeded generator (mulberry32) for the reservoir sample: the same seed, the same sample. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A verified local log opened for replay.
 *
 * @example
 * const source = await openReplaySource({ dataDir: '.docket' });
 * for await (const target of source.decisions({ agentId: 'loan-underwriter' })) …
 */
export interface ReplaySource {
  /** The log's origin line (names the log in the replay-run record). */
  readonly origin: string;
  /** The tree size the audit verified. */
  readonly size: number;
  decisions(selection: ReplaySelection): AsyncIterable<ReplayTarget>;
  close(): Promise<void>;
}

/**
 * Audits the log (`REPLAY_LOG_UNVERIFIED` with the audit's first issues when it does not
 * verify), then opens it for reading.
 *
 * @example
 * const source = await openReplaySource({ dataDir: '.docket' });
 */
export async function openReplaySource(options: {
  readonly dataDir: string;
  readonly pgUrl?: string;
  readonly onProgress?: (checked: number, total: number) => void;
}): Promise<ReplaySource> {
  const report = await auditDataDir(options.dataDir, {
    ...(options.pgUrl === undefined ? {} : { pgUrl: options.pgUrl }),
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
  });
  const errors = report.issues.filter((i) => i.severity === 'error');
  if (!report.ok || errors.length > 0) {
    const first = errors
      .slice(0, 3)
      .map((i) => `${i.code}${i.where === undefined ? '' : ` at ${i.where}`}`)
      .join('; ');
    throw new DocketError(
      'REPLAY_LOG_UNVERIFIED',
      `the log in ${options.dataDir} does not verify (${errors.length} issue(s): ${first}); replay refuses its records`,
      { where: options.dataDir },
    );
  }
  const ledger = await openLedger({
    dataDir: options.dataDir,
    ...(options.pgUrl === undefined ? {} : { pgUrl: options.pgUrl }),
    create: false,
  });
  return {
    origin: report.origin,
    size: report.treeSize,
    decisions: (selection) => selectDecisions(ledger, selection),
    close: () => ledger.close(),
  };
}

/** Streams the selected decisions (oldest first for `--decisions`, newest first otherwise). */
async function* selectDecisions(
  ledger: Ledger,
  selection: ReplaySelection,
): AsyncGenerator<ReplayTarget> {
  if (selection.ids !== undefined) {
    for (const id of selection.ids) {
      let entry: ReadEntry;
      try {
        entry = await ledger.read(id);
      } catch (cause) {
        throw new DocketError('REPLAY_SELECTION_EMPTY', `no decision ${id} in the log`, {
          where: id,
          cause,
        });
      }
      if (entry.envelope.type !== DECISION_SCHEMA_V1) {
        throw new DocketError('REPLAY_SELECTION_EMPTY', `entry ${id} is not a decision`, {
          where: id,
        });
      }
      yield targetOf(entry);
    }
    return;
  }
  const pages = pagesOf(ledger, selection);
  if (selection.sample === undefined) {
    yield* pages;
    return;
  }
  // Reservoir sampling (algorithm R): memory holds the sample, never the log.
  const random = seeded(0x5eed);
  const reservoir: ReplayTarget[] = [];
  let seen = 0;
  for await (const target of pages) {
    seen++;
    if (reservoir.length < selection.sample) reservoir.push(target);
    else {
      const j = Math.floor(random() * seen);
      if (j < selection.sample) reservoir[j] = target;
    }
  }
  reservoir.sort((a, b) => b.index - a.index);
  yield* reservoir;
}

async function* pagesOf(ledger: Ledger, selection: ReplaySelection): AsyncGenerator<ReplayTarget> {
  let before: number | undefined;
  for (;;) {
    const page = await ledger.search({
      limit: PAGE,
      ...(selection.agentId === undefined ? {} : { agentId: selection.agentId }),
      ...(selection.version === undefined ? {} : { agentVersion: selection.version }),
      ...(selection.from === undefined ? {} : { since: selection.from }),
      ...(selection.to === undefined ? {} : { until: selection.to }),
      ...(before === undefined ? {} : { before }),
    });
    for (const entry of page) yield targetOf(entry);
    const last = page.at(-1);
    if (page.length < PAGE || last === undefined) return;
    before = last.index;
  }
}
