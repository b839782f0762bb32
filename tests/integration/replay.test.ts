// Replay honesty and bad-input tests: a real log on disk (audited before replay), agents run
// in-process, as a module (`--agent-module`) and as a child process (`--command`).
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import {
  createCommandAgent,
  createFunctionAgent,
  DEMO_SEED,
  demoCase,
  demoReplayAgent,
  main,
  openReplaySource,
  parseGates,
  runReplay,
} from '@docket/cli';
import type { AgentFn, DecisionReplayResult, Io, ReplaySummary } from '@docket/cli';
import { dataDirPaths, openLedger } from '@docket/ledger';
import { createUuidV7, DECISION_SCHEMA_V1 } from '@docket/protocol';
import type { DecisionRecord } from '@docket/protocol';
import { createDocket, decide, wrapTool } from '@docket/sdk';
import { tempDir } from '../support/ledger-fixture.js';

const here = import.meta.dirname;
const DEMO_COUNT = 240;
let root: { dir: string; cleanup: () => void };
let rulesDir: string;
let demoDir: string;
/** Scores of the rule log's decisions, by id. */
const scores = new Map<string, number>();

/** A decision of the small rule agent, as the SDK records it: one tool call, then the outcome. */
function ruleDecision(i: number): DecisionRecord {
  const score = 540 + ((i * 37) % 160);
  const record: DecisionRecord = {
    id: createUuidV7(),
    schema: DECISION_SCHEMA_V1,
    ts: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
    agent: { id: 'rule-agent', version: '1.0.0' },
    subject: { id: `S-${i}`, type: 'applicant' },
    context: { applicant: `A-${i}` },
    tools: [{ name: 'bureau.get', args: { id: `A-${i}` }, result: { score }, duration: 3 }],
    outcome: { action: score >= 600 ? 'approve' : 'decline' },
    confidence: 0.9,
  };
  scores.set(record.id, score);
  return record;
}

/** The rule agent at a threshold, optionally making one more call than it recorded. */
function ruleAgent(threshold: number, extraCall = false): AgentFn {
  const bureau = wrapTool('bureau.get', (_args: { id: string }): { score: number } => {
    throw new Error('not reachable in replay');
  });
  return async (input) => {
    const applicant = (input.context as { applicant: string }).applicant;
    const { score } = await bureau({ id: applicant });
    if (extraCall) await bureau({ id: `${applicant}/co-signer` });
    decide(score >= threshold ? 'approve' : 'decline', 0.9);
  };
}

const results = async (
  dir: string,
  agent: AgentFn,
  options: { ids?: string[]; timeoutMs?: number; agentId?: string } = {},
): Promise<{ summary: ReplaySummary; each: DecisionReplayResult[] }> => {
  const source = await openReplaySource({ dataDir: dir });
  const each: DecisionReplayResult[] = [];
  try {
    const summary = await runReplay(
      source.decisions(
        options.ids === undefined
          ? options.agentId === undefined
            ? {}
            : { agentId: options.agentId }
          : { ids: options.ids },
      ),
      {
        mode: 'lockdown',
        agent: createFunctionAgent('test', agent, options.timeoutMs ?? 5_000),
        onResult: (r) => {
          each.push(r);
        },
      },
    );
    return { summary, each };
  } finally {
    await source.close();
  }
};

