/**
 * The replay engine: replays each selected decision with an agent (lockdown: every call from
 * the recording; counterfactual: tools from the recording, the model live, k samples and an
 * optional old-vs-old baseline of the same size), diffs it against its recording, and sums up:
 * verdict counts, the flip rate with its Wilson interval, McNemar on graded outcomes, gates, and
 * a digest of every per-decision result. Results stream out one by one (memory stays flat).
 */
import { createHash } from 'node:crypto';
import { canonicalize } from '@docket/protocol';
import type { DecisionRecord } from '@docket/protocol';
import type { ReplayDivergence, ReplayMode } from '@docket/sdk';
import type { AgentOutcome, ReplayAgent, ReplayInput } from './agents.js';
import { diffDecision } from './diff.js';
import type { DecisionDiff } from './diff.js';
import { checkGates } from './gate.js';
import type { Gate, GateVerdict } from './gate.js';
import type { ReplayTarget } from './source.js';
import { mcnemar, wilson } from './stats.js';
import type { McNemar, RateInterval } from './stats.js';

/**
 * identical: same outcome, value, tools, confidence and reasoning; equivalent: same action, some
 * detail differs; changed: the action flipped; diverged: the agent left its recording; error: the
 * agent threw, hung or returned an invalid decision; erased: skipped, its content is gone.
 *
 * @example
 * const flipped = result.verdict === 'changed';
 */
export type ReplayVerdict =
  'identical' | 'equivalent' | 'changed' | 'diverged' | 'error' | 'erased';

/**
 * What replaying one decision gave.
 *
 * @example
 * if (r.verdict === 'diverged') console.log(r.divergence.kind, r.divergence.seq);
 */
export interface DecisionReplayResult {
  readonly id: string;
  readonly index: number;
  readonly agent?: { readonly id: string; readonly version: string };
  readonly verdict: ReplayVerdict;
  readonly code?: string;
  readonly message?: string;
  readonly diff?: DecisionDiff;
  readonly divergence?: ReplayDivergence;
  /** Counterfactual: each sample's action, and the share that agree with the majority. */
  readonly samples?: { readonly outcomes: string[]; readonly agreement: number };
  /** Counterfactual with a baseline: the old version's majority action over its samples. */
  readonly baseline?: { readonly outcomes: string[]; readonly flipped: boolean };
  /** Recorded calls the agent did not make (lockdown). */
  readonly unused?: { readonly tools: number; readonly llm: number };
  /** Grades of the recorded and the replayed outcome, when a grader ran. */
  readonly graded?: { readonly before: boolean; readonly after: boolean };
}

/**
 * A grader: marks an outcome right (true) or wrong (false), or cannot tell (undefined).
 *
 * @example
 * const grader: Grader = (record, outcome) => record.human === undefined ? undefined : record.human.action === outcome.action;
 */
export type Grader = (
  record: DecisionRecord,
  outcome: DecisionRecord['outcome'],
) => boolean | undefined;

/**
 * Options of {@link runReplay}.
 *
 * @example
 * const summary = await runReplay(source.decisions(selection), { mode: 'lockdown', agent });
 */
export interface ReplayRunOptions {
  readonly mode: ReplayMode;
  readonly agent: ReplayAgent;
  /** Samples per decision in counterfactual mode (default 3); lockdown runs once. */
  readonly samples?: number;
  /** Counterfactual: the old version, run the same way, for the noise floor. */
  readonly baseline?: ReplayAgent;
  readonly grader?: Grader;
  readonly gates?: readonly Gate[];
  /** Called with each decision's result as it is made. */
  readonly onResult?: (result: DecisionReplayResult) => void | Promise<void>;
  /** Changed decisions kept in the summary (default 20). */
  readonly keepChanged?: number;
}

/**
 * The run's summary.
 *
 * @example
 * console.log(`${summary.flips} flips of ${summary.replayed}, ${(summary.flipRate.rate * 100).toFixed(1)}%`);
 */
