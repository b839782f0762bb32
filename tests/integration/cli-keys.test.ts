// `docket keys create | list | revoke` and `docket verify` over every log of a data directory, as
// a user runs them: the real binary in a child process, on SQLite and on a throwaway PostgreSQL.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { dataDirPaths, describeLog, openLedger, tenantLogs } from '@docket/ledger';
import { isApiKeySecret, parseApiKey } from '@docket/server';
import { openApiKeyStore } from '@docket/store';
import { repoRoot } from '../support/vectors.js';
import { fixtureDecision, tempDir } from '../support/ledger-fixture.js';
import { postgresAvailable, usePostgresCluster } from '../support/postgres.js';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The docket binary in a child process; the caller's DOCKET_* settings are not inherited. */
const docketWithEnv = (env: Record<string, string>, ...args: string[]): Run => {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith('DOCKET_')),
  );
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...inherited, DOCKET_FLUSH_INTERVAL_MS: '10', ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};
const docket = (...args: string[]): Run => docketWithEnv({}, ...args);
const json = <T>(r: Run): T => JSON.parse(r.stdout) as T;

const KEY_TEXT = /^dk_[a-z2-7]{16}_[A-Za-z0-9_-]{43}$/;

interface Created {
  ok: true;
  key: string;
  id: string;
  tenant: string;
  role: string;
  name: string;
  createdAt: string;
}
interface Listed {
  ok: true;
  keys: Record<string, unknown>[];
}
interface VerifyJson {
  ok: boolean;
  issues: { code: string }[];
  origin: string;
  logs: {
    tenant: string;
    kind: string;
    ok: boolean;
    origin?: string;
    entries?: number;
    issues: { code: string; where?: string }[];
  }[];
}

/** Appends `count` fixture decisions to the log in `dataDir` (and its schema, with `pgUrl`). */
async function appendTo(
  location: { dataDir: string; pgSchema: string },
  count: number,
  pgUrl?: string,
): Promise<void> {
  const ledger = await openLedger({
    dataDir: location.dataDir,
    pgSchema: location.pgSchema,
    ...(pgUrl === undefined ? {} : { pgUrl }),
    flushIntervalMs: 5,
  });
  try {
    await Promise.all(Array.from({ length: count }, (_, i) => ledger.append(fixtureDecision(i))));
  } finally {
    await ledger.close();
  }
}

