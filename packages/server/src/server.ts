import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_TENANT, LedgerError, pgUrlOf } from '@docket/ledger';
import { openApiKeyStore } from '@docket/store';
import type { ApiKeyStore } from '@docket/store';
import { createApiKey } from './auth/api-key.js';
import { Authenticator } from './auth/authenticator.js';
import type { Principal } from './auth/authenticator.js';
import { ServerError } from './errors.js';
import * as decisions from './handlers/decisions.js';
import * as keys from './handlers/keys.js';
import * as log from './handlers/log.js';
import * as system from './handlers/system.js';
import { readJsonBody } from './http/body.js';
import type { Handler, Reply, RequestContext, Services } from './http/context.js';
import { toProblem } from './http/problem.js';
import { createStaticHandler } from './http/static.js';
import { Router } from './http/router.js';
import { Metrics } from './metrics.js';
import { listOperations } from './openapi/document.js';
import { compileValidators } from './openapi/validator.js';
import { TenantRegistry } from './tenants.js';
import type { SharedLedgerOptions } from './tenants.js';

/** Every operation of the document → its handler. A missing one fails at start-up. */
const HANDLERS: Readonly<Record<string, Handler>> = {
  postDecisions: decisions.postDecisions,
  listDecisions: decisions.listDecisions,
  getDecision: decisions.getDecision,
  postEvent: decisions.postEvent,
  postProducerReports: decisions.postProducerReports,
  getProof: decisions.getProof,
  getBundle: decisions.getBundle,
  getCheckpoint: log.getCheckpoint,
  getConsistency: log.getConsistency,
  getLog: log.getLog,
  getEntries: log.getEntries,
  eraseSubject: log.eraseSubject,
  getAccessLog: log.getAccessLog,
  listKeys: keys.listKeys,
  createKey: keys.createKey,
  revokeKey: keys.revokeKey,
  getHealth: system.getHealth,
  getReady: system.getReady,
  getMetrics: system.getMetrics,
  getOpenApi: system.getOpenApi,
};

/** One structured log line (JSON on stderr by default). */
export type LogLine = Readonly<Record<string, unknown>>;

/** Options of {@link startServer}; numbers have environment twins. */
export interface ServerOptions {
  /** Root data directory (default `.docket`): the default tenant's log, keys, other tenants. */
  readonly dataDir?: string;
  /** PostgreSQL URL (`DOCKET_PG_URL`): logs and API keys in PostgreSQL instead of SQLite. */
  readonly pgUrl?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 7420; 0 picks a free port. */
  readonly port?: number;
  /** Largest request body once decompressed (`DOCKET_MAX_BODY_BYTES`, default 8 MiB). */
  readonly maxBodyBytes?: number;
  /** Requests handled at once before answering 429 (`DOCKET_MAX_INFLIGHT`, default 1024). */
  readonly maxInflight?: number;
  /** Check every response against the OpenAPI document (tests); a mismatch is a 500. */
  readonly validateResponses?: boolean;
  /** Create an admin key for the default tenant when no key exists (default true). */
  readonly bootstrapAdminKey?: boolean;
  /** Options of every ledger (flush interval, pool size…). */
  readonly ledger?: SharedLedgerOptions;
  /** Where log lines go (default: JSON lines on stderr). */
  readonly log?: (line: LogLine) => void;
}

/** A running server. */
export interface DocketServer {
  /** `http://host:port` */
  readonly url: string;
  readonly port: number;
  /** The admin key created at first start (shown once), if any. */
  readonly bootstrapKey: string | undefined;
  /** Stops accepting, finishes requests in flight, drains and closes every ledger. Idempotent. */
  close(): Promise<void>;
}

function envInt(name: string, value: number | undefined, fallback: number, min: number): number {
  const raw = value ?? (process.env[name] === undefined ? undefined : Number(process.env[name]));
  const n = raw ?? fallback;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new LedgerError(
      'OPTION_INVALID',
      `${name} must be an integer ≥ ${min}, got ${String(raw)}`,
      {
        where: name,
      },
    );
  }
  return n;
}

/**
 * Starts the Docket HTTP server: opens the API key store and the default tenant's logs, then
 * listens. Every route, parameter, body and role comes from the OpenAPI document.
 *
 * @example
 * const server = await startServer({ dataDir: '.docket', port: 7420 });
 * console.log(`listening on ${server.url}`);
 * await server.close();
 */