export interface ReplaySummary {
  readonly mode: ReplayMode;
  readonly agent: string;
  readonly samples: number;
  readonly selected: number;
  /** Decisions that reached a decision (identical + equivalent + changed): the flip rate's n. */
  readonly replayed: number;
  readonly verdicts: Record<ReplayVerdict, number>;
  readonly flips: number;
  readonly flipRate: RateInterval;
  readonly divergenceRate: number;
  readonly errorRate: number;
  /** Flips per transition, e.g. `approve→refer`. */
  readonly transitions: Record<string, number>;
  /** Errors and divergences per code. */
  readonly codes: Record<string, number>;
  /** Counterfactual: mean agreement of the samples with their majority. */
  readonly agreement?: number;
  /** Counterfactual with a baseline: its flip rate, and the candidate's minus it. */
  readonly baseline?: { readonly flipRate: RateInterval; readonly correctedFlipRate: number };
  readonly mcnemar?: McNemar;
  readonly gates: GateVerdict[];
  readonly passed: boolean;
  /** `sha256:` of the JCS of every per-decision result, in order: names the run's evidence. */
  readonly resultDigest: string;
  /** The first changed decisions (at most `keepChanged`). */
  readonly changed: DecisionReplayResult[];
  readonly agents: Record<string, Record<string, number>>;
}

/** The recorded input of a decision: everything but what the agent decided. */
export function inputOf(record: DecisionRecord): ReplayInput {
  const {
    outcome: _o,
    alternatives: _a,
    reasoning: _r,
    confidence: _c,
    tools: _t,
    llm: _l,
    human: _h,
    producer: _p,
    ...input
  } = record;
  return input;
}

function majority(outcomes: readonly string[]): { action: string; agreement: number } {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
  let best = outcomes[0] ?? '';
  for (const [o, n] of counts) if (n > (counts.get(best) ?? 0)) best = o;
  return {
    action: best,
    agreement: outcomes.length === 0 ? 0 : (counts.get(best) ?? 0) / outcomes.length,
  };
}

function isIdentical(d: DecisionDiff): boolean {
  return (
    !d.outcome.changed &&
    !d.outcome.valueChanged &&
    d.tools.same &&
    (d.confidence.delta ?? 0) === 0 &&
    d.reasoningSimilarity === 1 &&
    d.alternatives.added.length +
      d.alternatives.removed.length +
      d.alternatives.rankChanges.length ===
      0
  );
}

/** Runs an agent k times on one decision; stops at the first non-decision. */
async function sampleRuns(
  agent: ReplayAgent,
  mode: ReplayMode,
  k: number,
  input: ReplayInput,
  record: DecisionRecord,
): Promise<AgentOutcome[]> {
  const out: AgentOutcome[] = [];
  for (let sample = 0; sample < k; sample++) {
    const outcome = await agent.run({
      mode,
      sample,
      input,
      recording: { tools: record.tools ?? [], llm: record.llm ?? [] },
    });
    out.push(outcome);
    if (outcome.status !== 'decided') break;
  }
  return out;
}

/** Replays one decision. */
async function replayOne(
  target: ReplayTarget,
  options: ReplayRunOptions,
  k: number,
): Promise<DecisionReplayResult> {
  if (target.erased) {
    return {
      id: target.id,
      index: target.index,
      verdict: 'erased',
      code: 'REPLAY_ERASED',
      message: 'the subject was erased: nothing is left to replay',
    };
  }
  const record = target.record;
  const base = { id: target.id, index: target.index, agent: record.agent };
  const input = inputOf(record);
  const runs = await sampleRuns(options.agent, options.mode, k, input, record);
  const stopped = runs.find((r) => r.status !== 'decided');
  if (stopped?.status === 'diverged') {
    return {
      ...base,
      verdict: 'diverged',
      code: 'REPLAY_DIVERGED',
      message: `${stopped.divergence.kind} call #${stopped.divergence.seq} (${stopped.divergence.actual.name}): ${stopped.divergence.code}`,
      divergence: stopped.divergence,
    };
  }
  if (stopped?.status === 'failed') {
    return { ...base, verdict: 'error', code: stopped.code, message: stopped.message };
  }
  const decided = runs.flatMap((r) => (r.status === 'decided' ? [r] : []));
  const outcomes = decided.map((r) => r.decision.outcome.action);
  const { action, agreement } = majority(outcomes);
  const chosen = decided.find((r) => r.decision.outcome.action === action) ?? decided[0]!;
  const diff = diffDecision(record, chosen.decision);
  let baseline: DecisionReplayResult['baseline'];
  if (options.baseline !== undefined) {
    const old = await sampleRuns(options.baseline, options.mode, k, input, record);
    const oldOutcomes = old.flatMap((r) =>
      r.status === 'decided' ? [r.decision.outcome.action] : [],
    );
    baseline = {
      outcomes: oldOutcomes,
      flipped: oldOutcomes.length > 0 && majority(oldOutcomes).action !== record.outcome.action,
    };
  }
  const before = options.grader?.(record, record.outcome);
  const after = options.grader?.(record, chosen.decision.outcome);
  return {
    ...base,
    verdict: diff.outcome.changed ? 'changed' : isIdentical(diff) ? 'identical' : 'equivalent',
    diff,
    ...(k > 1 ? { samples: { outcomes, agreement } } : {}),
    ...(baseline === undefined ? {} : { baseline }),
    unused: chosen.unused,
    ...(before === undefined || after === undefined ? {} : { graded: { before, after } }),
  };
}

