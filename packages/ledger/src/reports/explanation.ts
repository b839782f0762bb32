import { ENTRY_TYPES } from '@docket/core';
import type { JsonValue } from '@docket/protocol';
import type { Claim, ReportSection } from './format.js';
import { asArray, asObject, objectField, ofType, refOf, stringAt } from './population.js';
import type { Member, ReportInput } from './population.js';

const strings = (v: JsonValue | undefined): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** The reasons a decision gives, in the order recorded: reason codes first, then rule failures. */
function factorsOf(m: Member): string[] {
  const v = asObject(objectField(m, 'outcome')?.['value']) ?? {};
  const recorded = [
    ...strings(v['adverseActionReasons']),
    ...strings(v['reasonCodes']),
    ...strings(v['reasons']),
  ];
  return [...new Set(recorded)];
}

const day = (iso: string): string => iso.slice(0, 10);

/** One decision about the person, in plain language. */
function decisionClaim(m: Member, i: number, events: readonly Member[]): Claim {
  const id = `explanation.decision${String(i + 1).padStart(3, '0')}`;
  const when = day(m.envelope.ts);
  if (m.fields === null) {
    return {
      id,
      title: `Decision of ${when}`,
      source: 'GDPR Art. 15(1)(h), 22(3); AI Act Art. 86',
      status: 'info',
      finding: `A decision about you was made on ${when}. Its content was erased at your request (or by retention); only the fact that it existed remains.`,
      value: { date: when, erased: true },
      records: [refOf(m)],
    };
  }
  const mine = events.filter((e) => stringAt(e, 'decision') === m.envelope.id);
  const overrides = mine.filter((e) => stringAt(e, 'kind') === 'override');
  const action = stringAt(m, 'outcome', 'action') ?? 'not recorded';
  const reviewer = stringAt(m, 'human', 'actor');
  const human =
    overrides.length > 0
      ? `A person (${overrides.map((o) => stringAt(o, 'actor') ?? 'unnamed').join(', ')}) changed the automated decision${stringAt(overrides[0]!, 'reason') === undefined ? '' : `: ${stringAt(overrides[0]!, 'reason')}`}.`
      : reviewer !== undefined
        ? `A person (${reviewer}) took part in the decision${stringAt(m, 'human', 'reason') === undefined ? '' : `: ${stringAt(m, 'human', 'reason')}`}.`
        : 'The decision was made by the automated system alone, without a person reviewing it.';
  const context = objectField(m, 'context');
  const categories = context === undefined ? [] : Object.keys(context).sort();
  const factors = factorsOf(m);
  const rules = strings(objectField(m, 'policy')?.['rules_evaluated']);
  const alternatives = (() => {
    const a = asArray(m.fields['alternatives']) ?? [];
    return a.map((x) => asObject(x)?.['action']).filter((x): x is string => typeof x === 'string');
  })();
  const counterfactual = alternatives.filter((a) => a !== action);
  const parts = [
    `On ${when} the system ${stringAt(m, 'agent', 'id') ?? 'agent'} (version ${stringAt(m, 'agent', 'version') ?? '?'}) decided: ${action}.`,
    human,
    categories.length > 0
      ? `It used these kinds of information about you: ${categories.join(', ')}.`
      : 'The information it used is not recorded.',
    factors.length > 0
      ? `The main reasons recorded: ${factors.join('; ')}.`
      : 'No specific reasons were recorded for this decision.',
    rules.length > 0
      ? `Rules checked (policy ${stringAt(m, 'policy', 'id') ?? '?'} ${stringAt(m, 'policy', 'version') ?? ''}): ${rules.join(', ')}.`
      : '',
    counterfactual.length > 0
      ? `Other outcomes the system considered: ${counterfactual.join(', ')}.`
      : '',
  ].filter((p) => p !== '');
  return {
    id,
    title: `Decision of ${when}: ${action}`,
    source: 'GDPR Art. 15(1)(h), 22(3); AI Act Art. 86',
    status: 'info',
    finding: parts.join(' '),
    value: {
      date: when,
      agent: stringAt(m, 'agent', 'id') ?? null,
      agentVersion: stringAt(m, 'agent', 'version') ?? null,
      model: stringAt(m, 'model', 'name') ?? null,
      outcome: action,
      solelyAutomated: overrides.length === 0 && reviewer === undefined,
      reviewers: [
        ...new Set([
          ...(reviewer === undefined ? [] : [reviewer]),
          ...overrides.map((o) => stringAt(o, 'actor') ?? 'unnamed'),
        ]),
      ],
      dataCategories: categories,
      factors,
      rulesEvaluated: rules,
      alternatives: counterfactual,
      overrides: overrides.length,
    },
    records: [refOf(m), ...mine.map(refOf)],
  };
}

/**
 * R5, the explanation for one data subject (GDPR Art. 15(1)(h) / 22(3), AI Act Art. 86): each
 * decision about the person, whether a person took part, the kinds of data used, the reasons
 * recorded, the other outcomes considered, erasures, and how to contest. Written for the person.
 *
 * @example
 * const section = explanationSection(input);
 */
export function explanationSection(input: ReportInput): ReportSection {
  const ref = input.params.subjectRef;
  const own = input.members.filter((m) => ref !== undefined && m.envelope.subject === ref);
  const decisions = ofType(own, ENTRY_TYPES.decision);
  const events = ofType(own, ENTRY_TYPES.event);
  const tombstones = ofType(own, ENTRY_TYPES.tombstone);
  const claims: Claim[] = [
    {
      id: 'explanation.overview',
      title: 'Decisions about you',
      status: 'info',
      finding:
        decisions.length === 0
          ? 'No automated decision about you was recorded in this period.'
          : `${decisions.length} automated decision${decisions.length === 1 ? ' was' : 's were'} recorded about you in this period.`,
      value: {
        decisions: decisions.length,
        erased: decisions.filter((m) => m.fields === null).length,
      },
      records: decisions.slice(0, 25).map(refOf),
    },
    ...decisions.map((m, i) => decisionClaim(m, i, events)),
  ];
  if (tombstones.length > 0) {
    claims.push({
      id: 'explanation.erasure',
      title: 'Erasure of your data',
      status: 'info',
      finding: tombstones
        .map(
          (t) =>
            `Your personal data was erased on ${day(t.envelope.ts)}${stringAt(t, 'reason') === undefined ? '' : ` (${stringAt(t, 'reason')})`}: the decisions’ content can no longer be read by anyone; the record that they existed remains, as the law allows for accountability.`,
        )
        .join(' '),
      value: tombstones.map((t) => ({
        date: t.envelope.ts,
        reason: stringAt(t, 'reason') ?? null,
      })),
      records: tombstones.map(refOf),
    });
  }
  claims.push({
    id: 'explanation.contest',
    title: 'How to contest a decision',
    source: 'GDPR Art. 22(3); AI Act Art. 86',
    status: 'customer-document-required',
    finding:
      'You have the right to obtain human intervention, to express your point of view and to contest the decision. The organisation that made the decision must tell you whom to contact; that contact is not part of these records.',
    value: null,
    records: decisions.slice(0, 25).map(refOf),
  });
  return { type: 'explanation', title: 'Explanation of automated decisions (R5)', claims };
}
