/**
 * Seeds a server with realistic decisions for the browser tests, through the real SDK (and the
 * events API for what happened afterwards). The one place to switch to `runDemo` from
 * `@docket/cli` once the demo is stable; the tests only rely on {@link Seeded}.
 */
import assert from 'node:assert/strict';
import { createDocket } from '@docket/sdk';
import type { DecisionInput } from '@docket/sdk';

/** What the tests need to know about the seeded data. */
export interface Seeded {
  /** All decision ids, oldest first. */
  readonly ids: readonly string[];
  /** A loan decision about a person, with a redacted e-mail in its context, an override and an effect. */
  readonly loan: { readonly id: string; readonly goal: string; readonly applicant: string };
  /** A decision without a subject (a reader sees its content). */
  readonly open: { readonly id: string; readonly goal: string };
  /** The orchestrator run id shared by the clinical decisions. */
  readonly runId: string;
}

const HOUR = 3_600_000;

function loanDecision(i: number, now: number): DecisionInput {
  const version = i % 2 === 0 ? '2.4.0' : '2.3.1';
  const income = 42_000 + i * 3_750;
  const dti = 0.18 + (i % 5) * 0.07;
  const approve = dti < 0.4;
  return {
    ts: new Date(now - (40 - i) * HOUR).toISOString(),
    agent: { id: 'loan-approver', version },
    model: {
      provider: 'openai',
      name: 'gpt-4o',
      version: 'gpt-4o-2024-08-06',
      params: { temperature: 0 },
    },
    prompt: { id: 'underwriting-summary', version: '7' },
    policy: {
      id: 'consumer-lending',
      version: '2026.3',
      rules_evaluated: ['dti-max-0.43', 'min-credit-620', 'kyc-complete'],
    },
    subject: { id: `applicant-${1000 + i}`, type: 'loan_applicant' },
    goal: `Decide personal loan application LA-2026-${8800 + i} for ${(income / 4).toFixed(0)} USD`,
    context: {
      application: {
        id: `LA-2026-${8800 + i}`,
        amount: Math.round(income / 4),
        term_months: 36,
        purpose: 'debt consolidation',
      },
      applicant: {
        annual_income: income,
        employment_years: 2 + (i % 7),
        contact: `applicant${i}@example.com`,
      },
      bureau: {
        score: 640 + i * 4,
        open_accounts: 3 + (i % 4),
        delinquencies_24m: i % 6 === 0 ? 1 : 0,
      },
      debt_to_income: Math.round(dti * 1000) / 1000,
    },
    alternatives: [
      {
        action: 'approve',
        score: approve ? 0.82 : 0.31,
        reason: approve ? 'DTI within policy, score above 620' : 'DTI would exceed policy',
      },
      {
        action: 'decline',
        score: approve ? 0.12 : 0.74,
        reason: approve
          ? 'No adverse factor found'
          : `Debt-to-income ratio ${Math.round(dti * 100)}% above the 43% limit`,
      },
      { action: 'refer', score: 0.2, reason: 'Manual review when signals conflict' },
    ],
    reasoning: [
      {
        kind: 'observation',
        text: `Bureau score ${640 + i * 4}, ${i % 6 === 0 ? 'one' : 'no'} delinquency in 24 months.`,
      },
      { kind: 'rule', text: `Debt-to-income ${Math.round(dti * 100)}% against the 43% maximum.` },
      {
        kind: 'inference',
        text: approve
          ? 'Income is stable and verified; approve at standard rate.'
          : 'Repayment capacity is insufficient; decline with adverse-action reasons.',
      },
    ],
    outcome: approve
      ? {
          action: 'approve',
          value: { rate_apr: 11.9, amount: Math.round(income / 4) },
          target: `loan-application/LA-2026-${8800 + i}`,
        }
      : { action: 'decline', target: `loan-application/LA-2026-${8800 + i}` },
    confidence: approve ? 0.87 : 0.79,
    tools: [
      {
        name: 'credit_bureau.get_report',
        args: { applicant: `applicant-${1000 + i}` },
        result: { score: 640 + i * 4, inquiries_6m: i % 3 },
        duration: 412 + i,
      },
      {
        name: 'income.verify',
        args: { employer: 'Acme Logistics' },
        result: { verified: true },
        duration: 96,
      },
    ],
    llm: [
      {
        request: {
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'Summarize the applicant risk factors.' }],
        },
        response: {
          content: approve
            ? 'Low risk: stable income, moderate debt.'
            : 'Elevated risk: debt load above policy.',
        },
        usage: { input_tokens: 812, output_tokens: 164 },
      },
    ],
    correlation: {
      orchestrator: {
        kind: 'temporal',
        runId: `wf-loan-${8800 + i}`,
        job: 'underwriting',
        step: 'decide',
        attempt: 0,
      },
    },
  };
}

