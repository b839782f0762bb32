import { canonicalize } from '@docket/protocol';
import type { JsonValue } from '@docket/protocol';

/**
 * What drift detection keeps of one decision (issue 16): small, derived from its content once (by
 * the catch-up pass, never on the SDK's path), stored beside the decision as JSON.
 */
export interface DriftFeatures {
  /** The outcome's action. */
  readonly outcome: string;
  /** The outcome's value, when it is a number. */
  readonly value?: number;
  readonly confidence?: number;
  /** The alternatives' actions, in recorded order. */
  readonly alternatives: readonly string[];
  /** The best alternative's score, when any has one. */
  readonly topScore?: number;
  /** Tool names called (sorted, unique), and how many calls failed. */
  readonly tools: readonly string[];
  readonly toolErrors: number;
  /** `provider/name@version` of the model and of every recorded LLM call's model. */
  readonly models: readonly string[];
  /** `id@version` of the prompt and of the policy. */
  readonly prompt?: string;
  readonly policy?: string;
  /** The policy rules evaluated. */
  readonly rules: readonly string[];
  /** The human's action on the decision, if recorded. */
  readonly human?: string;
  /** Reasoning term counts (lower case, stop words out), the {@link MAX_TERMS} most frequent. */
  readonly terms: Readonly<Record<string, number>>;
  /** Reasoning token count. */
  readonly reasoningLength: number;
  /** 64-bit SimHash of the reasoning's words, as 16 hex digits. */
  readonly reasoningHash: string;
  /** A keyed digest of the canonical (RFC 8785) context: equal inputs, equal digests. */
  readonly input: string;
  /** 64-bit SimHash of the context's `path=value` pairs: near-identical inputs, near hashes. */
  readonly inputHash: string;
  /** Numeric context fields by dotted path (at most {@link MAX_CONTEXT_FIELDS}). */
  readonly numeric: Readonly<Record<string, number>>;
  /** Short text and boolean context fields by dotted path (at most {@link MAX_CONTEXT_FIELDS}). */
  readonly categorical: Readonly<Record<string, string>>;
}

/** The most reasoning terms kept per decision. */
export const MAX_TERMS = 64;
/** The most numeric (and categorical) context fields kept per decision. */
export const MAX_CONTEXT_FIELDS = 32;
/** Longest context string kept as a categorical value. */
const MAX_CATEGORY_LENGTH = 64;

const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by for from has have he her his i if in into is it its ' +
    'of on or our she so than that the their them then there these they this to was we were ' +
    'what when which who will with you your not no can do does did may might should would'
  ).split(' '),
);

/**
 * Lower-case word tokens of a text, stop words and one-letter tokens out.
 *
 * @example
 * tokenize('The income is HIGH'); // ['income', 'high']
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.toLowerCase().matchAll(/[\p{L}\p{N}_]+/gu)) {
    const t = m[0];
    if (t.length > 1 && !STOP_WORDS.has(t)) out.push(t);
  }
  return out;
}

/** FNV-1a (32-bit) of a string from a given offset basis: two bases give 64 bits. */
function fnv1a(text: string, basis: number): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * A 64-bit SimHash (Charikar 2002) of weighted tokens, as 16 hex digits: texts sharing most
 * tokens have hashes a few bits apart (see {@link hammingHex}).
 *
 * @example
 * simHash(['income', 'high']); // '…16 hex digits…'
 */
export function simHash(tokens: Iterable<string>): string {
  const v = new Float64Array(64);
  for (const t of tokens) {
    const hi = fnv1a(t, 0x811c9dc5);
    const lo = fnv1a(t, 0x050c5d1f);
    for (let b = 0; b < 32; b++) {
      v[b] = v[b]! + ((hi >>> b) & 1 ? 1 : -1);
      v[b + 32] = v[b + 32]! + ((lo >>> b) & 1 ? 1 : -1);
    }
  }
  let hi = 0;
  let lo = 0;
  for (let b = 0; b < 32; b++) {
    if (v[b]! > 0) hi |= 1 << b;
    if (v[b + 32]! > 0) lo |= 1 << b;
  }
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/**
 * Bits that differ between two hex hashes of the same length.
 *
 * @example
 * hammingHex('0f', '0e'); // 1
 */
export function hammingHex(a: string, b: string): number {
  let bits = 0;
  for (let i = 0; i < a.length; i += 8) {
    let x = (parseInt(a.slice(i, i + 8), 16) ^ parseInt(b.slice(i, i + 8), 16)) >>> 0;
    while (x !== 0) {
      x &= x - 1;
      bits++;
    }
  }
  return bits;
}

/** The text of a reasoning field: a string, or its steps' texts. */
function reasoningText(reasoning: JsonValue | undefined): string {
  if (typeof reasoning === 'string') return reasoning;
  if (!Array.isArray(reasoning)) return '';
  return (reasoning as readonly JsonValue[])
    .map((s) => (typeof s === 'string' ? s : (asString(asObject(s)?.text) ?? '')))
    .join('\n');
}

const asObject = (v: JsonValue | undefined): Record<string, JsonValue> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, JsonValue>)
    : undefined;
const asArray = (v: JsonValue | undefined): readonly JsonValue[] =>
  Array.isArray(v) ? (v as readonly JsonValue[]) : [];
