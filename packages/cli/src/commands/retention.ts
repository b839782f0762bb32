import type { RetentionPolicy } from '@docket/ledger';
import { DocketError } from '@docket/protocol';
import { optional, parse, required } from '../args.js';
import { DATA_HELP, DATA_OPTIONS, JSON_HELP } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import {
  openRetentionTarget,
  REMOTE_RETENTION_HELP,
  REMOTE_RETENTION_OPTIONS,
} from './retention-target.js';
import { n } from '../output.js';

const SUBCOMMANDS = ['set', 'show', 'list'] as const;

/** `docket retention`: the retention policies of a log (tenant-wide, or per agent). */
export const retention: Command = {
  name: 'retention',
  summary: 'retention policies: set, show, list (minimum and maximum age, legal basis)',
  help: `Usage: docket retention set [--data DIR | --url URL] [--agent A] --max DURATION [--min DURATION] --basis TEXT
       docket retention show [--data DIR | --url URL] [--agent A]
       docket retention list [--data DIR | --url URL]

set   Appends a retention policy to the log (a change to what is kept is audit evidence): for
      the tenant (this log), or for one agent's decisions. A later policy of the same scope
      replaces it. Content of a decision older than its maximum is purged by docket purge (and
      by the scheduled purge of docket serve) unless on legal hold; nothing is erased or purged
      before its minimum. Refused: a maximum below the minimum, and policies that overlap so
      that a maximum comes before a minimum (an agent's max under the tenant's min, or back).
show  The policies in force over one agent's decisions (or the tenant-wide one).
list  Every policy in force, one per scope.

DURATION is a whole number of days, weeks, calendar months or years: 30d, 12w, 6mo, 6y.

Options:
${DATA_HELP}
${REMOTE_RETENTION_HELP}
  --agent A       the agent the policy is for (default: the whole tenant)
  --max DURATION  keep at most this long (GDPR Art. 5(1)(e))
  --min DURATION  keep at least this long (EU AI Act Art. 19: 6mo; HIPAA: 6y)
  --basis TEXT    the legal basis, recorded with the policy
${JSON_HELP}`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...DATA_OPTIONS,
      ...REMOTE_RETENTION_OPTIONS,
      agent: { type: 'string' },
      max: { type: 'string' },
      min: { type: 'string' },
      basis: { type: 'string' },
    });
    const sub = positionals[0];
    if (sub === undefined || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new DocketError(
        'USAGE',
        `unknown retention subcommand ${sub ?? '(none)'}; expected: ${SUBCOMMANDS.join(', ')}`,
        { where: 'retention' },
      );
    }
    const json = values['json'] === true;
    const agent = optional(values, 'agent');
    const ledger = await openRetentionTarget(values);
    try {
      if (sub === 'set') {
        const min = optional(values, 'min');
        const result = await ledger.setRetention({
          ...(agent === undefined ? {} : { agent }),
          ...(min === undefined ? {} : { min }),
          max: required(values, 'max'),
          basis: required(values, 'basis'),
        });
        const policy = (await ledger.retentionPolicies()).find((p) => p.id === result.id);
        if (json) io.out(`${JSON.stringify({ ok: true, policy })}\n`);
        else
          io.out(
            `retention policy set at index ${n(result.index)}: ${policy === undefined ? '' : line(policy)}\n`,
          );
        return EXIT.ok;
      }
      let policies = await ledger.retentionPolicies();
      if (sub === 'show') {
        policies = policies.filter(
          (p) => p.agent === null || (agent !== undefined && p.agent === agent),
        );
      }
      if (json) io.out(`${JSON.stringify({ ok: true, policies })}\n`);
      else if (policies.length === 0) io.out('no retention policy: everything is kept\n');
      else for (const p of policies) io.out(`${line(p)}\n`);
      return EXIT.ok;
    } finally {
      await ledger.close();
    }
  },
};

function line(p: RetentionPolicy): string {
  return `${p.scope}: min ${p.min ?? '-'}, max ${p.max}; basis: ${p.basis} (set ${p.ts}, entry ${p.id})`;
}
