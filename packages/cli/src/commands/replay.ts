import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { DocketError } from '@docket/protocol';
import { parse } from '../args.js';
import { DATA_HELP, DATA_OPTIONS, dataDirOf, JSON_HELP, storeOf } from '../command.js';
import type { Command } from '../command.js';
import { demoReplayAgent, REPLAYABLE_DEMO_AGENTS } from '../demo/replay-agents.js';
import { EXIT } from '../exit-codes.js';
import { createProgress, n } from '../output.js';
import type { Io } from '../output.js';
import {
  createCommandAgent,
  createFunctionAgent,
  loadModuleAgent,
  openReplaySource,
  parseGates,
  parseSelection,
  runReplay,
} from '../replay/index.js';
import type { ReplayAgent, ReplayMode, ReplaySelection, ReplaySummary } from '../replay/index.js';

const DEFAULT_TIMEOUT_MS = 10_000;

type Values = Record<string, string | boolean | undefined>;

function modeOf(values: Values): ReplayMode {
  const mode = values['mode'] ?? 'lockdown';
  if (mode !== 'lockdown' && mode !== 'counterfactual') {
    throw new DocketError('USAGE', `--mode ${String(mode)}: lockdown or counterfactual`, {
      where: '--mode',
    });
  }
  return mode;
}

function positiveInt(values: Values, name: string, fallback: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw new DocketError('USAGE', `--${name} ${String(raw)}: a positive integer`, {
      where: `--${name}`,
    });
  }
  return value;
}

function selectionOf(values: Values): ReplaySelection {
  const select = values['select'];
  const decisions = values['decisions'];
  if (typeof select === 'string' && typeof decisions === 'string') {
    throw new DocketError('USAGE', '--select and --decisions exclude each other', {
      where: '--decisions',
    });
  }
  if (typeof decisions === 'string') {
    const ids = decisions
      .split(',')
      .map((id) => id.trim())
      .filter((id) => id !== '');
    if (ids.length === 0) {
      throw new DocketError('USAGE', '--decisions: at least one id', { where: '--decisions' });
    }
    return { ids };
  }
  return typeof select === 'string' ? parseSelection(select) : {};
}

/** The agent(s) to replay with: --demo, --agent-module or --command (exactly one). */
async function agentsOf(
  values: Values,
  timeoutMs: number,
): Promise<{ agent: ReplayAgent; baseline?: ReplayAgent }> {
  const given = ['demo', 'agent-module', 'command'].filter((k) => values[k] !== undefined);
  if (given.length !== 1) {
    throw new DocketError(
      'USAGE',
      'give exactly one agent: --demo, --agent-module FILE or --command CMD',
      { where: '--agent-module' },
    );
  }
  const candidate = values['candidate'];
  if (values['demo'] === true) {
    if (typeof candidate === 'string') {
      const known = Object.values(REPLAYABLE_DEMO_AGENTS).some((v) => v.includes(candidate));
      if (!known) {
        throw new DocketError('USAGE', `--candidate ${candidate}: no demo agent has that version`, {
          where: '--candidate',
        });
      }
    }
    const name = typeof candidate === 'string' ? `demo@${candidate}` : 'demo';
    const agent = createFunctionAgent(
      name,
      demoReplayAgent(typeof candidate === 'string' ? candidate : undefined),
      timeoutMs,
    );
    // The recorded versions run live as well: the old-vs-old noise floor.
    const baseline =
      typeof candidate === 'string'
        ? createFunctionAgent('demo', demoReplayAgent(), timeoutMs)
        : undefined;
    return baseline === undefined ? { agent } : { agent, baseline };
  }
  if (candidate !== undefined) {
    throw new DocketError('USAGE', '--candidate goes with --demo', { where: '--candidate' });
  }
  const module = values['agent-module'];
  if (typeof module === 'string') {
    const agent = await loadModuleAgent(module, timeoutMs);
    const base = values['baseline-module'];
    return typeof base === 'string'
      ? { agent, baseline: await loadModuleAgent(base, timeoutMs) }
      : { agent };
  }
  return { agent: createCommandAgent(String(values['command']), timeoutMs) };
}

function pct(rate: number): string {
  return `${(rate * 100).toFixed(2)}%`;
}

function printSummary(io: Io, s: ReplaySummary): void {
  const v = s.verdicts;
  const lines = [
    `replay (${s.mode}${s.samples > 1 ? `, ${s.samples} samples` : ''}) with ${s.agent}: ${n(s.selected)} decisions selected`,
    `  identical ${n(v.identical)} · equivalent ${n(v.equivalent)} · changed ${n(v.changed)} · diverged ${n(v.diverged)} · errors ${n(v.error)} · erased (skipped) ${n(v.erased)}`,
    `  flip rate ${pct(s.flipRate.rate)} (${n(s.flips)} of ${n(s.replayed)}; Wilson 95% ${pct(s.flipRate.low)}–${pct(s.flipRate.high)})`,
  ];
  if (s.baseline !== undefined) {
    lines.push(
      `  baseline (old vs old) flip rate ${pct(s.baseline.flipRate.rate)}; corrected ${pct(s.baseline.correctedFlipRate)}`,
    );
  }
  if (s.agreement !== undefined) lines.push(`  sample agreement ${pct(s.agreement)}`);
  if (s.mcnemar !== undefined) {
    lines.push(
      `  McNemar: ${s.mcnemar.regressions} regressions, ${s.mcnemar.improvements} improvements, p = ${s.mcnemar.pValue.toPrecision(3)}`,
    );
  }
  for (const [t, count] of Object.entries(s.transitions)) lines.push(`  ${t}: ${n(count)}`);
  for (const [code, count] of Object.entries(s.codes)) lines.push(`  ${code}: ${n(count)}`);
  for (const c of s.changed.slice(0, 10)) {
    lines.push(`  changed ${c.id} (${c.diff?.outcome.before} → ${c.diff?.outcome.after})`);
  }
  for (const g of s.gates) {
    lines.push(`  gate ${g.gate}: ${g.passed ? 'passed' : 'FAILED'} (${pct(g.value)})`);
  }
  lines.push(`  result digest ${s.resultDigest}`);
  io.out(`${lines.join('\n')}\n`);
}

