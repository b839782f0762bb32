import { DocketError, errorCodeOr } from '@docket/protocol';
import { createCaFetch } from '@docket/sdk';
import type { FetchInit, FetchLike } from '@docket/sdk';
import { readCaFile } from './tls.js';

/** Options of {@link ApiClient}. */
export interface ApiClientOptions {
  /** Server URL (`http://127.0.0.1:7420`). */
  readonly url: string;
  /** API key (`dk_…`); default `DOCKET_API_KEY`. */
  readonly apiKey?: string | undefined;
  /** Sent as X-Docket-Purpose (recorded in the access log). */
  readonly purpose?: string | undefined;
  /** PEM CA file to trust for an `https:` url (`--ca-file`); default the system roots. */
  readonly caFile?: string | undefined;
}

/**
 * A small client of the Docket HTTP API for the CLI: problem bodies become `DocketError`s with
 * the server's code, message and `where`; an unreachable server is `SERVER_UNREACHABLE`.
 *
 * @example
 * const client = new ApiClient({ url: 'http://127.0.0.1:7420', apiKey });
 * const log = await client.json<{ size: number }>('/v1/log');
 */
export class ApiClient {
  readonly url: string;
  readonly #headers: Record<string, string>;
  readonly #fetch: FetchLike;

  constructor(options: ApiClientOptions) {
    let base: URL;
    try {
      base = new URL(options.url);
    } catch {
      throw new DocketError('USAGE', `--url must be an http(s) URL, got "${options.url}"`, {
        where: '--url',
      });
    }
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new DocketError('USAGE', `--url must be http: or https:, got ${base.protocol}`, {
        where: '--url',
      });
    }
    this.url = base.href.replace(/\/$/, '');
    const apiKey = options.apiKey ?? process.env['DOCKET_API_KEY'];
    if (apiKey === undefined || apiKey === '') {
      throw new DocketError(
        'USAGE',
        'an API key is needed with --url: --api-key or DOCKET_API_KEY',
        {
          where: '--api-key',
        },
      );
    }
    const ca = readCaFile(options.caFile);
    this.#fetch = ca === undefined ? fetch : createCaFetch(ca);
    this.#headers = {
      authorization: `Bearer ${apiKey}`,
      ...(options.purpose === undefined ? {} : { 'x-docket-purpose': options.purpose }),
    };
  }

  /** GET a JSON resource. */
  async json<T>(path: string, query: Record<string, string | number> = {}): Promise<T> {
    const res = await this.#get(path, query);
    return (await res.json()) as T;
  }

  /** POST a JSON body; resolves with the JSON answer (a problem body is a `DocketError`). */
  async post<T>(path: string, body: unknown): Promise<T> {
    const res = await this.#send(new URL(this.url + path), {
      method: 'POST',
      headers: { ...this.#headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await res.json()) as T;
  }

  /** GET a resource whose body the caller reads as it streams (a bulk export). */
  async stream(path: string, query: Record<string, string | number> = {}): Promise<Response> {
    return this.#get(path, query);
  }

  /** GET a text resource. */
  async text(path: string): Promise<string> {
    return (await this.#get(path, {})).text();
  }

  async #get(path: string, query: Record<string, string | number>): Promise<Response> {
    const target = new URL(this.url + path);
    for (const [k, v] of Object.entries(query)) target.searchParams.set(k, String(v));
    return this.#send(target, { headers: this.#headers });
  }

  async #send(target: URL, init: FetchInit): Promise<Response> {
    const path = target.pathname;
    let res: Response;
    try {
      res = await this.#fetch(target, init);
    } catch (cause) {
      throw new DocketError(
        'SERVER_UNREACHABLE',
        `cannot reach ${this.url}: ${(cause as Error).cause instanceof Error ? ((cause as Error).cause as Error).message : (cause as Error).message}`,
        { where: '--url', cause },
      );
    }
    if (res.ok) return res;
    let problem: { code?: string; detail?: string; where?: string } = {};
    try {
      problem = (await res.json()) as typeof problem;
    } catch {
      // not a problem body: the status says enough
    }
    throw new DocketError(
      errorCodeOr(problem.code, 'HTTP_ERROR'),
      `${path}: ${res.status} ${problem.detail ?? res.statusText}`,
      { where: problem.where ?? target.pathname },
    );
  }
}
