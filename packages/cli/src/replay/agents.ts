/**
 * The agents a replay runs: an in-process function (`--agent-module`, or the demo's agents) run
 * through the SDK's `replayDecision`, or a child process speaking the line-delimited JSON
 * protocol of docs/replay.md (`--command`). Either way each replay ends as a {@link AgentOutcome}:
 * a decision, a divergence or a coded error; nothing an agent does stops the run.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { checkDecision, DocketError } from '@docket/protocol';
import type { DecisionRecord } from '@docket/protocol';
import { replayDecision } from '@docket/sdk';
import type { RecordMeta, ReplayDivergence, ReplayMode, ReplayRecording } from '@docket/sdk';
import type { Decided } from './diff.js';

/** The recorded decision without what the agent decides: what a replayed agent is given. */
export type ReplayInput = Omit<
  DecisionRecord,
  'outcome' | 'alternatives' | 'reasoning' | 'confidence' | 'tools' | 'llm' | 'human' | 'producer'
>;

/**
 * An in-process agent: called with the recorded input; it decides through the SDK (`decide()`,
 * `consider()`, `reason()`, wrapped tools and models) or returns `{ outcome, confidence?,
 * alternatives?, reasoning? }`.
 *
 * @example
 * const agent: AgentFn = async (input) => ({ outcome: { action: score(input.context) > 0.5 ? 'approve' : 'refer' } });
 */
export type AgentFn = (
  input: ReplayInput,
  context: { readonly mode: ReplayMode; readonly sample: number },
) => unknown;

/**
 * One replay of one decision.
 *
 * @example
 * const job: ReplayJob = { mode: 'lockdown', sample: 0, input, recording: { tools, llm } };
 */
export interface ReplayJob {
  readonly mode: ReplayMode;
  readonly sample: number;
  readonly input: ReplayInput;
  readonly recording: ReplayRecording;
}

/** Codes of an agent's failure on one decision. */
export type AgentErrorCode =
  'REPLAY_AGENT_THREW' | 'REPLAY_AGENT_TIMEOUT' | 'REPLAY_AGENT_INVALID' | 'REPLAY_PROTOCOL';

/**
 * How one replay ended.
 *
 * @example
 * if (outcome.status === 'decided') diffDecision(recorded, outcome.decision);
 */
export type AgentOutcome =
  | {
      readonly status: 'decided';
      readonly decision: Decided;
      readonly unused: { readonly tools: number; readonly llm: number };
    }
  | { readonly status: 'diverged'; readonly divergence: ReplayDivergence }
  | { readonly status: 'failed'; readonly code: AgentErrorCode; readonly message: string };

/**
 * A replayable agent: `run` never rejects; `close` ends what it started.
 *
 * @example
 * const outcome = await agent.run(job);
 */
export interface ReplayAgent {
  readonly name: string;
  run(job: ReplayJob): Promise<AgentOutcome>;
  close(): Promise<void>;
}

const failed = (code: AgentErrorCode, message: string): AgentOutcome => ({
  status: 'failed',
  code,
  message,
});

const errorMessage = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);

/**
 * Checks a replayed decision: a full v1 record must validate (else `REPLAY_AGENT_INVALID`,
 * naming the first schema issue).
 */
