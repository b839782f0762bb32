import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DocketError } from '@docket/protocol';
import {
  assertTenantName,
  DEFAULT_TENANT,
  describeLog,
  generateLogKey,
  LedgerError,
  openLedger,
  tenantLogs,
  tenantOrigin,
} from '@docket/ledger';
import type { LogLocation } from '@docket/ledger';
import { API_KEY_ROLES, createApiKey, parseApiKey } from '@docket/server';
import type { ApiKeyRole } from '@docket/server';
import { API_KEYS_FILE, openApiKeyStore } from '@docket/store';
import type { ApiKeyStore } from '@docket/store';
import { optional, parse, required } from '../args.js';
import type { OptionSpec } from '../args.js';
import { DATA_HELP, DATA_OPTIONS, dataDirOf, JSON_HELP, pgUrlOf } from '../command.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import type { Io } from '../output.js';

type Values = Record<string, string | boolean | undefined>;

/** Each subcommand's options (parsed strictly, so a flag of another subcommand is refused). */
const SUBCOMMANDS: Record<string, OptionSpec> = {
  create: {
    ...DATA_OPTIONS,
    role: { type: 'string' },
    tenant: { type: 'string' },
    name: { type: 'string' },
  },
  list: { ...DATA_OPTIONS, tenant: { type: 'string' } },
  revoke: { ...DATA_OPTIONS },
  'log-generate': { data: { type: 'string' }, origin: { type: 'string' } },
};

/** `docket keys`: API keys of the HTTP server, and the log's signing key. */
export const keys: Command = {
  name: 'keys',
  summary: "API keys (create, list, revoke) and the log's signing key (log-generate)",
  help: `Usage: docket keys create --role ROLE --tenant TENANT [--name NAME] [--data DIR] [--pg URL]
       docket keys list [--tenant TENANT] [--data DIR] [--pg URL]
       docket keys revoke ID [--data DIR] [--pg URL]
       docket keys log-generate [--data DIR] [--origin NAME]

create   Makes an API key for the HTTP server (dk_<id>_<secret>) and prints it on stdout. The key
         is shown once: only its SHA-256 is stored. ROLE is one of ${API_KEY_ROLES.join(', ')};
         the key sees only TENANT's logs. A tenant's logs (decisions and access) are created
         with its first key, their origins derived from the default log's (which is created too
         when absent): ORIGIN/TENANT and ORIGIN/TENANT/access.
list     Lists the keys (all tenants, or one): id, tenant, role, name, when created and revoked.
         Never a secret.
revoke   Revokes a key by its id (or its full text). Running servers refuse it within seconds
         (they cache keys briefly). Exit 2 when there is no such key.
log-generate
         Makes the log's Ed25519 signing key in DIR/keys/log.key (mode 0600, Go note key
         format) and the public verifier key in DIR/log.vkey, and prints the vkey. The origin
         names the log in every checkpoint (C2SP tlog-checkpoint): a schema-less URL such as
         example.com/decisions is best. Refuses to replace an existing key.

API keys live in DIR/api-keys.db (mode 0600), or with --pg in the database's schema docket_auth.

Options:
${DATA_HELP}
  --role ROLE     create: ${API_KEY_ROLES.join(' | ')}
  --tenant NAME   create: the key's tenant (lower-case letters, digits, _; "${DEFAULT_TENANT}" is
                  the data directory's own log); list: only this tenant's keys
  --name NAME     create: a label for people ("ci ingest", "j.doe")
  --origin NAME   log-generate: the log's origin (default: docket.local/<random>)
${JSON_HELP}`,
  async run(argv, io) {
    const union = Object.assign({}, ...Object.values(SUBCOMMANDS)) as OptionSpec;
    const sub = parse(argv, union).positionals[0];
    const spec =
      sub !== undefined && Object.hasOwn(SUBCOMMANDS, sub) ? SUBCOMMANDS[sub] : undefined;
    if (sub === undefined || spec === undefined) {
      throw new DocketError(
        'USAGE',
        `unknown keys subcommand ${sub ?? '(none)'}; expected: ${Object.keys(SUBCOMMANDS).join(', ')}`,
        { where: 'keys' },
      );
    }
    const { values, positionals } = parse(argv, spec);
    const json = values['json'] === true;
    switch (sub) {
      case 'create':
        return createKey(values, positionals, json, io);
      case 'list':
        return listKeys(values, positionals, json, io);
      case 'revoke':
        return revokeKey(values, positionals, json, io);
      default:
        return logGenerate(values, positionals, json, io);
    }
  },
};

