/**
 * Transport over the Docket HTTP API: `POST /v1/decisions` and `POST /v1/producer-reports` (gzip
 * when worth it) and `GET /v1/decisions/{id}/proof`. Uses Node's global `fetch`; no dependency.
 */
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { SdkError } from '../errors.js';
import { createCaFetch } from './ca-fetch.js';
import type { FetchLike } from './ca-fetch.js';
import type {
  Batch,
  InclusionProof,
  ItemResult,
  ProofResult,
  SendResult,
  Transport,
} from './transport.js';

const gzip = promisify(gzipCallback);

/** Bodies smaller than this are sent as is: gzip would cost more than it saves. */
const GZIP_MIN_BYTES = 1024;

/**
 * Options of {@link createHttpTransport}.
 *
 * @example
 * const options: HttpTransportOptions = { url: 'http://127.0.0.1:7420', apiKey: 'dk_…' };
 */
export interface HttpTransportOptions {
  readonly url: string;
  /** Ingest key for `send`. */
  readonly apiKey: string;
  /** Key for `proof` (a reader role); default `apiKey`. */
  readonly readKey?: string | undefined;
  readonly gzip?: boolean;
  readonly requestTimeoutMs?: number;
  readonly userAgent?: string;
  /** PEM certificate(s) to trust for an `https:` url instead of Node's bundled roots. */
  readonly ca?: string | Uint8Array | undefined;
}

/**
 * Parses a `Retry-After` value (RFC 9110 §10.2.3: delay-seconds or an HTTP-date) in ms.
 *
 * @example
 * parseRetryAfter('2'); // 2000
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Problem body (RFC 9457) summary for an error message. */
async function problemText(res: Response): Promise<{ code: string; detail: string }> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { code?: unknown; detail?: unknown };
    return {
      code: typeof body.code === 'string' ? body.code : `HTTP_${res.status}`,
      detail: typeof body.detail === 'string' ? body.detail : text.slice(0, 200),
    };
  } catch {
    return { code: `HTTP_${res.status}`, detail: text.slice(0, 200) };
  }
}

/** 408, 425, 429 and 5xx are worth another try; other statuses will answer the same again. */
const isRetryableStatus = (status: number): boolean =>
  status === 408 || status === 425 || status === 429 || status >= 500;

/**
 * A {@link Transport} to a Docket server.
 *
 * @example
 * const transport = createHttpTransport({ url: 'http://127.0.0.1:7420', apiKey: process.env.DOCKET_API_KEY! });
 */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.requestTimeoutMs ?? 30_000;
  const useGzip = options.gzip ?? true;
  const agent = options.userAgent === undefined ? {} : { 'user-agent': options.userAgent };
  const fetch: FetchLike = options.ca === undefined ? globalThis.fetch : createCaFetch(options.ca);

  const signalOf = (signal: AbortSignal): AbortSignal =>
    AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);

  /** POSTs `text` to `path`; ok with `expected` item results, else a (maybe retryable) failure. */
  async function post(
    path: string,
    text: string,
    expected: number,
    signal: AbortSignal,
  ): Promise<{ ok: true; results: ItemResult[] } | Extract<SendResult, { ok: false }>> {
    try {
      const headers: Record<string, string> = {
        ...agent,
        authorization: `Bearer ${options.apiKey}`,
        'content-type': 'application/json',
      };
      let body: string | Uint8Array = text;
      if (useGzip && text.length >= GZIP_MIN_BYTES) {
        body = await gzip(text);
        headers['content-encoding'] = 'gzip';
      }
      const res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers,
        body,
        signal: signalOf(signal),
      });
      if (res.status === 200) {
        const parsed = (await res.json()) as { results?: unknown };
        if (!Array.isArray(parsed.results) || parsed.results.length !== expected) {
          return {
            ok: false,
            retryable: true,
            error: new SdkError('SEND_BAD_ANSWER', `POST ${path}: no result per item`),
          };
        }
        return { ok: true, results: parsed.results as ItemResult[] };
      }
      const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      const problem = await problemText(res);
      return {
        ok: false,
        retryable: isRetryableStatus(res.status),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        error: new SdkError(
          'SEND_FAILED',
          `POST ${path} answered ${res.status} ${problem.code}: ${problem.detail}`,
        ),
      };
    } catch (error) {
      return {
        ok: false,
        retryable: true,
        error: new SdkError(
          'SEND_UNREACHABLE',
          `POST ${path}: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        ),
      };
    }
  }

  return {
    async send(batch: Batch, signal: AbortSignal): Promise<SendResult> {
      // Decisions first, then the batch's producer reports; a retry re-sends both (idempotent).
      let results: ItemResult[] = [];
      if (batch.records.length > 0) {
        const sent = await post(
          '/v1/decisions',
          `{"decisions":[${batch.records.join(',')}]}`,
          batch.ids.length,
          signal,
        );
        if (!sent.ok) return sent;
        results = sent.results;
      }
      if (batch.reports === undefined || batch.reports.length === 0) return { ok: true, results };
      const sent = await post(
        '/v1/producer-reports',
        `{"reports":[${batch.reports.join(',')}]}`,
        batch.reports.length,
        signal,
      );
      if (!sent.ok) return sent;
      return { ok: true, results, reportResults: sent.results };
    },

    async proof(id: string, signal: AbortSignal): Promise<ProofResult> {
      try {
        const res = await fetch(`${base}/v1/decisions/${encodeURIComponent(id)}/proof`, {
          headers: { ...agent, authorization: `Bearer ${options.readKey ?? options.apiKey}` },
          signal: signalOf(signal),
        });
        if (res.status === 200) {
          return { ok: true, proof: (await res.json()) as InclusionProof };
        }
        const problem = await problemText(res);
        const code =
          res.status === 403
            ? 'RECEIPT_FORBIDDEN'
            : res.status === 404
              ? 'RECEIPT_UNKNOWN_ID'
              : 'RECEIPT_FAILED';
        const hint = res.status === 403 ? ' (set readKey to a reader key)' : '';
        return {
          ok: false,
          error: new SdkError(
            code,
            `GET proof of ${id} answered ${res.status} ${problem.code}: ${problem.detail}${hint}`,
          ),
        };
      } catch (error) {
        return {
          ok: false,
          error: new SdkError('RECEIPT_FAILED', `GET proof of ${id}: ${String(error)}`, {
            cause: error,
          }),
        };
      }
    },
  };
}
