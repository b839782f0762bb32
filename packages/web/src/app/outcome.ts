/**
 * Outcomes as people read them: a badge whose colour says the outcome's class (favourable,
 * adverse, sent to a person, other) with the action's own word always written on it, so colour is
 * never the only cue; and the final outcome of a decision a person overrode.
 */
import type { FinalOutcome } from '@docket/protocol/wire';
import { h } from './dom.js';

/** The class of an outcome: what its badge's colour (and symbol) stands for. */
export type OutcomeClass = 'favourable' | 'adverse' | 'review' | 'other';

const FAVOURABLE = /approv|accept|allow|grant|pay|settle|fast.?track|pass|clear|resolve|dismiss/i;
const ADVERSE =
  /declin|deny|denied|reject|refus|block|fraud|siu|suspend|escalate.?fraud|page|alert/i;
const REVIEW = /refer|review|manual|escalat|hold|pend|investigat|triage|route|flag|assign/i;

/**
 * The class of an outcome action, by its word ('decline' → adverse).
 *
 * @example
 * outcomeClass('adjuster_review'); // 'review'
 */
export function outcomeClass(action: string): OutcomeClass {
  if (ADVERSE.test(action)) return 'adverse';
  if (REVIEW.test(action)) return 'review';
  if (FAVOURABLE.test(action)) return 'favourable';
  return 'other';
}

/** A symbol per class, so the class reads without colour too. */
const SYMBOL: Readonly<Record<OutcomeClass, string>> = {
  favourable: '✓',
  adverse: '✕',
  review: '↻',
  other: '•',
};

/**
 * A badge for an outcome action: its class's colour and symbol, and the word itself.
 *
 * @example
 * outcomeBadge('decline'); // <span class="badge outcome outcome-adverse">✕ decline</span>
 */
export function outcomeBadge(action: string): HTMLElement {
  const cls = outcomeClass(action);
  return h(
    'span',
    { class: `badge outcome outcome-${cls}`, title: `Outcome class: ${cls}` },
    h('span', { 'aria-hidden': 'true' }, `${SYMBOL[cls]} `),
    action,
  );
}

/**
 * The final outcome as a sentence: 'approve by J. Doe, 2024-11-07' (the day in UTC).
 *
 * @example
 * finalText({ kind: 'override', action: 'approve', actor: 'J. Doe', ts: '2024-11-07T10:00:00Z', index: 9 });
 */
export function finalText(final: FinalOutcome): string {
  const who = final.actor === null ? '' : ` by ${final.actor}`;
  return `${final.action ?? 'changed'}${who}, ${final.ts.slice(0, 10)}`;
}

/**
 * The recorded outcome, and when a person overrode it or it was updated, the final one:
 * `✕ decline → ✓ approve by J. Doe, 2024-11-07`.
 *
 * @example
 * outcomeWithFinal('decline', view.final);
 */
export function outcomeWithFinal(
  action: string | null,
  final: FinalOutcome | null | undefined,
): HTMLElement {
  const recorded = action === null ? h('span', { class: 'muted' }, '—') : outcomeBadge(action);
  if (final === null || final === undefined) return h('span', { class: 'final-outcome' }, recorded);
  return h(
    'span',
    {
      class: `final-outcome changed final-${final.kind}`,
      title: final.kind === 'override' ? 'Overridden by a person' : 'Outcome updated later',
    },
    h('s', { class: 'recorded' }, recorded),
    h(
      'span',
      { 'aria-label': final.kind === 'override' ? ' overridden to ' : ' updated to ' },
      ' → ',
    ),
    final.action === null ? null : outcomeBadge(final.action),
    h('span', { class: 'final-by' }, finalText(final).slice((final.action ?? 'changed').length)),
  );
}
