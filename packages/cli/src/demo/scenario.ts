/**
 * What a demo scenario produces for one index: a decision (recorded through the SDK's
 * `record()` or `capture()`) and the later facts about it (human overrides, downstream effects,
 * outcome updates) that go to `POST /v1/decisions/{id}/events`.
 */
import type { DecisionInput, RecordMeta } from '@docket/sdk';
import type { DemoRandom } from './random.js';
import { demoUuidV7 } from './random.js';

/** A JSON value as the events API takes it. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * One later fact about a decision: the `EventInput` body of `POST /v1/decisions/{id}/events`.
 *
 * @example
 * const event: DemoEvent = { id, ts, kind: 'effect', effect: { type: 'loan.funded', amount: 12000 } };
 */
export interface DemoEvent {
  readonly id: string;
  readonly ts: string;
  readonly kind: 'effect' | 'override' | 'outcome';
  readonly actor?: string;
  readonly reason?: string;
  readonly effect?: { [key: string]: Json };
  readonly outcome?: { action: string; value?: Json; target?: string };
  readonly metadata?: { [key: string]: Json };
}

/**
 * One demo decision. `record`: the agent's code runs inside `docket.record(meta, act)` and adds
 * tool and model calls, alternatives, reasoning and the outcome as it goes; `capture`: a rule
 * engine's whole decision handed to `docket.capture()`.
 *
 * @example
 * const c: DemoCase = { index: 0, id, agent: 'loan-underwriter', version: '2.3.1', via: 'capture', decision, events: [] };
 */
export type DemoCase = {
  readonly index: number;
  readonly id: string;
  readonly agent: string;
  readonly version: string;
  readonly events: readonly DemoEvent[];
} & (
  | { readonly via: 'record'; readonly meta: RecordMeta; readonly act: () => void }
  | { readonly via: 'capture'; readonly decision: DecisionInput }
);

/** What a demo agent replays from: the recorded decision's id, agent and input. */
export interface DemoReplayInput {
  readonly id: string;
  readonly agent: { readonly id: string; readonly version: string };
}

/** What every scenario gets for one index. */
export interface CaseInput {
  readonly seed: string;
  readonly index: number;
  /** The decision's id (a UUIDv7 at `ms`, derived from the seed and index). */
  readonly id: string;
  /** Decision time in Unix milliseconds. */
  readonly ms: number;
  readonly rng: DemoRandom;
  /** Which agent version (0: the older, 1: the newer). */
  readonly generation: 0 | 1;
}

/** RFC 3339 UTC time with milliseconds. */
export const iso = (ms: number): string => new Date(ms).toISOString();

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/**
 * Builds the events of one decision with deterministic ids (UUIDv7 at the event's time).
 *
 * @example
 * const events = eventsOf(input, [{ after: 2 * HOUR, kind: 'effect', effect: { type: 'x' } }]);
 */
export function eventsOf(
  input: CaseInput,
  drafts: readonly (Omit<DemoEvent, 'id' | 'ts'> & { readonly after: number })[],
): DemoEvent[] {
  return drafts.map(({ after, ...event }, n) => {
    const ms = input.ms + Math.round(after);
    return { id: demoUuidV7(ms, input.seed, 'event', input.index, n), ts: iso(ms), ...event };
  });
}

/** People who review and act on decisions, per team (user ids, as an identity provider has them). */
export const STAFF = {
  underwriters: ['uw.mchen', 'uw.aokafor', 'uw.lgarcia', 'uw.pnair'],
  seniorUnderwriters: ['senior-uw.rbellamy', 'senior-uw.tkowalski'],
  adjusters: ['adj.jmorales', 'adj.swright', 'adj.hnguyen', 'adj.dpatel'],
  siu: ['siu.kfraser', 'siu.obanjo'],
  clinicians: ['rn.ajohnson', 'rn.mlopez', 'md.schen', 'md.rkhan'],
} as const;

/** Given and family names for made-up people (the demo's subjects are fictional). */
const GIVEN =
  'Maria James Aisha Wei Olivia Mateo Priya Noah Fatima Liam Sofia Kwame Emma Hiroshi Chloe Diego Amara Lucas Ingrid Omar'.split(
    ' ',
  );
