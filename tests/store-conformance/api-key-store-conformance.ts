// The ApiKeyStore contract as tests: one suite, run unchanged against every adapter (SQLite,
// PostgreSQL). Rows are made by the server's own `createApiKey`, as in production.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createApiKey, isApiKeySecret, parseApiKey } from '@docket/server';
import type { ApiKeyRole } from '@docket/server';
import type { ApiKeyRow, ApiKeyStore } from '@docket/store';

/** A fresh, empty API key store for one test. */
export interface OpenedApiKeyStore {
  readonly store: ApiKeyStore;
  /** Opens another instance on the same database or file (another replica, in effect). */
  readonly openAgain: () => Promise<ApiKeyStore>;
  /** Closes every instance opened and removes what the test created. */
  readonly cleanup: () => Promise<void>;
}

let clock = Date.UTC(2026, 0, 1);
/** A new key row, each one a millisecond after the last. */
const newKey = (
  tenant: string,
  role: ApiKeyRole,
  name?: string,
): { text: string; row: ApiKeyRow } =>
  createApiKey({ tenant, role, ...(name === undefined ? {} : { name }), now: new Date(clock++) });

/**
 * Registers the ApiKeyStore conformance tests under `describe(name)`, each on a fresh store.
 *
 * @example
 * describeApiKeyStoreConformance('sqlite', async () => ({ store, openAgain, cleanup }));
 */