const asString = (v: JsonValue | undefined): string | undefined =>
  typeof v === 'string' ? v : undefined;
const asNumber = (v: JsonValue | undefined): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
const versioned = (o: Record<string, JsonValue> | undefined): string | undefined => {
  const id = asString(o?.id);
  if (id === undefined) return undefined;
  const version = asString(o?.version);
  return version === undefined ? id : `${id}@${version}`;
};
const modelName = (o: Record<string, JsonValue> | undefined): string | undefined => {
  const name = asString(o?.name) ?? asString(o?.model);
  if (name === undefined) return undefined;
  const provider = asString(o?.provider);
  const version = asString(o?.version);
  return `${provider === undefined ? '' : `${provider}/`}${name}${version === undefined ? '' : `@${version}`}`;
};

/** Flattens a context into numeric and categorical fields by dotted path (arrays: their length). */
function contextFields(context: Record<string, JsonValue>): {
  numeric: Record<string, number>;
  categorical: Record<string, string>;
  pairs: string[];
} {
  const numeric: Record<string, number> = {};
  const categorical: Record<string, string> = {};
  const pairs: string[] = [];
  let n = 0;
  let c = 0;
  const visit = (value: JsonValue, path: string, depth: number): void => {
    if (typeof value === 'number') {
      pairs.push(`${path}=${value}`);
      if (Number.isFinite(value) && n < MAX_CONTEXT_FIELDS) {
        numeric[path] = value;
        n++;
      }
    } else if (typeof value === 'string' || typeof value === 'boolean') {
      const text = String(value);
      pairs.push(`${path}=${text}`);
      if (text.length <= MAX_CATEGORY_LENGTH && c < MAX_CONTEXT_FIELDS) {
        categorical[path] = text;
        c++;
      }
    } else if (Array.isArray(value)) {
      pairs.push(`${path}#=${value.length}`);
      if (depth < 4) {
        (value as readonly JsonValue[]).forEach((v, i) => {
          visit(v, `${path}[${i}]`, depth + 1);
        });
      }
    } else if (value !== null && depth < 4) {
      const object = value as Record<string, JsonValue>;
      for (const key of Object.keys(object).sort()) {
        visit(object[key]!, path === '' ? key : `${path}.${key}`, depth + 1);
      }
    }
  };
  visit(context, '', 0);
  return { numeric, categorical, pairs };
}

/**
 * The drift features of a decision, from its committed fields (the record without `id`, `ts`,
 * `schema`). `digest` keys the input digest (the ledger passes an HMAC, so a digest of a
 * low-entropy context can't be reversed by guessing).
 *
 * @example
 * const f = toDriftFeatures(entry.fields, (text) => ring.pseudonymize(`drift-input:${text}`));
 */
export function toDriftFeatures(
  fields: Readonly<Record<string, JsonValue>>,
  digest: (canonicalContext: string) => string,
): DriftFeatures {
  const outcome = asObject(fields.outcome);
  const context = asObject(fields.context) ?? {};
  const text = reasoningText(fields.reasoning);
  const tokens = tokenize(text);
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  const terms: Record<string, number> = {};
  for (const [t, k] of [...counts]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, MAX_TERMS)) {
    terms[t] = k;
  }
  const alternatives = asArray(fields.alternatives)
    .map((a) => asObject(a))
    .filter((a) => a !== undefined);
  const scores = alternatives.map((a) => asNumber(a.score)).filter((s) => s !== undefined);
  const tools = asArray(fields.tools)
    .map((t) => asObject(t))
    .filter((t) => t !== undefined);
  const models = new Set<string>();
  const model = modelName(asObject(fields.model));
  if (model !== undefined) models.add(model);
  for (const call of asArray(fields.llm)) {
    const m = asString(asObject(asObject(call)?.request)?.model);
    if (m !== undefined) models.add(m);
  }
  const policy = asObject(fields.policy);
  const rules = asArray(policy?.rules_evaluated).filter((r) => typeof r === 'string');
  const { numeric, categorical, pairs } = contextFields(context);
  const value = asNumber(outcome?.value);
  const confidence = asNumber(fields.confidence);
  const prompt = versioned(asObject(fields.prompt));
  const policyName = versioned(policy);
  const human = asString(asObject(fields.human)?.action);
  return {
    outcome: asString(outcome?.action) ?? '',
    ...(value === undefined ? {} : { value }),
    ...(confidence === undefined ? {} : { confidence }),
    alternatives: alternatives.map((a) => asString(a.action) ?? ''),
    ...(scores.length === 0 ? {} : { topScore: Math.max(...scores) }),
    tools: [...new Set(tools.map((t) => asString(t.name) ?? ''))].sort(),
    toolErrors: tools.filter((t) => t.error !== undefined).length,
    models: [...models].sort(),
    ...(prompt === undefined ? {} : { prompt }),
    ...(policyName === undefined ? {} : { policy: policyName }),
    rules,
    ...(human === undefined ? {} : { human }),
    terms,
    reasoningLength: tokens.length,
    reasoningHash: simHash(tokens),
    input: digest(canonicalize(context)),
    inputHash: simHash(pairs),
    numeric,
    categorical,
  };
}
