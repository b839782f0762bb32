import { DEFAULT_TENANT } from '@docket/ledger';
import type { ApiKeyStore } from '@docket/store';
import type { TenantRegistry } from '../tenants.js';

/** Options of {@link startPurgeScheduler}. */
export interface PurgeSchedulerOptions {
  readonly tenants: TenantRegistry;
  readonly keys: ApiKeyStore;
  /** Time between two purge passes over every tenant. */
  readonly intervalMs: number;
  /** Delay before the first pass (default: a tenth of the interval, at most a minute). */
  readonly firstDelayMs?: number;
  readonly emit: (level: string, msg: string, fields?: Record<string, unknown>) => void;
}

/** A running purge schedule. */
export interface PurgeScheduler {
  /** Runs one pass now (tests, and the first pass); resolves when it is done. */
  runOnce(): Promise<void>;
  /** Stops the schedule and waits for a pass in progress (its batches are each durable). */
  close(): Promise<void>;
}

/**
 * Runs the retention purge of every tenant's decision log on a schedule inside `docket serve`:
 * each pass purges what each tenant's policies say is past its maximum (a tenant without a
 * policy is untouched), batch by batch, each batch with its signed receipt; ingest continues
 * meanwhile. Tenants are the default one and every tenant with an API key. A failing tenant is
 * logged and retried at the next pass; passes never overlap.
 *
 * @example
 * const purges = startPurgeScheduler({ tenants, keys, intervalMs: 3_600_000, emit });
 * await purges.close();
 */
export function startPurgeScheduler(options: PurgeSchedulerOptions): PurgeScheduler {
  const { tenants, keys, intervalMs, emit } = options;
  let running: Promise<void> | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;

  async function pass(): Promise<void> {
    const names = new Set([DEFAULT_TENANT, ...(await keys.list()).map((k) => k.tenant)]);
    for (const tenant of names) {
      if (closed) return;
      try {
        const { decisions } = await tenants.get(tenant);
        if ((await decisions.retentionPolicies()).length === 0) continue;
        const started = Date.now();
        const report = await decisions.purge();
        if (report.purgedDecisions > 0 || report.kept.length > 0) {
          emit('info', 'purge', {
            tenant,
            purgedDecisions: report.purgedDecisions,
            purgedEntries: report.purgedEntries,
            receipts: report.batches.length,
            kept: report.kept.length + report.keptNotListed,
            ms: Date.now() - started,
          });
        }
      } catch (error) {
        emit('error', 'purge failed', {
          tenant,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  const runOnce = (): Promise<void> => {
    running ??= pass().finally(() => {
      running = undefined;
    });
    return running;
  };
  const schedule = (delay: number): void => {
    if (closed) return;
    timer = setTimeout(() => {
      void runOnce().finally(() => {
        schedule(intervalMs);
      });
    }, delay);
    timer.unref();
  };
  schedule(options.firstDelayMs ?? Math.min(60_000, Math.ceil(intervalMs / 10)));
  return {
    runOnce,
    async close() {
      closed = true;
      clearTimeout(timer);
      await running;
    },
  };
}