function claimDecision(i: number, now: number): DecisionInput {
  const fraud = i % 4 === 0;
  return {
    ts: new Date(now - (20 - i) * HOUR).toISOString(),
    agent: { id: 'claims-triage', version: '1.8.2' },
    model: { provider: 'anthropic', name: 'claude-sonnet', version: 'claude-sonnet-2026-01' },
    policy: { id: 'auto-claims', version: '12' },
    goal: `Triage auto insurance claim CLM-${52000 + i} (rear-end collision, photos attached)`,
    context: {
      claim: { id: `CLM-${52000 + i}`, amount: 1800 + i * 410, photos: 4, police_report: !fraud },
      prior_claims_36m: fraud ? 3 : 0,
    },
    alternatives: [
      { action: 'fast-track', score: fraud ? 0.1 : 0.9, reason: 'Low amount, complete evidence' },
      {
        action: 'investigate',
        score: fraud ? 0.85 : 0.08,
        reason: 'Three prior claims in 36 months',
      },
    ],
    reasoning: fraud
      ? 'Claim history matches the SIU referral pattern; route to investigation.'
      : 'Evidence complete and amount under the fast-track limit.',
    outcome: { action: fraud ? 'investigate' : 'fast-track' },
    confidence: fraud ? 0.71 : 0.93,
  };
}

function clinicalDecision(i: number, now: number, runId: string): DecisionInput {
  return {
    ts: new Date(now - (10 - i) * HOUR).toISOString(),
    agent: { id: 'clinical-alert-triage', version: '0.9.0' },
    subject: { id: `patient-${700 + i}`, type: 'patient' },
    goal: `Triage sepsis early-warning alert for ward 4B bed ${i + 1}`,
    context: {
      vitals: { heart_rate: 96 + i * 4, temp_c: 38.1 + i / 10, resp_rate: 21 + i },
      lactate_mmol_l: 1.6 + i / 5,
      nurse_note: 'Patient reports chills; call back on +1 415 555 2671',
    },
    alternatives: [
      { action: 'page-rapid-response', score: 0.4 + i / 10, reason: 'qSOFA 2 or more' },
      { action: 'notify-attending', score: 0.5, reason: 'Borderline vitals' },
    ],
    reasoning: [{ kind: 'rule', text: `qSOFA ${i > 1 ? 2 : 1}` }],
    outcome: { action: i > 1 ? 'page-rapid-response' : 'notify-attending' },
    confidence: 0.66 + i / 20,
    correlation: {
      orchestrator: {
        kind: 'dagster',
        runId,
        job: 'ward_alerts',
        step: 'triage',
        partition: '2026-11-22',
      },
    },
  };
}

/**
 * Records ~30 decisions through the SDK with an ingest key, then an override, an effect and an
 * outcome update for one loan decision. Resolves once everything is durable.
 *
 * @example
 * const seeded = await seedDecisions(server.url, server.keys.default.ingest);
 */
export async function seedDecisions(url: string, ingestKey: string): Promise<Seeded> {
  const errors: unknown[] = [];
  const docket = createDocket({
    url,
    apiKey: ingestKey,
    redact: { detectors: 'all' },
    handleExit: false,
    flushIntervalMs: 20,
    onError: (e) => errors.push(e),
  });
  const now = Date.now();
  const runId = 'dagster-run-5f3a9c';
  const ids: string[] = [];
  for (let i = 0; i < 14; i++) ids.push(docket.capture(loanDecision(i, now)));
  for (let i = 0; i < 10; i++) ids.push(docket.capture(claimDecision(i, now)));
  for (let i = 0; i < 5; i++) ids.push(docket.capture(clinicalDecision(i, now, runId)));
  assert.equal(await docket.flush(30_000), true, `flush failed: ${errors.map(String).join('; ')}`);
  await docket.shutdown();
  assert.deepEqual(errors, []);

  const loanId = ids[3]!;
  const post = async (body: unknown): Promise<void> => {
    const res = await fetch(`${url}/v1/decisions/${loanId}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ingestKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    assert.equal(res.status, 201, await res.text());
  };
  await post({
    kind: 'override',
    actor: 'underwriter.j.osei',
    reason: 'Applicant provided a payoff letter for the car loan; DTI recomputed at 31%.',
    outcome: { action: 'approve' },
  });
  await post({
    kind: 'effect',
    effect: { system: 'core-banking', action: 'loan.disbursed', amount: 14_062, currency: 'USD' },
  });
  const goal = loanDecision(3, now).goal!;
  return {
    ids,
    loan: { id: loanId, goal, applicant: 'applicant-1003' },
    open: { id: ids[14 + 2]!, goal: claimDecision(2, now).goal! },
    runId,
  };
}
