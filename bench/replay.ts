// npm run bench:replay — lockdown replays per second for an in-process TypeScript agent over a
// verified log of recorded decisions (5 tool calls each), and RSS at start and end (the selection
// is streamed, so memory should stay flat). Prints figures; asserts nothing.
//   --n N   decisions recorded, then replayed (BENCH_REPLAYS, 10000)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createFunctionAgent, openReplaySource, runReplay } from '@docket/cli';
import type { AgentFn } from '@docket/cli';
import { openLedger } from '@docket/ledger';
import { createUuidV7, DECISION_SCHEMA_V1 } from '@docket/protocol';
import type { DecisionRecord } from '@docket/protocol';
import { decide, wrapTool } from '@docket/sdk';
import { intOptions } from './workload.js';

const {
  ints: { n },
} = intOptions({ n: { env: 'BENCH_REPLAYS', fallback: 10_000, min: 1 } });
const TOOLS = ['identity.verify', 'bureau.get', 'income.verify', 'fraud.score', 'pricing.quote'];

function recorded(i: number): DecisionRecord {
  const score = 540 + ((i * 37) % 160);
  return {
    id: createUuidV7(),
    schema: DECISION_SCHEMA_V1,
    ts: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
    agent: { id: 'bench-agent', version: '1.0.0' },
    context: { applicant: `A-${i}`, amount: 1000 + i },
    tools: TOOLS.map((name, k) => ({
      name,
      args: { applicant: `A-${i}`, step: k },
      result: { score, ok: true, note: `answer ${k} for A-${i}` },
      duration: 3,
    })),
    outcome: { action: score >= 600 ? 'approve' : 'decline' },
    confidence: 0.9,
  };
}

const calls = TOOLS.map((name) =>
  wrapTool(name, (_args: { applicant: string; step: number }): { score: number } => {
    throw new Error('not reachable in a lockdown replay');
  }),
);
const agent: AgentFn = async (input) => {
  const applicant = (input.context as { applicant: string }).applicant;
  let score = 0;
  for (const [step, call] of calls.entries()) score = (await call({ applicant, step })).score;
  decide(score >= 600 ? 'approve' : 'decline', 0.9);
};

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const dir = mkdtempSync(join(tmpdir(), 'docket-bench-replay-'));
try {
  const ledger = await openLedger({ dataDir: dir, origin: 'bench.docket.local/replay' });
  for (let i = 0; i < n; i += 1000) {
    await Promise.all(
      Array.from({ length: Math.min(1000, n - i) }, (_, j) => ledger.append(recorded(i + j))),
    );
    await ledger.flush();
  }
  await ledger.close();
  const rssStart = process.memoryUsage().rss;
  const t0 = performance.now();
  const source = await openReplaySource({ dataDir: dir });
  const t1 = performance.now();
  let rssMid = 0;
  let done = 0;
  const summary = await runReplay(source.decisions({}), {
    mode: 'lockdown',
    agent: createFunctionAgent('bench', agent, 10_000),
    onResult: () => {
      if (++done === Math.floor(n / 2)) rssMid = process.memoryUsage().rss;
    },
  });
  const t2 = performance.now();
  await source.close();
  const rssEnd = process.memoryUsage().rss;
  const replaySeconds = (t2 - t1) / 1000;
  console.log(`replay (lockdown, in-process TS agent, ${TOOLS.length} tool calls each)`);
  console.log(`  decisions          ${n}`);
  console.log(`  audit of the log   ${((t1 - t0) / 1000).toFixed(2)} s`);
  console.log(
    `  replay             ${replaySeconds.toFixed(2)} s: ${Math.round(n / replaySeconds)}/s, ${Math.round((60 * n) / replaySeconds)}/min`,
  );
  console.log(
    `  verdicts           identical ${summary.verdicts.identical}, changed ${summary.verdicts.changed}, diverged ${summary.verdicts.diverged}, errors ${summary.verdicts.error}`,
  );
  console.log(
    `  RSS                start ${mb(rssStart)}, half-way ${mb(rssMid)}, end ${mb(rssEnd)}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