describe('docket keys and verify on SQLite', () => {
  const tmp = tempDir('docket-cli-keys-');
  after(() => {
    tmp.cleanup();
  });

  test('keys create prints the key once on stdout, says so on stderr, and makes the tenant logs', async () => {
    const data = join(tmp.dir, 'create');
    const r = docket(
      'keys',
      'create',
      '--role',
      'ingest',
      '--tenant',
      'acme',
      '--name',
      'ci',
      '--data',
      data,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^dk_\S+\n$/);
    const text = r.stdout.trim();
    assert.match(text, KEY_TEXT);
    assert.match(r.stderr, /won't be shown again/);
    assert.doesNotMatch(r.stderr, /dk_/);
    const parsed = parseApiKey(text);
    assert.ok(parsed !== undefined);
    assert.match(r.stderr, new RegExp(`created API key ${parsed.id} \\(role ingest, tenant acme`));

    // The printed key is the stored one: its secret checks against the stored hash.
    const store = await openApiKeyStore({ dataDir: data });
    try {
      const row = await store.get(parsed.id);
      assert.ok(row !== undefined);
      assert.deepEqual(
        [row.tenant, row.role, row.name, row.revokedAt],
        ['acme', 'ingest', 'ci', null],
      );
      assert.ok(isApiKeySecret(row, parsed.secret));
    } finally {
      await store.close();
    }
    assert.equal(statSync(join(data, 'api-keys.db')).mode & 0o777, 0o600);

    // The default log first, then acme's two logs, origins derived from the default's.
    const root = await describeLog(data);
    const logs = tenantLogs(data, 'acme');
    assert.equal((await describeLog(logs.decisions.dataDir)).origin, `${root.origin}/acme`);
    assert.equal((await describeLog(logs.access.dataDir)).origin, `${root.origin}/acme/access`);
    assert.ok(!existsSync(tenantLogs(data, 'default').access.dataDir));
    for (const kind of ['decisions', 'access']) {
      assert.match(r.stderr, new RegExp(`created the ${kind} log of tenant acme`));
    }

    // A second key of the tenant creates no log; a default key creates the default access log.
    const again = docket('keys', 'create', '--role', 'reader', '--tenant', 'acme', '--data', data);
    assert.equal(again.code, 0, again.stderr);
    assert.doesNotMatch(again.stderr, /created the/);
    const admin = docket(
      'keys',
      'create',
      '--role',
      'admin',
      '--tenant',
      'default',
      '--data',
      data,
      '--json',
    );
    assert.equal(admin.code, 0, admin.stderr);
    const created = json<Created>(admin);
    assert.deepEqual(Object.keys(created).sort(), [
      'createdAt',
      'id',
      'key',
      'name',
      'ok',
      'role',
      'tenant',
    ]);
    assert.match(created.key, KEY_TEXT);
    assert.equal(parseApiKey(created.key)?.id, created.id);
    assert.deepEqual([created.tenant, created.role, created.name], ['default', 'admin', '']);
    assert.equal(
      (await describeLog(tenantLogs(data, 'default').access.dataDir)).origin,
      `${root.origin}/access`,
    );
  });

  test('keys list shows every key or one tenant’s, and never a secret or its hash', () => {
    const data = join(tmp.dir, 'list');
    assert.match(docket('keys', 'list', '--data', data).stdout, /no API keys/);
    assert.ok(!existsSync(data), 'listing must not create the data directory');
    const texts = [
      ['ingest', 'acme', 'ci ingest'],
      ['auditor', 'globex', 'j.doe'],
      ['reader', 'acme', ''],
    ].map(([role, tenant, name]) => {
      const r = docket(
        'keys',
        'create',
        '--role',
        role!,
        '--tenant',
        tenant!,
        '--name',
        name!,
        '--data',
        data,
      );
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim();
    });
    const secrets = texts.map((t) => parseApiKey(t)!.secret);
    const hashes = secrets.map((s) => createHash('sha256').update(s).digest('hex'));
    const human = docket('keys', 'list', '--data', data);
    const all = docket('keys', 'list', '--data', data, '--json');
    const acme = docket('keys', 'list', '--data', data, '--tenant', 'acme', '--json');
    for (const r of [human, all, acme]) {
      assert.equal(r.code, 0, r.stderr);
      for (const secret of [...secrets, ...hashes, 'dk_']) assert.ok(!r.stdout.includes(secret));
    }
    assert.match(human.stdout, /^ID\s+TENANT\s+ROLE\s+NAME\s+CREATED\s+REVOKED\n/);
    const lines = human.stdout.trim().split('\n').slice(1);
    assert.deepEqual(
      lines.map((l) => l.split(/\s{2,}/).slice(1, 3)),
      [
        ['acme', 'ingest'],
        ['globex', 'auditor'],
        ['acme', 'reader'],
      ],
    );
    const listed = json<Listed>(all).keys;
    assert.deepEqual(
      listed.map((k) => k['id']),
      texts.map((t) => parseApiKey(t)!.id),
    );
    assert.deepEqual(Object.keys(listed[0]!).sort(), [
      'createdAt',
      'id',
      'name',
      'revokedAt',
      'role',
      'tenant',
    ]);
    assert.deepEqual(
      json<Listed>(acme).keys.map((k) => k['name']),
      ['ci ingest', ''],
    );
  });

  test('a bad role or tenant exits 2 with ROLE_INVALID or TENANT_INVALID and creates nothing', () => {
    const data = join(tmp.dir, 'bad');
    const role = docket(
      'keys',
      'create',
      '--role',
      'superuser',
      '--tenant',
      'acme',
      '--data',
      data,
    );
    assert.equal(role.code, 2);
    assert.match(role.stderr, /ROLE_INVALID/);
    assert.match(role.stderr, /ingest, reader, auditor, admin/);
    const roleJson = docket(
      'keys',
      'create',
      '--role',
      'root',
      '--tenant',
      'acme',
      '--data',
      data,
      '--json',
    );
    assert.equal(roleJson.code, 2);
    assert.deepEqual(json<{ ok: boolean; error: { code: string; where: string } }>(roleJson), {
      ok: false,
      error: {
        code: 'ROLE_INVALID',
        message: 'role "root" is not one of: ingest, reader, auditor, admin',
        where: '--role',
        severity: 'error',
      },
    });
    for (const tenant of ['Acme', 'a-b', '1st', 'x'.repeat(32), 'access', '../etc']) {
      const r = docket('keys', 'create', '--role', 'admin', '--tenant', tenant, '--data', data);
      assert.equal(r.code, 2, tenant);
      assert.match(r.stderr, /TENANT_INVALID \(--tenant\)/, tenant);
    }
    assert.equal(docket('keys', 'list', '--tenant', 'No', '--data', data).code, 2);
    const missing = docket('keys', 'create', '--tenant', 'acme', '--data', data);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--role is required/);
    assert.equal(docket('keys', 'create', '--role', 'admin', '--data', data).code, 2);
    assert.equal(docket('keys', 'list', '--role', 'admin', '--data', data).code, 2);
    assert.equal(docket('keys', 'frobnicate', '--data', data).code, 2);
    assert.ok(!existsSync(data), 'a refused command must not create the data directory');
  });

  test('keys revoke marks a key revoked once; an unknown key is KEY_NOT_FOUND, exit 2', async () => {
    const data = join(tmp.dir, 'revoke');
    assert.equal(docket('keys', 'revoke', 'abcdefghijklmnop', '--data', data).code, 2);
    const text = docket(
      'keys',
      'create',
      '--role',
      'ingest',
      '--tenant',
      'acme',
      '--data',
      data,
    ).stdout.trim();
    const other = docket(
      'keys',
      'create',
      '--role',
      'admin',
      '--tenant',
      'acme',
      '--data',
      data,
    ).stdout.trim();
    const id = parseApiKey(text)!.id;
    const r = docket('keys', 'revoke', id, '--data', data);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`revoked API key ${id} \\(role ingest, tenant acme\\)`));
    // Again, by the key's full text: nothing changes, and it says so.
    const again = docket('keys', 'revoke', text, '--data', data, '--json');
    assert.equal(again.code, 0, again.stderr);
    const out = json<{ id: string; revokedAt: string; alreadyRevoked: boolean }>(again);
    assert.equal(out.id, id);
    assert.equal(out.alreadyRevoked, true);
    const listed = json<Listed>(docket('keys', 'list', '--data', data, '--json')).keys;
    assert.deepEqual(
      listed.map((k) => [k['id'], k['revokedAt']]),
      [
        [id, out.revokedAt],
        [parseApiKey(other)!.id, null],
      ],
    );
    const store = await openApiKeyStore({ dataDir: data });
    try {
      assert.equal(await store.countActive(), 1);
    } finally {
      await store.close();
    }
    const unknown = docket('keys', 'revoke', 'zzzzzzzzzzzzzzzz', '--data', data, '--json');
    assert.equal(unknown.code, 2);
    assert.equal(json<{ error: { code: string } }>(unknown).error.code, 'KEY_NOT_FOUND');
    assert.match(docket('keys', 'revoke', 'nope', '--data', data).stderr, /KEY_NOT_FOUND/);
    assert.equal(docket('keys', 'revoke', '--data', data).code, 2);
    assert.equal(docket('keys', 'revoke', 'a', 'b', '--data', data).code, 2);
  });

  test('verify covers every log: the access logs and a second tenant; a changed leaf byte in acme’s log fails it', async () => {
    const data = join(tmp.dir, 'verify');
    assert.equal(
      docket('keys', 'create', '--role', 'admin', '--tenant', 'default', '--data', data).code,
      0,
    );
    assert.equal(
      docket('keys', 'create', '--role', 'ingest', '--tenant', 'acme', '--data', data).code,
      0,
    );
    await appendTo(tenantLogs(data, 'acme').decisions, 6);
    await appendTo(tenantLogs(data, 'default').decisions, 2);

    const ok = docket('verify', '--data', data, '--json');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    const report = json<VerifyJson>(ok);
    assert.equal(report.ok, true);
    assert.deepEqual(
      report.logs.map((l) => [l.tenant, l.kind, l.ok, l.entries]),
      [
        ['default', 'decisions', true, 2],
        ['default', 'access', true, 0],
        ['acme', 'decisions', true, 6],
        ['acme', 'access', true, 0],
      ],
    );
    // The default decision log's report is also at the top level, as before tenants.
    assert.equal(report.origin, report.logs[0]!.origin);
    const human = docket('verify', '--data', data);
    assert.equal(human.code, 0, human.stdout);
    assert.match(human.stdout, /\(tenant acme, decisions\)\n {2}entries 6 /);
    assert.match(human.stdout, /\(tenant default, access\)/);
    assert.match(human.stdout, /OK: all 4 logs verify\n$/);

    // One byte of one leaf of acme's log, changed in SQLite as an attacker with the file would:
    // the last digit of the year of its timestamp (the leaf is canonical JSON).
    const db = new Database(dataDirPaths(tenantLogs(data, 'acme').decisions.dataDir).db);
    try {
      const { leaf } = db.prepare('SELECT leaf FROM entries WHERE idx = 3').get() as {
        leaf: Buffer;
      };
      const at = leaf.indexOf('"ts":"20') + '"ts":"202'.length;
      assert.ok(at > 8);
      leaf[at] = leaf[at]! ^ 0x01;
      db.prepare('UPDATE entries SET leaf = ? WHERE idx = 3').run(leaf);
    } finally {
      db.close();
    }
    const bad = docket('verify', '--data', data, '--json');
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    const failed = json<VerifyJson>(bad);
    assert.equal(failed.ok, false);
    assert.deepEqual(
      failed.logs.map((l) => [l.tenant, l.kind, l.ok]),
      [
        ['default', 'decisions', true],
        ['default', 'access', true],
        ['acme', 'decisions', false],
        ['acme', 'access', true],
      ],
    );
    // The audit names the ranges between checkpoints whose roots the changed leaf breaks (how
    // many depends on how the appends were batched): each one LEAF_CHANGED, one holding leaf 3.
    const issues = failed.logs[2]!.issues;
    assert.ok(issues.length > 0);
    assert.ok(
      issues.every((i) => i.code === 'LEAF_CHANGED'),
      JSON.stringify(issues),
    );
    const covers = (where: string | undefined, index: number): boolean => {
      const [from, to] = (where ?? '')
        .replace(/^entries /, '')
        .split('–')
        .map(Number);
      return from !== undefined && to !== undefined && from <= index && index <= to;
    };
    assert.ok(
      issues.some((i) => covers(i.where, 3)),
      JSON.stringify(issues),
    );
    const badHuman = docket('verify', '--data', data);
    assert.equal(badHuman.code, 1);
    assert.match(
      badHuman.stdout,
      /\(tenant acme, decisions\)\n(?:.*\n)*? {2}LEAF_CHANGED entries /,
    );
    assert.match(badHuman.stdout, /FAILED: 1 of 4 logs have issues: acme decisions\n$/);
  });

  test('a tenant log that cannot be audited fails verify, and the other logs are still checked', () => {
    const data = join(tmp.dir, 'broken');
    assert.equal(
      docket('keys', 'create', '--role', 'admin', '--tenant', 'acme', '--data', data).code,
      0,
    );
    // Without its master key, acme's content can't be checked: its log fails, the others pass.
    const keysDir = join(tenantLogs(data, 'acme').decisions.dataDir, 'keys');
    const master = join(keysDir, 'master.key');
    assert.ok(readdirSync(keysDir).includes('master.key'));
    rmSync(master);
    const r = docket('verify', '--data', data, '--json');
    assert.equal(r.code, 1, r.stdout);
    assert.deepEqual(
      json<VerifyJson>(r).logs.map((l) => [l.tenant, l.kind, l.ok, l.issues.map((i) => i.code)]),
      [
        ['default', 'decisions', true, []],
        ['acme', 'decisions', false, ['MASTER_KEY_MISSING']],
        ['acme', 'access', true, []],
      ],
    );
    assert.equal(docket('verify', '--data', data, '--no-content').code, 0);
  });
});

