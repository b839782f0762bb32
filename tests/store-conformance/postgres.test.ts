// The store conformance suite against the PostgreSQL adapter, on a throwaway cluster started for
// this file (one schema per test), plus what only PostgreSQL has: URLs, schemas, driver errors.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '@docket/store';
import { postgresAvailable, usePostgresCluster } from '../support/postgres.js';
import { BatchBuilder, describeStoreConformance } from './store-conformance.js';
import { openedStores } from './opened-stores.js';
import { describeFeatureStoreConformance } from './feature-store-conformance.js';

const available = postgresAvailable();

describe('postgres store', available, () => {
  const { url, dataDir } = usePostgresCluster();

  /** The cluster's table and index files, once a CHECKPOINT wrote every dirty page to them. */
  const filesOnDisk = async (): Promise<string[]> => {
    const raw = new pg.Client({ connectionString: url() });
    await raw.connect();
    try {
      await raw.query('CHECKPOINT');
    } finally {
      await raw.end();
    }
    return [join(dataDir(), 'base'), join(dataDir(), 'global')];
  };
  let schemas = 0;

  describeStoreConformance('postgres', () => {
    const schema = `conformance_${++schemas}`;
    return openedStores(() => openPostgresStore(url(), { schema }), undefined, filesOnDisk);
  });

  describeFeatureStoreConformance('postgres', () => {
    const schema = `features_${++schemas}`;
    return openedStores(() => openPostgresStore(url(), { schema }), undefined, filesOnDisk);
  });

  test('a URL that is not PostgreSQL’s, or a bad schema name, fails with STORE_OPEN_FAILED', async () => {
    for (const bad of ['not a url', 'mysql://localhost/db', '/var/lib/ledger.db']) {
      await assert.rejects(openPostgresStore(bad), { code: 'STORE_OPEN_FAILED' });
    }
    for (const schema of ['Upper', '1st', 'semi;colon', 'x'.repeat(64), '']) {
      await assert.rejects(openPostgresStore(url(), { schema }), { code: 'STORE_OPEN_FAILED' });
    }
  });

  test('a server that does not answer fails with STORE_OPEN_FAILED, without the password', async () => {
    const dead = new URL(url());
    dead.port = '1';
    dead.password = 's3cret';
    await assert.rejects(
      openPostgresStore(dead.href),
      (e: Error & { code: string; where: string }) => {
        assert.equal(e.code, 'STORE_OPEN_FAILED');
        assert.ok(e.cause !== undefined);
        assert.doesNotMatch(`${e.message} ${e.where}`, /s3cret/);
        return true;
      },
    );
  });

  test('the default schema is `docket`; two schemas in one database are separate logs', async () => {
    const a = await openPostgresStore(url());
    const b = await openPostgresStore(url(), { schema: 'other_log' });
    try {
      assert.equal(a.kind, 'postgres');
      const builder = new BatchBuilder();
      await a.appendBatch(builder.next(3));
      assert.equal(await a.countEntries(), 3);
      assert.equal(await b.countEntries(), 0);
      await b.appendBatch(new BatchBuilder().next(1));
      assert.equal(await a.countEntries(), 3);
      const raw = new pg.Client({ connectionString: url() });
      await raw.connect();
      try {
        const { rows } = await raw.query<{ n: string }>('SELECT count(*) AS n FROM docket.entries');
        assert.equal(rows[0]?.n, '3');
      } finally {
        await raw.end();
      }
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('a query that fails after opening is STORE_IO, with the driver error as cause', async () => {
    const store = await openPostgresStore(url(), { schema: 'broken' });
    const raw = new pg.Client({ connectionString: url() });
    await raw.connect();
    try {
      await raw.query('DROP TABLE broken.contents');
      await assert.rejects(store.getEntry(0), (e: Error & { code: string }) => {
        assert.equal(e.code, 'STORE_IO');
        assert.equal((e.cause as { code?: string }).code, '42P01');
        return true;
      });
    } finally {
      await raw.end();
      await store.close();
    }
  });

  test('erasure nulls the wrapped keys and rewrites subject_keys and search (VACUUM FULL) so old tuple versions go', async () => {
    const store = await openPostgresStore(url(), { schema: 'erasure' });
    const raw = new pg.Client({ connectionString: url() });
    await raw.connect();
    const files = async (): Promise<string[]> =>
      (
        await raw.query<{ keys: string; search: string }>(
          `SELECT pg_relation_filenode('erasure.subject_keys')::text AS keys,
                  pg_relation_filenode('erasure.search')::text AS search`,
        )
      ).rows.flatMap((r) => [r.keys, r.search]);
    try {
      await store.appendBatch(new BatchBuilder().next(4));
      const before = await files();
      assert.equal(await store.eraseSubjectKeys('subj-a', '2026-06-01T00:00:00.000Z'), 1);
      const { rows } = await raw.query<{ wrapped: Buffer | null }>(
        `SELECT wrapped FROM erasure.subject_keys WHERE subject = 'subj-a'`,
      );
      assert.deepEqual(rows, [{ wrapped: null }]);
      // New files for both tables: the old ones, with the old tuple versions, are gone.
      const after = await files();
      assert.notEqual(after[0], before[0]);
      assert.notEqual(after[1], before[1]);
    } finally {
      await raw.end();
      await store.close();
    }
  });
});