/** Runs the CLI in-process; returns its exit code and output. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    stderrIsTty: false,
  };
  const code = await main(args, io);
  return { code, out, err };
}

before(async () => {
  root = tempDir('docket-replay-');
  rulesDir = join(root.dir, 'rules');
  demoDir = join(root.dir, 'demo');
  const ledger = await openLedger({ dataDir: rulesDir, origin: 'test.docket.local/replay' });
  try {
    await Promise.all(Array.from({ length: 60 }, (_, i) => ledger.append(ruleDecision(i))));
    await ledger.flush();
    await ledger.erase('S-7', 'data subject request');
    await ledger.flush();
  } finally {
    await ledger.close();
  }
  // The demo, recorded through the SDK's embedded ledger exactly as `docket demo` records it.
  const docket = createDocket({
    dataDir: demoDir,
    producerId: 'docket-demo',
    handleExit: false,
    otel: false,
    env: {},
  });
  for (let i = 0; i < DEMO_COUNT; i++) {
    const c = demoCase(DEMO_SEED, i);
    if (c.via === 'record') docket.record(c.meta, c.act);
    else docket.capture(c.decision);
  }
  assert.equal(await docket.shutdown(30_000), true);
});
after(() => {
  root.cleanup();
});

describe('replay honesty', () => {
  test('the unchanged demo loan agent in lockdown: 0 flips, 0 divergences, all identical', async () => {
    const { summary } = await results(demoDir, demoReplayAgent(), {
      agentId: 'loan-underwriter',
    });
    assert.ok(summary.selected > 80, `only ${summary.selected} loan decisions`);
    assert.equal(summary.flips, 0);
    assert.equal(summary.verdicts.diverged, 0);
    assert.equal(summary.verdicts.error, 0);
    assert.equal(summary.verdicts.identical, summary.selected);
  });

  test('a changed rule flips exactly the decisions whose score lies between the thresholds', async () => {
    const { summary, each } = await results(rulesDir, ruleAgent(650));
    const flipped = each.filter((r) => r.verdict === 'changed').map((r) => r.id);
    const expected = [...scores]
      .filter(
        ([id, s]) => s >= 600 && s < 650 && each.some((r) => r.id === id && r.verdict !== 'erased'),
      )
      .map(([id]) => id);
    assert.ok(expected.length > 5);
    assert.deepEqual(flipped.sort(), expected.sort());
    for (const r of each.filter((x) => x.verdict === 'changed')) {
      assert.deepEqual([r.diff?.outcome.before, r.diff?.outcome.after], ['approve', 'decline']);
    }
    assert.equal(summary.flips, expected.length);
    assert.equal(summary.verdicts.erased, 1);
  });

  test('an extra tool call diverges at that call, showing the new request', async () => {
    const { summary, each } = await results(rulesDir, ruleAgent(600, true));
    assert.equal(summary.verdicts.diverged, summary.selected - 1);
    const divergence = each.find((r) => r.verdict === 'diverged')?.divergence;
    assert.ok(divergence !== undefined);
    assert.equal(divergence.code, 'REPLAY_UNRECORDED_CALL');
    assert.equal(divergence.kind, 'tool');
    assert.equal(divergence.seq, 1);
    assert.match((divergence.actual.request as { id: string }).id, /co-signer$/);
  });

  test('a tampered recording is refused: REPLAY_LOG_UNVERIFIED, nothing replayed', async () => {
    const dir = join(root.dir, 'tampered');
    cpSync(rulesDir, dir, { recursive: true });
    const db = new Database(dataDirPaths(dir).db);
    try {
      // Subject-less content is stored in clear; this rule log's has subjects, so change a
      // search column and a leaf byte instead: any change must make the audit fail.
      const row = db.prepare('SELECT idx, leaf FROM entries WHERE idx = 3').get() as {
        idx: number;
        leaf: Buffer;
      };
      const leaf = Buffer.from(row.leaf);
      const at = leaf.length - 3;
      leaf.writeUInt8(leaf.readUInt8(at) ^ 1, at);
      db.prepare('UPDATE entries SET leaf = ? WHERE idx = ?').run(leaf, row.idx);
    } finally {
      db.close();
    }
    await assert.rejects(openReplaySource({ dataDir: dir }), { code: 'REPLAY_LOG_UNVERIFIED' });
    const run = await cli(['replay', '--data', dir, '--demo', '--json']);
    assert.equal(run.code, 1);
    assert.equal(
      (JSON.parse(run.out) as { error: { code: string } }).error.code,
      'REPLAY_LOG_UNVERIFIED',
    );
  });
});

describe('replay bad input: each reported per decision, the run finishes', () => {
  test('throws, hangs, returns an invalid decision or makes no decision', async () => {
    let n = 0;
    const agent: AgentFn = () => {
      const kind = n++ % 4;
      if (kind === 0) throw new Error('boom');
      if (kind === 1) return new Promise(() => undefined);
      if (kind === 2) return { outcome: { action: 42 } };
      return undefined;
    };
    const { summary, each } = await results(rulesDir, agent, { timeoutMs: 100 });
    const codes = each.filter((r) => r.verdict === 'error').map((r) => r.code);
    assert.deepEqual(
      new Set(codes),
      new Set(['REPLAY_AGENT_THREW', 'REPLAY_AGENT_TIMEOUT', 'REPLAY_AGENT_INVALID']),
    );
    assert.equal(summary.verdicts.error, summary.selected - 1);
    assert.equal(summary.verdicts.erased, 1);
    assert.equal(summary.codes['REPLAY_ERASED'], 1);
  });

  test('a selection that matches nothing is an error with its own code', async () => {
    const run = await cli([
      'replay',
      '--data',
      rulesDir,
      '--demo',
      '--select',
      'agent=nobody',
      '--json',
    ]);
    assert.equal(run.code, 1);
    assert.equal(
      (JSON.parse(run.out) as { error: { code: string } }).error.code,
      'REPLAY_SELECTION_EMPTY',
    );
  });

  test('a child process: answers, breaks the protocol, and hangs (killed at the timeout)', async () => {
    const script = join(root.dir, 'child.mjs');
    writeFileSync(
      script,
      `import { createInterface } from 'node:readline';
for await (const line of createInterface({ input: process.stdin })) {
  const req = JSON.parse(line);
  const k = Number(req.input.context.applicant.slice(2)) % 3;
  if (k === 0) process.stdout.write(JSON.stringify({ type: 'result', id: req.id, decision: { outcome: { action: 'approve' } }, divergence: null }) + '\\n');
  else if (k === 1) process.stdout.write('not json\\n');
  else await new Promise(() => undefined);
}
`,
    );
    const source = await openReplaySource({ dataDir: rulesDir });
    try {
      const agent = createCommandAgent(`"${process.execPath}" "${script}"`, 3_000);
      const each: DecisionReplayResult[] = [];
      const ids = [...scores.keys()].slice(0, 6);
      const summary = await runReplay(source.decisions({ ids }), {
        mode: 'lockdown',
        agent,
        onResult: (r) => {
          each.push(r);
        },
      });
      await agent.close();
      assert.equal(summary.selected, 6);
      const kinds = new Set(each.map((r) => r.code ?? r.verdict));
      assert.ok(kinds.has('REPLAY_PROTOCOL'), [...kinds].join());
      assert.ok(kinds.has('REPLAY_AGENT_TIMEOUT'), [...kinds].join());
      assert.ok(each.some((r) => r.verdict === 'identical' || r.verdict === 'changed'));
    } finally {
      await source.close();
    }
  });
});

describe('docket replay (CLI)', () => {
  test('--agent-module with a gate: passes unchanged, fails (exit 1) when the rule moves', async () => {
    const module = join(here, 'fixtures', 'replay-agent.js');
    const out = join(root.dir, 'results.jsonl');
    const pass = await cli([
      'replay',
      '--data',
      rulesDir,
      '--agent-module',
      module,
      '--gate',
      'flip-rate<=0.02',
      '--out',
      out,
      '--json',
    ]);
    assert.equal(pass.code, 0, pass.out + pass.err);
    const lines = readFileSync(out, 'utf8').trim().split('\n');
    assert.equal(lines.length, 61);
    assert.equal((JSON.parse(lines.at(-1)!) as { type: string }).type, 'summary');
    process.env['DOCKET_TEST_THRESHOLD'] = '650';
    try {
      const fail = await cli([
        'replay',
        '--data',
        rulesDir,
        '--agent-module',
        module,
        '--gate',
        'flip-rate<=0.02',
      ]);
      assert.equal(fail.code, 1);
      assert.match(fail.out, /gate flip-rate<=0\.02: FAILED/);
    } finally {
      delete process.env['DOCKET_TEST_THRESHOLD'];
    }
  });

  test('--demo lockdown replays the loan agent identically; --candidate 2.4.0 flips some 2.3.1 decisions', async () => {
    const same = await cli([
      'replay',
      '--data',
      demoDir,
      '--demo',
      '--select',
      'agent=loan-underwriter',
      '--json',
    ]);
    assert.equal(same.code, 0, same.err);
    const s = JSON.parse(same.out) as ReplaySummary;
    assert.equal(s.flips, 0);
    assert.equal(s.verdicts.diverged, 0);
    const cand = await cli([
      'replay',
      '--data',
      demoDir,
      '--demo',
      '--candidate',
      '2.4.0',
      '--mode',
      'counterfactual',
      '--samples',
      '1',
      '--select',
      'agent=loan-underwriter,version=2.3.1',
      '--gate',
      'flip-rate<=0.02',
      '--json',
    ]);
    const c = JSON.parse(cand.out) as ReplaySummary;
    assert.ok(c.flips > 0, cand.out);
    assert.equal(c.baseline?.flipRate.k, 0);
    assert.equal(cand.code, c.passed ? 0 : 1);
    assert.equal(c.passed, c.flipRate.rate <= 0.02);
  });

  test('bad flags are usage errors', async () => {
    assert.deepEqual(parseGates('flip-rate<=0.02')[0]?.threshold, 0.02);
    assert.throws(() => parseGates('flips<0.1'), { code: 'USAGE' });
    const run = await cli(['replay', '--data', rulesDir, '--mode', 'sideways', '--demo']);
    assert.equal(run.code, 2);
  });
});