describe('docket keys and verify on PostgreSQL', postgresAvailable(), () => {
  const cluster = usePostgresCluster();
  const tmp = tempDir('docket-cli-keys-pg-');
  after(() => {
    tmp.cleanup();
  });
  /** A fresh database: a data directory and its PostgreSQL database belong together. */
  const freshDatabase = (): Promise<string> => cluster.freshDatabase('keys');
  const query = async <R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query<R>(sql)).rows;
    } finally {
      await client.end();
    }
  };

  test('create, list and revoke keep keys in docket_auth; tenant logs get their own schemas', async () => {
    const data = join(tmp.dir, 'keys');
    const pgUrl = await freshDatabase();
    const r = docket(
      'keys',
      'create',
      '--role',
      'ingest',
      '--tenant',
      'acme',
      '--data',
      data,
      '--pg',
      pgUrl,
      '--json',
    );
    assert.equal(r.code, 0, r.stderr);
    const created = json<Created>(r);
    assert.ok(!existsSync(join(data, 'api-keys.db')), 'keys must live in PostgreSQL');
    const rows = await query<{ id: string; tenant: string; secret_hash: string }>(
      pgUrl,
      'SELECT id, tenant, secret_hash FROM docket_auth.api_keys',
    );
    assert.deepEqual(
      rows.map((x) => [x.id, x.tenant]),
      [[created.id, 'acme']],
    );
    assert.ok(!r.stdout.includes(rows[0]!.secret_hash));
    const origins = await query<{ schema: string; origin: string }>(
      pgUrl,
      `SELECT 'docket' AS schema, value AS origin FROM docket.meta WHERE key = 'origin'
       UNION ALL SELECT 'docket_t_acme', value FROM docket_t_acme.meta WHERE key = 'origin'
       UNION ALL SELECT 'docket_t_acme_access', value FROM docket_t_acme_access.meta WHERE key = 'origin'`,
    );
    const root = origins.find((o) => o.schema === 'docket')!.origin;
    assert.deepEqual(
      origins.map((o) => o.origin),
      [root, `${root}/acme`, `${root}/acme/access`],
    );

    // DOCKET_PG_URL works as --pg does.
    const env = { DOCKET_PG_URL: pgUrl };
    const listed = docketWithEnv(env, 'keys', 'list', '--data', data, '--json');
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(
      json<Listed>(listed).keys.map((k) => k['id']),
      [created.id],
    );
    assert.ok(!listed.stdout.includes(parseApiKey(created.key)!.secret));
    const revoked = docketWithEnv(env, 'keys', 'revoke', created.id, '--data', data);
    assert.equal(revoked.code, 0, revoked.stderr);
    const stored = await query<{ revoked_at: string | null }>(
      pgUrl,
      'SELECT revoked_at FROM docket_auth.api_keys',
    );
    assert.equal(typeof stored[0]?.revoked_at, 'string');
    const unknown = docket('keys', 'revoke', 'zzzzzzzzzzzzzzzz', '--data', data, '--pg', pgUrl);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /KEY_NOT_FOUND/);
    const badRole = docket(
      'keys',
      'create',
      '--role',
      'boss',
      '--tenant',
      'acme',
      '--data',
      data,
      '--pg',
      pgUrl,
    );
    assert.equal(badRole.code, 2);
    assert.match(badRole.stderr, /ROLE_INVALID/);
  });

  test('verify --pg covers every log by its schema and names the tampered one', async () => {
    const data = join(tmp.dir, 'verify');
    const pgUrl = await freshDatabase();
    for (const tenant of ['default', 'globex']) {
      const r = docket(
        'keys',
        'create',
        '--role',
        'admin',
        '--tenant',
        tenant,
        '--data',
        data,
        '--pg',
        pgUrl,
      );
      assert.equal(r.code, 0, r.stderr);
    }
    await appendTo(tenantLogs(data, 'globex').decisions, 4, pgUrl);
    const ok = docket('verify', '--data', data, '--pg', pgUrl, '--json');
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.deepEqual(
      json<VerifyJson>(ok).logs.map((l) => [l.tenant, l.kind, l.entries]),
      [
        ['default', 'decisions', 0],
        ['default', 'access', 0],
        ['globex', 'decisions', 4],
        ['globex', 'access', 0],
      ],
    );
    // The SQLite files of the data directory hold no log: without --pg there is nothing to verify.
    assert.equal(docket('verify', '--data', data).code, 2);

    await query(
      pgUrl,
      `UPDATE docket_t_globex.entries
       SET leaf = set_byte(leaf, position('"ts":"20'::bytea in leaf) + 8,
                           get_byte(leaf, position('"ts":"20'::bytea in leaf) + 8) # 1)
       WHERE idx = 1`,
    );
    const bad = docket('verify', '--data', data, '--pg', pgUrl, '--json');
    assert.equal(bad.code, 1, bad.stdout + bad.stderr);
    const failed = json<VerifyJson>(bad);
    assert.deepEqual(
      failed.logs.map((l) => [l.tenant, l.kind, l.ok]),
      [
        ['default', 'decisions', true],
        ['default', 'access', true],
        ['globex', 'decisions', false],
        ['globex', 'access', true],
      ],
    );
    const codes = failed.logs[2]!.issues.map((i) => i.code);
    assert.ok(codes.length > 0 && codes.every((c) => c === 'LEAF_CHANGED'), codes.join());
  });
});
