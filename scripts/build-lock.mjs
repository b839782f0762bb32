// The build lock of a cached tool (the Temporal CLI, litewitness): a file holding the builder's
// pid in the cache directory, so parallel test files build a binary once. A lock whose process
// is gone is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Takes `dir`/build.lock; waits while a live process holds it, at most `timeoutMs` (then throws,
 * naming `label`). Returns the function that releases it.
 *
 * @example
 * const release = takeBuildLock(dir, 'litewitness', 15 * 60_000);
 * try { build(); } finally { release(); }
 */
export function takeBuildLock(dir, label, timeoutMs) {
  const path = join(dir, 'build.lock');
  const started = Date.now();
  for (;;) {
    try {
      const fd = openSync(path, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(path, 'utf8'));
      if (!Number.isInteger(holder) || holder <= 0 || !alive(holder)) {
        rmSync(path, { force: true });
        continue;
      }
      if (Date.now() - started > timeoutMs)
        throw new Error(`${label}: build lock ${path} held by pid ${holder} too long`);
      sleep(2000);
    }
  }
}
