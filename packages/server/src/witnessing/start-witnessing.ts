/**
 * Wiring of witnessing into `startServer`: the witnesses of `--witness` and `DOCKET_WITNESSES`,
 * the data directory's cosignature store, and a pump that watches each tenant's logs as they
 * flush.
 */
import { join } from 'node:path';
import { DEFAULT_TENANT } from '@docket/ledger';
import { openSqliteCosignatureStore } from '@docket/store';
import type { TenantRegistry } from '../tenants.js';
import { witnessesOf } from './witness-client.js';
import { WitnessPump } from './witness-pump.js';

/** The cosignature store's file in the data directory. */
export const COSIGNATURES_FILE = 'cosignatures.db';

/**
 * The running witnessing of a server.
 *
 * @example
 * const witnessing = startWitnessing({ dataDir, witnesses: ['w1=…'], tenants, emit });
 */
export interface Witnessing {
  readonly pump: WitnessPump;
  /** Called on every flush: watches the log and checks it now. */
  flushed(tenant: string, kind: string): void;
  close(): Promise<void>;
}

/**
 * Starts witnessing when at least one witness is configured (flags first, then
 * `DOCKET_WITNESSES`), else answers undefined. Throws `USAGE` for a bad witness.
 *
 * @example
 * const witnessing = startWitnessing({ dataDir: '.docket', witnesses: [], tenants, emit });
 */
export function startWitnessing(options: {
  dataDir: string;
  witnesses: readonly string[] | undefined;
  tenants: TenantRegistry;
  emit: (level: string, msg: string, fields?: Record<string, unknown>) => void;
  intervalMs?: number;
}): Witnessing | undefined {
  const witnesses = witnessesOf(options.witnesses ?? [], process.env['DOCKET_WITNESSES']);
  if (witnesses.length === 0) return undefined;
  const store = openSqliteCosignatureStore(join(options.dataDir, COSIGNATURES_FILE));
  // So that `docket log` lists a witness before its first cosignature (its lag: the whole log).
  store.setConfiguredWitnesses(witnesses.map((w) => w.verifier.vkey)).catch((error: unknown) => {
    options.emit('warn', 'configured witnesses not recorded', { error: String(error) });
  });
  const pump = new WitnessPump({
    witnesses,
    store,
    ...(options.intervalMs === undefined ? {} : { intervalMs: options.intervalMs }),
    log: (line) => {
      options.emit('warn', 'witness failed', line);
    },
  });
  const watch = (tenant: string): void => {
    options.tenants.get(tenant).then(
      (ledgers) => {
        pump.watch(tenant, 'decisions', ledgers.decisions);
        pump.watch(tenant, 'access', ledgers.access);
      },
      () => undefined,
    );
  };
  watch(DEFAULT_TENANT);
  options.emit('info', 'witnessing', { witnesses: witnesses.map((w) => w.label) });
  return {
    pump,
    flushed(tenant) {
      watch(tenant);
      pump.poke();
    },
    async close() {
      await pump.close();
      await store.close();
    },
  };
}
