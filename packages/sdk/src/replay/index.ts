/** Replay mode of the recording wrappers: tools and model calls answered from a recording. */
export { replayDecision } from './replay-decision.js';
export type { ReplayDecisionOptions, ReplayedDecision } from './replay-decision.js';
export { currentReplay, ReplaySession, requestDigest, runInReplay } from './session.js';
export type { ReplayCall, ReplayDivergence, ReplayMode, ReplayRecording } from './session.js';
export { RecordedToolError, wrapModel, wrapModelSync, wrapTool, wrapToolSync } from './wrap.js';
export type { ModelAnswer, ToolWrapOptions } from './wrap.js';
