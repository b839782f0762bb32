// Trigger.dev project config (`npx trigger.dev@4 dev` / `deploy`). Set TRIGGER_PROJECT_REF to your
// project's ref; DOCKET_URL and DOCKET_API_KEY go in the project's environment variables.
import { defineConfig } from '@trigger.dev/sdk';

export default defineConfig({
  project: process.env.TRIGGER_PROJECT_REF ?? 'proj_claims_triage',
  dirs: ['./src/trigger'],
  maxDuration: 300,
  retries: {
    enabledInDev: true,
    default: { maxAttempts: 3, minTimeoutInMs: 1000, maxTimeoutInMs: 10_000, factor: 2 },
  },
});