export async function startServer(options: ServerOptions = {}): Promise<DocketServer> {
  const dataDir = options.dataDir ?? '.docket';
  const pgUrl = pgUrlOf(options.pgUrl);
  const maxBody = envInt('DOCKET_MAX_BODY_BYTES', options.maxBodyBytes, 8 * 1024 * 1024, 1024);
  const maxInflight = envInt('DOCKET_MAX_INFLIGHT', options.maxInflight, 1024, 1);
  const port = options.port ?? 7420;
  const host = options.host ?? '127.0.0.1';
  const write =
    options.log ??
    ((line: LogLine) => {
      process.stderr.write(`${JSON.stringify(line)}\n`);
    });
  const emit = (level: string, msg: string, fields: Record<string, unknown> = {}): void => {
    write({ ts: new Date().toISOString(), level, msg, ...fields });
  };

  const operations = listOperations();
  for (const op of operations) {
    if (HANDLERS[op.operationId] === undefined) {
      throw new Error(`operation ${op.operationId} of the OpenAPI document has no handler`);
    }
  }
  const validators = compileValidators(operations);
  const router = new Router(operations);
  const metrics = new Metrics();
  const tenants = new TenantRegistry(
    dataDir,
    // On PostgreSQL every log is shared: replicas of this server may serve the same database,
    // and the database chooses which one sequences each log (docs/decisions/0005-replicas.md).
    { ...(pgUrl === undefined ? {} : { pgUrl, shared: true }), ...options.ledger },
    {
      onFlush: (tenant, kind, _entries, ms) => {
        metrics.flushed(tenant, kind, ms);
      },
    },
  );
  let keyStore: ApiKeyStore | undefined;
  let bootstrapKey: string | undefined;
  try {
    // The default tenant's logs first: a bad data dir or key fails here, not at the first request.
    await tenants.get(DEFAULT_TENANT);
    keyStore = await openApiKeyStore({ dataDir, ...(pgUrl === undefined ? {} : { pgUrl }) });
    if (options.bootstrapAdminKey !== false && (await keyStore.countActive()) === 0) {
      const { text, row } = createApiKey({
        tenant: DEFAULT_TENANT,
        role: 'admin',
        name: 'bootstrap',
      });
      await keyStore.insert(row);
      bootstrapKey = text;
    }
  } catch (error) {
    await keyStore?.close();
    await tenants.close();
    throw error;
  }
  const keyStoreOpen = keyStore;
  const authenticator = new Authenticator(keyStoreOpen);
  let accepting = true;
  let inflight = 0;
  const services: Services = {
    tenants,
    keys: keyStoreOpen,
    authenticator,
    metrics,
    ready: () => accepting,
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const headerId = req.headers['x-request-id'];
    const requestId =
      typeof headerId === 'string' && /^[\w.:-]{1,100}$/.test(headerId) ? headerId : randomUUID();
    const url = new URL(req.url ?? '/', 'http://docket.invalid');
    let operationId = 'unknown';
    let principal: Principal | undefined;
    let reply: Reply;
    inflight++;
    try {
      if (inflight > maxInflight) {
        throw new ServerError(
          'TOO_MANY_REQUESTS',
          `more than ${maxInflight} requests in flight; retry shortly`,
        );
      }
      // HEAD is GET without the body (node:http leaves the body out of a HEAD answer).
      const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
      const match = router.match(method, url.pathname);
      if (match.kind === 'none') {
        throw new ServerError('NOT_FOUND', `no route ${url.pathname} (see /openapi.json)`, {
          where: 'path',
        });
      }
      if (match.kind === 'method') {
        throw Object.assign(
          new ServerError(
            'METHOD_NOT_ALLOWED',
            `${req.method} is not allowed here; allowed: ${match.allowed.join(', ')}`,
            {
              where: 'method',
            },
          ),
          { allow: match.allowed.join(', ') },
        );
      }
      const op = match.operation;
      operationId = op.operationId;
      if (!accepting && op.roles.length > 0) {
        throw new ServerError(
          'SHUTTING_DOWN',
          'the server is shutting down; retry on another replica or later',
        );
      }
      if (op.roles.length > 0) {
        principal = await authenticator.authenticate(req.headers);
        if (!op.roles.includes(principal.role)) {
          throw new ServerError(
            'FORBIDDEN',
            `a ${principal.role} key may not ${op.operationId}; allowed roles: ${op.roles.join(', ')}`,
            { where: 'header.authorization' },
          );
        }
      }
      const validator = validators.get(op.operationId)!;
      const params = validator.params(match.path, url.searchParams);
      const purposeHeader = req.headers['x-docket-purpose'];
      const purpose = typeof purposeHeader === 'string' ? purposeHeader : null;
      if (purpose !== null && (purpose.length > 500 || /[\p{Cc}]/u.test(purpose))) {
        throw new ServerError(
          'HEADER_INVALID',
          'X-Docket-Purpose must be at most 500 printable characters',
          {
            where: 'header.x-docket-purpose',
          },
        );
      }
      let body: unknown;
      if (op.body !== undefined) {
        body = await readJsonBody(req, maxBody);
        validator.body(body);
      }
      const caller = principal;
      const ctx: RequestContext = {
        operationId,
        params,
        body,
        principal: caller,
        purpose,
        requestId,
        services,
        tenant: () => tenants.get(caller?.tenant ?? DEFAULT_TENANT),
        recordAccess: async (action, target, count) => {
          if (caller === undefined) return;
          const { access } = await tenants.get(caller.tenant);
          await access.appendAccess({
            actor: caller.keyId,
            role: caller.role,
            action,
            target,
            purpose,
            requestId,
            ...(count === undefined ? {} : { count }),
          });
        },
      };
      reply = await HANDLERS[op.operationId]!(ctx);
      if (options.validateResponses === true && reply.json !== undefined) {
        const issues = validator.response(reply.status, reply.json);
        if (issues.length > 0) {
          throw Object.assign(
            new ServerError('RESPONSE_INVALID', `the response does not match the OpenAPI document`),
            { issues },
          );
        }
      }
    } catch (error) {
      const problem = toProblem(error, `urn:docket:request:${requestId}`);
      if (problem.status >= 500) {
        emit('error', 'request failed', {
          requestId,
          operation: operationId,
          error: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
      }
      const allow = (error as { allow?: string }).allow;
      reply = {
        status: problem.status,
        json: problem,
        contentType: 'application/problem+json',
        headers: {
          ...(problem.status === 429 || problem.status === 503 ? { 'retry-after': '1' } : {}),
          ...(allow === undefined ? {} : { allow }),
          // RFC 9110 §11.6.1: a 401 names the scheme to use.
          ...(problem.status === 401 ? { 'www-authenticate': 'Bearer realm="docket"' } : {}),
        },
      };
      if (!req.complete) req.resume();
    } finally {
      inflight--;
    }
    const payload = reply.text ?? JSON.stringify(reply.json ?? null);
    res.writeHead(reply.status, {
      'content-type': reply.contentType ?? 'application/json',
      'content-length': Buffer.byteLength(payload),
      'cache-control': 'no-store',
      'x-request-id': requestId,
      ...reply.headers,
    });
    res.end(payload);
    metrics.request(principal?.tenant ?? '-', operationId, reply.status);
    emit('info', 'request', {
      requestId,
      method: req.method,
      path: url.pathname,
      operation: operationId,
      status: reply.status,
      ms: Math.round((performance.now() - started) * 100) / 100,
      ...(principal === undefined ? {} : { tenant: principal.tenant, key: principal.keyId }),
    });
  };

  // The web UI (/ and /ui/…) is answered before the API router; its paths are not in the document.
  const ui = createStaticHandler();
  const server: Server = createServer(
    { keepAliveTimeout: 65_000, requestTimeout: 60_000 },
    (req, res) => {
      if (ui(req, res)) return;
      handle(req, res).catch((error: unknown) => {
        // Only a failure to write the answer lands here (the client went away).
        emit('warn', 'response not sent', { error: String(error) });
        res.destroy();
      });
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (cause) {
    await keyStoreOpen.close();
    await tenants.close();
    throw new ServerError(
      'LISTEN_FAILED',
      `cannot listen on ${host}:${port}: ${(cause as Error).message}`,
      { where: '--port', cause },
    );
  }
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    bootstrapKey,
    close: () => {
      closing ??= (async () => {
        accepting = false;
        const stopped = new Promise<void>((resolve) =>
          server.close(() => {
            resolve();
          }),
        );
        server.closeIdleConnections();
        // Requests in flight finish (their appends become durable) before the ledgers close.
        const deadline = Date.now() + 30_000;
        while (inflight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        server.closeAllConnections();
        await stopped;
        await tenants.close();
        await keyStoreOpen.close();
        emit('info', 'stopped');
      })();
      return closing;
    },
  };
}