/**
 * Replays every target and sums up. Never stops on a bad decision: each one's failure is in
 * its result.
 *
 * @example
 * const summary = await runReplay(source.decisions({ agentId: 'loan-underwriter' }), { mode: 'lockdown', agent, gates: parseGates('flip-rate<=0.02') });
 * process.exitCode = summary.passed ? 0 : 1;
 */
export async function runReplay(
  targets: AsyncIterable<ReplayTarget>,
  options: ReplayRunOptions,
): Promise<ReplaySummary> {
  const k = options.mode === 'counterfactual' ? Math.max(1, options.samples ?? 3) : 1;
  const keep = options.keepChanged ?? 20;
  const verdicts: Record<ReplayVerdict, number> = {
    identical: 0,
    equivalent: 0,
    changed: 0,
    diverged: 0,
    error: 0,
    erased: 0,
  };
  const transitions: Record<string, number> = {};
  const codes: Record<string, number> = {};
  const agents: Record<string, Record<string, number>> = {};
  const changed: DecisionReplayResult[] = [];
  const digest = createHash('sha256');
  let selected = 0;
  let agreementSum = 0;
  let agreementN = 0;
  let baselineFlips = 0;
  let baselineN = 0;
  let regressions = 0;
  let improvements = 0;
  let graded = 0;
  for await (const target of targets) {
    selected++;
    const result = await replayOne(target, options, k);
    verdicts[result.verdict]++;
    if (result.code !== undefined) codes[result.code] = (codes[result.code] ?? 0) + 1;
    if (result.agent !== undefined) {
      const byVersion = (agents[result.agent.id] ??= {});
      byVersion[result.agent.version] = (byVersion[result.agent.version] ?? 0) + 1;
    }
    if (result.verdict === 'changed' && result.diff !== undefined) {
      const t = `${result.diff.outcome.before}→${result.diff.outcome.after}`;
      transitions[t] = (transitions[t] ?? 0) + 1;
      if (changed.length < keep) changed.push(result);
    }
    if (result.samples !== undefined) {
      agreementSum += result.samples.agreement;
      agreementN++;
    }
    if (result.baseline !== undefined && result.baseline.outcomes.length > 0) {
      baselineN++;
      if (result.baseline.flipped) baselineFlips++;
    }
    if (result.graded !== undefined) {
      graded++;
      if (result.graded.before && !result.graded.after) regressions++;
      if (!result.graded.before && result.graded.after) improvements++;
    }
    digest.update(canonicalize(result));
    digest.update('\n');
    await options.onResult?.(result);
  }
  const replayed = verdicts.identical + verdicts.equivalent + verdicts.changed;
  const attempted = selected - verdicts.erased;
  const flipRate = wilson(verdicts.changed, replayed);
  const divergenceRate = attempted === 0 ? 0 : verdicts.diverged / attempted;
  const errorRate = attempted === 0 ? 0 : verdicts.error / attempted;
  const gates = checkGates(options.gates ?? [], {
    'flip-rate': flipRate.rate,
    'divergence-rate': divergenceRate,
    'error-rate': errorRate,
  });
  const baselineRate =
    options.baseline === undefined ? undefined : wilson(baselineFlips, baselineN);
  return {
    mode: options.mode,
    agent: options.agent.name,
    samples: k,
    selected,
    replayed,
    verdicts,
    flips: verdicts.changed,
    flipRate,
    divergenceRate,
    errorRate,
    transitions,
    codes,
    ...(agreementN === 0 ? {} : { agreement: agreementSum / agreementN }),
    ...(baselineRate === undefined
      ? {}
      : {
          baseline: {
            flipRate: baselineRate,
            correctedFlipRate: flipRate.rate - baselineRate.rate,
          },
        }),
    ...(graded === 0 ? {} : { mcnemar: mcnemar(regressions, improvements) }),
    gates,
    passed: gates.every((g) => g.passed),
    resultDigest: `sha256:${digest.digest('hex')}`,
    changed,
    agents,
  };
}
