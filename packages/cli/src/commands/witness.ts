import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createNoteVerifier } from '@docket/core';
import { DocketError } from '@docket/protocol';
import { ensureWitnessKey, startWitnessServer, WITNESS_FILES } from '@docket/server';
import { openSqliteWitnessStore } from '@docket/store';
import { optional, parse, required } from '../args.js';
import type { OptionSpec } from '../args.js';
import { JSON_HELP } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';

type Values = Record<string, string | boolean | undefined>;

const DATA = { data: { type: 'string' } } as const;
const SUBCOMMANDS: Record<string, OptionSpec> = {
  serve: { ...DATA, port: { type: 'string' }, host: { type: 'string' }, name: { type: 'string' } },
  vkey: { ...DATA },
  'add-log': { ...DATA, origin: { type: 'string' }, vkey: { type: 'string', multiple: true } },
  'list-logs': { ...DATA },
};

/** `docket witness`: a C2SP tlog-witness of our own. */
export const witness: Command = {
  name: 'witness',
  summary: 'run a witness that cosigns logs’ checkpoints (serve, vkey, add-log, list-logs)',
  help: `Usage: docket witness serve --data WDIR [--port N] [--host H] [--name NAME]
       docket witness vkey --data WDIR
       docket witness add-log --data WDIR --origin ORIGIN --vkey VKEY [--vkey VKEY…]
       docket witness list-logs --data WDIR

A witness (c2sp.org/tlog-witness) cosigns a log's checkpoint only when it is signed by a key it
trusts for that log and is a consistent extension of the latest checkpoint it cosigned, which it
keeps per log in WDIR/witness.db. So it refuses a rollback (409 with its size), a fork or split
view (422), a checkpoint signed by another key (403) and an unknown log (404). Cosignatures are
Ed25519 cosignature/v1 lines with a timestamp (c2sp.org/tlog-cosignature).

serve      Listens for POST /add-checkpoint and GET /<sha256 hex of origin>/checkpoint. The first
           start makes the witness key (WDIR/witness.key, mode 0600) named NAME and prints its
           vkey (type 0x04) on stdout: give it to the logs (docket serve --witness) and to
           verifiers (--witness-policy).
vkey       Prints the witness's vkey again.
add-log    Trusts a log: its origin (the first line of its checkpoints) and its verifier key
           (docket keys log-generate prints it; DIR/log.vkey). Keys are added, never removed:
           re-adding a removed log could sign a split view. Takes effect without a restart.
list-logs  Lists the logs, their keys and the latest cosigned size.

Options:
  --data WDIR   the witness's directory (default: $DOCKET_WITNESS_DIR or ./.docket-witness)
  --port N      serve: TCP port (default: $DOCKET_WITNESS_PORT or 7380)
  --host H      serve: address to listen on (default 127.0.0.1)
  --name NAME   serve: the witness's name on first start, a schema-less URL such as
                witness.example.com/w1 (default: <hostname>/witness-<random>)
${JSON_HELP}`,
  async run(argv, io) {
    const union = Object.assign({}, ...Object.values(SUBCOMMANDS)) as OptionSpec;
    const sub = parse(argv, union).positionals[0];
    const spec =
      sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (sub === undefined || spec === undefined) {
      throw new DocketError(
        'USAGE',
        `unknown witness subcommand ${sub ?? '(none)'}; expected: ${Object.keys(SUBCOMMANDS).join(', ')}`,
        { where: 'witness' },
      );
    }
    const { values } = parse(argv, spec);
    const json = values['json'] === true;
    const dir = dirOf(values);
    switch (sub) {
      case 'serve':
        return serveWitness(dir, values, json, io);
      case 'vkey': {
        // Reads the key itself (not witness.vkey): proves the witness can still sign.
        if (!existsSync(join(dir, WITNESS_FILES.key))) {
          throw new DocketError('USAGE', `no witness key in ${dir}`, { where: '--data' });
        }
        const { cosigner } = ensureWitnessKey(dir);
        io.out(json ? `${JSON.stringify({ vkey: cosigner.vkey })}\n` : `${cosigner.vkey}\n`);
        return EXIT.ok;
      }
      case 'add-log':
        return addLog(dir, values, json, io);
      default:
        return listLogs(dir, json, io);
    }
  },
};

function dirOf(values: Values): string {
  return optional(values, 'data') ?? process.env['DOCKET_WITNESS_DIR'] ?? '.docket-witness';
}

async function serveWitness(dir: string, values: Values, json: boolean, io: Io): Promise<number> {
  const portText = optional(values, 'port') ?? process.env['DOCKET_WITNESS_PORT'] ?? '7380';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new DocketError('USAGE', `--port ${portText} is not a TCP port`, { where: '--port' });
  }
  const name = optional(values, 'name');
  const server = await startWitnessServer({
    dir,
    port,
    host: optional(values, 'host') ?? '127.0.0.1',
    ...(name === undefined ? {} : { name }),
    log: (line) => {
      io.err(`docket witness: ${line}\n`);
    },
  });
  if (json) {
    io.out(`${JSON.stringify({ url: server.url, vkey: server.vkey, created: server.created })}\n`);
  } else {
    if (server.created) io.err(`docket witness: made a new witness key in ${dir}\n`);
    io.out(`${server.vkey}\n`);
    io.err(`docket witness: listening on ${server.url}\n`);
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => {
      resolve('SIGTERM');
    });
    process.once('SIGINT', () => {
      resolve('SIGINT');
    });
  });
  await server.close();
  return signal === 'SIGINT' ? EXIT.interrupted : EXIT.ok;
}

async function addLog(dir: string, values: Values, json: boolean, io: Io): Promise<number> {
  const origin = required(values, 'origin');
  const raw = values['vkey'] as unknown;
  const vkeys = Array.isArray(raw) ? (raw as string[]) : [];
  if (vkeys.length === 0) throw new DocketError('USAGE', '--vkey is required', { where: '--vkey' });
  for (const vkey of vkeys) {
    // A log key (type 0x01) whose name is the origin, as tlog-checkpoint logs sign.
    const verifier = createNoteVerifier(vkey);
    if (verifier.name !== origin) {
      io.err(`docket witness: note: key name ${verifier.name} is not the origin ${origin}\n`);
    }
  }
  const store = openSqliteWitnessStore(join(dir, WITNESS_FILES.db));
  try {
    await store.addLog(origin, vkeys);
  } finally {
    await store.close();
  }
  io.out(
    json ? `${JSON.stringify({ origin, vkeys })}\n` : `added ${origin} (${vkeys.length} key(s))\n`,
  );
  return EXIT.ok;
}

async function listLogs(dir: string, json: boolean, io: Io): Promise<number> {
  const store = openSqliteWitnessStore(join(dir, WITNESS_FILES.db));
  try {
    const logs = await store.logs();
    if (json) io.out(`${JSON.stringify({ logs })}\n`);
    else {
      for (const log of logs) io.out(`${log.origin}\tsize ${log.size}\t${log.vkeys.join(' ')}\n`);
    }
  } finally {
    await store.close();
  }
  return EXIT.ok;
}
