/**
 * @docket/trigger-dev — record AI agents' decisions inside Trigger.dev tasks: `docketTask()` wraps
 * a task's `run` so its decisions carry the run id, task id and attempt, and are flushed before
 * the run ends. `@trigger.dev/sdk` (^4) is a peer dependency, used for types only.
 */
export { docketTask, TRIGGER_DEV_KIND, triggerOrchestrator, triggerTags } from './task.js';
export type { DocketTaskOptions, TaskRunParams } from './task.js';
export { createRunDocket, toOrchestrator, toTags } from '@docket/sdk/orchestrator';
export type { DocketClient, Orchestrator, RunDocket } from '@docket/sdk/orchestrator';
