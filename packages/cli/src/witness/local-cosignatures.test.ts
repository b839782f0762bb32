import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { generateCosignerKey } from '@docket/core';
import { describeLog } from '@docket/ledger';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import { COSIGNATURES_FILE, startServer } from '@docket/server';
import { openSqliteCosignatureStore } from '@docket/store';
import { witnessLags } from './local-cosignatures.js';

describe('witness lags of a data directory (docket log)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docket-lags-'));
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('a configured witness that never cosigned shows with the whole log as its lag', async () => {
    const never = generateCosignerKey('witness.test/never');
    const other = generateCosignerKey('witness.test/other');
    // Port 1 refuses connections: this witness never cosigns anything.
    const server = await startServer({
      dataDir: dir,
      port: 0,
      log: () => undefined,
      witnesses: [`never=http://127.0.0.1:1+${never.vkey}`],
    });
    try {
      const res = await fetch(`${server.url}/v1/decisions`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${server.bootstrapKey!}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          decisions: [
            sampleDecision({ id: createUuidV7() }),
            sampleDecision({ id: createUuidV7() }),
          ],
        }),
      });
      assert.equal(res.status, 200, await res.text());
    } finally {
      await server.close();
    }
    const { origin, size } = await describeLog(dir);
    assert.equal(size, 2);
    // Another witness, no longer configured, cosigned size 1 earlier: it stays listed.
    const store = openSqliteCosignatureStore(join(dir, COSIGNATURES_FILE));
    await store.record(origin, 1, other.vkey, 'line\n');
    await store.close();
    assert.deepEqual(
      (await witnessLags(dir, origin, size)).map((w) => [w.witness, w.cosignedSize, w.lag]),
      [
        ['witness.test/never', 0, 2],
        ['witness.test/other', 1, 1],
      ],
    );
  });
});