/** Refuses positionals beyond the subcommand's own `count`. */
function expectPositionals(positionals: string[], count: number, usage: string): void {
  if (positionals.length !== count + 1) {
    throw new DocketError('USAGE', `usage: docket keys ${usage}`, { where: 'keys' });
  }
}

function asRole(role: string): ApiKeyRole {
  const found = API_KEY_ROLES.find((r) => r === role);
  if (found === undefined) {
    throw new DocketError(
      'ROLE_INVALID',
      `role "${role}" is not one of: ${API_KEY_ROLES.join(', ')}`,
      { where: '--role' },
    );
  }
  return found;
}

function asTenant(tenant: string): string {
  assertTenantName(tenant, '--tenant');
  return tenant;
}

async function createKey(
  values: Values,
  positionals: string[],
  json: boolean,
  io: Io,
): Promise<number> {
  expectPositionals(positionals, 0, 'create --role ROLE --tenant TENANT [--name NAME]');
  const role = asRole(required(values, 'role'));
  const tenant = asTenant(required(values, 'tenant'));
  const name = optional(values, 'name') ?? '';
  const root = dataDirOf(values);
  const pgUrl = pgUrlOf(values);
  // The tenant's logs before its key: a key never exists for a tenant without logs, and the
  // logs' signing keys are made here, once, not by whichever server replica sees them first.
  const created = await ensureTenantLogs(root, tenant, pgUrl);
  const { text, row } = createApiKey({ tenant, role, name });
  await withKeyStore(root, pgUrl, (store) => store.insert(row));
  for (const log of created) {
    io.err(`created the ${log.kind} log of tenant ${log.tenant}: ${log.origin}\n`);
  }
  if (json) {
    const { id, createdAt } = row;
    io.out(`${JSON.stringify({ ok: true, key: text, id, tenant, role, name, createdAt })}\n`);
  } else {
    io.out(`${text}\n`);
  }
  io.err(
    `created API key ${row.id} (role ${role}, tenant ${tenant}${name === '' ? '' : `, "${name}"`}). ` +
      "It is shown once and won't be shown again: store it now.\n",
  );
  return EXIT.ok;
}

async function listKeys(
  values: Values,
  positionals: string[],
  json: boolean,
  io: Io,
): Promise<number> {
  expectPositionals(positionals, 0, 'list [--tenant TENANT]');
  const tenantOption = optional(values, 'tenant');
  const tenant = tenantOption === undefined ? undefined : asTenant(tenantOption);
  const root = dataDirOf(values);
  const pgUrl = pgUrlOf(values);
  // Listing must not create the store: no file yet means no keys yet.
  const rows =
    pgUrl === undefined && !existsSync(join(root, API_KEYS_FILE))
      ? []
      : await withKeyStore(root, pgUrl, (store) => store.list(tenant));
  // The secret's hash stays in the store: it is not the secret, but nobody needs it.
  const shown = rows.map(({ secretHash: _hash, ...row }) => row);
  if (json) {
    io.out(`${JSON.stringify({ ok: true, keys: shown })}\n`);
    return EXIT.ok;
  }
  if (shown.length === 0) {
    io.out(`no API keys${tenant === undefined ? '' : ` for tenant ${tenant}`}\n`);
    return EXIT.ok;
  }
  const table = [
    ['ID', 'TENANT', 'ROLE', 'NAME', 'CREATED', 'REVOKED'],
    ...shown.map((r) => [r.id, r.tenant, r.role, r.name, r.createdAt, r.revokedAt ?? '-']),
  ];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((line) => line[c]!.length)));
  for (const line of table) {
    io.out(
      `${line
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd()}\n`,
    );
  }
  return EXIT.ok;
}

