// docket backup / restore as an operator runs them: a real writer process appending while the
// backup runs, a real CLI, then verify on the restored copy, and the rollback it is to anyone
// holding a later checkpoint.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { openLedger } from '@docket/ledger';
import { repoRoot } from '../support/vectors.js';
import { tempDir } from '../support/ledger-fixture.js';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');
const writerJs = fileURLToPath(new URL('../support/crash-writer.js', import.meta.url));
const tmp = tempDir('docket-backup-');
after(() => {
  tmp.cleanup();
});
const data = join(tmp.dir, 'data');
const docket = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};
const docketAsync = (...args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => {
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });

/** A writer process appending as fast as it can; `acks` grows with every acknowledged append. */
function startWriter(dir: string): {
  child: ChildProcess;
  acks: Map<string, number>;
  until: (n: number) => Promise<void>;
  exited: () => boolean;
} {
  const child = spawn(process.execPath, [writerJs, dir, '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acks = new Map<string, number>();
  const waiting: { n: number; resolve: () => void }[] = [];
  let buffered = '';
  let stderr = '';
  let done = false;
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => {
    buffered += d.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const [tag, id, index] = line.split(' ');
      if (tag === 'ACK') acks.set(id!, Number(index));
    }
    for (const w of waiting.filter((x) => acks.size >= x.n)) {
      waiting.splice(waiting.indexOf(w), 1);
      w.resolve();
    }
  });
  child.on('exit', () => {
    done = true;
    for (const w of waiting) w.resolve();
    if (stderr !== '') process.stderr.write(stderr);
  });
  return {
    child,
    acks,
    exited: () => done,
    until: (n) =>
      new Promise((resolve) => {
        if (acks.size >= n) resolve();
        else waiting.push({ n, resolve });
      }),
  };
}

test('backup while a writer appends, restore, verify; the older copy is a rollback to a later checkpoint', async (t) => {
  const writer = startWriter(data);
  let backupCode: number;
  let before: Map<string, number>;
  let duringBackup: number;
  try {
    await writer.until(300);
    assert.ok(!writer.exited(), 'the writer stopped before the backup');
    // Every decision acknowledged before the backup starts must be in it.
    before = new Map(writer.acks);
    const backup = await docketAsync('backup', '--data', data, '--out', join(tmp.dir, 'bk'));
    backupCode = backup.code;
    assert.equal(backup.code, 0, backup.stderr);
    duringBackup = writer.acks.size - before.size;
    assert.ok(!writer.exited(), 'the writer was not running during the whole backup');
    // The live log goes on past the backup: its published checkpoint is later than the copy's.
    await writer.until(writer.acks.size + 200);
  } finally {
    writer.child.kill('SIGKILL');
  }
  assert.equal(backupCode, 0);
  const manifest = JSON.parse(readFileSync(join(tmp.dir, 'bk', 'manifest.json'), 'utf8')) as {
    files: { path: string; kind: string; mode: number }[];
  };
  assert.deepEqual(manifest.files.map((f) => `${f.kind} ${f.path}`).sort(), [
    'file checkpoint',
    'file keys/log.key',
    'file keys/master.key',
    'file log.vkey',
    'sqlite ledger.db',
  ]);
  assert.equal(manifest.files.find((f) => f.path === 'keys/log.key')?.mode, 0o600);

  const restored = join(tmp.dir, 'restored');
  const r = docket('restore', '--from', join(tmp.dir, 'bk'), '--data', restored, '--json');
  assert.equal(r.code, 0, r.stderr);
  const v = docket('verify', '--data', restored, '--json');
  assert.equal(v.code, 0, v.stdout + v.stderr);

  const ledger = await openLedger({ dataDir: restored, create: false });
  let size: number;
  try {
    for (const [id, index] of before) {
      const entry = await ledger.read(id);
      assert.equal(entry.index, index, `acknowledged ${id} missing or moved in the restored copy`);
    }
    size = ledger.size;
  } finally {
    await ledger.close();
  }
  t.diagnostic(
    `${before.size} acknowledged before the backup, ${duringBackup} during it; restored log size ${size}`,
  );

  // The original's published checkpoint is later than the restored copy: a rollback to its holder.
  const later = join(tmp.dir, 'later-checkpoint');
  writeFileSync(later, readFileSync(join(data, 'checkpoint')));
  const rolled = docket('verify', '--data', restored, '--checkpoint', later, '--json');
  assert.equal(rolled.code, 1, rolled.stdout + rolled.stderr);
  assert.match(rolled.stdout, /CHECKPOINT_ROLLBACK/);
});

test('restore refuses a non-empty target, a changed file and an unfinished backup; backup refuses a non-data dir', () => {
  const bk = join(tmp.dir, 'bk');
  const target = join(tmp.dir, 'restored');
  const busy = docket('restore', '--from', bk, '--data', target, '--json');
  assert.equal(busy.code, 2);
  assert.match(busy.stderr + busy.stdout, /BACKUP_TARGET_NOT_EMPTY/);

  const tampered = join(tmp.dir, 'bk-tampered');
  assert.equal(docket('backup', '--data', data, '--out', tampered).code, 0);
  const key = join(tampered, 'data', 'log.vkey');
  writeFileSync(key, readFileSync(key, 'utf8').replace(/.$/su, 'x'));
  const corrupt = docket('restore', '--from', tampered, '--data', join(tmp.dir, 'r2'), '--json');
  assert.equal(corrupt.code, 1);
  assert.match(corrupt.stderr + corrupt.stdout, /BACKUP_CORRUPT/);
  assert.equal(existsSync(join(tmp.dir, 'r2')), false, 'a failed restore left a directory');

  const unfinished = join(tmp.dir, 'bk-unfinished');
  assert.equal(docket('backup', '--data', data, '--out', unfinished).code, 0);
  writeFileSync(join(unfinished, 'manifest.json'), '{"format":"docket.backup/v0"}');
  const malformed = docket('restore', '--from', unfinished, '--data', join(tmp.dir, 'r3'));
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /BACKUP_MALFORMED/);

  const notData = docket('backup', '--data', tmp.dir, '--out', join(tmp.dir, 'bk-none'));
  assert.equal(notData.code, 2);
  assert.match(notData.stderr, /BACKUP_SOURCE_INVALID/);
});
