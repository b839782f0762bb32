// The API key store conformance suite against the PostgreSQL adapter, on a throwaway cluster
// started for this file (one schema per test), plus what only PostgreSQL has: the default
// schema, concurrent first opens, URLs that are not PostgreSQL's.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { createApiKey } from '@docket/server';
import { openApiKeyStore, openPostgresApiKeyStore } from '@docket/store';
import { postgresAvailable, usePostgresCluster } from '../support/postgres.js';
import { describeApiKeyStoreConformance } from './api-key-store-conformance.js';
import { openedStores } from './opened-stores.js';

const available = postgresAvailable();

describe('postgres API key store', available, () => {
  const { url } = usePostgresCluster();
  let schemas = 0;
  /** Runs `body` with a raw client on the test database. */
  const withClient = async (body: (client: pg.Client) => Promise<void>): Promise<void> => {
    const client = new pg.Client({ connectionString: url() });
    await client.connect();
    try {
      await body(client);
    } finally {
      await client.end();
    }
  };

  describeApiKeyStoreConformance('postgres', () => {
    const schema = `api_keys_${++schemas}`;
    return openedStores(() => openPostgresApiKeyStore(url(), { schema }));
  });

  test('keys live in docket_auth.api_keys by default, secrets hashed', async () => {
    const store = await openApiKeyStore({ dataDir: '/nonexistent', pgUrl: url() });
    try {
      const { text, row } = createApiKey({ tenant: 'acme', role: 'admin', name: 'ops' });
      await store.insert(row);
      await withClient(async (client) => {
        const { rows } = await client.query<{ id: string; secret_hash: string }>(
          'SELECT id, secret_hash FROM docket_auth.api_keys',
        );
        assert.deepEqual(rows, [{ id: row.id, secret_hash: row.secretHash }]);
        assert.ok(!text.includes(row.secretHash));
      });
    } finally {
      await store.close();
    }
  });

  test('replicas opening a fresh database at once all succeed (advisory lock)', async () => {
    const stores = await Promise.all(
      Array.from({ length: 6 }, () => openPostgresApiKeyStore(url(), { schema: 'fresh_race' })),
    );
    try {
      await stores[0]!.insert(createApiKey({ tenant: 'acme', role: 'ingest' }).row);
      for (const s of stores) assert.equal(await s.countActive(), 1);
    } finally {
      for (const s of stores) await s.close();
    }
  });

  test('a URL that is not PostgreSQL’s, or a bad schema name, fails with STORE_OPEN_FAILED', async () => {
    for (const bad of ['not a url', 'mysql://localhost/db', '/var/lib/api-keys.db']) {
      await assert.rejects(openPostgresApiKeyStore(bad), { code: 'STORE_OPEN_FAILED' });
    }
    for (const schema of ['Upper', '1st', 'semi;colon', '']) {
      await assert.rejects(openPostgresApiKeyStore(url(), { schema }), {
        code: 'STORE_OPEN_FAILED',
      });
    }
    const dead = new URL(url());
    dead.port = '1';
    dead.password = 's3cret';
    await assert.rejects(
      openPostgresApiKeyStore(dead.href),
      (e: Error & { code: string; where: string }) => {
        assert.equal(e.code, 'STORE_OPEN_FAILED');
        assert.doesNotMatch(`${e.message} ${e.where}`, /s3cret/);
        return true;
      },
    );
  });

  test('tables of another schema version are STORE_SCHEMA_UNSUPPORTED', async () => {
    await (await openPostgresApiKeyStore(url(), { schema: 'old_keys' })).close();
    await withClient(async (client) => {
      await client.query("UPDATE old_keys.meta SET value = '99' WHERE key = 'schema_version'");
    });
    await assert.rejects(openPostgresApiKeyStore(url(), { schema: 'old_keys' }), {
      code: 'STORE_SCHEMA_UNSUPPORTED',
    });
  });

  test('a query that fails after opening is STORE_IO, with the driver error as cause', async () => {
    const store = await openPostgresApiKeyStore(url(), { schema: 'dropped' });
    try {
      await withClient(async (client) => {
        await client.query('DROP TABLE dropped.api_keys');
      });
      await assert.rejects(store.list(), (e: Error & { code: string }) => {
        assert.equal(e.code, 'STORE_IO');
        assert.equal((e.cause as { code?: string }).code, '42P01');
        return true;
      });
    } finally {
      await store.close();
    }
  });
});