/** `docket replay`: replay recorded decisions with an agent and compare. */
export const replay: Command = {
  name: 'replay',
  summary: 'replay recorded decisions with an agent (lockdown or counterfactual) and diff them',
  help: `Usage: docket replay [--data DIR] (--select SPEC | --decisions ID,…) --mode lockdown|counterfactual
                     (--agent-module FILE | --command CMD | --demo [--candidate VERSION])
                     [--samples K] [--gate SPEC] [--timeout-ms MS] [--out FILE] [--json]

Replays recorded decisions from a log that verifies (the whole log is audited first; a log that
does not verify is refused: REPLAY_LOG_UNVERIFIED). lockdown: every tool and model call is
answered from the recording, matched by call order and the SHA-256 of its canonical request; a
call the recording lacks or a changed request is a divergence. counterfactual: tools from the
recording, the model called live, K samples per decision. See docs/replay.md.

Options:
${DATA_HELP}
  --select SPEC      agent=A,version=V,from=DATE,to=DATE,sample=N (all optional; default: all)
  --decisions LIST   decision ids, comma-separated
  --mode MODE        lockdown (default) or counterfactual
  --agent-module F   an ES module whose default (or "agent") export takes the recorded input
  --baseline-module F the old version as a module: an old-vs-old run gives the noise floor
  --command CMD      a child process speaking the line-delimited JSON protocol (docs/replay.md)
  --demo             the built-in demo agents (what 'docket demo' recorded)
  --candidate V      with --demo: replay through version V's logic (e.g. 2.4.0)
  --samples K        samples per decision in counterfactual mode (default 3)
  --gate SPEC        e.g. flip-rate<=0.02,divergence-rate<=0: exit 1 when exceeded
  --timeout-ms MS    per-decision timeout (default ${DEFAULT_TIMEOUT_MS})
  --out FILE         write each decision's result (JSON lines), then the summary
${JSON_HELP}`,
  async run(argv, io) {
    const { values } = parse(argv, {
      ...DATA_OPTIONS,
      select: { type: 'string' },
      decisions: { type: 'string' },
      mode: { type: 'string' },
      'agent-module': { type: 'string' },
      'baseline-module': { type: 'string' },
      command: { type: 'string' },
      demo: { type: 'boolean' },
      candidate: { type: 'string' },
      samples: { type: 'string' },
      gate: { type: 'string' },
      'timeout-ms': { type: 'string' },
      out: { type: 'string' },
    });
    const mode = modeOf(values);
    const selection = selectionOf(values);
    const samples = positiveInt(values, 'samples', 3);
    const timeoutMs = positiveInt(values, 'timeout-ms', DEFAULT_TIMEOUT_MS);
    const gates = typeof values['gate'] === 'string' ? parseGates(values['gate']) : [];
    const json = values['json'] === true;
    const progress = createProgress(io, false);
    const source = await openReplaySource({
      dataDir: dataDirOf(values),
      ...storeOf(values),
      onProgress: (checked, total) => {
        progress.update(`verifying the log: ${n(checked)} of ${n(total)} entries`);
      },
    });
    const { agent, baseline } = await agentsOf(values, timeoutMs);
    let out: WriteStream | undefined;
    if (typeof values['out'] === 'string') out = createWriteStream(values['out']);
    let summary: ReplaySummary;
    try {
      let done = 0;
      let changed = 0;
      let diverged = 0;
      summary = await runReplay(source.decisions(selection), {
        mode,
        agent,
        samples,
        ...(baseline === undefined ? {} : { baseline }),
        gates,
        onResult: (result) => {
          done++;
          if (result.verdict === 'changed') changed++;
          if (result.verdict === 'diverged') diverged++;
          progress.update(`replayed ${n(done)}: ${n(changed)} changed, ${n(diverged)} diverged`);
          out?.write(`${JSON.stringify({ type: 'result', ...result })}\n`);
        },
      });
    } finally {
      progress.done();
      await agent.close();
      await baseline?.close();
      await source.close();
    }
    if (out !== undefined) {
      const file = out;
      file.write(`${JSON.stringify({ type: 'summary', ...summary })}\n`);
      await new Promise<void>((resolve, reject) => {
        file.end((error?: Error | null) => {
          if (error) reject(error);
          else resolve();
        });
      });
    }
    if (summary.selected === 0) {
      throw new DocketError('REPLAY_SELECTION_EMPTY', 'the selection matches no decision', {
        where: values['decisions'] === undefined ? '--select' : '--decisions',
      });
    }
    if (json) io.out(`${JSON.stringify({ ok: summary.passed, ...summary })}\n`);
    else printSummary(io, summary);
    return summary.passed ? EXIT.ok : EXIT.issues;
  },
};
