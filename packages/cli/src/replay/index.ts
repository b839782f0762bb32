/**
 * The replay engine of `docket replay`: a verified log's decisions replayed by an agent
 * (in-process or a child process), diffed against their recordings and summed up.
 */
export { createCommandAgent, createFunctionAgent, loadModuleAgent } from './agents.js';
export type {
  AgentErrorCode,
  AgentFn,
  AgentOutcome,
  ReplayAgent,
  ReplayInput,
  ReplayJob,
} from './agents.js';
export { diffDecision, textSimilarity } from './diff.js';
export type { Decided, DecisionDiff } from './diff.js';
export { inputOf, runReplay } from './engine.js';
export type {
  DecisionReplayResult,
  Grader,
  ReplayRunOptions,
  ReplaySummary,
  ReplayVerdict,
} from './engine.js';
export { checkGates, parseGates } from './gate.js';
export type { Gate, GateMetric, GateVerdict } from './gate.js';
export { openReplaySource, parseSelection } from './source.js';
export type { ReplaySelection, ReplaySource, ReplayTarget } from './source.js';
export { mcnemar, wilson } from './stats.js';
export type { McNemar, RateInterval } from './stats.js';
export type { ReplayMode } from '@docket/sdk';
