// `docket demo` and `docket serve --demo` as a newcomer meets them: real child processes, a real
// server on a real port, real HTTP. The demo goes through the SDK; a second run adds nothing.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, test } from 'node:test';
import { demoCase, DEMO_SEED } from '@docket/cli';
import { tempDir } from '../support/ledger-fixture.js';
import { repoRoot } from '../support/vectors.js';

const bin = join(repoRoot, 'packages', 'cli', 'bin', 'docket.js');
// No DOCKET_API_KEY or DOCKET_URL from the caller's shell: each test says what it means.
const { DOCKET_API_KEY: _key, DOCKET_URL: _url, ...cleanEnv } = process.env;
const env = { ...cleanEnv, DOCKET_FLUSH_INTERVAL_MS: '10' };

const docket = (
  args: string[],
  extraEnv: Record<string, string> = {},
): { code: number; stdout: string; stderr: string } => {
  const r = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    env: { ...env, ...extraEnv },
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
};

interface Started {
  child: ChildProcessWithoutNullStreams;
  first: Record<string, unknown>;
  stderr: () => string;
}

/** Starts `docket serve … --json` and waits for its one JSON line. */
async function serve(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--json', ...args], { env });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const lines = createInterface({ input: child.stdout });
  const [line] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(() => {
      throw new Error(`docket serve exited early: ${stderr}`);
    }),
  ])) as [string];
  return { child, first: JSON.parse(line) as Record<string, unknown>, stderr: () => stderr };
}

/** SIGTERM and wait: everything accepted is durable when it exits 0. */
async function stop(server: Started): Promise<void> {
  if (server.child.exitCode !== null) return;
  server.child.kill('SIGTERM');
  const [code] = (await once(server.child, 'exit')) as [number | null];
  assert.equal(code, 0, server.stderr());
}

const get = async <T>(url: string, key: string): Promise<T> => {
  const res = await fetch(url, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(res.status, 200, `${url}: ${await res.clone().text()}`);
  return (await res.json()) as T;
};

const createKey = (data: string, role: string): string => {
  const r = docket([
    'keys',
    'create',
    '--role',
    role,
    '--tenant',
    'default',
    '--data',
    data,
    '--json',
  ]);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { key: string }).key;
};

interface DemoSummary {
  ok: boolean;
  recorded: number;
  skipped: number;
  events: { recorded: number; skipped: number };
  agents: Record<string, Record<string, number>>;
}

interface EntryView {
  id: string;
  content: Record<string, unknown> | null;
  events?: { content: Record<string, unknown> | null }[];
}

