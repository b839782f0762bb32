/**
 * A realistic decision record for tests, benchmarks and the demo: a personal-loan approval made by
 * an underwriting agent inside a Dagster run. Every field of the v1 schema is used.
 */
import type { DecisionRecord } from './types.js';

/**
 * Top-level fields to replace in {@link sampleDecision} (`id` and `ts` most often).
 *
 * @example
 * const overrides: SampleDecisionOverrides = { id: createUuidV7(), ts: new Date().toISOString() };
 */
export type SampleDecisionOverrides = Partial<DecisionRecord>;

/**
 * A full, valid, ~2 KB loan-approval decision record. Deterministic: the same overrides give an
 * equal record, and each call returns a fresh object that the caller may change. Overrides replace
 * top-level fields whole.
 *
 * @example
 * const record = sampleDecision({ id: createUuidV7(), ts: new Date().toISOString() });
 * checkDecision(record).ok; // true
 */
export function sampleDecision(overrides: SampleDecisionOverrides = {}): DecisionRecord {
  const base: DecisionRecord = {
    id: '0192fcbd-73f4-7a4c-9d31-5e8f2b6c40a7',
    schema: 'docket.decision/v1',
    ts: '2024-11-05T14:32:07.412Z',
    agent: { id: 'credit-underwriter', version: '2.3.1' },
    model: {
      provider: 'openai',
      name: 'gpt-4o',
      version: 'gpt-4o-2024-08-06',
      params: { temperature: 0, max_tokens: 512, seed: 42 },
    },
    prompt: {
      id: 'underwriting-decision',
      version: '14',
      hash: 'sha256:78be6d24d34e99669cf472d627327962ffa50c8ee00444874c0fb72802287233',
    },
    policy: {
      id: 'consumer-lending-policy',
      version: '2024.10',
      rules_evaluated: ['min-score-620', 'dti-max-43', 'income-verified'],
    },
    subject: { id: 'applicant-88213', type: 'loan_applicant' },
    goal: 'Approve or decline loan application LA-2024-88213, and on which terms.',
    context: {
      application: {
        amount: 25000,
        currency: 'USD',
        term_months: 60,
        purpose: 'debt_consolidation',
      },
      applicant: { annual_income: 96000, employment: 'employed', years_employed: 6, state: 'NY' },
      bureau: { credit_score: 712, dti: 0.31, delinquencies_24m: 0 },
    },
    alternatives: [
      { action: 'approve', score: 0.82, reason: 'All policy rules pass.' },
      { action: 'approve_reduced', score: 0.64, reason: 'A $18,000 limit keeps DTI under 0.28.' },
      { action: 'decline', score: 0.11, reason: 'No rule fails: no adverse-action reason.' },
    ],
    reasoning: [
      'Credit score 712 meets the 620 minimum.',
      {
        kind: 'rule',
        text: 'DTI 0.31 is under the 0.43 limit.',
        data: { value: 0.31, limit: 0.43 },
      },
      { kind: 'inference', text: 'Approve the requested amount at the tier-B rate.' },
    ],
    outcome: {
      action: 'approve',
      value: { amount: 25000, apr: 0.0899, rate_tier: 'B' },
      target: 'loan-application/LA-2024-88213',
    },
    confidence: 0.82,
    tools: [
      {
        name: 'credit_bureau.get_report',
        args: { applicant: 'applicant-88213', bureau: 'experian' },
        result: { report: 'EXP-5521907', credit_score: 712 },
        duration: 184.2,
      },
    ],
    llm: [
      {
        request: {
          model: 'gpt-4o',
          messages: [
            { role: 'system', content: 'You are an underwriter. Apply policy 2024.10.' },
            { role: 'user', content: 'Decide application LA-2024-88213.' },
          ],
        },
        response: { finish_reason: 'stop', content: '{"action":"approve","confidence":0.82}' },
        usage: { input_tokens: 812, output_tokens: 164 },
      },
    ],
    human: {
      actor: 'underwriter:j.alvarez',
      action: 'reviewed',
      reason: 'Spot check of approvals above $20,000.',
    },
    correlation: {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      parentDecisionId: '0192fcbd-4f36-7e02-8b6d-1f4a9c3e7d55',
      sessionId: 'sess-2024-11-05-88213',
      orchestrator: {
        kind: 'dagster',
        runId: 'c5a5bd2f-61e4-4c1a-9d8e-2f0b7a6e3c91',
        job: 'loan_underwriting_job',
        step: 'decide_application',
        partition: '2024-11-05',
        attempt: 0,
        assetKey: 'underwriting/decisions',
      },
    },
    lineage: {
      inputs: [
        {
          name: 'credit_bureau_report',
          digest: 'sha256:210760fba8185013b53530a17160a0cb03788b5c9e1c1426154eae50b6b562b4',
          uri: 's3://acme-lending/bureau/EXP-5521907.json',
        },
      ],
    },
    tags: { env: 'prod', product: 'personal-loan' },
    metadata: { feature_flags: ['reduced-offer-v2'] },
    producer: { id: 'worker-7f9c', seq: 10452, sdk: '@docket/sdk@0.1.0' },
  };
  return { ...base, ...overrides };
}
