import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { DEFAULT_TENANT, LedgerError, pgUrlOf } from '@docket/ledger';
import { MAX_JSON_DEPTH } from '@docket/protocol';
import { openApiKeyStore } from '@docket/store';
import type { ApiKeyStore } from '@docket/store';
import { createApiKey } from './auth/api-key.js';
import { Authenticator } from './auth/authenticator.js';
import { ServerError } from './errors.js';
import * as changes from './handlers/changes.js';
import { getDrift } from './handlers/drift.js';
import { getReport, postReport } from './handlers/reports.js';
import * as decisions from './handlers/decisions.js';
import * as exportsHandlers from './handlers/exports.js';
import * as keys from './handlers/keys.js';
import * as log from './handlers/log.js';
import * as retention from './handlers/retention.js';
import * as system from './handlers/system.js';
import { getStats } from './handlers/stats.js';
import { getTile, getTilesCheckpoint } from './handlers/tiles.js';
import { answerClientError } from './http/client-error.js';
import type { Handler, Services } from './http/context.js';
import { RequestPipeline } from './http/pipeline.js';
import { createStaticHandler } from './http/static.js';
import { Router } from './http/router.js';
import { Metrics } from './metrics.js';
import { listOperations } from './openapi/document.js';
import { compileValidators } from './openapi/validator.js';
import { TenantRegistry } from './tenants.js';
import type { SharedLedgerOptions } from './tenants.js';
import { startPurgeScheduler } from './retention/purge-scheduler.js';
import type { PurgeScheduler } from './retention/purge-scheduler.js';
import { startWitnessing } from './witnessing/start-witnessing.js';
import type { Witnessing } from './witnessing/start-witnessing.js';

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
  postChange: changes.postChange,
  listChanges: changes.listChanges,
  ...retention,
  getExport: exportsHandlers.getExport,
  getStats,
  getDrift,
  getTilesCheckpoint,
  getTile,
  postReport,
  getReport,
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
  /**
   * Time between two scheduled retention purges of every tenant (`DOCKET_PURGE_INTERVAL_MS`).
   * Default: one hour on SQLite; off (0) on PostgreSQL, where replicas share the logs and one of
   * them (or a cron job running `docket purge`) should be given the interval. 0 turns it off.
   */
  readonly purgeIntervalMs?: number;
  /** Default 7420; 0 picks a free port. */
  readonly port?: number;
  /** Largest request body once decompressed (`DOCKET_MAX_BODY_BYTES`, default 8 MiB). */
  readonly maxBodyBytes?: number;
  /** Requests handled at once before answering 429 (`DOCKET_MAX_INFLIGHT`, default 1024). */
  readonly maxInflight?: number;
  /**
   * Most keys in one object of a request body (`DOCKET_MAX_BODY_OBJECT_KEYS`, default 10,000);
   * more is `BODY_TOO_COMPLEX` (413), refused while the body arrives, before it is parsed.
   */
  readonly maxBodyObjectKeys?: number;
  /** Most values in one request body (`DOCKET_MAX_BODY_VALUES`, default 1,000,000: a full SDK batch of 1,000 decisions of up to 1,000 values each); as above. */
  readonly maxBodyValues?: number;
  /** Time to receive a request's headers (`DOCKET_HEADERS_TIMEOUT_MS`, default 10 s); then 408. */
  readonly headersTimeoutMs?: number;
  /**
   * Time to receive a whole request, body included (`DOCKET_SERVER_REQUEST_TIMEOUT_MS`, default
   * 30 s, at least the headers timeout); then 408 and the connection is closed.
   */
  readonly requestTimeoutMs?: number;
  /** Check every response against the OpenAPI document (tests); a mismatch is a 500. */
  readonly validateResponses?: boolean;
  /** Create an admin key for the default tenant when no key exists (default true). */
  readonly bootstrapAdminKey?: boolean;
  /** Options of every ledger (flush interval, pool size…). */
  readonly ledger?: SharedLedgerOptions;
  /** Where log lines go (default: JSON lines on stderr). */
  readonly log?: (line: LogLine) => void;
  /**
   * Witnesses to submit every new checkpoint to, each `NAME=URL+VKEY` (c2sp.org/tlog-witness);
   * `DOCKET_WITNESSES` adds more. Cosignatures go in DIR/cosignatures.db.
   */
  readonly witnesses?: readonly string[];
  /** Serve HTTPS with this certificate (chain) and private key, PEM; default plain HTTP. */
  readonly tls?: ServerTlsOptions;
}

/**
 * The certificate and key of an HTTPS server, PEM text (`docket serve --tls-cert --tls-key`).
 *
 * @example
 * const tls: ServerTlsOptions = { cert: readFileSync('cert.pem'), key: readFileSync('key.pem') };
 */
