/** @docket/cli — the docket command line; `main` runs it in-process (used by tests). */
export { main } from './main.js';
export { EXIT, exitCodeFor } from './exit-codes.js';
export type { Io } from './output.js';
export { DEMO_DEFAULT_COUNT, DEMO_SEED, demoCase, runDemo } from './demo/index.js';
export type { DemoCase, DemoEvent, DemoOptions, DemoResult } from './demo/index.js';
export {
  createCommandAgent,
  createFunctionAgent,
  loadModuleAgent,
  openReplaySource,
  parseGates,
  runReplay,
} from './replay/index.js';
export type {
  AgentFn,
  DecisionReplayResult,
  ReplayAgent,
  ReplayInput,
  ReplaySummary,
} from './replay/index.js';
export { demoReplayAgent } from './demo/replay-agents.js';
