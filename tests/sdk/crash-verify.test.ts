/**
 * `docket verify` lists the gaps that producer reports explain, not only their count: a host with
 * a spool directory is SIGKILLed, its successor reports the dead producer's unaccounted seqs as a
 * `crash` loss, and the audit, the text output and `--json` name that range with its kind, from
 * the data directory and through the API (`--url`).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { auditDataDir } from '@docket/ledger';
import type { ExplainedGap } from '@docket/ledger';
import { createKey, docketBin, serveChild } from '../support/child-server.js';
import { tempDir } from '../support/ledger-fixture.js';
import type { ProducerConfig } from '../support/sdk-producer.js';
import { repoRoot } from '../support/vectors.js';

const producerScript = join(repoRoot, 'tests', 'dist', 'support', 'sdk-producer.js');

test('docket verify lists a crash-explained gap: the dead producer, the seq range, the kind', async () => {
  const tmp = tempDir('docket-crash-verify-');
  const data = join(tmp.dir, 'data');
  const spoolDir = join(tmp.dir, 'spool');
  const server = await serveChild(data);
  try {
    const ingest = await createKey(server.url, server.bootstrapKey!, 'ingest');
    const run = (config: ProducerConfig) =>
      spawn(process.execPath, [producerScript], {
        env: { ...process.env, DOCKET_PRODUCER: JSON.stringify(config) },
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    // The first host captures until it is killed; the last seq it handed out is known.
    const dead = run({ mode: 'stream', count: 20, url: server.url, apiKey: ingest, spoolDir });
    let producer = '';
    let lastSeq = -1;
    const lines = createInterface({ input: dead.stdout });
    lines.on('line', (line) => {
      const round = JSON.parse(line) as { producer?: string; captured?: [string, number][] };
      if (round.producer === undefined || round.captured === undefined) return;
      producer = round.producer;
      for (const [, seq] of round.captured) lastSeq = Math.max(lastSeq, seq);
    });
    // Some rounds, so that some batches are delivered before the kill.
    await new Promise<void>((resolve) => {
      lines.on('line', () => {
        if (lastSeq >= 200) resolve();
      });
    });
    dead.kill('SIGKILL');
    await once(dead, 'exit');

    // The successor adopts the directory, reports the crash, delivers, and ends cleanly.
    const last = run({
      mode: 'flush-then-hang',
      count: 0,
      url: server.url,
      apiKey: ingest,
      spoolDir,
    });
    const flushed = new Promise<unknown>((resolve) => {
      createInterface({ input: last.stdout }).on('line', (line) => {
        const parsed = JSON.parse(line) as { flushed?: boolean };
        if (parsed.flushed !== undefined) resolve(parsed.flushed);
      });
    });
    assert.equal(await flushed, true);
    last.kill('SIGTERM');
    await once(last, 'exit');

    // Through the API (an auditor's key), the same gaps are listed.
    const auditor = await createKey(server.url, server.bootstrapKey!, 'auditor');
    const remote = (...extra: string[]) =>
      spawnSync(
        process.execPath,
        [docketBin, 'verify', '--url', server.url, '--api-key', auditor, ...extra],
        { encoding: 'utf8' },
      );
    const remoteText = remote();
    const remoteJson = remote('--json');
    await server.stop('SIGTERM');

    const audit = await auditDataDir(data);
    assert.equal(audit.ok, true);
    const crash = audit.explainedGaps.filter(
      (g) => g.producer === producer && g.kinds.includes('crash'),
    );
    // The block of seqs the dead host reserved runs past its last seq: the tail is a crash gap.
    assert.ok(crash.length > 0, JSON.stringify(audit.explainedGaps));
    const tail = crash[crash.length - 1]!;
    assert.ok(tail.from <= lastSeq + 1 && tail.to > lastSeq, JSON.stringify(tail));
    assert.deepEqual(tail.kinds, ['crash']);
    assert.equal(audit.explainedGapsNotListed, 0);

    const text = spawnSync(process.execPath, [docketBin, 'verify', '--data', data], {
      encoding: 'utf8',
    });
    assert.equal(text.status, 0, text.stdout + text.stderr);
    assert.ok(
      text.stdout.includes(
        `explained gap: producer ${producer} seqs ${tail.from}–${tail.to} (crash)`,
      ),
      text.stdout,
    );
    const json = spawnSync(process.execPath, [docketBin, 'verify', '--data', data, '--json'], {
      encoding: 'utf8',
    });
    assert.equal(json.status, 0, json.stdout + json.stderr);
    const parsed = JSON.parse(json.stdout) as {
      explainedGaps: ExplainedGap[];
      explainedGapsNotListed: number;
    };
    assert.deepEqual(parsed.explainedGaps, audit.explainedGaps);
    assert.equal(parsed.explainedGapsNotListed, 0);

    assert.equal(remoteText.status, 0, remoteText.stdout + remoteText.stderr);
    assert.ok(
      remoteText.stdout.includes(
        `explained gap: producer ${producer} seqs ${tail.from}–${tail.to} (crash)`,
      ),
      remoteText.stdout,
    );
    assert.equal(remoteJson.status, 0, remoteJson.stdout + remoteJson.stderr);
    const [decisionLog] = (
      JSON.parse(remoteJson.stdout) as {
        logs: { kind: string; explainedGaps: ExplainedGap[]; producerReports: number }[];
      }
    ).logs;
    assert.equal(decisionLog?.kind, 'decisions');
    assert.deepEqual(decisionLog.explainedGaps, audit.explainedGaps);
    assert.equal(decisionLog.producerReports, audit.producerReports);
  } finally {
    await server.stop('SIGKILL').catch(() => undefined);
    tmp.cleanup();
  }
});
