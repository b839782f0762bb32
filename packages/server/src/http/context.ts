import type { ApiKeyStore } from '@docket/store';
import type { Authenticator, Principal } from '../auth/authenticator.js';
import type { Metrics } from '../metrics.js';
import type { TenantLedgers, TenantRegistry } from '../tenants.js';
import type { WitnessPump } from '../witnessing/witness-pump.js';

/** What a handler may use besides its request. */
export interface Services {
  readonly tenants: TenantRegistry;
  readonly keys: ApiKeyStore;
  readonly authenticator: Authenticator;
  readonly metrics: Metrics;
  /** False while starting or shutting down. */
  readonly ready: () => boolean;
  /** Witness cosignatures of checkpoints, when witnesses are configured. */
  readonly witnessing?: WitnessPump;
}

/** Actions recorded in a tenant's access log. */
export type AccessAction =
  | 'read'
  | 'list'
  | 'search'
  | 'bundle'
  | 'export'
  | 'erase'
  // A compliance report generated (issue 15).
  | 'report';

/** One request, validated against the OpenAPI document and authenticated. */
export interface RequestContext {
  readonly operationId: string;
  /** Path and query parameters, coerced to their documented types, defaults applied. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The parsed, validated JSON body (undefined for operations without one). */
  readonly body: unknown;
  /** The caller; undefined only for public operations. */
  readonly principal: Principal | undefined;
  /** The X-Docket-Purpose header, or null. */
  readonly purpose: string | null;
  readonly requestId: string;
  readonly services: Services;
  /** The caller's tenant's ledgers. */
  tenant(): Promise<TenantLedgers>;
  /**
   * Appends an access record to the caller's tenant's access log and waits until it is durable:
   * content leaves the server only once its reading is on record.
   */
  recordAccess(action: AccessAction, target: string, count?: number): Promise<void>;
}

/** A handler's answer: JSON (the default) or text. */
export interface Reply {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  /** A binary body (a tlog-tiles tile, a report PDF), instead of `json` or `text`. */
  readonly bytes?: Uint8Array;
  readonly contentType?: string;
  /** A body streamed in chunks (a bulk export), instead of `json` or `text`. */
  readonly stream?: AsyncIterable<string>;
  readonly headers?: Readonly<Record<string, string>>;
  /** Fields for the request's log line (a subject's pseudonym, never personal data). */
  readonly log?: Readonly<Record<string, string | number>>;
}

/** Handles one operation of the document. */
export type Handler = (ctx: RequestContext) => Promise<Reply>;

/** The principal of an authenticated operation (the router guarantees it). */
export function principalOf(ctx: RequestContext): Principal {
  if (ctx.principal === undefined) throw new Error('operation without a principal');
  return ctx.principal;
}
