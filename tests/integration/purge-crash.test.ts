// Crash safety of a purge: a purging process killed with SIGKILL leaves, for every batch, both
// its receipt and the removal of its content or neither (one store transaction); the full audit
// passes after the kill, and a second purge completes the work. Real child processes, real SQLite.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { ENTRY_TYPES } from '@docket/core';
import { auditDataDir, openLedger } from '@docket/ledger';
import { fixtureDecision, tempDir } from '../support/ledger-fixture.js';

const child = fileURLToPath(new URL('../support/purge-child.js', import.meta.url));
const tmp = tempDir('docket-purge-crash-');
after(() => {
  tmp.cleanup();
});
const OLD = 600;
const ROUNDS = 3;

/** Runs a purge in a child and SIGKILLs it `delayMs` after its first durable batch. */
function purgeAndKill(dir: string, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let batches = 0;
    let stderr = '';
    let out = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('BATCH')) continue;
        if (batches++ === 0) setTimeout(() => proc.kill('SIGKILL'), delayMs);
      }
    });
    proc.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(batches);
      else reject(new Error(`the purge ended on its own (code ${String(code)}): ${stderr}`));
    });
  });
}

test(`SIGKILL in the middle of a purge, ${ROUNDS} times: receipts and removals stay together; a second purge completes`, async () => {
  const base = join(tmp.dir, 'base');
  const ledger = await openLedger({ dataDir: base, create: true, flushIntervalMs: 5 });
  const old = new Date(Date.now() - 400 * 86_400_000).toISOString();
  await Promise.all(
    Array.from({ length: OLD + 20 }, (_, i) =>
      ledger.append(fixtureDecision(i, i < OLD ? { ts: old } : { ts: new Date().toISOString() })),
    ),
  );
  await ledger.setRetention({ max: '1y', basis: 'GDPR Art. 5(1)(e)' });
  await ledger.close();

  for (let round = 0; round < ROUNDS; round++) {
    const dir = join(tmp.dir, `round-${round}`);
    cpSync(base, dir, { recursive: true });
    const acknowledged = await purgeAndKill(dir, round * 7);
    const afterKill = await auditDataDir(dir);
    assert.deepEqual(afterKill.issues, [], `round ${round}: audit after the kill`);
    // Content gone is exactly what receipts name, at least what the child saw committed, and
    // the kill came before the end (the purge was cut in the middle).
    assert.equal(afterKill.purged % 10, 0, 'whole batches only');
    assert.ok(
      afterKill.purged >= acknowledged * 10,
      `round ${round}: acknowledged batches survive`,
    );
    assert.ok(afterKill.purged < OLD, `round ${round}: the kill came after the purge ended`);
    // Restart: a second purge completes the work.
    const again = await openLedger({ dataDir: dir });
    try {
      const report = await again.purge();
      assert.equal(report.purgedDecisions, OLD - afterKill.purged);
      const receipts = (await again.entries(0, 10_000)).filter(
        (e) => e.entry.envelope.type === ENTRY_TYPES.purge,
      );
      const named = receipts.flatMap((r) => r.entry.fields?.['indices'] as number[]);
      assert.equal(new Set(named).size, OLD, 'each purged leaf named by exactly one receipt');
      assert.equal(named.length, OLD);
    } finally {
      await again.close();
    }
    const done = await auditDataDir(dir);
    assert.deepEqual(done.issues, []);
    assert.equal(done.purged, OLD);
  }
});
