import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_TENANT } from '@docket/ledger';
import type { Principal } from '../auth/authenticator.js';
import { ServerError } from '../errors.js';
import type { OperationSpec } from '../openapi/document.js';
import type { OperationValidator } from '../openapi/validator.js';
import { readJsonBody } from './body.js';
import type { BodyLimits } from './body.js';
import type { Handler, Reply, RequestContext, Services } from './context.js';
import { toProblem } from './problem.js';
import type { Router } from './router.js';

/** Writes one structured log line at a level. */
export type Emit = (level: string, msg: string, fields?: Record<string, unknown>) => void;

/** What the request pipeline is built from (resolved once by `startServer`). */
export interface PipelineOptions {
  readonly router: Router;
  readonly validators: ReadonlyMap<string, OperationValidator>;
  readonly handlers: Readonly<Record<string, Handler>>;
  readonly services: Services;
  readonly bodyLimits: BodyLimits;
  readonly maxInflight: number;
  /** Check every response against the OpenAPI document; a mismatch is a 500. */
  readonly validateResponses: boolean;
  readonly emit: Emit;
}

/** One request on its way through the steps: what each step learned. */
interface Exchange {
  readonly started: number;
  readonly requestId: string;
  readonly method: string;
  readonly url: URL;
  operationId: string;
  principal: Principal | undefined;
}

/**
 * The path as the request log shows it: a subject's id is personal data, so `/v1/subjects/{id}/…`
 * never carries it (an erasure's log line carries the pseudonym instead).
 *
 * @example
 * loggedPath('/v1/subjects/alice/erase'); // '/v1/subjects/{id}/erase'
 */
export function loggedPath(pathname: string): string {
  return pathname.replace(/^(\/v1\/subjects\/)[^/]*/, '$1{id}');
}

/**
 * The server's request path, one named step after the other: parse, route, admit, authenticate,
 * authorize, validate, handle; then respond and log. A step refuses by throwing a coded error,
 * which becomes the problem body (`problem.ts`).
 *
 * @example
 * const pipeline = new RequestPipeline(options);
 * createServer((req, res) => void pipeline.handle(req, res));
 */
export class RequestPipeline {
  readonly #o: PipelineOptions;
  #inflight = 0;

  constructor(options: PipelineOptions) {
    this.#o = options;
  }

  /** Requests being handled now (shutdown waits for them). */
  get inflight(): number {
    return this.#inflight;
  }

