/**
 * The structured diff of one replayed decision against its recording: outcome, chosen
 * alternative, alternatives, confidence, reasoning similarity and the tools called.
 */
import { canonicalize } from '@docket/protocol';
import type { DecisionRecord } from '@docket/protocol';

/** The parts of a decision the diff compares (a recorded record or a replayed one). */
export type Decided = Pick<
  DecisionRecord,
  'outcome' | 'alternatives' | 'confidence' | 'reasoning' | 'tools' | 'llm'
>;

/**
 * How a replayed decision differs from its recording.
 *
 * @example
 * if (diff.outcome.changed) console.log(`${diff.outcome.before} → ${diff.outcome.after}`);
 */
export interface DecisionDiff {
  readonly outcome: {
    readonly before: string;
    readonly after: string;
    /** The action changed: a flip. */
    readonly changed: boolean;
    /** The action is the same but its value or target changed. */
    readonly valueChanged: boolean;
  };
  /** The best-scored alternative before and after (null when none was recorded). */
  readonly chosen: {
    readonly before: string | null;
    readonly after: string | null;
    readonly changed: boolean;
  };
  readonly alternatives: {
    readonly added: string[];
    readonly removed: string[];
    /** Alternatives whose rank by score changed: [action, rank before, rank after]. */
    readonly rankChanges: [string, number, number][];
  };
  readonly confidence: {
    readonly before: number | null;
    readonly after: number | null;
    readonly delta: number | null;
  };
  /** Jaccard similarity of the reasoning's word bigrams (1: the same words in the same pairs). */
  readonly reasoningSimilarity: number;
  readonly tools: { readonly before: string[]; readonly after: string[]; readonly same: boolean };
}

const ranked = (d: Decided): string[] =>
  [...(d.alternatives ?? [])]
    .map((a, i) => ({ action: a.action, score: a.score ?? 0, i }))
    .sort((x, y) => y.score - x.score || x.i - y.i)
    .map((a) => a.action);

/** The reasoning as one text (steps joined by their text). */
export function reasoningText(d: Decided): string {
  const r = d.reasoning;
  if (r === undefined) return '';
  if (typeof r === 'string') return r;
  return r.map((step) => (typeof step === 'string' ? step : step.text)).join('\n');
}

function bigrams(text: string): Set<string> {
  const words = text.toLowerCase().match(/[\p{L}\p{N}.]+/gu) ?? [];
  const out = new Set<string>();
  if (words.length === 1) out.add(words[0]);
  for (let i = 0; i + 1 < words.length; i++) out.add(`${words[i]!} ${words[i + 1]!}`);
  return out;
}

/**
 * Jaccard similarity of two texts' word bigrams: 1 for two empty texts.
 *
 * @example
 * textSimilarity('DTI is high', 'DTI is high'); // 1
 */
export function textSimilarity(a: string, b: string): number {
  const x = bigrams(a);
  const y = bigrams(b);
  if (x.size === 0 && y.size === 0) return 1;
  let both = 0;
  for (const g of x) if (y.has(g)) both++;
  return both / (x.size + y.size - both);
}

const same = (a: unknown, b: unknown): boolean =>
  canonicalize(a ?? null) === canonicalize(b ?? null);

/**
 * Compares a replayed decision with its recording.
 *
 * @example
 * const diff = diffDecision(recorded, replayed);
 */
export function diffDecision(before: Decided, after: Decided): DecisionDiff {
  const rankBefore = ranked(before);
  const rankAfter = ranked(after);
  const rankChanges: [string, number, number][] = [];
  rankBefore.forEach((action, i) => {
    const j = rankAfter.indexOf(action);
    if (j !== -1 && j !== i) rankChanges.push([action, i + 1, j + 1]);
  });
  const toolsBefore = (before.tools ?? []).map((t) => t.name);
  const toolsAfter = (after.tools ?? []).map((t) => t.name);
  const changed = before.outcome.action !== after.outcome.action;
  const cb = before.confidence ?? null;
  const ca = after.confidence ?? null;
  return {
    outcome: {
      before: before.outcome.action,
      after: after.outcome.action,
      changed,
      valueChanged:
        !changed &&
        (!same(before.outcome.value, after.outcome.value) ||
          before.outcome.target !== after.outcome.target),
    },
    chosen: {
      before: rankBefore[0] ?? null,
      after: rankAfter[0] ?? null,
      changed: (rankBefore[0] ?? null) !== (rankAfter[0] ?? null),
    },
    alternatives: {
      added: rankAfter.filter((a) => !rankBefore.includes(a)),
      removed: rankBefore.filter((a) => !rankAfter.includes(a)),
      rankChanges,
    },
    confidence: {
      before: cb,
      after: ca,
      delta: cb === null || ca === null ? null : Math.round((ca - cb) * 1e6) / 1e6,
    },
    reasoningSimilarity:
      Math.round(textSimilarity(reasoningText(before), reasoningText(after)) * 1e4) / 1e4,
    tools: {
      before: toolsBefore,
      after: toolsAfter,
      same: toolsBefore.join('\n') === toolsAfter.join('\n'),
    },
  };
}
