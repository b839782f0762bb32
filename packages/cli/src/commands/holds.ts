import type { HoldTarget } from '@docket/ledger';
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

const SUBCOMMANDS = ['create', 'list', 'release'] as const;

/** `docket holds`: legal holds on a subject's, an agent's or one decision's records. */
export const holds: Command = {
  name: 'holds',
  summary: 'legal holds: create, list, release (a held record is never purged nor erased)',
  help: `Usage: docket holds create [--data DIR | --url URL] (--subject ID | --agent A | --decision ID) --reason TEXT
       docket holds list [--data DIR | --url URL]
       docket holds release ID [--data DIR | --url URL] [--reason TEXT]

create   Places a legal hold (appended to the log): the records it covers are never purged,
         and erasure of their subject is refused (GDPR Art. 17(3)(e)) until it is released.
         A hold on nothing (no decision of that subject or agent, no such decision) is refused.
         A subject is held by its pseudonym: its id never enters the log.
list     The holds in force, and those released.
release  Releases a hold by its id (appended to the log).

Options:
${DATA_HELP}
${REMOTE_RETENTION_HELP}
  --subject ID    hold every decision about this subject (subject.id as recorded)
  --agent A       hold every decision of this agent
  --decision ID   hold one decision
  --reason TEXT   why (a case number, a regulator's request)
${JSON_HELP}`,
  async run(argv, io) {
    const { values, positionals } = parse(argv, {
      ...DATA_OPTIONS,
      ...REMOTE_RETENTION_OPTIONS,
      subject: { type: 'string' },
      agent: { type: 'string' },
      decision: { type: 'string' },
      reason: { type: 'string' },
    });
    const sub = positionals[0];
    if (sub === undefined || !(SUBCOMMANDS as readonly string[]).includes(sub)) {
      throw new DocketError(
        'USAGE',
        `unknown holds subcommand ${sub ?? '(none)'}; expected: ${SUBCOMMANDS.join(', ')}`,
        { where: 'holds' },
      );
    }
    const json = values['json'] === true;
    const ledger = await openRetentionTarget(values);
    try {
      if (sub === 'create') {
        const result = await ledger.placeHold(targetOf(values), required(values, 'reason'));
        if (json) io.out(`${JSON.stringify({ ok: true, hold: result.id, index: result.index })}\n`);
        else io.out(`legal hold ${result.id} placed at index ${n(result.index)}\n`);
        return EXIT.ok;
      }
      if (sub === 'release') {
        const id = positionals[1];
        if (id === undefined || positionals.length > 2) {
          throw new DocketError('USAGE', 'usage: docket holds release ID', { where: 'holds' });
        }
        const result = await ledger.releaseHold(id, optional(values, 'reason') ?? '');
        if (json) io.out(`${JSON.stringify({ ok: true, released: id, index: result.index })}\n`);
        else io.out(`legal hold ${id} released at index ${n(result.index)}\n`);
        return EXIT.ok;
      }
      const list = await ledger.holds();
      if (json) io.out(`${JSON.stringify({ ok: true, ...list })}\n`);
      else {
        if (list.active.length === 0) io.out('no legal hold in force\n');
        for (const h of list.active)
          io.out(`${h.id}  on ${h.kind} ${h.target}  since ${h.ts}: ${h.reason}\n`);
        for (const h of list.released)
          io.out(`${h.id}  released (entry ${h.releasedBy}): ${h.reason}\n`);
      }
      return EXIT.ok;
    } finally {
      await ledger.close();
    }
  },
};

function targetOf(values: Record<string, string | boolean | undefined>): HoldTarget {
  const subject = optional(values, 'subject');
  const agent = optional(values, 'agent');
  const decision = optional(values, 'decision');
  const given = [subject, agent, decision].filter((v) => v !== undefined).length;
  if (given !== 1) {
    throw new DocketError('USAGE', 'name exactly one of --subject, --agent, --decision', {
      where: 'holds create',
    });
  }
  if (subject !== undefined) return { subjectId: subject };
  if (agent !== undefined) return { agent };
  return { decisionId: decision! };
}