describe('docket demo', () => {
  test('records three agents in two versions each, with events, through the SDK; a second run duplicates nothing; verify is clean', async () => {
    const tmp = tempDir('docket-demo-');
    const data = join(tmp.dir, 'data');
    const server = await serve(['--data', data]);
    try {
      const url = server.first['url'] as string;
      const ingest = createKey(data, 'ingest');
      const auditor = createKey(data, 'auditor');
      const count = 60;

      const first = docket([
        'demo',
        '--url',
        url,
        '--api-key',
        ingest,
        '--count',
        String(count),
        '--json',
      ]);
      assert.equal(first.code, 0, first.stdout + first.stderr);
      const summary = JSON.parse(first.stdout) as DemoSummary;
      assert.equal(summary.ok, true);
      assert.equal(summary.recorded, count);
      assert.equal(summary.skipped, 0);
      assert.ok(summary.events.recorded > 0, 'overrides and effects are recorded');
      assert.deepEqual(Object.keys(summary.agents).sort(), [
        'claims-triage',
        'loan-underwriter',
        'sepsis-alert-triage',
      ]);
      for (const versions of Object.values(summary.agents)) {
        assert.equal(Object.keys(versions).length, 2, JSON.stringify(summary.agents));
      }

      // What the server holds: every agent and version, searchable; the log has every entry.
      for (const [agent, versions] of Object.entries(summary.agents)) {
        for (const [version, n] of Object.entries(versions)) {
          const page = await get<{ items: EntryView[] }>(
            `${url}/v1/decisions?agent=${agent}&agentVersion=${version}&limit=200`,
            auditor,
          );
          assert.equal(page.items.length, n, `${agent} ${version}`);
        }
      }
      const log = await get<{ size: number }>(`${url}/v1/log`, auditor);
      assert.equal(log.size, count + summary.events.recorded);

      // A decision with a human override: the record (tool and model I/O, versions, run id,
      // the redacted SSN) and its linked events.
      const overridden = Array.from({ length: count }, (_, i) => demoCase(DEMO_SEED, i)).find((c) =>
        c.events.some((e) => e.kind === 'override'),
      );
      assert.ok(overridden !== undefined, 'the first 60 decisions include an override');
      const view = await get<EntryView>(`${url}/v1/decisions/${overridden.id}`, auditor);
      const record = view.content as {
        agent: { id: string };
        subject: { id: string };
        model: { name: string };
        policy: { version: string };
        tools: unknown[];
        llm: unknown[];
        alternatives: unknown[];
        reasoning: unknown[];
        correlation: { orchestrator: { kind: string; runId: string } };
        context: { applicant?: { ssn: string } };
      };
      assert.equal(record.agent.id, overridden.agent);
      assert.ok(record.subject.id.length > 0);
      assert.ok(record.tools.length >= 2 && record.llm.length >= 1);
      assert.ok(record.alternatives.length === 3 && record.reasoning.length >= 3);
      assert.ok(
        ['dagster', 'temporal', 'trigger.dev'].includes(record.correlation.orchestrator.kind),
      );
      if (record.context.applicant !== undefined) {
        assert.match(record.context.applicant.ssn, /REDACTED/);
      }
      const kinds = (view.events ?? []).map((e) => e.content?.['kind']);
      assert.ok(kinds.includes('override'), JSON.stringify(kinds));
      const override = view.events!.find((e) => e.content?.['kind'] === 'override')!.content!;
      assert.equal(typeof override['actor'], 'string');
      assert.equal(typeof override['reason'], 'string');

      // Twice: all duplicates, nothing appended.
      const again = docket([
        'demo',
        '--url',
        url,
        '--api-key',
        ingest,
        '--count',
        String(count),
        '--json',
      ]);
      assert.equal(again.code, 0, again.stdout + again.stderr);
      const second = JSON.parse(again.stdout) as DemoSummary;
      assert.equal(second.recorded, 0);
      assert.equal(second.skipped, count);
      assert.deepEqual(second.events, { recorded: 0, skipped: summary.events.recorded });
      assert.equal((await get<{ size: number }>(`${url}/v1/log`, auditor)).size, log.size);

      // Keys that may not record: said plainly, exit 2.
      const reader = docket(['demo', '--url', url, '--api-key', createKey(data, 'reader')]);
      assert.equal(reader.code, 2, reader.stderr);
      assert.match(reader.stderr, /FORBIDDEN.*ingest or admin key/);
      const unknown = docket([
        'demo',
        '--url',
        url,
        '--api-key',
        'dk_aaaaaaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      ]);
      assert.equal(unknown.code, 2, unknown.stderr);
      assert.match(unknown.stderr, /UNAUTHENTICATED/);
      // The key from the environment works as --api-key does.
      const fromEnv = docket(['demo', '--url', url, '--count', '3', '--json'], {
        DOCKET_API_KEY: ingest,
      });
      assert.equal(fromEnv.code, 0, fromEnv.stderr);
      assert.equal((JSON.parse(fromEnv.stdout) as DemoSummary).skipped, 3);

      await stop(server);
      const verified = docket(['verify', '--data', data, '--json']);
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
      const report = JSON.parse(verified.stdout) as { ok: boolean; issues: unknown[] };
      assert.equal(report.ok, true);
      assert.deepEqual(report.issues, [], 'no producer gaps: the demo producer counts 0, 1, 2, …');
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      tmp.cleanup();
    }
  });

  test('bad input: a clear error and exit code 2 (usage) or 3 (server unreachable)', () => {
    const noKey = docket(['demo', '--url', 'http://127.0.0.1:9']);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /--api-key or DOCKET_API_KEY/);

    const key = ['--api-key', 'dk_aaaaaaaaaaaaaaaa_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'];
    for (const url of ['not a url', 'ftp://127.0.0.1/']) {
      const bad = docket(['demo', '--url', url, ...key]);
      assert.equal(bad.code, 2, url);
      assert.match(bad.stderr, /USAGE \(--url\)/);
    }
    for (const count of [
      ['--count', '-1'],
      ['--count=-1'],
      ['--count', 'many'],
      ['--count', '100001'],
    ]) {
      const bad = docket(['demo', '--url', 'http://127.0.0.1:9', ...key, ...count]);
      assert.equal(bad.code, 2, count.join(' '));
      assert.match(bad.stderr, /--count/);
    }
    const json = docket(['demo', '--url', 'http://127.0.0.1:9', ...key, '--count=-1', '--json']);
    assert.equal(json.code, 2);
    assert.equal((JSON.parse(json.stdout) as { error: { where: string } }).error.where, '--count');

    // Nothing listens on port 9 (discard) here: unreachable is an I/O error.
    const down = docket(['demo', '--url', 'http://127.0.0.1:9', ...key]);
    assert.equal(down.code, 3, down.stderr);
    assert.match(down.stderr, /SERVER_UNREACHABLE/);

    const help = docket(['demo', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--count N/);
    assert.match(help.stdout, /DOCKET_API_KEY/);
  });
});

describe('docket serve --demo', () => {
  test('fills itself with the demo, prints the address and an auditor key that signs in; a restart records nothing new and shows the same key', async () => {
    const tmp = tempDir('docket-serve-demo-');
    const data = join(tmp.dir, 'data');
    let server = await serve(['--data', data, '--demo']);
    try {
      const url = server.first['url'] as string;
      const auditorKey = server.first['auditorKey'] as string;
      const demo = server.first['demo'] as DemoSummary;
      assert.match(auditorKey, /^dk_/);
      assert.equal(typeof server.first['bootstrapKey'], 'string');
      assert.equal(demo.recorded, 300);
      assert.ok(demo.events.recorded > 0);
      assert.ok(server.first['ui'] === `${url}/ui/`);

      // The printed key signs in: an auditor reads content and the access log.
      const page = await get<{ items: EntryView[] }>(`${url}/v1/decisions?limit=5`, auditorKey);
      assert.equal(page.items.length, 5);
      assert.ok(page.items.every((i) => i.content !== null));
      await get<{ items: unknown[] }>(`${url}/v1/access-log`, auditorKey);
      // The demo's own requests are not in the server's log; later ones are.
      assert.doesNotMatch(server.stderr(), /"operation":"postDecisions"/);
      assert.equal(statSync(join(data, 'demo-keys.json')).mode & 0o777, 0o600);
      await stop(server);

      // A restart, as people see it (no --json): nothing new, the same key, the address.
      const child = spawn(
        process.execPath,
        [bin, 'serve', '--port', '0', '--data', data, '--demo'],
        {
          env,
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      server = { child, first: {}, stderr: () => stderr };
      while (!stderr.includes('Ctrl-C stops the server')) {
        if (child.exitCode !== null) assert.fail(`serve --demo exited: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.match(stderr, /listening on http:\/\/127\.0\.0\.1:\d+/);
      assert.match(stderr, /nothing new to record/);
      assert.ok(stderr.includes(`Sign in    ${auditorKey}`), stderr);
      assert.doesNotMatch(stderr, /Admin key/, 'the admin key is shown once, at the first start');
      const again = stderr.match(/listening on (http:\/\/\S+)/)![1]!;
      const log = await get<{ size: number }>(`${again}/v1/log`, auditorKey);
      assert.equal(log.size, 300 + demo.events.recorded);
      await stop(server);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
      tmp.cleanup();
    }
  });
});