function checkDecided(input: ReplayInput, decided: Decided): AgentOutcome | undefined {
  const check = checkDecision({ ...input, ...decided });
  if (check.ok) return undefined;
  const first = check.issues[0];
  return failed(
    'REPLAY_AGENT_INVALID',
    `invalid decision${first === undefined ? '' : `: ${first.where ?? ''} ${first.message}`}`,
  );
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Picks the decided parts out of an agent's return value (and what the SDK captured). */
function decidedOf(captured: Decided | undefined, value: unknown): Decided | undefined {
  const returned = isObject(value) && 'outcome' in value ? value : undefined;
  if (returned === undefined) {
    // `record()` falls back to `completed` when the agent never called decide().
    if (captured === undefined || captured.outcome.action === 'completed') return undefined;
    return captured;
  }
  const pick = (key: 'confidence' | 'alternatives' | 'reasoning'): Partial<Decided> =>
    key in returned
      ? { [key]: returned[key] }
      : captured?.[key] === undefined
        ? {}
        : { [key]: captured[key] };
  return {
    outcome: returned['outcome'] as Decided['outcome'],
    ...pick('confidence'),
    ...pick('alternatives'),
    ...pick('reasoning'),
    ...(captured?.tools === undefined ? {} : { tools: captured.tools }),
    ...(captured?.llm === undefined ? {} : { llm: captured.llm }),
  };
}

/**
 * Runs an agent function in this process, each replay under `replayDecision`, racing a timeout.
 * A synchronous endless loop cannot be stopped in-process: run such an agent with `--command`.
 *
 * @example
 * const agent = createFunctionAgent('demo', demoAgent, 10_000);
 */
export function createFunctionAgent(name: string, fn: AgentFn, timeoutMs: number): ReplayAgent {
  return {
    name,
    async run(job) {
      const meta: RecordMeta = { ...(job.input as RecordMeta) };
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'timeout'>((done) => {
        timer = setTimeout(() => {
          done('timeout');
        }, timeoutMs);
      });
      const replayed = await Promise.race([
        replayDecision({
          mode: job.mode,
          recording: job.recording,
          meta,
          run: () => fn(job.input, { mode: job.mode, sample: job.sample }),
        }),
        late,
      ]);
      clearTimeout(timer);
      if (replayed === 'timeout') {
        return failed('REPLAY_AGENT_TIMEOUT', `no decision within ${timeoutMs} ms`);
      }
      if (replayed.divergence !== null) {
        return { status: 'diverged', divergence: replayed.divergence };
      }
      if (replayed.threw) return failed('REPLAY_AGENT_THREW', errorMessage(replayed.error));
      const decided = decidedOf(replayed.decision, replayed.value);
      if (decided === undefined) {
        return failed(
          'REPLAY_AGENT_INVALID',
          'the agent made no decision (no decide(), no outcome)',
        );
      }
      return (
        checkDecided(job.input, decided) ?? {
          status: 'decided',
          decision: decided,
          unused: replayed.unused,
        }
      );
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Loads `--agent-module`: its default export, or its export named `agent`, is the agent.
 * `USAGE` (where `--agent-module`) when it cannot be imported or exports no function.
 *
 * @example
 * const agent = await loadModuleAgent('./agent.js', 10_000);
 */
export async function loadModuleAgent(path: string, timeoutMs: number): Promise<ReplayAgent> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (cause) {
    throw new DocketError('USAGE', `cannot import ${path}: ${errorMessage(cause)}`, {
      where: '--agent-module',
      cause,
    });
  }
  const fn = module['default'] ?? module['agent'];
  if (typeof fn !== 'function') {
    throw new DocketError('USAGE', `${path} exports no function (default or "agent")`, {
      where: '--agent-module',
    });
  }
  return createFunctionAgent(path, fn as AgentFn, timeoutMs);
}

/** One child process and the reply it owes. */
interface Child {
  readonly process: ChildProcessWithoutNullStreams;
  pending: ((reply: { line: string } | null) => void) | undefined;
  stderr: string;
}

/**
 * Runs `--command` as a child process (through the shell) speaking the line-delimited JSON
 * protocol of docs/replay.md: one `replay` request per line on its stdin, one `result` or
 * `error` line per request on its stdout. A child that breaks the protocol, dies or times out
 * is killed and started again for the next decision.
 *
 * @example
 * const agent = createCommandAgent('python agent.py', 10_000);
 */
export function createCommandAgent(command: string, timeoutMs: number): ReplayAgent {
  let child: Child | undefined;

  const start = (): Child => {
    const process = spawn(command, { shell: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const started: Child = { process, pending: undefined, stderr: '' };
    const lines = createInterface({ input: process.stdout });
    lines.on('line', (line) => {
      const reply = started.pending;
      started.pending = undefined;
      reply?.({ line });
    });
    process.stderr.setEncoding('utf8');
    process.stderr.on('data', (chunk: string) => {
      // Keep the tail only: it explains a crash without growing with a chatty agent.
      started.stderr = (started.stderr + chunk).slice(-2000);
    });
    process.on('exit', () => {
      if (child === started) child = undefined;
      const reply = started.pending;
      started.pending = undefined;
      reply?.(null);
    });
    process.stdin.on('error', () => {
      // A child that exits before reading: reported through 'exit'.
    });
    return started;
  };

  const kill = (c: Child): void => {
    if (child === c) child = undefined;
    c.process.kill('SIGKILL');
  };

  return {
    name: command,
    async run(job) {
      const c = (child ??= start());
      const id = job.input.id;
      let timer: NodeJS.Timeout | undefined;
      const line = await new Promise<{ line: string } | null | 'timeout'>((done) => {
        c.pending = done;
        timer = setTimeout(() => {
          done('timeout');
        }, timeoutMs);
        c.process.stdin.write(
          `${JSON.stringify({
            type: 'replay',
            id,
            mode: job.mode,
            sample: job.sample,
            input: job.input,
            recording: { tools: job.recording.tools ?? [], llm: job.recording.llm ?? [] },
          })}\n`,
        );
      });
      clearTimeout(timer);
      if (line === 'timeout') {
        kill(c);
        return failed('REPLAY_AGENT_TIMEOUT', `no answer within ${timeoutMs} ms (killed)`);
      }
      if (line === null) {
        const why = c.stderr.trim().split('\n').slice(-3).join(' | ');
        return failed('REPLAY_PROTOCOL', `the child process exited${why ? `: ${why}` : ''}`);
      }
      return parseReply(job, line.line, () => {
        kill(c);
      });
    },
    async close() {
      const c = child;
      if (c === undefined) return;
      child = undefined;
      const exited = new Promise<void>((done) => {
        c.process.once('exit', () => {
          done();
        });
      });
      c.process.stdin.end();
      const timer = setTimeout(() => c.process.kill('SIGKILL'), 2_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Reads one reply line of the child protocol; a broken one kills the child. */
function parseReply(job: ReplayJob, line: string, kill: () => void): AgentOutcome {
  let reply: unknown;
  try {
    reply = JSON.parse(line);
  } catch {
    kill();
    return failed('REPLAY_PROTOCOL', `not a JSON line: ${line.slice(0, 120)}`);
  }
  if (!isObject(reply) || reply['id'] !== job.input.id) {
    kill();
    return failed('REPLAY_PROTOCOL', `a reply that does not answer ${job.input.id}`);
  }
  if (reply['type'] === 'error') {
    const message = reply['message'];
    return failed('REPLAY_AGENT_THREW', typeof message === 'string' ? message : 'the agent failed');
  }
  if (reply['type'] !== 'result') {
    kill();
    return failed('REPLAY_PROTOCOL', `unknown reply type ${JSON.stringify(reply['type'])}`);
  }
  const divergence = reply['divergence'];
  if (isObject(divergence)) {
    return { status: 'diverged', divergence: divergence as unknown as ReplayDivergence };
  }
  const decision = reply['decision'];
  if (!isObject(decision) || !isObject(decision['outcome'])) {
    return failed('REPLAY_AGENT_INVALID', 'the reply has no decision with an outcome');
  }
  const decided = decision as unknown as Decided;
  const unused = reply['unused'];
  return (
    checkDecided(job.input, decided) ?? {
      status: 'decided',
      decision: decided,
      unused: isObject(unused)
        ? { tools: Number(unused['tools'] ?? 0), llm: Number(unused['llm'] ?? 0) }
        : { tools: 0, llm: 0 },
    }
  );
}
