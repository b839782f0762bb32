/** Upper bounds (seconds) of the flush-latency histogram buckets. */
const FLUSH_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

interface TenantMetrics {
  ingested: number;
  duplicates: number;
  rejects: Map<string, number>;
  flushes: Map<string, { count: number; sum: number; buckets: number[] }>;
  requests: Map<string, number>;
}

/** What the renderer needs of a tenant's live ledgers. */
export interface LedgerGauges {
  readonly tenant: string;
  readonly poolDepth: number;
  readonly treeSize: number;
  readonly accessTreeSize: number;
  /** Whether this process sequences the tenant's decision log (always, on SQLite). */
  readonly sequencer: boolean;
}

/**
 * Counters and histograms of one server process, per tenant, in the Prometheus text format
 * (0.0.4): ingest (accepted, duplicate), rejects by code, flush latency, requests by status,
 * pool depth and tree size.
 *
 * @example
 * metrics.accepted('default', 100);
 * res.end(metrics.render(gauges, () => true));
 */
export class Metrics {
  readonly #tenants = new Map<string, TenantMetrics>();
  readonly #started = Date.now();

  #of(tenant: string): TenantMetrics {
    let m = this.#tenants.get(tenant);
    if (m === undefined) {
      m = {
        ingested: 0,
        duplicates: 0,
        rejects: new Map(),
        flushes: new Map(),
        requests: new Map(),
      };
      this.#tenants.set(tenant, m);
    }
    return m;
  }

  accepted(tenant: string, n: number): void {
    this.#of(tenant).ingested += n;
  }

  duplicate(tenant: string, n: number): void {
    this.#of(tenant).duplicates += n;
  }

  rejected(tenant: string, code: string): void {
    const m = this.#of(tenant).rejects;
    m.set(code, (m.get(code) ?? 0) + 1);
  }

  request(tenant: string, operation: string, status: number): void {
    const m = this.#of(tenant).requests;
    const key = `${operation} ${status}`;
    m.set(key, (m.get(key) ?? 0) + 1);
  }

  flushed(tenant: string, log: string, ms: number): void {
    const m = this.#of(tenant).flushes;
    let h = m.get(log);
    if (h === undefined) {
      h = { count: 0, sum: 0, buckets: FLUSH_BUCKETS.map(() => 0) };
      m.set(log, h);
    }
    const s = ms / 1000;
    h.count++;
    h.sum += s;
    FLUSH_BUCKETS.forEach((le, i) => {
      if (s <= le) h.buckets[i]!++;
    });
  }

  /** The text format, with only the tenants `visible` allows. */
  render(gauges: readonly LedgerGauges[], visible: (tenant: string) => boolean): string {
    const lines: string[] = [];
    const family = (name: string, type: string, help: string): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    };
    const label = (labels: Record<string, string>): string =>
      `{${Object.entries(labels)
        .map(
          ([k, v]) =>
            `${k}="${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`,
        )
        .join(',')}}`;
    const tenants = [...this.#tenants.entries()].filter(([t]) => visible(t));
    family(
      'docket_decisions_ingested_total',
      'counter',
      'Decisions accepted into the log (durable).',
    );
    for (const [t, m] of tenants)
      lines.push(`docket_decisions_ingested_total${label({ tenant: t })} ${m.ingested}`);
    family(
      'docket_decisions_duplicate_total',
      'counter',
      'Decisions sent again (same id), answered with the original index.',
    );
    for (const [t, m] of tenants)
      lines.push(`docket_decisions_duplicate_total${label({ tenant: t })} ${m.duplicates}`);
    family('docket_decisions_rejected_total', 'counter', 'Decisions rejected, by error code.');
    for (const [t, m] of tenants) {
      for (const [code, n] of m.rejects)
        lines.push(`docket_decisions_rejected_total${label({ tenant: t, code })} ${n}`);
    }
    family(
      'docket_flush_duration_seconds',
      'histogram',
      'Time of one sequencer flush (sign + durable commit).',
    );
    for (const [t, m] of tenants) {
      for (const [log, h] of m.flushes) {
        FLUSH_BUCKETS.forEach((le, i) => {
          lines.push(
            `docket_flush_duration_seconds_bucket${label({ tenant: t, log, le: String(le) })} ${h.buckets[i]}`,
          );
        });
        lines.push(
          `docket_flush_duration_seconds_bucket${label({ tenant: t, log, le: '+Inf' })} ${h.count}`,
        );
        lines.push(`docket_flush_duration_seconds_sum${label({ tenant: t, log })} ${h.sum}`);
        lines.push(`docket_flush_duration_seconds_count${label({ tenant: t, log })} ${h.count}`);
      }
    }
    family('docket_http_requests_total', 'counter', 'HTTP requests, by operation and status.');
    for (const [t, m] of tenants) {
      for (const [key, n] of m.requests) {
        const [operation, status] = key.split(' ') as [string, string];
        lines.push(`docket_http_requests_total${label({ tenant: t, operation, status })} ${n}`);
      }
    }
    const shown = gauges.filter((g) => visible(g.tenant));
    family('docket_pool_depth', 'gauge', 'Entries admitted and waiting for the next flush.');
    for (const g of shown)
      lines.push(`docket_pool_depth${label({ tenant: g.tenant })} ${g.poolDepth}`);
    family('docket_tree_size', 'gauge', 'Entries in the log (sequenced).');
    for (const g of shown) {
      lines.push(`docket_tree_size${label({ tenant: g.tenant, log: 'decisions' })} ${g.treeSize}`);
      lines.push(
        `docket_tree_size${label({ tenant: g.tenant, log: 'access' })} ${g.accessTreeSize}`,
      );
    }
    family(
      'docket_sequencer',
      'gauge',
      '1 when this process sequences the log (one replica per log).',
    );
    for (const g of shown) {
      lines.push(
        `docket_sequencer${label({ tenant: g.tenant, log: 'decisions' })} ${g.sequencer ? 1 : 0}`,
      );
    }
    family('docket_process_uptime_seconds', 'gauge', 'Seconds since the server started.');
    lines.push(`docket_process_uptime_seconds ${((Date.now() - this.#started) / 1000).toFixed(3)}`);
    return `${lines.join('\n')}\n`;
  }
}