export function describeApiKeyStoreConformance(
  name: string,
  open: () => Promise<OpenedApiKeyStore>,
): void {
  /** Runs `body` on a fresh store and always cleans up, also when the test fails. */
  const withStore =
    (body: (opened: OpenedApiKeyStore) => Promise<void>) => async (): Promise<void> => {
      const opened = await open();
      try {
        await body(opened);
      } finally {
        await opened.cleanup();
      }
    };

  describe(`${name} API key store conformance`, () => {
    test(
      'kind names the adapter; a new store is empty',
      withStore(async ({ store }) => {
        assert.equal(store.kind, name);
        assert.deepEqual(await store.list(), []);
        assert.equal(await store.countActive(), 0);
        assert.equal(await store.get('abcdefghijklmnop'), undefined);
      }),
    );

    test(
      'a stored key reads back field for field, and its secret checks against the stored hash',
      withStore(async ({ store }) => {
        const { text, row } = newKey('acme', 'ingest', 'ci ingest — “nightly” ✓');
        await store.insert(row);
        const got = await store.get(row.id);
        assert.deepEqual(got, row);
        const parsed = parseApiKey(text);
        assert.ok(parsed !== undefined);
        assert.ok(isApiKeySecret(got, parsed.secret));
        const wrong = `${parsed.secret.startsWith('A') ? 'B' : 'A'}${parsed.secret.slice(1)}`;
        assert.ok(!isApiKeySecret(got, wrong));
        // The store never sees the key text, only the secret's hash.
        assert.ok(!JSON.stringify(got).includes(parsed.secret));
      }),
    );

    test(
      'a second key with a taken id is API_KEY_EXISTS and leaves the first unchanged',
      withStore(async ({ store }) => {
        const { row } = newKey('acme', 'reader', 'first');
        await store.insert(row);
        const clash: ApiKeyRow = { ...newKey('other', 'admin', 'second').row, id: row.id };
        await assert.rejects(store.insert(clash), (e: Error & { code: string; where: string }) => {
          assert.equal(e.code, 'API_KEY_EXISTS');
          assert.equal(typeof e.where, 'string');
          return true;
        });
        assert.deepEqual(await store.get(row.id), row);
        assert.equal((await store.list()).length, 1);
      }),
    );

    test(
      'list gives every key oldest first, revoked ones included, or one tenant’s',
      withStore(async ({ store }) => {
        const rows = [
          newKey('acme', 'ingest').row,
          newKey('globex', 'reader').row,
          newKey('acme', 'auditor').row,
          newKey('acme', 'admin').row,
        ];
        // Same createdAt for the last two: insertion order still decides.
        const sameMs = { ...newKey('globex', 'admin').row, createdAt: rows[3]!.createdAt };
        for (const r of [...rows, sameMs]) await store.insert(r);
        assert.ok(await store.revoke(rows[2]!.id, '2026-02-01T00:00:00.000Z'));
        const all = await store.list();
        assert.deepEqual(
          all.map((r) => r.id),
          [...rows, sameMs].map((r) => r.id),
        );
        assert.equal(all[2]!.revokedAt, '2026-02-01T00:00:00.000Z');
        assert.deepEqual(
          (await store.list('acme')).map((r) => r.id),
          [rows[0]!.id, rows[2]!.id, rows[3]!.id],
        );
        assert.deepEqual(
          (await store.list('globex')).map((r) => r.id),
          [rows[1]!.id, sameMs.id],
        );
        assert.deepEqual(await store.list('initech'), []);
      }),
    );

    test(
      'revoke marks a key once: true, then false; false for an unknown id; countActive follows',
      withStore(async ({ store }) => {
        const a = newKey('acme', 'ingest').row;
        const b = newKey('globex', 'admin').row;
        await store.insert(a);
        await store.insert(b);
        assert.equal(await store.countActive(), 2);
        assert.equal(await store.revoke(a.id, '2026-03-01T00:00:00.000Z'), true);
        assert.equal(await store.revoke(a.id, '2026-03-02T00:00:00.000Z'), false);
        assert.equal(await store.revoke('zzzzzzzzzzzzzzzz', '2026-03-02T00:00:00.000Z'), false);
        // The first revocation's time stays: revoking again must not rewrite history.
        assert.equal((await store.get(a.id))?.revokedAt, '2026-03-01T00:00:00.000Z');
        assert.equal((await store.get(b.id))?.revokedAt, null);
        assert.equal(await store.countActive(), 1);
        assert.equal(await store.revoke(b.id, '2026-03-03T00:00:00.000Z'), true);
        assert.equal(await store.countActive(), 0);
      }),
    );

    test(
      'another instance sees inserts and revocations, also after this one closed',
      withStore(async ({ store, openAgain }) => {
        const second = await openAgain();
        const a = newKey('acme', 'reader').row;
        await store.insert(a);
        assert.deepEqual(await second.get(a.id), a);
        assert.ok(await second.revoke(a.id, '2026-04-01T00:00:00.000Z'));
        assert.equal((await store.get(a.id))?.revokedAt, '2026-04-01T00:00:00.000Z');
        const b = newKey('acme', 'ingest').row;
        await second.insert(b);
        await store.close();
        const third = await openAgain();
        assert.deepEqual(
          (await third.list()).map((r) => [r.id, r.revokedAt]),
          [
            [a.id, '2026-04-01T00:00:00.000Z'],
            [b.id, null],
          ],
        );
        assert.equal(await third.countActive(), 1);
      }),
    );

    test(
      'concurrent inserts from two instances all land, and one id wins exactly once',
      withStore(async ({ store, openAgain }) => {
        const second = await openAgain();
        const rows = Array.from({ length: 20 }, (_, i) => newKey('acme', 'ingest', `k${i}`).row);
        await Promise.all(rows.map((r, i) => (i % 2 === 0 ? store : second).insert(r)));
        assert.equal(await store.countActive(), 20);
        const dup = newKey('acme', 'admin').row;
        const results = await Promise.allSettled([store.insert(dup), second.insert(dup)]);
        assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
        const failed = results.find((r) => r.status === 'rejected');
        assert.equal((failed?.reason as { code?: string } | undefined)?.code, 'API_KEY_EXISTS');
      }),
    );

    test(
      'a closed store rejects with STORE_IO; closing twice is fine',
      withStore(async ({ store }) => {
        await store.close();
        await store.close();
        await assert.rejects(store.get('abcdefghijklmnop'), { code: 'STORE_IO' });
        await assert.rejects(store.insert(newKey('acme', 'ingest').row), { code: 'STORE_IO' });
        await assert.rejects(store.countActive(), { code: 'STORE_IO' });
      }),
    );
  });
}
