import { openLedger } from '@docket/ledger';
import type {
  AppendResult,
  HoldList,
  HoldTarget,
  PurgeOptions,
  PurgeReport,
  RetentionInput,
  RetentionPolicy,
} from '@docket/ledger';
import { optional } from '../args.js';
import { dataDirOf, storeOf } from '../command.js';
import { ApiClient } from '../remote/api-client.js';
import { CA_FILE_HELP, CA_FILE_OPTION, caFileOf } from '../remote/tls.js';

/** What `docket retention`, `holds` and `purge` act on: a local log, or a server's admin API. */
export interface RetentionTarget {
  setRetention(input: RetentionInput): Promise<AppendResult>;
  retentionPolicies(): Promise<RetentionPolicy[]>;
  placeHold(target: HoldTarget, reason: string): Promise<AppendResult>;
  releaseHold(id: string, reason: string): Promise<AppendResult>;
  holds(): Promise<HoldList>;
  purge(options: PurgeOptions): Promise<PurgeReport>;
  close(): Promise<void>;
}

/** The options these commands take to reach a running server. */
export const REMOTE_RETENTION_OPTIONS = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  ...CA_FILE_OPTION,
} as const;

/** Help lines for {@link REMOTE_RETENTION_OPTIONS}. */
export const REMOTE_RETENTION_HELP = `  --url URL       a running server instead of a data directory (an admin key)
  --api-key KEY   API key for --url (default: $DOCKET_API_KEY)
${CA_FILE_HELP}`;

/** The admin API of a server, as a {@link RetentionTarget}. */
function remoteTarget(client: ApiClient): RetentionTarget {
  return {
    setRetention: (input) => client.post<AppendResult>('/v1/retention', input),
    retentionPolicies: async () =>
      (await client.json<{ policies: RetentionPolicy[] }>('/v1/retention')).policies,
    placeHold: (target, reason) =>
      client.post<AppendResult>('/v1/holds', {
        ...('subjectId' in target ? { subject: target.subjectId } : {}),
        ...('agent' in target ? { agent: target.agent } : {}),
        ...('decisionId' in target ? { decision: target.decisionId } : {}),
        reason,
      }),
    releaseHold: (id, reason) =>
      client.post<AppendResult>(`/v1/holds/${encodeURIComponent(id)}/release`, { reason }),
    holds: () => client.json<HoldList>('/v1/holds'),
    // The server purges in its own batches: --batch applies to a local purge only.
    purge: (options) => client.post<PurgeReport>('/v1/purge', { dryRun: options.dryRun === true }),
    close: () => Promise.resolve(),
  };
}

/**
 * The log the command acts on: `--url` (and `--api-key`, `--ca-file`) for a running server, else
 * the local data directory (`--data`, `--pg`).
 *
 * @example
 * const target = await openRetentionTarget(values);
 * try { await target.holds(); } finally { await target.close(); }
 */
export async function openRetentionTarget(
  values: Record<string, string | boolean | undefined>,
): Promise<RetentionTarget> {
  const url = optional(values, 'url');
  if (url !== undefined) {
    return remoteTarget(
      new ApiClient({ url, apiKey: optional(values, 'api-key'), caFile: caFileOf(values) }),
    );
  }
  return openLedger({ dataDir: dataDirOf(values), ...storeOf(values), create: false });
}
