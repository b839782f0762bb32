import { DEFAULT_TENANT, openLedger, tenantLogs, tenantOrigin } from '@docket/ledger';
import type { Ledger, LedgerOptions } from '@docket/ledger';

/** A tenant's two logs: its decisions, and the record of who read, exported or erased them. */
export interface TenantLedgers {
  readonly tenant: string;
  readonly decisions: Ledger;
  readonly access: Ledger;
}

/** Options for every ledger the registry opens (data dir and tenant fields are set per log). */
export type SharedLedgerOptions = Omit<
  LedgerOptions,
  'dataDir' | 'pgSchema' | 'origin' | 'onFlush'
>;

/**
 * Opens each tenant's ledgers on first use and keeps them open. Tenants exist because a key of
 * theirs exists (`docket keys create --tenant T` creates their logs); the default tenant's
 * decision log is the root data directory itself.
 *
 * @example
 * const tenants = new TenantRegistry('.docket', {});
 * const { decisions } = await tenants.get('default');
 */
export class TenantRegistry {
  readonly #root: string;
  readonly #options: SharedLedgerOptions;
  readonly #accessFlushMs: number;
  readonly #onFlush: (tenant: string, kind: string, entries: number, ms: number) => void;
  readonly #open = new Map<string, Promise<TenantLedgers>>();
  #rootLedger: Promise<Ledger> | undefined;

  constructor(
    root: string,
    options: SharedLedgerOptions,
    hooks: {
      accessFlushIntervalMs?: number;
      onFlush?: (tenant: string, kind: string, entries: number, ms: number) => void;
    } = {},
  ) {
    this.#root = root;
    this.#options = options;
    this.#accessFlushMs = hooks.accessFlushIntervalMs ?? 1;
    this.#onFlush = hooks.onFlush ?? (() => undefined);
  }

  /** The tenant's ledgers, opened (and created, for a tenant seen for the first time) once. */
  get(tenant: string): Promise<TenantLedgers> {
    let ledgers = this.#open.get(tenant);
    if (ledgers === undefined) {
      ledgers = this.#openTenant(tenant);
      this.#open.set(tenant, ledgers);
      // A failed open (store down) is retried by the next request, not cached.
      ledgers.catch(() => this.#open.delete(tenant));
    }
    return ledgers;
  }

  /** Tenants opened so far. */
  async opened(): Promise<TenantLedgers[]> {
    const settled = await Promise.allSettled(this.#open.values());
    return settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  }

  async #openTenant(tenant: string): Promise<TenantLedgers> {
    const where = tenantLogs(this.#root, tenant);
    const open = (kind: 'decisions' | 'access', origin: string | undefined): Promise<Ledger> => {
      const location = where[kind];
      return openLedger({
        ...this.#options,
        ...(kind === 'access' ? { flushIntervalMs: this.#accessFlushMs } : {}),
        dataDir: location.dataDir,
        pgSchema: location.pgSchema,
        environmentLogKey: false,
        ...(origin === undefined ? {} : { origin }),
        onFlush: ({ entries, ms }) => {
          this.#onFlush(tenant, kind, entries, ms);
        },
      });
    };
    const root = await this.#defaultLog();
    const decisions =
      tenant === DEFAULT_TENANT
        ? root
        : await open('decisions', tenantOrigin(root.origin, tenant, 'decisions'));
    try {
      return {
        tenant,
        decisions,
        access: await open('access', tenantOrigin(root.origin, tenant, 'access')),
      };
    } catch (error) {
      if (decisions !== root) await decisions.close();
      throw error;
    }
  }

  /** The default tenant's decision log, opened first: every other log's origin derives from it. */
  #defaultLog(): Promise<Ledger> {
    if (this.#rootLedger === undefined) {
      const location = tenantLogs(this.#root, DEFAULT_TENANT).decisions;
      const opening = openLedger({
        ...this.#options,
        dataDir: location.dataDir,
        pgSchema: location.pgSchema,
        onFlush: ({ entries, ms }) => {
          this.#onFlush(DEFAULT_TENANT, 'decisions', entries, ms);
        },
      });
      this.#rootLedger = opening;
      opening.catch(() => {
        this.#rootLedger = undefined;
      });
    }
    return this.#rootLedger;
  }

  /** Closes every ledger (each drains its pool first). */
  async close(): Promise<void> {
    const ledgers = await this.opened();
    const all = new Set<Ledger>();
    for (const t of ledgers) {
      all.add(t.decisions);
      all.add(t.access);
    }
    const root = await this.#rootLedger?.catch(() => undefined);
    if (root !== undefined) all.add(root);
    await Promise.all([...all].map((l) => l.close()));
  }
}
