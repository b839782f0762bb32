/**
 * A `fetch` that trusts a given CA for `https:` URLs. Node 20's global `fetch` (undici) takes a
 * custom CA only through an undici `Agent` passed as `dispatcher`, and undici is not importable
 * without installing it; the SDK has no runtime dependency, so `https:` requests with a CA go
 * through `node:https` instead, and the answer is wrapped in a standard `Response`. `http:` URLs
 * use the global `fetch` unchanged.
 */
import { Agent, request } from 'node:https';

/** The subset of `fetch`'s `init` that Docket's clients send. */
export interface FetchInit {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal;
}

/** The subset of `fetch` that Docket's clients call. */
export type FetchLike = (url: string | URL, init?: FetchInit) => Promise<Response>;

/** Statuses whose `Response` may not have a body (Fetch standard, "null body status"). */
const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * A {@link FetchLike} that verifies `https:` servers against `ca` (PEM, one or more certificates)
 * instead of Node's bundled roots. Connections are kept alive between calls and never keep the
 * process alive.
 *
 * @example
 * const fetchCa = createCaFetch(readFileSync('ca.pem', 'utf8'));
 * const res = await fetchCa('https://docket.internal:7420/healthz');
 */
export function createCaFetch(ca: string | Uint8Array): FetchLike {
  const agent = new Agent({ ca: typeof ca === 'string' ? ca : Buffer.from(ca), keepAlive: true });
  return (url, init = {}) => {
    const target = typeof url === 'string' ? new URL(url) : url;
    if (target.protocol !== 'https:') return fetch(target, init);
    return new Promise<Response>((resolve, reject) => {
      const { signal } = init;
      if (signal?.aborted === true) {
        reject(signal.reason as Error);
        return;
      }
      const req = request(
        target,
        { method: init.method ?? 'GET', headers: { ...init.headers }, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const status = res.statusCode ?? 502;
            const headers = new Headers();
            for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
              headers.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
            }
            resolve(
              new Response(NULL_BODY_STATUS.has(status) ? null : Buffer.concat(chunks), {
                status,
                statusText: res.statusMessage ?? '',
                headers,
              }),
            );
          });
        },
      );
      // fetch rejects with a TypeError whose cause says why; do the same for the callers that
      // print `error.cause.message`.
      req.on('error', (cause) => {
        reject(new TypeError('fetch failed', { cause }));
      });
      if (signal !== undefined) {
        const onAbort = (): void => {
          req.destroy(signal.reason as Error);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        req.on('close', () => {
          signal.removeEventListener('abort', onAbort);
        });
      }
      req.end(init.body);
    });
  };
}
