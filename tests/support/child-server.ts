/**
 * `docket serve` as a real child process: start (on a chosen port, so a restart comes back on the
 * same address), an ingest key, SIGKILL or SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from './vectors.js';

/** The CLI entry point. */
export const docketBin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');

/** A running `docket serve`. */
export interface ChildServer {
  readonly url: string;
  readonly port: number;
  /** The admin key printed at the first start (null on later starts of the same data dir). */
  readonly bootstrapKey: string | null;
  readonly child: ChildProcessWithoutNullStreams;
  /** Kills with `signal` and waits for the exit; the exit code or signal. */
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

/**
 * Starts `docket serve --json` on `dataDir` and waits until it listens.
 *
 * @example
 * const server = await serveChild(dir); … await server.stop('SIGKILL');
 */
export async function serveChild(dataDir: string, port = 0): Promise<ChildServer> {
  const child = spawn(
    process.execPath,
    [docketBin, 'serve', '--data', dataDir, '--port', String(port), '--json'],
    { env: { ...process.env, DOCKET_FLUSH_INTERVAL_MS: '5' } },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const lines = createInterface({ input: child.stdout });
  const first = (await Promise.race([
    once(lines, 'line'),
    exited.then(([code]) =>
      assert.fail(`docket serve exited (${code}) before listening: ${stderr}`),
    ),
  ])) as [string];
  const started = JSON.parse(first[0]) as { url: string; bootstrapKey: string | null };
  return {
    url: started.url,
    port: Number(new URL(started.url).port),
    bootstrapKey: started.bootstrapKey,
    child,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const [code, sig] = await exited;
      return code ?? sig;
    },
  };
}

/**
 * Creates a key of `role` in the admin key's tenant.
 *
 * @example
 * const ingest = await createKey(server.url, server.bootstrapKey!, 'ingest');
 */
export async function createKey(url: string, adminKey: string, role: string): Promise<string> {
  const res = await fetch(`${url}/v1/keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ role, name: `test ${role}` }),
  });
  const body = (await res.json()) as { key?: string };
  assert.equal(res.status, 201, JSON.stringify(body));
  return body.key!;
}
