/**
 * Replay mode of the recording wrappers: inside {@link replayDecision}, a wrapped tool or model
 * call is answered from the decision's recording instead of being made. Calls are matched by
 * order (the n-th tool call against the n-th recorded one, the same for model calls) and by the
 * SHA-256 of the request's RFC 8785 canonical JSON; a call the recording lacks or a changed
 * request is a divergence (Temporal's nondeterminism error), which stops the decision there.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { DecisionRecord } from '@docket/protocol';
import { canonicalize } from '@docket/protocol';
import { SdkError } from '../errors.js';

type ToolCall = NonNullable<DecisionRecord['tools']>[number];
type LlmCall = NonNullable<DecisionRecord['llm']>[number];

/**
 * `lockdown`: every tool and model call from the recording; `counterfactual`: tools from the
 * recording, model calls made live (a new model, prompt or policy version).
 *
 * @example
 * const mode: ReplayMode = 'lockdown';
 */
export type ReplayMode = 'lockdown' | 'counterfactual';

/**
 * The recorded I/O a replay answers from: a decision's `tools[]` and `llm[]`, in call order.
 *
 * @example
 * const recording: ReplayRecording = { tools: record.tools ?? [], llm: record.llm ?? [] };
 */
export interface ReplayRecording {
  readonly tools?: readonly ToolCall[];
  readonly llm?: readonly LlmCall[];
}

/**
 * One call as replay sees it: its kind, its position among the calls of that kind (`seq`, from
 * 0), its name (the tool, or the request's `model`), the request and its digest.
 *
 * @example
 * const call: ReplayCall = { kind: 'tool', seq: 1, name: 'credit_bureau.get_report', request: { id: 'A1' }, digest: 'sha256:…' };
 */
export interface ReplayCall {
  readonly kind: 'tool' | 'llm';
  readonly seq: number;
  readonly name: string;
  readonly request: unknown;
  readonly digest: string;
}

/**
 * The first point where the replayed agent left its recording: a call the recording does not
 * have (`REPLAY_UNRECORDED_CALL`, `recorded` null) or a call whose name or request differs
 * (`REPLAY_REQUEST_CHANGED`).
 *
 * @example
 * if (d !== null) console.log(`${d.actual.kind} #${d.seq}: ${d.code}`);
 */
export interface ReplayDivergence {
  readonly code: 'REPLAY_UNRECORDED_CALL' | 'REPLAY_REQUEST_CHANGED';
  readonly kind: 'tool' | 'llm';
  readonly seq: number;
  readonly recorded: ReplayCall | null;
  readonly actual: ReplayCall;
}

/**
 * `sha256:` + hex SHA-256 of a request's RFC 8785 canonical JSON (the match key of a call).
 *
 * @example
 * requestDigest({ b: 1, a: 2 }) === requestDigest({ a: 2, b: 1 }); // true
 */
export function requestDigest(request: unknown): string {
  const text = canonicalize(request === undefined ? null : request);
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** What the wrappers see while a replay runs. */
export class ReplaySession {
  readonly mode: ReplayMode;
  readonly #tools: readonly ToolCall[];
  readonly #llm: readonly LlmCall[];
  #toolSeq = 0;
  #llmSeq = 0;
  #divergence: ReplayDivergence | null = null;

  constructor(mode: ReplayMode, recording: ReplayRecording) {
    this.mode = mode;
    this.#tools = recording.tools ?? [];
    this.#llm = recording.llm ?? [];
  }

  /** The first divergence, or null. */
  get divergence(): ReplayDivergence | null {
    return this.#divergence;
  }

  /** Recorded calls the replay did not use (the new agent made fewer). */
  unused(): { readonly tools: number; readonly llm: number } {
    // In counterfactual mode model calls are live: the recorded ones are not expected.
    const llm = this.mode === 'lockdown' ? this.#llm.length - this.#llmSeq : 0;
    return { tools: Math.max(0, this.#tools.length - this.#toolSeq), llm: Math.max(0, llm) };
  }

  /** The recorded tool call answering this one; throws `REPLAY_DIVERGED` when there is none. */
  nextTool(name: string, args: unknown): ToolCall {
    const seq = this.#toolSeq++;
    const actual: ReplayCall = {
      kind: 'tool',
      seq,
      name,
      request: args ?? null,
      digest: requestDigest(args ?? null),
    };
    const recorded = this.#tools[seq];
    return this.#match(actual, recorded, recorded?.name, recorded?.args);
  }

  /** The recorded model call answering this one; throws `REPLAY_DIVERGED` when there is none. */
  nextLlm(request: unknown): LlmCall {
    const seq = this.#llmSeq++;
    const actual: ReplayCall = {
      kind: 'llm',
      seq,
      name: modelName(request),
      request,
      digest: requestDigest(request),
    };
    const recorded = this.#llm[seq];
    return this.#match(
      actual,
      recorded,
      recorded && modelName(recorded.request),
      recorded?.request,
    );
  }

  #match<T>(
    actual: ReplayCall,
    recorded: T | undefined,
    recordedName: string | undefined,
    recordedRequest: unknown,
  ): T {
    // After a divergence every call fails the same way: the decision stops at the first one.
    if (this.#divergence !== null) throw divergedError(this.#divergence);
    if (recorded === undefined) {
      return this.#diverge({
        code: 'REPLAY_UNRECORDED_CALL',
        kind: actual.kind,
        seq: actual.seq,
        recorded: null,
        actual,
      });
    }
    const expected: ReplayCall = {
      kind: actual.kind,
      seq: actual.seq,
      name: recordedName ?? '',
      request: recordedRequest ?? null,
      digest: requestDigest(recordedRequest ?? null),
    };
    if (expected.name !== actual.name || expected.digest !== actual.digest) {
      return this.#diverge({
        code: 'REPLAY_REQUEST_CHANGED',
        kind: actual.kind,
        seq: actual.seq,
        recorded: expected,
        actual,
      });
    }
    return recorded;
  }

  #diverge(divergence: ReplayDivergence): never {
    this.#divergence = divergence;
    throw divergedError(divergence);
  }
}

function modelName(request: unknown): string {
  const model =
    typeof request === 'object' && request !== null
      ? (request as { model?: unknown }).model
      : undefined;
  return typeof model === 'string' ? model : '';
}

function divergedError(d: ReplayDivergence): SdkError {
  return new SdkError(
    'REPLAY_DIVERGED',
    `${d.kind} call #${d.seq} (${d.actual.name}) ${
      d.recorded === null ? 'is not in the recording' : 'differs from the recorded request'
    }`,
    { where: `${d.kind}[${d.seq}]` },
  );
}

const sessions = new AsyncLocalStorage<ReplaySession>();

/** The replay session of the current async context, or undefined (normal recording). */
export function currentReplay(): ReplaySession | undefined {
  return sessions.getStore();
}

/** Runs `fn` with `session` as the current replay session. */
export function runInReplay<T>(session: ReplaySession, fn: () => T): T {
  return sessions.run(session, fn);
}
