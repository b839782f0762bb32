/**
 * A Docket server in-process for HTTP tests: a temporary data directory, a free port, every
 * response checked against the OpenAPI document (`validateResponses`), no log output, and one API
 * key per tenant × role. Plus a small fetch wrapper and the problem-body assertion every test uses.
 */
import assert from 'node:assert/strict';
import { API_KEY_ROLES } from '@docket/server';
import type { ApiKeyRole } from '@docket/server';
import { openSqliteApiKeyStore } from '@docket/store';
import { createApiKey, startServer } from '@docket/server';
import type { ServerOptions } from '@docket/server';
import { tempDir } from './ledger-fixture.js';

/** The tenants every test server has keys for. */
export const TENANTS = ['default', 'acme'] as const;
export type Tenant = (typeof TENANTS)[number];

/** The roles, in the store's order. */
export const ROLES: readonly ApiKeyRole[] = API_KEY_ROLES;

/** A running test server. */
export interface TestServer {
  readonly url: string;
  readonly dataDir: string;
  /** Key text (`dk_<id>_<secret>`) by tenant and role. */
  readonly keys: Readonly<Record<Tenant, Readonly<Record<ApiKeyRole, string>>>>;
  /** Key id (as the access log and `/v1/keys` name it) by tenant and role. */
  readonly keyIds: Readonly<Record<Tenant, Readonly<Record<ApiKeyRole, string>>>>;
  /** Stops the server (its ledgers drain and close); the data directory stays. Idempotent. */
  stop(): Promise<void>;
  /** Stops the server and deletes the data directory. Idempotent. */
  close(): Promise<void>;
}

/** Options of {@link startTestServer}: any server option but the data dir and port (no log by default). */
export type TestServerOptions = Omit<ServerOptions, 'dataDir' | 'port' | 'host'>;

/**
 * Starts a server on a fresh temporary data directory with keys for every tenant × role (written
 * to `DIR/api-keys.db` before the start, so no bootstrap key is made).
 *
 * @example
 * const server = await startTestServer();
 * try { await api(server.url, server.keys.default.reader).get('/v1/log'); }
 * finally { await server.close(); }
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const tmp = tempDir('docket-server-test-');
  const keys = {} as Record<Tenant, Record<ApiKeyRole, string>>;
  const keyIds = {} as Record<Tenant, Record<ApiKeyRole, string>>;
  try {
    const store = openSqliteApiKeyStore(`${tmp.dir}/api-keys.db`);
    try {
      for (const tenant of TENANTS) {
        keys[tenant] = {} as Record<ApiKeyRole, string>;
        keyIds[tenant] = {} as Record<ApiKeyRole, string>;
        for (const role of ROLES) {
          const { text, row } = createApiKey({ tenant, role, name: `test ${tenant} ${role}` });
          await store.insert(row);
          keys[tenant][role] = text;
          keyIds[tenant][role] = row.id;
        }
      }
    } finally {
      await store.close();
    }
    const server = await startServer({
      validateResponses: true,
      bootstrapAdminKey: false,
      ledger: { flushIntervalMs: 5 },
      log: () => undefined,
      ...options,
      dataDir: tmp.dir,
      port: 0,
      host: '127.0.0.1',
    });
    let removed = false;
    return {
      url: server.url,
      dataDir: tmp.dir,
      keys,
      keyIds,
      stop: () => server.close(),
      close: async () => {
        try {
          await server.close();
        } finally {
          if (!removed) tmp.cleanup();
          removed = true;
        }
      },
    };
  } catch (error) {
    tmp.cleanup();
    throw error;
  }
}

/** A response, read whole: status, headers, text, and the JSON body when there is one. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The parsed body for JSON content types; undefined otherwise (and for an empty body). */
  readonly body: unknown;
}

/** Options of one request. */
export interface RequestOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Raw body (sent as is, with the given headers; no content type is added). */
  readonly raw?: string | Uint8Array;
}

/** The fetch helper {@link api} returns. */
export interface Api {
  /** GET `path` (with its query string). */
  get(path: string, options?: RequestOptions): Promise<ApiResponse>;
  /** POST `body` as JSON to `path` (or `options.raw` as is). */
  post(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse>;
  /** Any method, any body. */
  send(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
}

/**
 * A tiny fetch wrapper: `Authorization: Bearer <key>` when a key is given, JSON in and out.
 *
 * @example
 * const res = await api(server.url, keys.default.ingest).post('/v1/decisions', { decisions });
 */
export function api(url: string, key?: string): Api {
  const send = async (
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse> => {
    const headers: Record<string, string> = {
      ...(key === undefined ? {} : { authorization: `Bearer ${key}` }),
      ...options.headers,
    };
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(options.raw === undefined ? {} : { body: options.raw }),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    let body: unknown;
    if (text !== '' && /^application\/(problem\+)?json\b/.test(type)) {
      try {
        body = JSON.parse(text);
      } catch {
        assert.fail(`${method} ${path}: ${res.status} ${type} body is not JSON: ${text}`);
      }
    }
    return { status: res.status, headers: res.headers, text, body };
  };
  return {
    get: (path, options) => send('GET', path, options),
    post: (path, body, options = {}) =>
      send('POST', path, {
        ...options,
        headers: { 'content-type': 'application/json', ...options.headers },
        raw: options.raw ?? JSON.stringify(body),
      }),
    send,
  };
}

/** An RFC 9457 problem body as Docket sends it. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly where?: string;
  readonly instance?: string;
  readonly issues?: readonly { code: string; message: string; where?: string }[];
}

/**
 * Asserts that `res` is a problem answer: `application/problem+json`, the RFC 9457 members plus
 * Docket's code, the status in the body equal to the HTTP status, and (when given) the status and
 * code expected. Returns the body.
 *
 * @example
 * assertProblem(await client.get('/nope'), 404, 'NOT_FOUND');
 */
export function assertProblem(res: ApiResponse, status?: number, code?: string): ProblemBody {
  const context = `${res.status} ${res.text.slice(0, 500)}`;
  if (status !== undefined) assert.equal(res.status, status, context);
  assert.ok(res.status >= 400 && res.status <= 599, context);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json\b/, context);
  const parsed: unknown = res.body;
  assert.ok(parsed !== null && typeof parsed === 'object', context);
  const body = parsed as Record<string, unknown>;
  for (const member of ['type', 'title', 'code', 'detail'] as const) {
    assert.equal(typeof body[member], 'string', `${member} missing: ${context}`);
  }
  assert.equal(body['status'], res.status, context);
  // RFC 9457 §3.1.1: `type` is a URI reference; Docket's are absolute and name the code.
  assert.match(String(body['type']), /^[a-z][a-z0-9+.-]*:\S+$/i, context);
  assert.ok(String(body['type']).endsWith(String(body['code'])), context);
  assert.match(String(body['code']), /^[A-Z][A-Z0-9_]*$/, context);
  if (code !== undefined) assert.equal(body['code'], code, context);
  // No stack trace or internals leak into an answer.
  assert.doesNotMatch(res.text, /\n\s+at |node_modules|\.js:\d+/, context);
  return body as unknown as ProblemBody;
}

/** Asserts a 2xx answer (with the body in the message otherwise) and returns its JSON body. */
export function assertOk<T = Record<string, unknown>>(res: ApiResponse, status?: number): T {
  const context = `${res.status} ${res.text.slice(0, 1000)}`;
  if (status === undefined) assert.ok(res.status >= 200 && res.status < 300, context);
  else assert.equal(res.status, status, context);
  return res.body as T;
}
