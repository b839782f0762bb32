// Crash safety: a writer killed with SIGKILL at random moments loses no acknowledged append and
// never forks the log. Real child processes, a real SQLite file, 12 kills.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { auditDataDir, openLedger } from '@docket/ledger';
import { tempDir } from '../support/ledger-fixture.js';

const writer = fileURLToPath(new URL('../support/crash-writer.js', import.meta.url));
const ROUNDS = 12;
const tmp = tempDir('docket-crash-');
after(() => {
  tmp.cleanup();
});

/**
 * Runs the writer until `killAfterMs` after it is ready (even rounds) or after its first ACK (odd
 * rounds: on a loaded machine the first flush can take longer than the whole window, and a test
 * whose writer acknowledged nothing checks nothing), then SIGKILLs it; returns the ACK lines.
 */
function runAndKill(round: number, killAfterMs: number): Promise<Map<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [writer, tmp.dir, String(round)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acks = new Map<string, number>();
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [tag, id, index] = line.split(' ');
        const arm = round % 2 === 0 ? line === 'READY' : tag === 'ACK' && acks.size === 0;
        if (arm) setTimeout(() => child.kill('SIGKILL'), killAfterMs);
        if (tag === 'ACK') acks.set(id!, Number(index));
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acks);
      else reject(new Error(`writer exited on its own (code ${String(code)}): ${stderr}`));
    });
  });
}

test(`SIGKILL during appends, ${ROUNDS} times: every acknowledged decision survives, no fork`, async (t) => {
  const acknowledged = new Map<string, number>();
  for (let round = 0; round < ROUNDS; round++) {
    const acks = await runAndKill(round, 30 + Math.floor(Math.random() * 400));
    for (const [id, index] of acks) acknowledged.set(id, index);
    // Reopening checks the store against the last published checkpoint (refuses if behind/forked).
    const ledger = await openLedger({ dataDir: tmp.dir });
    try {
      for (const [id, index] of acks) {
        const entry = await ledger.read(id);
        assert.equal(entry.index, index, `acknowledged ${id} moved`);
      }
    } finally {
      await ledger.close();
    }
  }
  assert.ok(acknowledged.size > 0, 'the writer acknowledged nothing');
  const report = await auditDataDir(tmp.dir);
  assert.deepEqual(
    report.issues.filter((i) => i.severity !== 'warning'),
    [],
  );
  assert.ok(report.ok);
  // Exactly once: indices of acknowledged ids are distinct, and the audit saw no duplicate index.
  assert.equal(new Set(acknowledged.values()).size, acknowledged.size);
  assert.ok(report.entries >= acknowledged.size);
  t.diagnostic(
    `${ROUNDS} SIGKILLs, ${acknowledged.size} acknowledged decisions all found at their index; ` +
      `${report.entries} entries in the log (the rest were durable but not yet acknowledged), ${report.checkpoints} checkpoints`,
  );
});
