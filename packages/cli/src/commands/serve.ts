import { DocketError } from '@docket/protocol';
import { startServer } from '@docket/server';
import { optional, parse } from '../args.js';
import { DATA_HELP, DATA_OPTIONS, dataDirOf, JSON_HELP, pgUrlOf, storeOf } from '../command.js';
import type { Command } from '../command.js';
import { createDemoLog, serveDemo } from '../demo/serve-demo.js';
import { EXIT } from '../exit-codes.js';
import { TLS_HELP, TLS_OPTIONS, tlsOf } from '../remote/tls.js';

/** `docket serve`: the HTTP API over the data directory (or PostgreSQL). */
export const serve: Command = {
  name: 'serve',
  summary: 'run the HTTP API (OpenAPI 3.1 at /openapi.json)',
  help: `Usage: docket serve [--data DIR] [--pg URL] [--host H] [--port N] [--demo]
                    [--tls-cert FILE --tls-key FILE]

Serves the Docket HTTP API: POST/GET /v1/decisions, proofs, bundles, checkpoints, the access
log, erasure, /healthz, /readyz, /metrics; the API's OpenAPI 3.1 document is at /openapi.json.
Every call but health and the document needs an API key (Authorization: Bearer dk_…); create
keys with 'docket keys create --role R --tenant T'. When no key exists yet, the first start
creates an admin key for the default tenant and prints it once on stderr.

Logs are JSON lines on stderr. SIGTERM or Ctrl-C stop accepting requests, finish those in
flight, make everything accepted durable, then exit 0.

Several replicas may serve one PostgreSQL database (--pg): any replica accepts writes; the
database chooses the one that sequences each log.

Options:
${DATA_HELP}
  --host H      address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --port N      port (default 7420; 0 picks a free one)
${TLS_HELP}
  --witness NAME=URL+VKEY
                submit every new checkpoint to this witness (c2sp.org/tlog-witness; repeat
                for more; DOCKET_WITNESSES adds more, separated by spaces): in the background,
                retried while it is down; cosignatures are kept in DIR/cosignatures.db and
                served with the checkpoint (/v1/checkpoint); /metrics shows each witness's lag
  --purge-interval DURATION
                run the retention purge of every tenant this often (e.g. 1h, 30m, 1d; 0 turns
                it off): what each tenant's policies (docket retention set) say is past its
                maximum loses its content, with a signed purge receipt per batch; holds and
                minimums are honoured. Default 1h on SQLite, off on PostgreSQL (give it to one
                replica, or run docket purge from cron). DOCKET_PURGE_INTERVAL_MS too.
  --demo        once listening, record the demo's decisions into the default tenant (as
                'docket demo' does; nothing is duplicated on later starts) and print a key
                to sign in with: an auditor key, kept in DIR/demo-keys.json (with --json the
                line also has ui, auditorKey and demo, once the demo is recorded)
${JSON_HELP} (one line with url and bootstrap key once listening)

With --tls-cert and --tls-key the API and the UI are served over HTTPS only; clients that do
not trust the certificate's CA take it with --ca-file (CLI), caFile (TypeScript SDK) or
ca_file (Python client), or DOCKET_CA_FILE. Behind a TLS-terminating reverse proxy, serve plain
HTTP on 127.0.0.1 instead (docs/deploy.md).

Environment: DOCKET_TLS_CERT, DOCKET_TLS_KEY, DOCKET_MAX_BODY_BYTES (default 8388608), DOCKET_MAX_INFLIGHT (1024),
DOCKET_FLUSH_INTERVAL_MS (200), DOCKET_FLUSH_MAX_ENTRIES (8192).`,
  async run(argv, io) {
    const { values } = parse(argv, {
      ...DATA_OPTIONS,
      host: { type: 'string' },
      port: { type: 'string' },
      demo: { type: 'boolean' },
      ...TLS_OPTIONS,
      witness: { type: 'string', multiple: true },
      'purge-interval': { type: 'string' },
    });
    const tls = tlsOf(values);
    const portText = optional(values, 'port') ?? process.env['DOCKET_PORT'] ?? '7420';
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65535) {
      throw new DocketError('USAGE', `--port must be 0–65535, got "${portText}"`, {
        where: '--port',
      });
    }
    if (tls !== undefined && values['demo'] === true) {
      throw new DocketError(
        'USAGE',
        '--demo records over plain HTTP: serve the demo without --tls-cert, or run docket demo --url https://… --ca-file FILE against this server',
        { where: '--demo' },
      );
    }
    const demoLog = values['demo'] === true ? createDemoLog() : undefined;
    const server = await startServer({
      dataDir: dataDirOf(values),
      ...storeOf(values),
      host: optional(values, 'host') ?? process.env['DOCKET_HOST'] ?? '127.0.0.1',
      port,
      ...(tls === undefined ? {} : { tls }),
      ...(demoLog === undefined ? {} : { log: demoLog.log }),
      ...witnessOptionOf(values),
      ...purgeIntervalOf(values),
    });
    if (demoLog !== undefined) {
      const json = values['json'] === true;
      if (!json) io.err(`docket: listening on ${server.url}\n`);
      try {
        const result = await serveDemo(server, {
          dataDir: dataDirOf(values),
          pgUrl: pgUrlOf(values),
          json,
          io,
        });
        if (json) {
          io.out(
            `${JSON.stringify({ ok: true, url: server.url, bootstrapKey: server.bootstrapKey ?? null, ...result })}\n`,
          );
        }
      } catch (error) {
        await server.close();
        throw error;
      } finally {
        demoLog.done();
      }
    } else if (values['json'] === true) {
      io.out(
        `${JSON.stringify({ ok: true, url: server.url, bootstrapKey: server.bootstrapKey ?? null })}\n`,
      );
    } else {
      io.err(
        `docket: listening on ${server.url} (web UI: ${server.url}/ui/ · API description: ${server.url}/openapi.json)\n`,
      );
      if (server.bootstrapKey !== undefined) {
        io.err(
          `docket: no API key existed, so an admin key for tenant "default" was created.\n` +
            `        It is shown once; keep it safe:\n\n  ${server.bootstrapKey}\n\n`,
        );
      }
    }
    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGTERM', () => {
        resolve('SIGTERM');
      });
      process.once('SIGINT', () => {
        resolve('SIGINT');
      });
    });
    io.err(`docket: ${signal}: finishing requests in flight, then stopping\n`);
    await server.close();
    return EXIT.ok;
  },
};

/** `{ witnesses }` from the repeatable --witness flag, or nothing. */
function witnessOptionOf(values: Record<string, unknown>): { witnesses?: string[] } {
  const raw = values['witness'];
  return Array.isArray(raw) && raw.length > 0 ? { witnesses: raw as string[] } : {};
}

/** `{ purgeIntervalMs }` from --purge-interval (`90s`, `30m`, `1h`, `1d`, or `0`), or nothing. */
function purgeIntervalOf(values: Record<string, unknown>): { purgeIntervalMs?: number } {
  const raw = values['purge-interval'];
  if (typeof raw !== 'string') return {};
  const m = /^(0|([1-9][0-9]{0,6})(s|m|h|d))$/.exec(raw.trim());
  if (m === null) {
    throw new DocketError(
      'USAGE',
      `--purge-interval is like 30m, 1h or 1d (0: off), not "${raw}"`,
      {
        where: '--purge-interval',
      },
    );
  }
  if (m[1] === '0') return { purgeIntervalMs: 0 };
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[3] as 's' | 'm' | 'h' | 'd'];
  return { purgeIntervalMs: Number(m[2]) * unit };
}