async function revokeKey(
  values: Values,
  positionals: string[],
  json: boolean,
  io: Io,
): Promise<number> {
  expectPositionals(positionals, 1, 'revoke ID');
  const given = positionals[1]!;
  // The full key text works too: whoever holds a leaked key can revoke it without looking it up.
  const id = parseApiKey(given)?.id ?? given;
  const root = dataDirOf(values);
  const pgUrl = pgUrlOf(values);
  const notFound = (): DocketError =>
    new DocketError('KEY_NOT_FOUND', `no API key with id ${id}`, { where: 'ID' });
  if (pgUrl === undefined && !existsSync(join(root, API_KEYS_FILE))) throw notFound();
  const { row, revokedNow } = await withKeyStore(root, pgUrl, async (store) => {
    const revokedAt = new Date().toISOString();
    const revokedNow = await store.revoke(id, revokedAt);
    return { row: await store.get(id), revokedNow };
  });
  if (row === undefined) throw notFound();
  if (json) {
    const { id: keyId, tenant, role, name, revokedAt } = row;
    io.out(
      `${JSON.stringify({ ok: true, id: keyId, tenant, role, name, revokedAt, alreadyRevoked: !revokedNow })}\n`,
    );
  } else {
    io.out(
      revokedNow
        ? `revoked API key ${row.id} (role ${row.role}, tenant ${row.tenant})\n`
        : `API key ${row.id} was already revoked at ${row.revokedAt ?? '?'}\n`,
    );
  }
  return EXIT.ok;
}

function logGenerate(values: Values, positionals: string[], json: boolean, io: Io): number {
  expectPositionals(positionals, 0, 'log-generate [--data DIR] [--origin NAME]');
  const dir = dataDirOf(values);
  const { origin, vkey } = generateLogKey(dir, optional(values, 'origin'));
  if (json) io.out(`${JSON.stringify({ ok: true, origin, vkey, dataDir: dir })}\n`);
  else
    io.out(
      `log key written to ${dir}/keys/log.key (mode 0600)\norigin ${origin}\nvkey   ${vkey}\n`,
    );
  return EXIT.ok;
}

/** Runs `body` on the API key store beside the logs, closing it afterwards. */
async function withKeyStore<T>(
  root: string,
  pgUrl: string | undefined,
  body: (store: ApiKeyStore) => Promise<T>,
): Promise<T> {
  const store = await openApiKeyStore({ dataDir: root, pgUrl });
  try {
    return await body(store);
  } finally {
    await store.close();
  }
}

/** A log `ensureTenantLogs` created. */
interface CreatedLog {
  readonly tenant: string;
  readonly kind: LogLocation['kind'];
  readonly origin: string;
}

/**
 * Creates whichever of the tenant's two logs do not exist yet (and the default decision log
 * first, since the others' origins derive from its origin, as the server's TenantRegistry does):
 * `ORIGIN/TENANT` and `ORIGIN/TENANT/access`; the default tenant's access log is `ORIGIN/access`.
 */
async function ensureTenantLogs(
  root: string,
  tenant: string,
  pgUrl: string | undefined,
): Promise<CreatedLog[]> {
  const created: CreatedLog[] = [];
  const ensure = async (location: LogLocation, origin: string | undefined): Promise<string> => {
    const existing = await existingOrigin(location, pgUrl);
    if (existing !== undefined) return existing;
    const ledger = await openLedger({
      dataDir: location.dataDir,
      pgSchema: location.pgSchema,
      // DOCKET_LOG_KEY is the default decision log's key; every other log has its own.
      environmentLogKey: location.tenant === DEFAULT_TENANT && location.kind === 'decisions',
      ...(pgUrl === undefined ? {} : { pgUrl }),
      ...(origin === undefined ? {} : { origin }),
    });
    await ledger.close();
    created.push({ tenant: location.tenant, kind: location.kind, origin: ledger.origin });
    return ledger.origin;
  };
  const rootOrigin = await ensure(tenantLogs(root, DEFAULT_TENANT).decisions, undefined);
  const logs = tenantLogs(root, tenant);
  if (tenant !== DEFAULT_TENANT) {
    await ensure(logs.decisions, tenantOrigin(rootOrigin, tenant, 'decisions'));
  }
  await ensure(logs.access, tenantOrigin(rootOrigin, tenant, 'access'));
  return created;
}

/** The origin of an existing log, or undefined when it was never created. */
async function existingOrigin(
  location: LogLocation,
  pgUrl: string | undefined,
): Promise<string | undefined> {
  try {
    return (await describeLog(location.dataDir, pgUrl, location.pgSchema)).origin;
  } catch (error) {
    if (error instanceof LedgerError && error.code === 'LEDGER_NOT_FOUND') return undefined;
    throw error;
  }
}
