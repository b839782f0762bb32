/**
 * `runDemo`: records the demo's decisions through the real SDK (`record()` and `capture()`),
 * then their human overrides, downstream effects and outcome updates through
 * `POST /v1/decisions/{id}/events`. Ids are derived from the seed, so a second run is all
 * duplicates (counted as skipped) and the log does not grow.
 */
import { DocketError, errorCodeOr } from '@docket/protocol';
import { createCaFetch, createDocket } from '@docket/sdk';
import type { FetchInit, FetchLike, SdkError } from '@docket/sdk';
import { readCaFile } from '../remote/tls.js';
import { demoCase, DEMO_SEED } from './cases.js';
import { CLAIMS_REDACT } from './claims-triage.js';
import { LOAN_REDACT } from './loan-approval.js';
import type { DemoCase, DemoEvent } from './scenario.js';

/** Decisions recorded when no count is given: a few seconds' work. */
export const DEMO_DEFAULT_COUNT = 300;
/** The largest count (the demo's clock must stay in the past). */
export const DEMO_MAX_COUNT = 100_000;
/** The producer id of every demo record (with seq = index, so reruns leave no gaps). */
export const DEMO_PRODUCER = 'docket-demo';

/**
 * Options of {@link runDemo}.
 *
 * @example
 * const options: DemoOptions = { url: 'http://127.0.0.1:7420', apiKey: 'dk_…', count: 300 };
 */
export interface DemoOptions {
  /** Server URL, e.g. `http://127.0.0.1:7420`. */
  readonly url: string;
  /** An ingest or admin key of the tenant to fill. */
  readonly apiKey: string;
  /** PEM CA file to trust for an `https:` url; default the system roots. */
  readonly caFile?: string;
  /** How many decisions (default 300, at most 100,000). */
  readonly count?: number;
  /** Another seed gives another, equally deterministic, data set (default `docket-demo-v1`). */
  readonly seed?: string;
  /** Called as decisions become durable: (decisions done, count). */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * What {@link runDemo} did. `recorded`/`skipped` count decisions (skipped: already in the log);
 * `events` the same for the linked events; `agents` the decisions per agent and version.
 *
 * @example
 * const { recorded, skipped } = await runDemo({ url, apiKey });
 */
export interface DemoResult {
  readonly recorded: number;
  readonly skipped: number;
  readonly events: { readonly recorded: number; readonly skipped: number };
  readonly agents: Record<string, Record<string, number>>;
}

/** Decisions per round: recorded, flushed (durable), then their events posted. */
const CHUNK = 1_000;
/** Event requests in flight at once (each answers once durable: they share the server's flushes). */
const EVENT_CONCURRENCY = 64;
/** How long one round may take before the demo gives up. */
const ROUND_TIMEOUT_MS = 60_000;

/**
 * Records `count` realistic decisions (loan underwriting, insurance claims triage, clinical alert
 * triage; two versions of each agent) and their later events into the server at `url`.
 * Deterministic and idempotent: the same seed and count give the same records, and running it
 * again records nothing new. Throws a `DocketError`: `USAGE` for bad options, `SERVER_UNREACHABLE`,
 * `UNAUTHENTICATED`, `FORBIDDEN` (the key's role may not record), `DEMO_REJECTED`, `DEMO_TIMEOUT`.
 *
 * @example
 * const { recorded, skipped } = await runDemo({ url: 'http://127.0.0.1:7420', apiKey: process.env.DOCKET_API_KEY!, count: 300 });
 */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const base = checkUrl(options.url);
  const apiKey = options.apiKey;
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new DocketError('USAGE', 'an API key is needed: --api-key or DOCKET_API_KEY', {
      where: '--api-key',
    });
  }
  const count = options.count ?? DEMO_DEFAULT_COUNT;
  if (!Number.isSafeInteger(count) || count < 0 || count > DEMO_MAX_COUNT) {
    throw new DocketError(
      'USAGE',
      `--count must be an integer from 0 to ${DEMO_MAX_COUNT.toLocaleString('en-US')}, got ${String(count)}`,
      { where: '--count' },
    );
  }
  const seed = options.seed ?? DEMO_SEED;
  const ca = readCaFile(options.caFile);
  const fetchOf: FetchLike = ca === undefined ? fetch : createCaFetch(ca);
  await preflight(fetchOf, base, apiKey);

  const errors: SdkError[] = [];
  const docket = createDocket({
    url: base,
    apiKey,
    ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
    producerId: DEMO_PRODUCER,
    maxQueue: CHUNK * 2,
    maxBatch: 500,
    flushIntervalMs: 50,
    handleExit: false,
    otel: false,
    redact: { paths: [...LOAN_REDACT, ...CLAIMS_REDACT], detectors: [] },
    onError: (error) => errors.push(error),
    // Only what is passed here: a DOCKET_* variable of the caller must not change the demo.
    env: {},
  });
  const agents: Record<string, Record<string, number>> = {};
  const events = { recorded: 0, skipped: 0 };
  try {
    options.onProgress?.(0, count);
    for (let start = 0; start < count; start += CHUNK) {
      const cases: DemoCase[] = [];
      for (let index = start; index < Math.min(count, start + CHUNK); index++) {
        const c = demoCase(seed, index);
        if (c.via === 'record') docket.record(c.meta, c.act);
        else docket.capture(c.decision);
        const byVersion = (agents[c.agent] ??= {});
        byVersion[c.version] = (byVersion[c.version] ?? 0) + 1;
        cases.push(c);
      }
      const delivered = await docket.flush(ROUND_TIMEOUT_MS);
      assertDelivered(docket.stats(), errors, delivered, base);
      const posted = await postEvents(
        fetchOf,
        base,
        apiKey,
        cases.flatMap((c) => c.events.map((event) => ({ decision: c.id, event }))),
      );
      events.recorded += posted.recorded;
      events.skipped += posted.skipped;
      options.onProgress?.(Math.min(count, start + CHUNK), count);
    }
  } finally {
    await docket.shutdown(1_000);
  }
  const stats = docket.stats();
  return { recorded: stats.accepted, skipped: stats.duplicates, events, agents };
}