const FAMILY =
  'Garcia Smith Okafor Zhang Johnson Rossi Patel Brown Haddad Novak Silva Mensah Taylor Tanaka Dubois Lopez Nwosu Schmidt Larsen Khan'.split(
    ' ',
  );

/**
 * A made-up person for a subject id: always the same for the same id.
 *
 * @example
 * const p = personOf(rngFor('APP-100042'));
 */
export function personOf(rng: DemoRandom): {
  name: string;
  birthYear: number;
  email: string;
  phone: string;
} {
  const given = rng.pick(GIVEN);
  const family = rng.pick(FAMILY);
  return {
    name: `${given} ${family}`,
    birthYear: rng.int(1952, 2002),
    email: `${given.toLowerCase()}.${family.toLowerCase()}${rng.int(1, 99)}@example.com`,
    phone: `+1-555-${String(rng.int(100, 999))}-${String(rng.int(1000, 9999))}`,
  };
}

/** What an OpenAI-style demo call is made of: the model, the prompts and the agent's answer. */
export interface OpenAiCallSpec {
  readonly model: string;
  readonly snapshot: string;
  readonly system: string;
  readonly user: Json;
  readonly answer: Json;
}

/**
 * The request of an OpenAI-style chat completion call (what replay matches on).
 *
 * @example
 * const request = openAiRequest({ model: 'gpt-4o', system, user });
 */
export function openAiRequest(call: Pick<OpenAiCallSpec, 'model' | 'system' | 'user'>): {
  [key: string]: Json;
} {
  return {
    model: call.model,
    temperature: 0,
    seed: 7,
    response_format: { type: 'json_object' },
    messages: [
      { role: 'system', content: call.system },
      { role: 'user', content: JSON.stringify(call.user) },
    ],
  };
}

/**
 * The simulated model's response and usage for an OpenAI-style call: the demo's stand-in for a
 * live model (it answers what the agent's policy concluded).
 *
 * @example
 * const { response, usage } = openAiAnswer(rng, spec);
 */
export function openAiAnswer(
  rng: DemoRandom,
  call: OpenAiCallSpec,
): { response: Json; usage: { [key: string]: Json } } {
  const user = JSON.stringify(call.user);
  const content = JSON.stringify(call.answer);
  return {
    response: {
      id: `chatcmpl-${rng.alnum(24)}`,
      object: 'chat.completion',
      model: call.snapshot,
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content } }],
    },
    usage: {
      input_tokens: Math.round((call.system.length + user.length) / 3.7),
      output_tokens: Math.round(content.length / 3.6),
    },
  };
}

/**
 * An OpenAI-style chat completion call as the `llm[]` entry records it.
 *
 * @example
 * const call = openAiCall(rng, { model: 'gpt-4o', snapshot: 'gpt-4o-2024-08-06', system, user, answer });
 */
export function openAiCall(
  rng: DemoRandom,
  call: OpenAiCallSpec,
): { request: { [key: string]: Json }; response: Json; usage: { [key: string]: Json } } {
  return { request: openAiRequest(call), ...openAiAnswer(rng, call) };
}

/**
 * An Anthropic-style messages call as the `llm[]` entry records it.
 *
 * @example
 * const call = anthropicCall(rng, { model: 'claude-sonnet-4-20250514', system, user, answer });
 */
export function anthropicCall(
  rng: DemoRandom,
  call: { model: string; system: string; user: Json; answer: Json },
): { request: { [key: string]: Json }; response: Json; usage: { [key: string]: Json } } {
  const user = JSON.stringify(call.user);
  const text = JSON.stringify(call.answer);
  return {
    request: {
      model: call.model,
      max_tokens: 1024,
      temperature: 0,
      system: call.system,
      messages: [{ role: 'user', content: user }],
    },
    response: {
      id: `msg_${rng.alnum(24)}`,
      type: 'message',
      role: 'assistant',
      model: call.model,
      stop_reason: 'end_turn',
      content: [{ type: 'text', text }],
    },
    usage: {
      input_tokens: Math.round((call.system.length + user.length) / 3.7),
      output_tokens: Math.round(text.length / 3.6),
    },
  };
}
