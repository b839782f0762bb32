import type { WitnessStatus } from './witness-pump.js';

/**
 * Prometheus lines for witnessing: per tenant, log and witness, the largest cosigned size, the
 * entries not yet cosigned (the gap a down witness leaves) and the failures in a row.
 *
 * @example
 * text += renderWitnessMetrics(pump.status(), (tenant) => tenant === 'default');
 */
export function renderWitnessMetrics(
  status: readonly WitnessStatus[],
  visible: (tenant: string) => boolean,
): string {
  const rows = status.filter((s) => visible(s.tenant));
  const gauges: [string, string, (s: WitnessStatus) => number][] = [
    [
      'docket_witness_cosigned_size',
      'Largest tree size the witness cosigned',
      (s) => s.cosignedSize,
    ],
    [
      'docket_witness_lag_entries',
      "Entries in the log's latest checkpoint not yet cosigned by the witness",
      (s) => Math.max(0, s.logSize - s.cosignedSize),
    ],
    ['docket_witness_failures', 'Failed add-checkpoint attempts in a row', (s) => s.failures],
  ];
  const lines: string[] = [];
  for (const [name, help, value] of gauges) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`);
    for (const s of rows) {
      const labels = `tenant="${escape(s.tenant)}",log="${escape(s.log)}",witness="${escape(s.witness)}"`;
      lines.push(`${name}{${labels}} ${value(s)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function escape(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
