/**
 * `replayDecision`: runs an agent function once more on a recorded decision's input, inside a
 * decision context whose wrapped tool and model calls are answered from the recording. The
 * replayed decision is kept in memory (nothing is sent anywhere).
 */
import type { DecisionInput, DecisionSink, RecordMeta } from '../context.js';
import { runDecision } from '../context.js';
import type { SdkError } from '../errors.js';
import { ReplaySession, runInReplay } from './session.js';
import type { ReplayDivergence, ReplayMode, ReplayRecording } from './session.js';

/**
 * What one replay produced. `decision`: the replayed decision as the SDK would have recorded it
 * (undefined when the agent stopped before finishing); `divergence`: the first call that left
 * the recording; `error`: what the agent threw (a divergence included); `value`: what it
 * returned; `unused`: recorded calls the agent did not make.
 *
 * @example
 * const { decision, divergence } = await replayDecision({ mode: 'lockdown', recording, meta, run });
 */
export interface ReplayedDecision {
  readonly decision: DecisionInput | undefined;
  readonly divergence: ReplayDivergence | null;
  readonly error: unknown;
  readonly threw: boolean;
  readonly value: unknown;
  readonly unused: { readonly tools: number; readonly llm: number };
  /** What the SDK reported while recording the replay (invalid arguments, limits). */
  readonly reports: readonly SdkError[];
}

/**
 * Options of {@link replayDecision}.
 *
 * @example
 * const options: ReplayDecisionOptions = { mode: 'lockdown', recording: record, meta: { agent: record.agent }, run: () => agent(input) };
 */
export interface ReplayDecisionOptions {
  readonly mode: ReplayMode;
  /** The recorded calls to answer from (the recorded decision's `tools` and `llm`). */
  readonly recording: ReplayRecording;
  /** The replayed decision's meta (without the parts the agent adds). */
  readonly meta: RecordMeta;
  /** The agent, run once; it may return a promise. */
  readonly run: () => unknown;
}

/**
 * Replays one decision. Never throws: what the agent throws is in `error` (`threw: true`).
 *
 * @example
 * const r = await replayDecision({ mode: 'lockdown', recording: recorded, meta: { agent: recorded.agent }, run: () => myAgent(recorded.context) });
 * if (r.divergence !== null) console.log('diverged at', r.divergence.kind, r.divergence.seq);
 */
export async function replayDecision(options: ReplayDecisionOptions): Promise<ReplayedDecision> {
  const session = new ReplaySession(options.mode, options.recording);
  let decision: DecisionInput | undefined;
  const reports: SdkError[] = [];
  const sink: DecisionSink = {
    capture(input) {
      decision = input;
      return input.id ?? '';
    },
    report(error) {
      reports.push(error);
    },
  };
  let value: unknown;
  let error: unknown;
  let threw = false;
  try {
    value = await runInReplay(session, () => runDecision(sink, options.meta, options.run));
  } catch (caught) {
    threw = true;
    error = caught;
  }
  return {
    decision,
    divergence: session.divergence,
    error,
    threw,
    value,
    unused: session.unused(),
    reports,
  };
}
