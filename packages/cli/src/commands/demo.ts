import { DocketError } from '@docket/protocol';
import { optional, parse } from '../args.js';
import { JSON_HELP } from '../command.js';
import type { Command } from '../command.js';
import { DEMO_DEFAULT_COUNT, DEMO_MAX_COUNT, runDemo } from '../demo/index.js';
import { EXIT } from '../exit-codes.js';
import { CA_FILE_HELP, CA_FILE_OPTION, caFileOf } from '../remote/tls.js';
import { createProgress, n } from '../output.js';

/** `docket demo`: realistic decisions from three agents, through the SDK, into a running server. */
export const demo: Command = {
  name: 'demo',
  summary: 'record realistic demo decisions (three agents, two versions each) into a server',
  help: `Usage: docket demo [--url URL] [--api-key KEY] [--ca-file FILE] [--count N] [--quiet] [--json]

Records realistic decisions into a running Docket server through the TypeScript SDK, as an
agent would: a loan underwriter (credit report, income, DTI, policy rules; approve, decline
with adverse-action reasons, or refer), an insurance claims triage agent (fast-track, adjuster
or SIU fraud review) and a clinical alert triage agent (NEWS2, lactate; escalate, monitor or
dismiss). Each comes in two versions that behave a little differently, with subjects, model,
prompt and policy versions, tool and model calls with their I/O, Dagster, Temporal and
Trigger.dev run ids, and reasoning. Human overrides, downstream effects and outcome updates
follow as linked events (POST /v1/decisions/{id}/events).

The data is made up and deterministic: the same count gives the same decisions and ids, so
running it again records nothing new (reported as skipped). 'docket serve --demo' runs it
against itself.

Options:
  --url URL       the server (default: $DOCKET_URL or http://127.0.0.1:7420)
  --api-key KEY   an ingest or admin key (default: $DOCKET_API_KEY)
${CA_FILE_HELP}
  --count N       how many decisions, 0–${n(DEMO_MAX_COUNT)} (default ${DEMO_DEFAULT_COUNT})
  --quiet         no progress on stderr
${JSON_HELP}: {ok, url, recorded, skipped, events: {recorded, skipped}, agents}

Exit 0 when everything was recorded (or was already there); 2 for bad options or a key that
may not record; 3 when the server can't be reached or refuses the data.`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      url: { type: 'string' },
      'api-key': { type: 'string' },
      ...CA_FILE_OPTION,
      count: { type: 'string' },
      quiet: { type: 'boolean' },
    });
    if (positionals.length > 0) {
      throw new DocketError('USAGE', `unexpected argument "${positionals[0]!}"`, {
        where: positionals[0]!,
      });
    }
    const json = values['json'] === true;
    const url =
      optional(values, 'url') ?? nonEmpty(process.env['DOCKET_URL']) ?? 'http://127.0.0.1:7420';
    const apiKey = optional(values, 'api-key') ?? process.env['DOCKET_API_KEY'] ?? '';
    const countText = optional(values, 'count');
    if (countText !== undefined && !/^\d{1,9}$/.test(countText)) {
      throw new DocketError(
        'USAGE',
        `--count must be a whole number from 0 to ${n(DEMO_MAX_COUNT)}, got "${countText}"`,
        { where: '--count' },
      );
    }
    const progress = createProgress(io, json || values['quiet'] === true);
    const caFile = caFileOf(values);
    const result = await runDemo({
      url,
      apiKey,
      ...(caFile === undefined ? {} : { caFile }),
      ...(countText === undefined ? {} : { count: Number(countText) }),
      onProgress: (done, total) => {
        progress.update(`demo: ${n(done)} of ${n(total)} decisions`);
      },
    });
    progress.done();
    if (json) {
      io.out(`${JSON.stringify({ ok: true, url, ...result })}\n`);
      return EXIT.ok;
    }
    const byAgent = Object.entries(result.agents)
      .map(
        ([agent, versions]) =>
          `  ${agent.padEnd(20)} ${Object.entries(versions)
            .map(([version, count]) => `${version}: ${n(count)}`)
            .join(', ')}`,
      )
      .join('\n');
    io.out(
      `recorded ${n(result.recorded)} decisions and ${n(result.events.recorded)} events at ${url}` +
        (result.skipped + result.events.skipped > 0
          ? ` (already there, skipped: ${n(result.skipped)} decisions, ${n(result.events.skipped)} events)`
          : '') +
        `\n${byAgent}\n`,
    );
    return EXIT.ok;
  },
};

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value;