/** The URL without a trailing slash, or a usage error. */
function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DocketError('USAGE', `--url must be an http(s) URL, got "${url}"`, {
      where: '--url',
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new DocketError('USAGE', `--url must be http: or https:, got ${parsed.protocol}`, {
      where: '--url',
    });
  }
  return parsed.href.replace(/\/$/, '');
}

/** A fetch that turns a network failure into `SERVER_UNREACHABLE`. */
async function call(fetchOf: FetchLike, url: string, init: FetchInit): Promise<Response> {
  try {
    return await fetchOf(url, { ...init, signal: AbortSignal.timeout(ROUND_TIMEOUT_MS) });
  } catch (cause) {
    const inner = (cause as Error).cause;
    const why = inner instanceof Error ? inner.message : (cause as Error).message;
    throw new DocketError('SERVER_UNREACHABLE', `cannot reach ${new URL(url).origin}: ${why}`, {
      where: '--url',
      cause,
    });
  }
}

/** The problem body's code and detail, or the status. */
async function problemOf(res: Response): Promise<{ code: string; detail: string }> {
  try {
    const body = (await res.json()) as { code?: unknown; detail?: unknown };
    return {
      code: typeof body.code === 'string' ? body.code : `HTTP_${res.status}`,
      detail: typeof body.detail === 'string' ? body.detail : res.statusText,
    };
  } catch {
    return { code: `HTTP_${res.status}`, detail: res.statusText };
  }
}

/**
 * Checks, without writing anything, that `base` is a Docket server and the key may record:
 * an empty batch is authenticated and authorized first, then refused as bad input (400).
 */
async function preflight(fetchOf: FetchLike, base: string, apiKey: string): Promise<void> {
  const res = await call(fetchOf, `${base}/v1/decisions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    body: '{"decisions":[]}',
  });
  if (res.status === 400) {
    await res.body?.cancel();
    return;
  }
  const problem = await problemOf(res);
  if (res.status === 401) {
    throw new DocketError('UNAUTHENTICATED', `the server refused the API key: ${problem.detail}`, {
      where: '--api-key',
    });
  }
  if (res.status === 403) {
    throw new DocketError(
      'FORBIDDEN',
      `this key may not record decisions (${problem.detail}); the demo needs an ingest or admin key`,
      { where: '--api-key' },
    );
  }
  if (res.status === 404 || res.status === 405) {
    throw new DocketError(
      'NOT_DOCKET',
      `${base} does not look like a Docket server (no POST /v1/decisions)`,
      {
        where: '--url',
      },
    );
  }
  throw new DocketError(
    errorCodeOr(problem.code, 'DEMO_REJECTED'),
    `${base}/v1/decisions answered ${res.status}: ${problem.detail}`,
    {
      where: '--url',
    },
  );
}

/** Throws when a round was not fully accepted (or recognized as a duplicate). */
function assertDelivered(
  stats: ReturnType<ReturnType<typeof createDocket>['stats']>,
  errors: readonly SdkError[],
  delivered: boolean,
  base: string,
): void {
  const lost =
    stats.invalid + stats.redactionFailed + stats.dropped + stats.rejected + stats.failed;
  const first = errors[0];
  if (lost > 0) {
    throw new DocketError(
      'DEMO_REJECTED',
      `${lost} demo decisions were not recorded${first === undefined ? '' : `: ${first.code}: ${first.message}`}`,
      { where: base },
    );
  }
  if (!delivered) {
    throw new DocketError(
      'DEMO_TIMEOUT',
      `the server did not take the demo's decisions within ${ROUND_TIMEOUT_MS / 1000} s${first === undefined ? '' : ` (${first.code}: ${first.message})`}`,
      { where: base },
    );
  }
}

/** Posts events, a few at a time; counts new (201) and known (200) ones. */
async function postEvents(
  fetchOf: FetchLike,
  base: string,
  apiKey: string,
  items: readonly { decision: string; event: DemoEvent }[],
): Promise<{ recorded: number; skipped: number }> {
  let recorded = 0;
  let skipped = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const { decision, event } = items[next++]!;
      const res = await call(fetchOf, `${base}/v1/decisions/${decision}/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(event),
      });
      if (res.status === 201 || res.status === 200) {
        await res.body?.cancel();
        if (res.status === 201) recorded++;
        else skipped++;
        continue;
      }
      const problem = await problemOf(res);
      if (res.status === 403) {
        throw new DocketError(
          'FORBIDDEN',
          `this key may record decisions but not post events (${problem.detail}); use an ingest or admin key`,
          { where: '--api-key' },
        );
      }
      throw new DocketError(
        'DEMO_REJECTED',
        `event ${event.id} of decision ${decision} was refused: ${res.status} ${problem.code}: ${problem.detail}`,
        { where: `${base}/v1/decisions/${decision}/events` },
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(EVENT_CONCURRENCY, items.length) }, worker));
  return { recorded, skipped };
}
