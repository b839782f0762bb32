import { openLedger } from '@docket/ledger';
import type { RecordedChange } from '@docket/ledger';
import { CHANGE_SCHEMA_V1, createUuidV7, DocketError } from '@docket/protocol';
import type { ChangeRecord } from '@docket/protocol';
import { optional, parse, required } from '../args.js';
import { DATA_HELP, DATA_OPTIONS, dataDirOf, JSON_HELP, storeOf } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';
import { ApiClient } from '../remote/api-client.js';

const REMOTE_OPTIONS = { url: { type: 'string' }, 'api-key': { type: 'string' } } as const;

const CHANGE_OPTIONS = {
  agent: { type: 'string' },
  version: { type: 'string' },
  model: { type: 'string' },
  'model-provider': { type: 'string' },
  'model-version': { type: 'string' },
  'prompt-hash': { type: 'string' },
  'prompt-id': { type: 'string' },
  'prompt-version': { type: 'string' },
  'policy-id': { type: 'string' },
  'policy-version': { type: 'string' },
  author: { type: 'string' },
  approver: { type: 'string' },
  date: { type: 'string' },
  'replay-run': { type: 'string' },
  description: { type: 'string' },
  id: { type: 'string' },
} as const;

type Values = Record<string, string | boolean | undefined>;

/** Drops the keys whose value is undefined (an optional part given partly, or not at all). */
function defined(parts: Record<string, string | undefined>): Record<string, string> | undefined {
  const entries = Object.entries(parts).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

/**
 * The change record the flags describe (the ledger checks it: `CHANGE_INVALID` names the field).
 *
 * @example
 * toChangeRecord({ agent: 'loan-agent', version: '2.4.0', author: 'a', approver: 'b' });
 */
export function toChangeRecord(values: Values): ChangeRecord {
  const model = defined({
    provider: optional(values, 'model-provider'),
    name: optional(values, 'model'),
    version: optional(values, 'model-version'),
  });
  const prompt = defined({
    id: optional(values, 'prompt-id'),
    version: optional(values, 'prompt-version'),
    hash: optional(values, 'prompt-hash'),
  });
  const policy = defined({
    id: optional(values, 'policy-id'),
    version: optional(values, 'policy-version'),
  });
  const replayRun = optional(values, 'replay-run');
  const description = optional(values, 'description');
  return {
    schema: CHANGE_SCHEMA_V1,
    id: optional(values, 'id') ?? createUuidV7(),
    ts: optional(values, 'date') ?? new Date().toISOString(),
    agent: { id: required(values, 'agent'), version: required(values, 'version') },
    // A part given without its required field (--model-version alone) is left for the ledger's
    // check to name (CHANGE_INVALID at $.model.name).
    ...(model === undefined ? {} : { model: model as { name: string } }),
    ...(prompt === undefined ? {} : { prompt: prompt as { hash: string } }),
    ...(policy === undefined ? {} : { policy: policy as { id: string; version: string } }),
    author: required(values, 'author'),
    approver: required(values, 'approver'),
    ...(replayRun === undefined ? {} : { replayRun }),
    ...(description === undefined ? {} : { description }),
  };
}

function printChanges(items: readonly RecordedChange[], io: Io): void {
  if (items.length === 0) {
    io.out('no change records\n');
    return;
  }
  for (const { index, change, receivedAt } of items) {
    const parts = [
      change.ts,
      `${change.agent.id}@${change.agent.version}`,
      change.model === undefined ? undefined : `model ${change.model.name}`,
      change.prompt === undefined ? undefined : `prompt ${change.prompt.hash}`,
      change.policy === undefined
        ? undefined
        : `policy ${change.policy.id}@${change.policy.version}`,
      `by ${change.author}, approved by ${change.approver}`,
      change.replayRun === undefined ? undefined : `replay ${change.replayRun}`,
      `index ${index}`,
      receivedAt === undefined ? undefined : `received ${receivedAt}`,
    ];
    io.out(`${parts.filter((p) => p !== undefined).join(' · ')}\n`);
  }
}

/** `docket changes add|list`: record and list deployments of agent versions. */
export const changes: Command = {
  name: 'changes',
  summary: 'record or list change records (a deployment of an agent version and its approval)',
  help: `Usage: docket changes add --agent ID --version V --author WHO --approver WHO [options]
       docket changes list [--agent ID]
       (each with --data DIR, or --url URL --api-key KEY for a running server: add needs an admin key)

A change record (docket.change/v1) says that an agent version was deployed with a model, prompt
and policy, who made the change and who approved it, and which replay run tested it. Reports
resolve each decision's version tuple to an approved change (EU AI Act Art. 12, SOC 2 CC8.1).

Options of add:
  --agent ID, --version V         the agent version deployed (required)
  --author WHO, --approver WHO    who made the change and who approved it (required)
  --model NAME [--model-provider P] [--model-version V]
  --prompt-hash H [--prompt-id ID] [--prompt-version V]
  --policy-id ID --policy-version V
  --date RFC3339                  when it took effect (default: now)
  --replay-run ID|URL             the replay run that tested this version
  --description TEXT              what changed and why
  --id UUIDv7                     the idempotency key (default: a new one)
Options:
${DATA_HELP}
  --url URL       a running server instead of a data directory
  --api-key KEY   API key for --url (default: $DOCKET_API_KEY)
${JSON_HELP}`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...DATA_OPTIONS,
      ...REMOTE_OPTIONS,
      ...CHANGE_OPTIONS,
    });
    const [action, ...extra] = positionals;
    if ((action !== 'add' && action !== 'list') || extra.length > 0) {
      throw new DocketError('USAGE', 'docket changes add|list (see --help)', { where: 'action' });
    }
    const json = values['json'] === true;
    const url = optional(values, 'url');
    const client =
      url === undefined ? undefined : new ApiClient({ url, apiKey: optional(values, 'api-key') });
    if (action === 'add') {
      const change = toChangeRecord(values);
      let result: { status: string; id: string; index: number };
      if (client !== undefined) result = await client.post('/v1/changes', change);
      else {
        const ledger = await openLedger({
          dataDir: dataDirOf(values),
          ...storeOf(values),
          create: false,
        });
        try {
          result = await ledger.appendChange(change);
        } finally {
          await ledger.close();
        }
      }
      if (json) io.out(`${JSON.stringify({ ok: true, ...result })}\n`);
      else io.out(`change ${result.id} ${result.status} at index ${result.index}\n`);
      return EXIT.ok;
    }
    const agent = optional(values, 'agent');
    let items: RecordedChange[];
    if (client !== undefined) {
      items = (
        await client.json<{ items: RecordedChange[] }>(
          '/v1/changes',
          agent === undefined ? {} : { agent },
        )
      ).items;
    } else {
      const ledger = await openLedger({
        dataDir: dataDirOf(values),
        ...storeOf(values),
        create: false,
      });
      try {
        items = await ledger.changes(agent === undefined ? {} : { agentId: agent });
      } finally {
        await ledger.close();
      }
    }
    if (json) io.out(`${JSON.stringify({ ok: true, items })}\n`);
    else printChanges(items, io);
    return EXIT.ok;
  },
};
