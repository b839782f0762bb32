/**
 * The orchestrator run around the current code: an integration (Temporal, Trigger.dev) opens a
 * scope with {@link runInScope}, and every decision captured inside gets the run's ids.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DecisionInput } from './context.js';
import { withRun } from './orchestrator.js';
import type { Orchestrator } from './orchestrator.js';

/** One run's correlation and tags. */
interface RunScope {
  readonly orchestrator: Orchestrator;
  readonly tags: Readonly<Record<string, string>>;
}

const runs = new AsyncLocalStorage<RunScope>();

/**
 * Runs `fn` inside an orchestrator run's scope: every decision captured inside (by any Docket
 * client, with `capture()` or `record()`) gets the run's `correlation.orchestrator` and tags,
 * under the caller's own fields. The Temporal and Trigger.dev integrations call it.
 *
 * @example
 * runInScope({ kind: 'temporal', runId: info.workflowExecution.runId }, {}, () => next(input));
 */
export function runInScope<T>(
  orchestrator: Orchestrator,
  tags: Readonly<Record<string, string>>,
  fn: () => T,
): T {
  return runs.run({ orchestrator, tags }, fn);
}

/** `decision` with the current run scope's correlation and tags, if there is a scope. */
export function inRunScope<T extends DecisionInput>(decision: T): T {
  const scope = runs.getStore();
  return scope === undefined ? decision : withRun(decision, scope.orchestrator, scope.tags);
}
