/**
 * `docket serve --demo`: once the server listens, fill the default tenant with the demo (an
 * ingest key of its own), then tell a newcomer, in a few lines, where to go and which key to
 * sign in with (an auditor key: it sees content and the access log).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_TENANT } from '@docket/ledger';
import { createApiKey, isApiKeySecret, parseApiKey } from '@docket/server';
import type { ApiKeyRole, DocketServer, LogLine } from '@docket/server';
import { openApiKeyStore } from '@docket/store';
import type { ApiKeyStore } from '@docket/store';
import type { Io } from '../output.js';
import { createProgress, n } from '../output.js';
import { demoCase, DEMO_SEED } from './cases.js';
import { runDemo } from './run-demo.js';
import type { DemoResult } from './run-demo.js';

/** The file in the data directory that keeps the demo's keys between starts (mode 0600). */
export const DEMO_KEYS_FILE = 'demo-keys.json';

/** What `serve --demo` did: for `--json` and for tests. */
export interface ServeDemoResult {
  /** The web UI's address (the server root), or null when the server has no UI. */
  readonly ui: string | null;
  /** An auditor key of the default tenant to sign in with. */
  readonly auditorKey: string;
  readonly demo: DemoResult;
}

/**
 * The server's log while the demo fills it: the demo's own requests (hundreds of lines) are
 * left out; everything else, and every request once the demo is done, is written as usual.
 *
 * @example
 * const demoLog = createDemoLog();
 * const server = await startServer({ log: demoLog.log });
 * // … runDemo …
 * demoLog.done();
 */
export function createDemoLog(
  write: (line: LogLine) => void = (line) => process.stderr.write(`${JSON.stringify(line)}\n`),
): { log: (line: LogLine) => void; done: () => void } {
  let quiet = true;
  return {
    log: (line) => {
      if (quiet && line['msg'] === 'request' && line['level'] === 'info') return;
      write(line);
    },
    done: () => {
      quiet = false;
    },
  };
}

/**
 * Runs the demo against `server` (idempotent: a second start records nothing new), then prints
 * the address, the UI and a key to sign in with. Keys live in `DIR/demo-keys.json` (0600) so
 * every start shows the same auditor key; a revoked one is replaced.
 *
 * @example
 * const result = await serveDemo(server, { dataDir: '.docket', json: false, io });
 */
export async function serveDemo(
  server: DocketServer,
  options: {
    readonly dataDir: string;
    readonly pgUrl?: string | undefined;
    readonly count?: number | undefined;
    readonly json: boolean;
    readonly io: Io;
  },
): Promise<ServeDemoResult> {
  const { io, json } = options;
  const keys = await demoKeys(options.dataDir, options.pgUrl);
  const progress = createProgress(io, json);
  const demo = await runDemo({
    url: server.url,
    apiKey: keys.ingest,
    ...(options.count === undefined ? {} : { count: options.count }),
    onProgress: (done, total) => {
      progress.update(`docket: recording demo decisions… ${n(done)} of ${n(total)}`);
    },
  });
  progress.done();
  const ui = await uiAt(server.url);
  const result: ServeDemoResult = { ui, auditorKey: keys.auditor, demo };
  if (!json) io.err(banner(server, result, options.dataDir, options.pgUrl));
  return result;
}

/** The demo's ingest and auditor keys: read from the keys file, or made (and saved) anew. */
async function demoKeys(
  dataDir: string,
  pgUrl: string | undefined,
): Promise<{ ingest: string; auditor: string }> {
  const file = join(dataDir, DEMO_KEYS_FILE);
  let saved: { ingest?: unknown; auditor?: unknown } = {};
  if (existsSync(file)) {
    try {
      saved = JSON.parse(readFileSync(file, 'utf8')) as typeof saved;
    } catch {
      // An unreadable file is replaced by new keys.
    }
  }
  const store = await openApiKeyStore({ dataDir, ...(pgUrl === undefined ? {} : { pgUrl }) });
  try {
    const ingest = await usableKey(
      store,
      saved.ingest,
      'ingest',
      'demo recorder (docket serve --demo)',
    );
    const auditor = await usableKey(
      store,
      saved.auditor,
      'auditor',
      'demo auditor (docket serve --demo)',
    );
    if (ingest !== saved.ingest || auditor !== saved.auditor) {
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(
        file,
        `${JSON.stringify({ tenant: DEFAULT_TENANT, ingest, auditor }, null, 2)}\n`,
        {
          mode: 0o600,
        },
      );
      chmodSync(file, 0o600);
    }
    return { ingest, auditor };
  } finally {
    await store.close();
  }
}

