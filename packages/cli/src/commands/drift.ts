import { openLedger, parsePopulation, runDrift } from '@docket/ledger';
import type { DriftResult, DriftSignal } from '@docket/ledger';
import { DocketError } from '@docket/protocol';
import { optional, parse, required } from '../args.js';
import { DATA_HELP, DATA_OPTIONS, dataDirOf, JSON_HELP, storeOf } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';
import { ApiClient } from '../remote/api-client.js';

const DRIFT_OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  agent: { type: 'string' },
  baseline: { type: 'string' },
  current: { type: 'string' },
  pairs: { type: 'string' },
} as const;

/** A number for the table: 4 significant digits, or exponent form when tiny. */
function num(x: number): string {
  if (x === 0) return '0';
  return Math.abs(x) < 1e-3 ? x.toExponential(1) : x.toPrecision(3);
}

/** The effect, with its unit. */
function effectOf(s: DriftSignal): string {
  if (s.test === 'ks') return `W/σ ${num(s.effect)}`;
  if (s.test === 'domain-classifier') return `AUC ${num(s.effect)}`;
  return `Δshare ${num(s.effect)}`;
}

/**
 * The readable table of a drift result: one row per signal (statistic, threshold, verdict), the
 * two headline verdicts, separating terms, and the top decision pairs.
 *
 * @example
 * io.out(formatDriftTable(result));
 */
export function formatDriftTable(r: DriftResult): string {
  const lines: string[] = [];
  const rep = r.report;
  lines.push(
    `drift of ${r.agentId}: baseline ${r.baseline.population} (${r.baseline.count} decisions) vs current ${r.current.population} (${r.current.count})`,
    '',
  );
  const rows = rep.signals.map((s) => [
    s.signal,
    s.kind,
    s.test,
    effectOf(s),
    `≥ ${num(s.minEffect)}`,
    num(s.q),
    s.psi === undefined ? '' : `${num(s.psi)} (${s.psiBand ?? ''})`,
    s.verdict,
  ]);
  const head = ['signal', 'kind', 'test', 'statistic', 'threshold', 'q (BH)', 'PSI', 'verdict'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const fmt = (row: readonly string[]): string =>
    row
      .map((c, i) => c.padEnd(width[i]!))
      .join('  ')
      .trimEnd();
  lines.push(fmt(head), fmt(width.map((w) => '-'.repeat(w))), ...rows.map(fmt), '');
  lines.push(
    `behaviour drift (outcome for the same kind of input): ${rep.behaviour}`,
    `input drift (the context the agent was given):       ${rep.input}`,
    `paired decisions on identical inputs: ${rep.pairs.matched}, outcome flipped: ${rep.pairs.flipped}`,
    `a signal drifts when q < ${rep.options.alpha} and its statistic reaches the threshold; fewer than ${rep.options.minSamples} values on a side: insufficient-data`,
  );
  for (const note of rep.notes) lines.push(`note: ${note}`);
  const reasoning = rep.signals.find((s) => s.signal === 'reasoning');
  if (reasoning?.verdict === 'drift' && reasoning.terms !== undefined) {
    const up = reasoning.terms.filter((t) => t.logRatio > 0).slice(0, 8);
    const down = reasoning.terms.filter((t) => t.logRatio < 0).slice(0, 8);
    lines.push(
      `reasoning terms more frequent now: ${up.map((t) => t.term).join(', ') || '-'}`,
      `reasoning terms less frequent now: ${down.map((t) => t.term).join(', ') || '-'}`,
    );
  }
  if (r.pairs.length > 0) {
    lines.push('', 'decision pairs (baseline index → current index: what differs)');
    for (const p of r.pairs.slice(0, 10)) {
      const diff = p.diff
        .map((d) => `${d.field} ${JSON.stringify(d.baseline)}→${JSON.stringify(d.current)}`)
        .join('; ');
      lines.push(
        `  ${p.kind} ${p.baselineIndex} → ${p.currentIndex}${p.exactInput ? '' : ` (input ${p.inputDistance} bits apart)`}: ${diff || `reasoning ${p.reasoningDistance}/64 bits apart`}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** A one-line progress indicator on stderr (rewritten in place on a terminal). */
function progress(io: Io): (side: string, read: number) => void {
  return (side, read) => {
    io.err(`\rreading ${side}: ${read} decisions`);
  };
}

/** `docket drift`: compare two populations of one agent's decisions. */
export const drift: Command = {
  name: 'drift',
  summary: 'compare two populations of an agent (versions or time windows) for drift',
  help: `Usage: docket drift --agent ID --baseline POP --current POP [options]
       (with --data DIR, or --url URL --api-key KEY for a running server: auditor or admin key)

POP is version=V (one agent version) or from=TIME[,to=TIME] (RFC 3339, to excluded).
Prints one row per signal (outcome, outcome within input strata, tools, models, rules, prompt,
confidence, outcome value, reasoning, context fields): its test, statistic, threshold, the
Benjamini–Hochberg adjusted p-value and the verdict (drift, no-drift, insufficient-data); then
whether the agent's behaviour or its inputs changed, and the decision pairs that differ most.
Progress goes to stderr.

Options:
  --agent ID        the agent (required)
  --baseline POP    the reference population (required)
  --current POP     the population compared with it (required)
  --pairs N         most decision pairs listed (default 50)
${DATA_HELP}
  --url URL         a running server instead of a data directory
  --api-key KEY     API key for --url (default: $DOCKET_API_KEY)
${JSON_HELP}`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { ...DATA_OPTIONS, ...DRIFT_OPTIONS });
    if (positionals.length > 0) {
      throw new DocketError('USAGE', `unexpected argument "${positionals[0]}"`, {
        where: positionals[0],
      });
    }
    const agentId = required(values, 'agent');
    const baselineText = required(values, 'baseline');
    const currentText = required(values, 'current');
    const pairsText = optional(values, 'pairs') ?? '50';
    const pairsLimit = Number(pairsText);
    if (!Number.isInteger(pairsLimit) || pairsLimit < 0 || pairsLimit > 1000) {
      throw new DocketError('USAGE', '--pairs must be an integer from 0 to 1000', {
        where: '--pairs',
      });
    }
    const baseline = parsePopulation(baselineText, '--baseline');
    const current = parsePopulation(currentText, '--current');
    const json = values['json'] === true;
    const url = optional(values, 'url');
    let result: DriftResult;
    if (url !== undefined) {
      const client = new ApiClient({ url, apiKey: optional(values, 'api-key') });
      io.err('asking the server…');
      result = await client.json<DriftResult>('/v1/drift', {
        agent: agentId,
        baseline: baselineText,
        current: currentText,
        pairs: String(pairsLimit),
      });
    } else {
      const ledger = await openLedger({
        dataDir: dataDirOf(values),
        ...storeOf(values),
        create: false,
      });
      try {
        result = await runDrift(ledger, {
          agentId,
          baseline,
          current,
          pairsLimit,
          onProgress: progress(io),
        });
      } finally {
        await ledger.close();
      }
    }
    io.err('\n');
    io.out(json ? `${JSON.stringify({ ok: true, ...result })}\n` : formatDriftTable(result));
    return EXIT.ok;
  },
};
