/**
 * @docket/temporal — record AI agents' decisions inside Temporal activities. This root entry is
 * safe to import from workflow code (pure functions and types, nothing from Node); the activity
 * interceptor and `activityDocket()` live in `@docket/temporal/worker`.
 */
export { TEMPORAL_KIND, temporalOrchestrator, temporalTags } from './activity-info.js';
export type { ActivityInfo } from './activity-info.js';
export { toOrchestrator, toTags } from '@docket/sdk/orchestrator';
export type { DocketClient, Orchestrator, RunDocket } from '@docket/sdk/orchestrator';
