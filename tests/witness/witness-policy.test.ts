/**
 * Issue 19, witness policy: bundles (from the API and from `docket export`) carry the witnesses'
 * cosignatures; `docket verify BUNDLE --witness-policy FILE` passes with a quorum of them, and a
 * rolled-back, forked or re-signed log — which the witnesses refuse to cosign — fails it, naming
 * the quorum, with no hand-kept checkpoint. `docket log` shows each witness's lag.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  bundleCheckpoint,
  createNoteSigner,
  generateSignerKey,
  parseCheckpoint,
  parseNote,
  signNote,
  withBundleCheckpoint,
} from '@docket/core';
import { main } from '@docket/cli';
import { createUuidV7, DocketError, sampleDecision } from '@docket/protocol';
import type { EvidenceBundle } from '@docket/protocol';
import {
  parseWitnessConfig,
  startServer,
  startWitnessServer,
  submitCheckpoint,
} from '@docket/server';
import type { WitnessServer } from '@docket/server';
import { api, assertOk, startTestServer } from '../support/server.js';
import type { TestServer } from '../support/server.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'docket-witness-policy-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting: ${what}`);
}

/** Runs the CLI in-process: exit code and what it printed. */
async function docket(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    stderrIsTty: false,
  });
  return { code, out, err };
}

type Keys = TestServer['keys'];

/** A server on an existing data directory (its api-keys.db holds `keys`). */
async function serveOn(dataDir: string, witnesses: string[]) {
  const server = await startServer({
    validateResponses: true,
    bootstrapAdminKey: false,
    ledger: { flushIntervalMs: 5 },
    log: () => undefined,
    witnesses,
    dataDir,
    port: 0,
    host: '127.0.0.1',
  });
  return server;
}

/** Ingests `count` decisions; answers their ids once they are sequenced. */
async function ingest(url: string, keys: Keys, count: number): Promise<string[]> {
  const decisions = Array.from({ length: count }, () => sampleDecision({ id: createUuidV7() }));
  assertOk(await api(url, keys.default.ingest).post('/v1/decisions', { decisions }), 200);
  return decisions.map((d) => d.id);
}

/** Waits until /v1/checkpoint is at `size` or more and cosigned by `count` witnesses. */
async function cosignedCheckpoint(url: string, keys: Keys, size: number, count: number) {
  return until(`checkpoint ≥ ${size} with ${count} cosignatures`, async () => {
    const note = (await api(url, keys.default.auditor).get('/v1/checkpoint')).text;
    const lines = note.split('\n').filter((l) => l.startsWith('\u2014 witness.test/'));
    const at = parseCheckpoint(parseNote(note).text).size;
    return at >= size && lines.length >= count ? { note, size: at } : undefined;
  });
}

/** Waits until both witnesses have failed on the log (they refuse its new checkpoint). */
async function refusedByBoth(url: string, keys: Keys): Promise<void> {
  await until('both witnesses refuse', async () => {
    const metrics = (await api(url, keys.default.admin).get('/metrics')).text;
    const failing = ['w1', 'w2'].filter((w) =>
      new RegExp(
        `docket_witness_failures\\{tenant="default",log="decisions",witness="${w}"\\} [1-9]`,
      ).test(metrics),
    );
    return failing.length === 2 ? true : undefined;
  });
}

async function bundleOf(url: string, keys: Keys, id: string, dir: string): Promise<string> {
  const bundle = assertOk<EvidenceBundle>(
    await api(url, keys.default.auditor).get(`/v1/decisions/${id}/bundle?disclose=outcome`),
  );
  const file = join(dir, `${id}.json`);
  writeFileSync(file, JSON.stringify(bundle));
  return file;
}

