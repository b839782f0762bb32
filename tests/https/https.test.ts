// HTTPS end to end: `docket serve --tls-cert --tls-key` as a child process, with a CA and a
// server certificate made by openssl for this run; the TypeScript SDK captures through it, the
// CLI's remote commands (verify, export, demo) talk to it, each with the CA file given as an
// option or in DOCKET_CA_FILE, and each refuses the server when it is not told the CA.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import { createCaFetch, createDocket } from '@docket/sdk';
import type { SdkError } from '@docket/sdk';
import { tempDir } from '../support/ledger-fixture.js';
import { createTestCa } from '../support/test-ca.js';
import type { TestCa } from '../support/test-ca.js';
import { repoRoot } from '../support/vectors.js';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');
/** The environment of every child: no CA file or TLS variable of the caller's leaks in. */
const baseEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { ...process.env, DOCKET_FLUSH_INTERVAL_MS: '10' };
  const unset = new Set(['DOCKET_CA_FILE', 'DOCKET_TLS_CERT', 'DOCKET_TLS_KEY', 'DOCKET_API_KEY']);
  return Object.fromEntries(Object.entries(env).filter(([name]) => !unset.has(name)));
};

const docket = (
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { code: number; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...baseEnv(), ...env },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

describe('HTTPS: docket serve --tls-cert/--tls-key, the SDK and the CLI with a private CA', () => {
  const tmp = tempDir('docket-https-');
  let ca: TestCa;
  let child: ChildProcessWithoutNullStreams;
  let url = '';
  let adminKey = '';
  let stderr = '';

  before(async () => {
    ca = createTestCa(tmp.dir);
    child = spawn(
      process.execPath,
      [
        bin,
        'serve',
        '--data',
        join(tmp.dir, 'data'),
        '--port',
        '0',
        '--json',
        '--tls-cert',
        ca.certFile,
      ],
      // The key from the environment twin: both ways of giving them are used.
      { env: { ...baseEnv(), DOCKET_TLS_KEY: ca.keyFile } },
    );
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const started = JSON.parse(line) as { ok: boolean; url: string; bootstrapKey: string };
    assert.equal(started.ok, true, stderr);
    url = started.url;
    adminKey = started.bootstrapKey;
  });

  after(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
    tmp.cleanup();
  });

  test('the server answers https:// only, with the given certificate', async () => {
    assert.match(url, /^https:\/\/127\.0\.0\.1:\d+$/);
    // Node's fetch does not know the test CA: the certificate is refused.
    await assert.rejects(fetch(`${url}/healthz`), (error: Error) => {
      assert.match(String((error.cause as Error | undefined)?.message), /certificate/i);
      return true;
    });
    const fetchCa = createCaFetch(readFileSync(ca.caFile, 'utf8'));
    const health = await fetchCa(`${url}/healthz`);
    assert.equal(health.status, 200);
    // Plain HTTP on the same port is not served.
    await assert.rejects(fetch(url.replace('https:', 'http:') + '/healthz'));
  });

  test('the SDK captures through https:// with caFile; receipt() reads the proof', async () => {
    const errors: SdkError[] = [];
    const client = createDocket({
      url,
      apiKey: adminKey,
      caFile: ca.caFile,
      handleExit: false,
      otel: false,
      env: {},
      onError: (error) => errors.push(error),
    });
    const decision = sampleDecision({ id: createUuidV7() });
    client.capture(decision);
    assert.equal(await client.flush(20_000), true);
    const receipt = await client.receipt(decision.id, { timeoutMs: 20_000 });
    assert.equal(receipt.ok, true, JSON.stringify(receipt));
    assert.equal(await client.shutdown(5_000), true);
    assert.equal(client.stats().accepted, 1);
    assert.deepEqual(errors, []);
  });

  test('the SDK takes the CA file from DOCKET_CA_FILE', async () => {
    const client = createDocket({
      url,
      apiKey: adminKey,
      handleExit: false,
      otel: false,
      env: { DOCKET_CA_FILE: ca.caFile },
    });
    client.capture(sampleDecision({ id: createUuidV7() }));
    assert.equal(await client.flush(20_000), true);
    await client.shutdown(5_000);
    assert.equal(client.stats().accepted, 1);
  });

  test('without the CA the SDK cannot deliver, and says why (SEND_UNREACHABLE)', async () => {
    const errors: SdkError[] = [];
    const client = createDocket({
      url,
      apiKey: adminKey,
      handleExit: false,
      otel: false,
      maxAttempts: 1,
      env: {},
      onError: (error) => errors.push(error),
    });
    client.capture(sampleDecision({ id: createUuidV7() }));
    await client.flush(2_000);
    await client.shutdown(1_000);
    assert.equal(client.stats().accepted, 0);
    assert.ok(
      errors.some((e) => e.code === 'SEND_UNREACHABLE'),
      errors.map((e) => `${e.code}: ${e.message}`).join('\n'),
    );
  });

  test('the SDK refuses a CA file it cannot read at construction (OPTION_INVALID)', () => {
    const notPem = join(tmp.dir, 'not-a-cert.txt');
    writeFileSync(notPem, 'hello');
    for (const caFile of [join(tmp.dir, 'missing.pem'), notPem]) {
      assert.throws(
        () => createDocket({ url, apiKey: adminKey, caFile, handleExit: false, env: {} }),
        (error: SdkError) => error.code === 'OPTION_INVALID' && error.where === 'caFile',
      );
    }
  });

  test('docket verify --url https://… with --ca-file or DOCKET_CA_FILE; without it SERVER_UNREACHABLE', () => {
    const withFlag = docket([
      'verify',
      '--url',
      url,
      '--api-key',
      adminKey,
      '--ca-file',
      ca.caFile,
      '--json',
    ]);
    assert.equal(withFlag.code, 0, withFlag.stderr + withFlag.stdout);
    assert.equal((JSON.parse(withFlag.stdout) as { ok: boolean }).ok, true);

    const withEnv = docket(['verify', '--url', url, '--json'], {
      DOCKET_CA_FILE: ca.caFile,
      DOCKET_API_KEY: adminKey,
    });
    assert.equal(withEnv.code, 0, withEnv.stderr + withEnv.stdout);

    const without = docket(['verify', '--url', url, '--api-key', adminKey, '--json']);
    assert.equal(without.code, 3, without.stderr + without.stdout);
    assert.match(without.stdout + without.stderr, /SERVER_UNREACHABLE/);
  });

  test('docket export --url https://… --ca-file writes a bundle that verifies offline', async () => {
    const decision = sampleDecision({ id: createUuidV7() });
    const id = decision.id;
    const client = createDocket({
      url,
      apiKey: adminKey,
      caFile: ca.caFile,
      handleExit: false,
      env: {},
    });
    client.capture(decision);
    assert.equal(await client.flush(20_000), true);
    await client.shutdown(5_000);
    const out = join(tmp.dir, 'bundle.json');
    const exported = docket([
      'export',
      '--url',
      url,
      '--api-key',
      adminKey,
      '--ca-file',
      ca.caFile,
      '--decision',
      id,
      '--disclose',
      'outcome',
      '--out',
      out,
      '--json',
    ]);
    assert.equal(exported.code, 0, exported.stderr + exported.stdout);
    const { vkey } = JSON.parse(exported.stdout) as { vkey: string };
    const checked = docket(['verify', out, '--key', vkey, '--json']);
    assert.equal(checked.code, 0, checked.stderr + checked.stdout);
  });

  test('docket demo --url https://… --ca-file records through the SDK over HTTPS', () => {
    const demo = docket([
      'demo',
      '--url',
      url,
      '--api-key',
      adminKey,
      '--ca-file',
      ca.caFile,
      '--count',
      '5',
      '--json',
    ]);
    assert.equal(demo.code, 0, demo.stderr + demo.stdout);
    assert.equal((JSON.parse(demo.stdout) as { recorded: number }).recorded, 5);
  });

  test('serve: one of --tls-cert/--tls-key alone is USAGE; a key that is not PEM is TLS_INVALID', () => {
    const alone = docket([
      'serve',
      '--data',
      join(tmp.dir, 'd2'),
      '--port',
      '0',
      '--tls-cert',
      ca.certFile,
    ]);
    assert.equal(alone.code, 2, alone.stderr);
    assert.match(alone.stderr, /--tls-key/);
    const notPem = join(tmp.dir, 'bad-key.pem');
    writeFileSync(notPem, 'not a key');
    const bad = docket([
      'serve',
      '--data',
      join(tmp.dir, 'd3'),
      '--port',
      '0',
      '--tls-cert',
      ca.certFile,
      '--tls-key',
      notPem,
      '--json',
    ]);
    assert.equal(bad.code, 2, bad.stderr + bad.stdout);
    assert.match(bad.stdout + bad.stderr, /TLS_INVALID/);
  });
});
