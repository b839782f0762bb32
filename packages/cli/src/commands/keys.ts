import { DocketError } from '@docket/protocol';
import { generateLogKey } from '@docket/ledger';
import { optional, parse } from '../args.js';
import { dataDirOf, JSON_HELP } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

/** `docket keys`: key management. */
export const keys: Command = {
  name: 'keys',
  summary: "make the log's signing key (keys log-generate)",
  help: `Usage: docket keys log-generate [--data DIR] [--origin NAME]

Makes the log's Ed25519 signing key in DIR/keys/log.key (mode 0600, Go note key format) and
the public verifier key in DIR/log.vkey, and prints the vkey. The origin names the log in every
checkpoint (C2SP tlog-checkpoint): a schema-less URL such as example.com/decisions is best.
Refuses to replace an existing key.

Options:
  --data DIR      data directory for the key files (default: $DOCKET_DATA_DIR or ./.docket)
  --origin NAME   the log's origin (default: docket.local/<random>)
${JSON_HELP}`,
  run(argv, io) {
    const { values, positionals } = parse(argv, {
      data: { type: 'string' },
      origin: { type: 'string' },
    });
    if (positionals[0] !== 'log-generate' || positionals.length > 1) {
      return Promise.reject(
        new DocketError(
          'USAGE',
          `unknown keys subcommand ${positionals[0] ?? '(none)'}; expected: log-generate`,
          { where: 'keys' },
        ),
      );
    }
    const dir = dataDirOf(values);
    const { origin, vkey } = generateLogKey(dir, optional(values, 'origin'));
    if (values['json'] === true)
      io.out(`${JSON.stringify({ ok: true, origin, vkey, dataDir: dir })}\n`);
    else
      io.out(
        `log key written to ${dir}/keys/log.key (mode 0600)\norigin ${origin}\nvkey   ${vkey}\n`,
      );
    return Promise.resolve(EXIT.ok);
  },
};
