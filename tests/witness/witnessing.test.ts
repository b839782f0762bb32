/**
 * Issue 19, witness client: `docket serve --witness` submits each new checkpoint to every witness
 * in the background, keeps their cosignatures and serves the cosigned note on /v1/checkpoint; a
 * witness that is down never blocks ingest, shows as lag in /metrics, and catches up when back.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  createCosignatureVerifier,
  findCosignatures,
  parseCheckpoint,
  parseNote,
} from '@docket/core';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import { startWitnessServer } from '@docket/server';
import type { WitnessServer } from '@docket/server';
import { openSqliteWitnessStore } from '@docket/store';
import { api, assertOk, startTestServer } from '../support/server.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'docket-witnessing-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Polls `probe` until it answers a value (every 50 ms); gives up after a minute, saying what. */
async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting: ${what}`);
}

describe('docket serve --witness', { timeout: 120_000 }, () => {
  test('cosignatures arrive in the background; a down witness lags, then catches up', async () => {
    const w1Dir = tempDir();
    const w2Dir = tempDir();
    const w1 = await startWitnessServer({ dir: w1Dir, name: 'witness.test/w1' });
    // w2 is down at first: start it once for its key and port, then stop it.
    let w2: WitnessServer = await startWitnessServer({ dir: w2Dir, name: 'witness.test/w2' });
    const w2Port = Number(new URL(w2.url).port);
    const w2Vkey = w2.vkey;
    await w2.close();

    const server = await startTestServer({
      witnesses: [`w1=${w1.url}+${w1.vkey}`, `w2=http://127.0.0.1:${w2Port}+${w2Vkey}`],
    });
    try {
      const reader = api(server.url, server.keys.default.auditor);
      const ingest = api(server.url, server.keys.default.ingest);
      const admin = api(server.url, server.keys.default.admin);
      const info = assertOk<{
        origin: string;
        vkey: string;
        access: { origin: string; vkey: string };
      }>(await reader.get('/v1/log'));
      for (const dir of [w1Dir, w2Dir]) {
        const store = openSqliteWitnessStore(join(dir, 'witness.db'));
        await store.addLog(info.origin, [info.vkey]);
        await store.addLog(info.access.origin, [info.access.vkey]);
        await store.close();
      }
      const verifiers = [createCosignatureVerifier(w1.vkey), createCosignatureVerifier(w2Vkey)];

      const record = () => sampleDecision({ id: createUuidV7() });
      assertOk(
        await ingest.post('/v1/decisions', { decisions: [record(), record(), record()] }),
        200,
      );
      // w1 cosigns the checkpoint that /v1/checkpoint serves; w2 is down, so only w1.
      const first = await until('w1 cosigns', async () => {
        const note = (await reader.get('/v1/checkpoint')).text;
        const names = findCosignatures(note, verifiers).map((c) => c.name);
        return names.includes('witness.test/w1') ? { note, names } : undefined;
      });
      assert.deepEqual(first.names, ['witness.test/w1']);
      const size = parseCheckpoint(parseNote(first.note).text).size;
      assert.ok(size >= 3);
      const lagging = await until('w2 lags in /metrics', async () => {
        const metrics = (await admin.get('/metrics')).text;
        const lag =
          /docket_witness_lag_entries\{tenant="default",log="decisions",witness="w2"\} (\d+)/.exec(
            metrics,
          );
        const failures =
          /docket_witness_failures\{tenant="default",log="decisions",witness="w2"\} (\d+)/.exec(
            metrics,
          );
        return lag && failures && Number(failures[1]) > 0 ? Number(lag[1]) : undefined;
      });
      assert.ok(lagging >= 3, `w2 lags by ${lagging}`);

      // Ingest is not held up by the down witness: more decisions are accepted and sequenced.
      assertOk(await ingest.post('/v1/decisions', { decisions: [record(), record()] }), 200);

      // w2 comes back on its address: the pump retries and both witnesses cosign one checkpoint.
      w2 = await startWitnessServer({ dir: w2Dir, port: w2Port });
      const both = await until('both cosign', async () => {
        const note = (await reader.get('/v1/checkpoint')).text;
        const cosigned = findCosignatures(note, verifiers);
        return cosigned.length === 2 && parseCheckpoint(parseNote(note).text).size >= size + 2
          ? note
          : undefined;
      });
      const latest = parseCheckpoint(parseNote(both).text);
      // w1 went from its earlier size by a consistency proof; its state is the served size.
      assert.equal((await w1.store.latest(info.origin))?.size, latest.size);
      assert.equal((await w2.store.latest(info.origin))?.size, latest.size);
    } finally {
      await server.close();
      await w1.close();
      await w2.close();
    }
  });
});
