// A workflow that imports the worker entry of @docket/temporal: Temporal's bundler must refuse it
// (the worker entry uses node:async_hooks), which is why the interceptor is not in the root entry.
import { activityDocket } from '@docket/temporal/worker';

export async function unsafeWorkflow(): Promise<string> {
  await Promise.resolve();
  return typeof activityDocket;
}