describe('witness policy (docket verify --witness-policy)', { timeout: 240_000 }, () => {
  test('a quorum of cosignatures verifies; rollback, fork and re-signing fail it', async () => {
    const work = tempDir();
    const witnesses: WitnessServer[] = [
      await startWitnessServer({ dir: tempDir(), name: 'witness.test/w1' }),
      await startWitnessServer({ dir: tempDir(), name: 'witness.test/w2' }),
    ];
    const flags = witnesses.map((w, i) => `w${i + 1}=${w.url}+${w.vkey}`);
    const configs = flags.map((f) => parseWitnessConfig(f));
    const first = await startTestServer({ witnesses: flags });
    const { keys } = first;
    const dirA = first.dataDir;
    dirs.push(dirA);
    try {
      const info = assertOk<{ origin: string; vkey: string }>(
        await api(first.url, keys.default.auditor).get('/v1/log'),
      );
      for (const w of witnesses) await w.store.addLog(info.origin, [info.vkey]);
      const policyFile = join(work, 'docket.policy');
      writeFileSync(
        policyFile,
        `# Docket log of the test, both witnesses required\nlog ${info.vkey}\n` +
          `witness w1 ${witnesses[0]!.vkey}\nwitness w2 ${witnesses[1]!.vkey}\n` +
          `group both 2 w1 w2\nquorum both\n`,
      );
      const onlyW1 = join(work, 'w1.policy');
      writeFileSync(onlyW1, `log ${info.vkey}\nwitness w1 ${witnesses[0]!.vkey}\nquorum w1\n`);

      // 1. Cosigned bundles, from the API and from docket export, verify under the policy.
      const [id] = await ingest(first.url, keys, 3);
      const s1 = (await cosignedCheckpoint(first.url, keys, 3, 2)).size;
      const served = await bundleOf(first.url, keys, id!, work);
      const ok = await docket('verify', served, '--witness-policy', policyFile, '--json');
      assert.equal(ok.code, 0, ok.out + ok.err);
      const okJson = JSON.parse(ok.out) as {
        ok: boolean;
        witnesses: { quorum: string; cosigned: { witness: string }[] };
      };
      assert.equal(okJson.witnesses.quorum, 'both');
      assert.deepEqual(okJson.witnesses.cosigned.map((c) => c.witness).sort(), ['w1', 'w2']);
      // The same through a running server: its /v1/checkpoint is cosigned.
      const remote = await docket(
        'verify',
        '--url',
        first.url,
        '--api-key',
        keys.default.auditor,
        '--witness-policy',
        policyFile,
        '--quiet',
      );
      assert.equal(remote.code, 0, remote.out);
      assert.match(remote.out, /witness quorum both: met/);
      await first.stop();

      const exported = join(work, 'exported.json');
      assert.equal(
        (await docket('export', '--data', dirA, '--decision', id!, '--out', exported)).code,
        0,
      );
      const local = await docket('verify', exported, '--witness-policy', policyFile);
      assert.equal(local.code, 0, local.out);
      assert.match(local.out, /witness quorum both: met; cosigned by w1 at .*, w2 at /);
      const logged = await docket('log', '--data', dirA, '--json');
      const lags = (JSON.parse(logged.out) as { witnesses: { witness: string; lag: number }[] })
        .witnesses;
      assert.deepEqual(
        lags.map((w) => [w.witness, w.lag]),
        [
          ['witness.test/w1', 0],
          ['witness.test/w2', 0],
        ],
      );
      assert.match(
        (await docket('log', '--data', dirA)).out,
        /witness {4}witness\.test\/w1: cosigned \d+, lag 0 entries/,
      );
      assert.equal(
        (await docket('verify', '--data', dirA, '--witness-policy', policyFile, '--quiet')).code,
        0,
      );

      // The state at s1, kept for a rollback; then the log grows to s2, cosigned.
      const snapshot = tempDir();
      cpSync(dirA, snapshot, { recursive: true });
      let server = await serveOn(dirA, flags);
      await ingest(server.url, keys, 2);
      const s2 = (await cosignedCheckpoint(server.url, keys, s1 + 2, 2)).size;
      await server.close();
      const forkBase = tempDir();
      cpSync(dirA, forkBase, { recursive: true });
      // The honest log goes on (s2 + 1, cosigned): the witnesses now hold s3.
      server = await serveOn(dirA, flags);
      await ingest(server.url, keys, 1);
      const s3 = (await cosignedCheckpoint(server.url, keys, s2 + 1, 2)).size;
      await server.close();

      // 2. Rollback: the data directory restored to s1 signs new entries; witnesses refuse.
      server = await serveOn(snapshot, flags);
      const [rolled] = await ingest(server.url, keys, 1);
      await refusedByBoth(server.url, keys);
      const rolledFile = await bundleOf(server.url, keys, rolled!, work);
      const rolledRemote = await docket(
        'verify',
        '--url',
        server.url,
        '--api-key',
        keys.default.auditor,
        '--witness-policy',
        policyFile,
        '--quiet',
      );
      assert.equal(rolledRemote.code, 1, rolledRemote.out);
      assert.match(rolledRemote.out, /WITNESS_QUORUM_MISSING/);
      const rolledNote = bundleCheckpoint(JSON.parse(readFileSync(rolledFile, 'utf8')))!;
      await server.close();
      for (const config of configs) {
        // The witness's own size (s3) is not the rolled-back log's: 409, then 400 from there.
        assert.deepEqual(
          await submitCheckpoint(config, { oldSize: s1, proof: [], note: rolledNote }, 5000),
          { knownSize: s3 },
        );
        await assert.rejects(
          submitCheckpoint(config, { oldSize: s3, proof: [], note: rolledNote }, 5000),
          // A 400 (tlog-witness: old size above the checkpoint's); the body names the refusal.
          (e: unknown) =>
            e instanceof DocketError && /answered 400: WITNESS_OLD_SIZE_INVALID/.test(e.message),
        );
      }
      const rollback = await docket('verify', rolledFile, '--witness-policy', policyFile, '--json');
      assert.equal(rollback.code, 1);
      const issues = (JSON.parse(rollback.out) as { issues: { code: string; message: string }[] })
        .issues;
      assert.deepEqual(
        issues.map((i) => i.code),
        ['WITNESS_QUORUM_MISSING'],
      );
      assert.match(
        issues[0]!.message,
        /quorum "both" is not met: valid cosignatures by no witness/,
      );
      // Without a policy the rolled-back bundle verifies: that is what the policy adds.
      assert.equal((await docket('verify', rolledFile, '--key', info.vkey)).code, 0);
      const rolledDir = await docket(
        'verify',
        '--data',
        snapshot,
        '--witness-policy',
        onlyW1,
        '--quiet',
      );
      assert.equal(rolledDir.code, 1);
      assert.match(rolledDir.out, /WITNESS_QUORUM_MISSING.*quorum "w1" is not met/);

      // 3. Fork (split view): a copy at s2 extended with other entries; witnesses hold s3.
      server = await serveOn(forkBase, flags);
      const [forked] = await ingest(server.url, keys, 1);
      await refusedByBoth(server.url, keys);
      const forkFile = await bundleOf(server.url, keys, forked!, work);
      const forkNote = bundleCheckpoint(JSON.parse(readFileSync(forkFile, 'utf8')))!;
      await server.close();
      assert.equal(parseCheckpoint(parseNote(forkNote).text).size, s3);
      for (const config of configs) {
        await assert.rejects(
          submitCheckpoint(config, { oldSize: s3, proof: [], note: forkNote }, 5000),
          (e: unknown) => e instanceof DocketError && e.code === 'WITNESS_PROOF_INVALID',
        );
      }
      const fork = await docket('verify', forkFile, '--witness-policy', policyFile);
      assert.equal(fork.code, 1);
      assert.match(fork.out, /WITNESS_QUORUM_MISSING.*quorum "both" is not met/);

      // 4. Re-signed with another key: the witnesses refuse it; the bundle, even carrying the
      // genuine cosignatures of the same checkpoint body, fails the policy's log.
      const genuine = JSON.parse(readFileSync(served, 'utf8')) as EvidenceBundle;
      const note = bundleCheckpoint(genuine)!;
      const forger = generateSignerKey(info.origin);
      const resigned = signNote(parseNote(note).text, [createNoteSigner(forger.skey)]);
      for (const config of configs) {
        await assert.rejects(
          submitCheckpoint(config, { oldSize: s3, proof: [], note: resigned }, 5000),
          (e: unknown) => e instanceof DocketError && e.code === 'WITNESS_LOG_SIGNATURE_INVALID',
        );
      }
      const stolen = note
        .slice(note.indexOf('\n\n') + 2)
        .split('\n')
        .filter((l) => l.includes('witness.test/'));
      const forged = withBundleCheckpoint(
        genuine,
        `${resigned}${stolen.map((l) => `${l}\n`).join('')}`,
      );
      const forgedFile = join(work, 'forged.json');
      writeFileSync(forgedFile, JSON.stringify(forged));
      const resign = await docket('verify', forgedFile, '--witness-policy', policyFile, '--json');
      assert.equal(resign.code, 1);
      const codes = (JSON.parse(resign.out) as { issues: { code: string }[] }).issues.map(
        (i) => i.code,
      );
      assert.ok(codes.includes('WITNESS_POLICY_LOG_UNKNOWN'), codes.join());
      // Even trusting the forger's key (--key), the policy names the log it accepts.
      const trusted = await docket(
        'verify',
        forgedFile,
        '--key',
        forger.vkey,
        '--witness-policy',
        policyFile,
        '--json',
      );
      assert.equal(trusted.code, 1);
      assert.deepEqual(
        (JSON.parse(trusted.out) as { issues: { code: string }[] }).issues.map((i) => i.code),
        ['WITNESS_POLICY_LOG_UNKNOWN'],
      );
    } finally {
      await first.stop();
      for (const w of witnesses) await w.close();
    }
  });

  test('a malformed policy is a usage error naming the file and line', async () => {
    const file = join(tempDir(), 'bad.policy');
    writeFileSync(file, 'log example.com/x+00000000+AAAA\nquorum nobody\n');
    const result = await docket('verify', file, '--witness-policy', file, '--json');
    assert.equal(result.code, 2);
    assert.match(result.err + result.out, /line 1/);
  });
});