  /** Handles one request, from its first byte to its log line. Rejects only if the answer can't be written. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const exchange = this.#parse(req);
    let reply: Reply;
    this.#inflight++;
    try {
      const { op, path } = this.#route(exchange);
      this.#admit(op);
      exchange.principal = await this.#authenticate(op, req);
      this.#authorize(op, exchange.principal);
      const ctx = await this.#validate(op, path, exchange, req);
      reply = await this.#handleOperation(op, ctx);
    } catch (error) {
      reply = this.#refuse(error, exchange);
      // Drain what is left of a refused body, so the connection can carry the answer.
      if (!req.complete) req.resume();
    }
    try {
      if (reply.stream === undefined) this.#respond(res, exchange, reply);
      else await this.#streamOut(res, exchange, reply, reply.stream);
    } finally {
      this.#inflight--;
    }
    this.#log(exchange, reply);
  }

  /**
   * Respond with a streamed body (a bulk export): chunks written as they come, waiting for the
   * client to drain; a client that goes away stops the stream. A failure after the headers cuts the
   * body short (the format's trailer line is then missing, which its readers detect).
   */
  async #streamOut(
    res: ServerResponse,
    exchange: Exchange,
    reply: Reply,
    stream: AsyncIterable<string>,
  ): Promise<void> {
    res.writeHead(reply.status, {
      'content-type': reply.contentType ?? 'application/x-ndjson',
      'cache-control': 'no-store',
      'x-request-id': exchange.requestId,
      ...reply.headers,
    });
    try {
      for await (const chunk of stream) {
        if (res.destroyed) break;
        if (!res.write(chunk)) {
          await new Promise<void>((resolve) => {
            res.once('drain', resolve);
            res.once('close', resolve);
          });
        }
      }
      res.end();
    } catch (error) {
      this.#o.emit('error', 'streamed response failed', {
        requestId: exchange.requestId,
        operation: exchange.operationId,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      res.destroy();
    }
  }

  /** Parse: request id (the client's if well-formed), method, URL. */
  #parse(req: IncomingMessage): Exchange {
    const headerId = req.headers['x-request-id'];
    return {
      started: performance.now(),
      requestId:
        typeof headerId === 'string' && /^[\w.:-]{1,100}$/.test(headerId) ? headerId : randomUUID(),
      method: req.method ?? 'GET',
      url: new URL(req.url ?? '/', 'http://docket.invalid'),
      operationId: 'unknown',
      principal: undefined,
    };
  }

  /** Route: the operation of the document for this method and path. */
  #route(exchange: Exchange): { op: OperationSpec; path: Readonly<Record<string, string>> } {
    // HEAD is GET without the body (node:http leaves the body out of a HEAD answer).
    const method = exchange.method === 'HEAD' ? 'GET' : exchange.method;
    const match = this.#o.router.match(method, exchange.url.pathname);
    if (match.kind === 'none') {
      throw new ServerError('NOT_FOUND', `no route ${exchange.url.pathname} (see /openapi.json)`, {
        where: 'path',
      });
    }
    if (match.kind === 'method') {
      throw Object.assign(
        new ServerError(
          'METHOD_NOT_ALLOWED',
          `${exchange.method} is not allowed here; allowed: ${match.allowed.join(', ')}`,
          { where: 'method' },
        ),
        { allow: match.allowed.join(', ') },
      );
    }
    exchange.operationId = match.operation.operationId;
    return { op: match.operation, path: match.path };
  }

  /** Admit: a bound on requests in flight, and no new work while shutting down. */
  #admit(op: OperationSpec): void {
    if (this.#inflight > this.#o.maxInflight) {
      throw new ServerError(
        'TOO_MANY_REQUESTS',
        `more than ${this.#o.maxInflight} requests in flight; retry shortly`,
      );
    }
    if (!this.#o.services.ready() && op.roles.length > 0) {
      throw new ServerError(
        'SHUTTING_DOWN',
        'the server is shutting down; retry on another replica or later',
      );
    }
  }

  /** Authenticate: the API key's principal, for operations that need one. */
  async #authenticate(op: OperationSpec, req: IncomingMessage): Promise<Principal | undefined> {
    if (op.roles.length === 0) return undefined;
    return this.#o.services.authenticator.authenticate(req.headers);
  }

  /** Authorize: the key's role is one the operation allows (`x-docket-roles`). */
  #authorize(op: OperationSpec, principal: Principal | undefined): void {
    if (principal === undefined || op.roles.includes(principal.role)) return;
    throw new ServerError(
      'FORBIDDEN',
      `a ${principal.role} key may not ${op.operationId}; allowed roles: ${op.roles.join(', ')}`,
      { where: 'header.authorization' },
    );
  }

  /** Validate: parameters, the purpose header and the body, against the OpenAPI document. */
  async #validate(
    op: OperationSpec,
    path: Readonly<Record<string, string>>,
    exchange: Exchange,
    req: IncomingMessage,
  ): Promise<RequestContext> {
    const validator = this.#o.validators.get(op.operationId)!;
    const params = validator.params(path, exchange.url.searchParams);
    const purposeHeader = req.headers['x-docket-purpose'];
    const purpose = typeof purposeHeader === 'string' ? purposeHeader : null;
    if (purpose !== null && (purpose.length > 500 || /[\p{Cc}]/u.test(purpose))) {
      throw new ServerError(
        'HEADER_INVALID',
        'X-Docket-Purpose must be at most 500 printable characters',
        { where: 'header.x-docket-purpose' },
      );
    }
    let body: unknown;
    if (op.body !== undefined) {
      body = await readJsonBody(req, this.#o.bodyLimits);
      validator.body(body);
    }
    const { services } = this.#o;
    const caller = exchange.principal;
    const requestId = exchange.requestId;
    return {
      operationId: op.operationId,
      params,
      body,
      principal: caller,
      purpose,
      requestId,
      services,
      tenant: () => services.tenants.get(caller?.tenant ?? DEFAULT_TENANT),
      recordAccess: async (action, target, count) => {
        if (caller === undefined) return;
        const { access } = await services.tenants.get(caller.tenant);
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
  }

  /** Handle: the operation's handler; with `validateResponses`, its answer checked too. */
  async #handleOperation(op: OperationSpec, ctx: RequestContext): Promise<Reply> {
    const reply = await this.#o.handlers[op.operationId]!(ctx);
    if (this.#o.validateResponses && reply.json !== undefined) {
      const issues = this.#o.validators.get(op.operationId)!.response(reply.status, reply.json);
      if (issues.length > 0) {
        throw Object.assign(
          new ServerError('RESPONSE_INVALID', `the response does not match the OpenAPI document`),
          { issues },
        );
      }
    }
    return reply;
  }

  /** A refusal as a problem reply; a 5xx is logged with its stack (never sent). */
  #refuse(error: unknown, exchange: Exchange): Reply {
    const problem = toProblem(error, `urn:docket:request:${exchange.requestId}`);
    if (problem.status >= 500) {
      this.#o.emit('error', 'request failed', {
        requestId: exchange.requestId,
        operation: exchange.operationId,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    const allow = (error as { allow?: string }).allow;
    return {
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
  }

  /** Respond: status, headers and body. */
  #respond(res: ServerResponse, exchange: Exchange, reply: Reply): void {
    const payload = reply.bytes ?? reply.text ?? JSON.stringify(reply.json ?? null);
    res.writeHead(reply.status, {
      'content-type': reply.contentType ?? 'application/json',
      'content-length': Buffer.byteLength(payload),
      'cache-control': 'no-store',
      'x-request-id': exchange.requestId,
      ...reply.headers,
    });
    res.end(payload);
  }

  /** Log: metrics and the request's log line (a subject's pseudonym, never its id). */
  #log(exchange: Exchange, reply: Reply): void {
    const { principal } = exchange;
    this.#o.services.metrics.request(principal?.tenant ?? '-', exchange.operationId, reply.status);
    this.#o.emit('info', 'request', {
      requestId: exchange.requestId,
      method: exchange.method,
      path: loggedPath(exchange.url.pathname),
      operation: exchange.operationId,
      status: reply.status,
      ms: Math.round((performance.now() - exchange.started) * 100) / 100,
      ...(principal === undefined ? {} : { tenant: principal.tenant, key: principal.keyId }),
      ...reply.log,
    });
  }
}