export interface ServerTlsOptions {
  /** The server's certificate, followed by any intermediates. */
  readonly cert: string | Buffer;
  readonly key: string | Buffer;
}

/** A running server. */
export interface DocketServer {
  /** `http://host:port` (`https://` with `tls`) */
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
  const maxObjectKeys = envInt(
    'DOCKET_MAX_BODY_OBJECT_KEYS',
    options.maxBodyObjectKeys,
    10_000,
    64,
  );
  const maxValues = envInt('DOCKET_MAX_BODY_VALUES', options.maxBodyValues, 1_000_000, 1_000);
  const headersTimeout = envInt('DOCKET_HEADERS_TIMEOUT_MS', options.headersTimeoutMs, 10_000, 100);
  const requestTimeout = envInt(
    'DOCKET_SERVER_REQUEST_TIMEOUT_MS',
    options.requestTimeoutMs,
    30_000,
    headersTimeout,
  );
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
  let witnessing: Witnessing | undefined;
  const tenants = new TenantRegistry(
    dataDir,
    // On PostgreSQL every log is shared: replicas of this server may serve the same database,
    // and the database chooses which one sequences each log (docs/decisions/0005-replicas.md).
    { ...(pgUrl === undefined ? {} : { pgUrl, shared: true }), ...options.ledger },
    {
      onFlush: (tenant, kind, _entries, ms) => {
        metrics.flushed(tenant, kind, ms);
        witnessing?.flushed(tenant, kind);
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
    witnessing = startWitnessing({
      dataDir,
      witnesses: options.witnesses,
      tenants,
      emit,
    });
  } catch (error) {
    await keyStore?.close();
    await tenants.close();
    throw error;
  }
  const keyStoreOpen = keyStore;
  const purgeInterval = envInt(
    'DOCKET_PURGE_INTERVAL_MS',
    options.purgeIntervalMs,
    pgUrl === undefined ? 3_600_000 : 0,
    0,
  );
  const purges: PurgeScheduler | undefined =
    purgeInterval > 0
      ? startPurgeScheduler({ tenants, keys: keyStoreOpen, intervalMs: purgeInterval, emit })
      : undefined;
  const authenticator = new Authenticator(keyStoreOpen);
  let accepting = true;
  const services: Services = {
    tenants,
    keys: keyStoreOpen,
    authenticator,
    metrics,
    ready: () => accepting,
    ...(witnessing === undefined ? {} : { witnessing: witnessing.pump }),
  };

  const pipeline = new RequestPipeline({
    router,
    validators,
    handlers: HANDLERS,
    services,
    bodyLimits: { maxBytes: maxBody, maxObjectKeys, maxValues, maxDepth: MAX_JSON_DEPTH },
    maxInflight,
    validateResponses: options.validateResponses === true,
    emit,
  });

  // The web UI (/ and /ui/…) is answered before the API router; its paths are not in the document.
  const ui = createStaticHandler();
  const httpOptions = {
    keepAliveTimeout: 65_000,
    // A client has this long to send its headers, and this long for the whole request (a body
    // shorter than its Content-Length, a slow sender); Node checks every connectionsCheckingInterval.
    headersTimeout,
    requestTimeout,
    connectionsCheckingInterval: Math.min(1_000, headersTimeout),
  };
  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    if (ui(req, res)) return;
    pipeline.handle(req, res).catch((error: unknown) => {
      // Only a failure to write the answer lands here (the client went away).
      emit('warn', 'response not sent', { error: String(error) });
      res.destroy();
    });
  };
  let server: Server;
  try {
    server =
      options.tls === undefined
        ? createServer(httpOptions, listener)
        : createTlsServer(
            { ...httpOptions, cert: options.tls.cert, key: options.tls.key },
            listener,
          );
  } catch (cause) {
    // A certificate or key that does not parse, or a key that is not the certificate's.
    await keyStoreOpen.close();
    await tenants.close();
    throw new ServerError('TLS_INVALID', `cannot serve HTTPS: ${(cause as Error).message}`, {
      where: '--tls-cert',
      cause,
    });
  }
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    answerClientError(error, socket, emit);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (cause) {
    await purges?.close();
    await witnessing?.close();
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
    url: `${options.tls === undefined ? 'http' : 'https'}://${shownHost}:${address.port}`,
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
        while (pipeline.inflight > 0 && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 10));
        }
        server.closeAllConnections();
        await stopped;
        await purges?.close();
        await witnessing?.close();
        await tenants.close();
        await keyStoreOpen.close();
        emit('info', 'stopped');
      })();
      return closing;
    },
  };
}