/** `saved` when it is a live key of `role` in the default tenant; else a new key. */
async function usableKey(
  store: ApiKeyStore,
  saved: unknown,
  role: ApiKeyRole,
  name: string,
): Promise<string> {
  if (typeof saved === 'string') {
    const parsed = parseApiKey(saved);
    const row = parsed === undefined ? undefined : await store.get(parsed.id);
    if (
      parsed !== undefined &&
      row !== undefined &&
      row.revokedAt === null &&
      row.role === role &&
      row.tenant === DEFAULT_TENANT &&
      isApiKeySecret(row, parsed.secret)
    ) {
      return saved;
    }
  }
  const { text, row } = createApiKey({ tenant: DEFAULT_TENANT, role, name });
  await store.insert(row);
  return text;
}

/** The server root when it serves a page (the web UI), else null. */
async function uiAt(url: string): Promise<string | null> {
  try {
    const res = await fetch(`${url}/ui/`, {
      headers: { accept: 'text/html' },
      signal: AbortSignal.timeout(5_000),
    });
    const html = res.ok && (res.headers.get('content-type') ?? '').includes('text/html');
    await res.body?.cancel();
    return html ? `${url}/ui/` : null;
  } catch {
    return null;
  }
}

/** A PostgreSQL URL without its password, to print. */
function withoutPassword(url: string): string {
  const parsed = new URL(url);
  parsed.password = '';
  return parsed.href;
}

/** What a newcomer reads once the server is ready: short, the key last on its own line. */
function banner(
  server: DocketServer,
  result: ServeDemoResult,
  dataDir: string,
  pgUrl: string | undefined,
): string {
  const { demo } = result;
  const versions = Object.values(demo.agents).reduce((sum, v) => sum + Object.keys(v).length, 0);
  const total = demo.recorded + demo.skipped;
  const what =
    demo.recorded === 0
      ? `the demo is in place: ${n(total)} decisions (nothing new to record)`
      : `recorded ${n(demo.recorded)} demo decisions${demo.skipped > 0 ? ` (${n(demo.skipped)} were already there)` : ''} and ${n(demo.events.recorded)} overrides, effects and outcome updates`;
  const agents = Object.keys(demo.agents).length;
  const lines = [
    `docket: ${what}`,
    `        from ${agents} agents in ${versions} versions: loan underwriting, insurance claims triage, clinical alert triage.`,
    '',
    result.ui === null
      ? `  API        ${server.url}   (the web UI is not built into this server; see ${server.url}/openapi.json)`
      : `  Open       ${result.ui}`,
    `  Sign in    ${result.auditorKey}`,
    '             an auditor key: it reads every decision and the access log',
    '             (kept in ' + join(dataDir, DEMO_KEYS_FILE) + ')',
  ];
  if (server.bootstrapKey !== undefined) {
    lines.push(
      `  Admin key  ${server.bootstrapKey}`,
      '             created on this first start and shown once: keys, erasure, metrics',
    );
  }
  const first = demoCase(DEMO_SEED, 0).id;
  lines.push(
    '',
    '  Try, in another terminal:',
    `    export DOCKET_API_KEY=${result.auditorKey}`,
    `    npx docket verify --url ${server.url}                  # audit every proof through the server`,
    `    npx docket export --url ${server.url} --decision ${first} --out bundle.json`,
    // With PostgreSQL the log is in the database, the keys in the data directory: the offline
    // audit needs both. The URL is printed without its password (node-pg reads PGPASSWORD).
    pgUrl === undefined
      ? `    npx docket verify --data ${dataDir}                          # the same audit, straight from the files`
      : `    npx docket verify --data ${dataDir} --pg '${withoutPassword(pgUrl)}'    # the same audit, straight from the database${new URL(pgUrl).password === '' ? '' : ' (set PGPASSWORD)'}`,
    '',
    '  Ctrl-C stops the server.',
    '',
  );
  return `${lines.join('\n')}\n`;
}
