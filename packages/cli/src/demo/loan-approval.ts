/**
 * The demo's loan underwriting agent (a Dagster job): pulls the bureau report, verifies income,
 * checks the lending policy's rules, asks a model for a rationale and approves, declines (with
 * adverse-action reasons, as ECOA/Reg B asks) or refers to a human underwriter.
 * Version 2.4.0 runs a stricter policy (DTI 0.40, score 640, an inquiries rule) on a newer model.
 */
import { consider, decide, reason, wrapModelSync, wrapToolSync } from '@docket/sdk';
import type { DecisionInput, ModelAnswer } from '@docket/sdk';
import { clamp, DemoRandom, round, sha256Of } from './random.js';
import type { CaseInput, DemoCase, DemoReplayInput, Json, OpenAiCallSpec } from './scenario.js';
import {
  eventsOf,
  HOUR,
  iso,
  MINUTE,
  openAiAnswer,
  openAiRequest,
  personOf,
  STAFF,
} from './scenario.js';

export const LOAN_AGENT = 'loan-underwriter';

const SYSTEM = [
  'You are an underwriting assistant for consumer loans. Given the application, the credit report summary and the policy checks, answer in JSON: {"recommendation": "approve|decline|refer", "rationale": string, "risk_factors": string[]}. Never use protected characteristics.',
  'You are an underwriting assistant for consumer loans under policy 2025.02. Weigh the policy checks first, then the applicant\'s stability (employment, reserves). Answer in JSON: {"recommendation": "approve|decline|refer", "rationale": string, "risk_factors": string[]}. Never use protected characteristics; cite the rule ids you relied on.',
] as const;

const VERSIONS = [
  {
    agent: '2.3.1',
    model: { provider: 'openai', name: 'gpt-4o', version: 'gpt-4o-2024-08-06' },
    system: SYSTEM[0],
    prompt: { id: 'underwriting-rationale', version: '7', hash: sha256Of(SYSTEM[0]) },
    policy: 'consumer-lending/2024.11',
    maxDti: 0.43,
    minScore: 620,
    declineScore: 580,
    inquiryRule: false,
    approveConfidence: 1,
  },
  {
    agent: '2.4.0',
    model: { provider: 'openai', name: 'gpt-4.1', version: 'gpt-4.1-2025-04-14' },
    system: SYSTEM[1],
    prompt: { id: 'underwriting-rationale', version: '8', hash: sha256Of(SYSTEM[1]) },
    policy: 'consumer-lending/2025.02',
    maxDti: 0.4,
    minScore: 640,
    declineScore: 600,
    inquiryRule: true,
    approveConfidence: 0.96,
  },
] as const;

interface Product {
  readonly product: string;
  readonly min: number;
  readonly max: number;
  readonly purpose: readonly string[];
}

const PRODUCTS: readonly [Product, Product, Product] = [
  {
    product: 'personal',
    min: 3_000,
    max: 40_000,
    purpose: ['debt consolidation', 'medical bills', 'moving costs', 'wedding'],
  },
  {
    product: 'auto',
    min: 12_000,
    max: 55_000,
    purpose: ['used vehicle purchase', 'new vehicle purchase', 'auto refinance'],
  },
  {
    product: 'home_improvement',
    min: 10_000,
    max: 60_000,
    purpose: ['kitchen remodel', 'roof replacement', 'solar panels', 'accessibility upgrades'],
  },
];

interface RuleResult {
  readonly rule: string;
  readonly passed: boolean;
  readonly severity: 'decline' | 'refer';
  readonly text: string;
  readonly reason: string;
  readonly data: Record<string, number | boolean | string>;
}

const money = (x: number): string => `$${Math.round(x).toLocaleString('en-US')}`;

/** Monthly payment of an amortized loan. */
function payment(amount: number, apr: number, months: number): number {
  const r = apr / 100 / 12;
  return round((amount * r) / (1 - (1 + r) ** -months), 2);
}

/** What the loan agent knows when it applies the policy: the application and its tools' answers. */
interface LoanFacts {
  readonly score: number;
  readonly delinquencies: number;
  readonly inquiries: number;
  readonly utilization: number;
  readonly tradelines: number;
  readonly monthlyDebt: number;
  /** Annual income as verified by payroll, or as read from pay stubs when payroll timed out. */
  readonly income: number;
  readonly statedIncome: number;
  readonly verification: 'verified' | 'mismatch' | 'timeout';
  readonly amount: number;
  readonly termMonths: number;
}

type LoanVersion = (typeof VERSIONS)[number];

/** The lending policy of one agent version applied to the facts: rules, action, scores, texts. */
function loanPolicy(v: LoanVersion, facts: LoanFacts) {
  const { score, delinquencies, inquiries, monthlyDebt, statedIncome, verification } = facts;
  const { amount, termMonths } = facts;
  const annualIncome = facts.income;
  const apr = round(clamp(6.9 + (780 - score) * 0.052 + (termMonths - 36) * 0.02, 6.49, 29.99), 2);
  const monthly = payment(amount, apr, termMonths);
  const dti = round((monthlyDebt + monthly) / (annualIncome / 12), 3);
  const lti = round(amount / annualIncome, 2);
  const incomeVerified = verification === 'verified';

  const rules: RuleResult[] = [
    {
      rule: 'CL-010-min-credit-score',
      passed: score >= v.minScore,
      severity: score < v.declineScore ? 'decline' : 'refer',
      text: `FICO ${score} against a minimum of ${v.minScore} (decline below ${v.declineScore})`,
      reason: 'Credit score below the program minimum',
      data: { score, minimum: v.minScore, declineBelow: v.declineScore },
    },
    {
      rule: 'CL-020-max-dti',
      passed: dti <= v.maxDti,
      severity: dti > v.maxDti + 0.07 ? 'decline' : 'refer',
      text: `Debt-to-income ${dti.toFixed(3)} with the new payment against a limit of ${v.maxDti.toFixed(2)}`,
      reason: 'Debt-to-income ratio too high',
      data: { dti, limit: v.maxDti, monthlyDebt, newPayment: monthly },
    },
    {
      rule: 'CL-030-recent-delinquency',
      passed: delinquencies === 0,
      severity: delinquencies >= 2 ? 'decline' : 'refer',
      text: `${delinquencies} delinquencies in the last 12 months`,
      reason: 'Delinquent past or present credit obligations',
      data: { delinquencies12m: delinquencies },
    },
    {
      rule: 'CL-040-income-verified',
      passed: incomeVerified,
      severity: 'refer',
      text: incomeVerified
        ? `Income verified through payroll: ${money(annualIncome)} a year`
        : verification === 'mismatch'
          ? `Stated income ${money(statedIncome)} is ${Math.round((statedIncome / annualIncome - 1) * 100)}% above payroll's ${money(annualIncome)}`
          : 'Payroll verification timed out; pay stubs read but not yet confirmed',
      reason: 'Unable to verify income',
      data: { verified: incomeVerified, stated: statedIncome, payroll: annualIncome },
    },
    {
      rule: 'CL-050-loan-to-income',
      passed: lti <= 0.6,
      severity: 'refer',
      text: `Loan-to-income ${lti.toFixed(2)} against a limit of 0.60`,
      reason: 'Amount requested too high for income',
      data: { lti, limit: 0.6 },
    },
  ];
  if (v.inquiryRule) {
    rules.push({
      rule: 'CL-060-recent-inquiries',
      passed: inquiries < 4,
      severity: 'refer',
      text: `${inquiries} hard inquiries in 6 months (refer at 4 or more)`,
      reason: 'Too many recent credit inquiries',
      data: { inquiries6m: inquiries, referAt: 4 },
    });
  }
  const failed = rules.filter((r) => !r.passed);
  const action = failed.some((r) => r.severity === 'decline')
    ? 'decline'
    : failed.length > 0
      ? 'refer'
      : 'approve';
  const logit =
    0.021 * (score - 660) -
    11 * (dti - 0.34) -
    0.8 * delinquencies -
    0.12 * inquiries +
    (incomeVerified ? 0.5 : -0.4) -
    0.8 * Math.max(0, lti - 0.4);
  const p = round(clamp(1 / (1 + Math.exp(-logit)), 0.02, 0.98), 2);
  const reasons = failed.map((r) => r.reason);
  const confidence = round(
    action === 'approve'
      ? clamp(p * v.approveConfidence, 0.55, 0.97)
      : action === 'decline'
        ? clamp(0.86 + (1 - p) * 0.1, 0.8, 0.98)
        : clamp(0.5 + Math.abs(p - 0.5) * 0.4, 0.5, 0.72),
    2,
  );
  const rationale =
    action === 'approve'
      ? `Approve: FICO ${score} and DTI ${dti.toFixed(2)} are within policy, income is verified and there are no recent delinquencies.`
      : action === 'decline'
        ? `Decline: ${failed
            .filter((r) => r.severity === 'decline')
            .map((r) => r.rule)
            .join(', ')} failed hard limits.`
        : `Refer to an underwriter: ${failed.map((r) => r.rule).join(', ')} need a human look; the file is otherwise ${p >= 0.5 ? 'strong' : 'weak'}.`;
  return { rules, failed, action, p, reasons, confidence, rationale, apr, monthly, dti, lti };
}

/** The arguments of a tool call (a JSON object, as the record schema has them). */
type JsonArgs = NonNullable<DecisionInput['context']>;

/** A tool of the loan agent: its answer for the args (throws when the call fails). */
type LoanTool = (args: JsonArgs) => Json;

/**
 * What the loan agent calls out to. The demo simulates it; a replay answers from the recording
 * (the wrapped tools and model never reach it then, except the model in counterfactual mode).
 */
interface LoanWorld {
  readonly tools: Readonly<Record<LoanToolName, LoanTool>>;
  /** The simulated duration of each tool call (recorded instead of the measured one). */
  readonly durations?: Readonly<Record<LoanToolName, () => number>>;
  readonly model: (spec: OpenAiCallSpec) => ModelAnswer;
}

type LoanToolName =
  | 'identity.verify'
  | 'credit_bureau.get_report'
  | 'income.verify'
  | 'documents.extract_income'
  | 'pricing.quote';

/** The recorded input the loan agent decides on (what `record()`'s meta holds). */
interface LoanInput {
  readonly subject?: { readonly id: string } | undefined;
  readonly context?: { readonly [key: string]: unknown } | undefined;
}

interface CreditReport {
  readonly ficoScore: number;
  readonly tradelines: number;
  readonly utilization: number;
  readonly delinquencies12m: number;
  readonly inquiries6m: number;
  readonly monthlyDebtPayments: number;
}

/**
 * The loan underwriting agent of version `v`: verifies identity, pulls the bureau report,
 * verifies income (pay stubs when payroll times out), applies the lending policy, asks the model
 * for a rationale and decides. Every tool and model call goes through the SDK's wrappers, so the
 * same code records the demo and replays it.
 */
function runLoanAgent(v: LoanVersion, input: LoanInput, world: LoanWorld): void {
  const call = (name: LoanToolName, args: Json): Json =>
    wrapToolSync(name, world.tools[name], {
      ...(world.durations === undefined ? {} : { duration: world.durations[name] }),
    })(args as JsonArgs);
  const application = input.context?.['application'] as {
    id: string;
    product: string;
    amount: number;
    termMonths: number;
    purpose: string;
  };
  const applicant = input.context?.['applicant'] as { statedAnnualIncome: number };
  const subjectId = input.subject?.id ?? '';
  const { id: applicationId, amount, termMonths, product, purpose } = application;
  const statedIncome = applicant.statedAnnualIncome;
  const target = `loan-application/${applicationId}`;

  call('identity.verify', { applicationId, method: 'document+selfie' });
  const report = call('credit_bureau.get_report', {
    applicant: subjectId,
    bureau: 'experian',
    pull: 'hard',
  }) as unknown as CreditReport;
  const score = report.ficoScore;
  const delinquencies = report.delinquencies12m;
  const inquiries = report.inquiries6m;
  const utilization = report.utilization;
  reason({
    kind: 'observation',
    text: `Credit report: FICO ${score}, ${report.tradelines} tradelines, utilization ${Math.round(utilization * 100)}%, ${delinquencies} delinquencies in 12 months, ${inquiries} inquiries in 6 months.`,
    data: report as unknown as Json,
  });
  let income: number;
  let verification: LoanFacts['verification'];
  try {
    const payroll = call('income.verify', {
      applicant: subjectId,
      provider: 'payroll-connect',
      statedAnnualIncome: statedIncome,
    }) as { verified: boolean; annualIncome: number };
    income = payroll.annualIncome;
    verification = payroll.verified ? 'verified' : 'mismatch';
  } catch {
    const read = call('documents.extract_income', {
      applicationId,
      documents: ['paystub-1.pdf', 'paystub-2.pdf'],
    }) as { annualIncome: number };
    income = read.annualIncome;
    verification = 'timeout';
  }
  const policy = loanPolicy(v, {
    ...{ score, delinquencies, inquiries, utilization, tradelines: report.tradelines },
    ...{ monthlyDebt: report.monthlyDebtPayments, income, statedIncome, verification },
    ...{ amount, termMonths },
  });
  const { rules, failed, action, p, reasons, confidence, rationale, dti, lti } = policy;
  for (const r of rules) {
    reason({
      kind: 'rule',
      text: `${r.rule}: ${r.text} — ${r.passed ? 'pass' : `fail (${r.severity})`}`,
      data: r.data,
    });
  }
  const spec: OpenAiCallSpec = {
    model: v.model.name,
    snapshot: v.model.version,
    system: v.system,
    user: {
      application: { amount, termMonths, product, purpose },
      credit: { score, delinquencies12m: delinquencies, inquiries6m: inquiries, utilization },
      capacity: { dti, lti, incomeVerified: verification === 'verified' },
      policyChecks: rules.map((r) => ({ rule: r.rule, passed: r.passed })),
    },
    answer: { recommendation: action, rationale, risk_factors: reasons },
  };
  wrapModelSync(() => world.model(spec))(openAiRequest(spec));
  reason({ kind: 'inference', text: rationale });
  const declineWhy =
    reasons.length > 0 ? reasons.join('; ') : 'Risk score below the approval threshold';
  consider({
    action: 'approve',
    score: p,
    reason:
      action === 'approve'
        ? 'Every policy rule passes; priced by the risk grid'
        : `Blocked by ${failed.map((r) => r.rule).join(', ')}`,
  });
  consider({ action: 'decline', score: round(1 - p, 2), reason: declineWhy });
  consider({
    action: 'refer',
    score: round(0.3 + 0.5 * (1 - Math.abs(2 * p - 1)), 2),
    reason:
      action === 'refer'
        ? 'Soft rule failures a human underwriter can clear'
        : 'Nothing a manual review would change',
  });
  if (action === 'approve') {
    const quote = call('pricing.quote', { score, amount, termMonths, product }) as {
      apr: number;
      monthlyPayment: number;
    };
    decide(
      {
        action,
        target,
        value: { amount, termMonths, apr: quote.apr, monthlyPayment: quote.monthlyPayment },
      },
      confidence,
    );
  } else if (action === 'decline') {
    decide({ action, target, value: { adverseActionReasons: reasons.slice(0, 4) } }, confidence);
  } else {
    decide({ action, target, value: { queue: 'manual-underwriting', reasons } }, confidence);
  }
}

/**
 * The loan agent for replay: version `version` of its logic (default: the version each decision
 * was recorded with) on a recorded decision. Its tools are answered from the recording; the
 * model, when called live (counterfactual), is the demo's simulated model.
 *
 * @example
 * replayLoanAgent('2.4.0')(record); // the 2.3.1 decision through 2.4.0's policy
 */
export function replayLoanAgent(version?: string): (input: LoanInput & DemoReplayInput) => void {
  return (input) => {
    const v = VERSIONS.find((x) => x.agent === (version ?? input.agent.version));
    if (v === undefined) throw new Error(`no loan agent version ${version ?? input.agent.version}`);
    const unreachable = (): Json => {
      throw new Error('a replayed tool call reached the demo (it is answered from the recording)');
    };
    runLoanAgent(v, input, {
      tools: {
        'identity.verify': unreachable,
        'credit_bureau.get_report': unreachable,
        'income.verify': unreachable,
        'documents.extract_income': unreachable,
        'pricing.quote': unreachable,
      },
      model: (spec) => openAiAnswer(new DemoRandom(input.id, 'replay-model'), spec),
    });
  };
}

/** The versions of the loan agent, oldest first. */
export const LOAN_VERSIONS: readonly string[] = VERSIONS.map((v) => v.agent);

/**
 * One loan application decided by the underwriting agent.
 *
 * @example
 * const c = loanCase({ seed: 'docket-demo', index: 0, ms: Date.now(), rng, generation: 0 });
 */
export function loanCase(input: CaseInput): DemoCase {
  const { rng, generation, index, ms } = input;
  const v = VERSIONS[generation];
  // The applicant: the same person (and financial profile) each time this number comes up.
  const applicantNo = rng.int(0, 239);
  const subjectId = `APP-${100_000 + applicantNo * 7}`;
  const who = new DemoRandom(input.seed, 'applicant', applicantNo);
  const person = personOf(who);
  const baseScore = who.normal(690, 62);
  const annualIncome = round(
    clamp(Math.exp(who.normal(Math.log(72_000), 0.45)), 24_000, 320_000),
    -2,
  );
  const debtShare = who.real(0.04, 0.36, 3);
  const employmentMonths = who.int(2, 240);
  const housing = who.pick(['rent', 'own', 'mortgage', 'family']);

  const spec = rng.weighted<Product>([
    [PRODUCTS[0], 5],
    [PRODUCTS[1], 3],
    [PRODUCTS[2], 2],
  ]);
  const amount = round(rng.int(spec.min, spec.max), -2);
  const termMonths = rng.pick([36, 48, 60]);
  const purpose = rng.pick(spec.purpose);
  const channel = rng.weighted([
    ['web', 5],
    ['mobile', 3],
    ['branch', 1],
    ['broker', 1],
  ] as const);
  const applicationId = `LA-${(40_000 + index).toString()}`;
  const target = `loan-application/${applicationId}`;

  const score = Math.round(clamp(rng.normal(baseScore, 18), 500, 850));
  const delinquencies = rng.weighted([
    [0, 86],
    [1, 9],
    [2, 5],
  ] as const);
  const inquiries = rng.weighted([
    [0, 30],
    [1, 28],
    [2, 18],
    [3, 12],
    [4, 7],
    [5, 5],
  ] as const);
  const utilization = rng.real(0.03, 0.92, 2);
  const tradelines = rng.int(2, 24);
  const verification = rng.weighted([
    ['verified', 91],
    ['mismatch', 5],
    ['timeout', 4],
  ] as const);
  const statedIncome =
    verification === 'mismatch'
      ? round(annualIncome * rng.real(1.15, 1.35), -3)
      : round(annualIncome, -3);
  const income = verification === 'timeout' ? round(annualIncome, -3) : annualIncome;
  const monthlyDebt = round((annualIncome / 12) * debtShare, 0);
  const incomeVerified = verification === 'verified';

  const report = {
    bureau: 'experian',
    ficoScore: score,
    tradelines,
    utilization,
    delinquencies12m: delinquencies,
    inquiries6m: inquiries,
    oldestAccountMonths: Math.max(employmentMonths, rng.int(6, 300)),
    publicRecords: 0,
    monthlyDebtPayments: monthlyDebt,
  };
  const facts: LoanFacts = {
    ...{ score, delinquencies, inquiries, utilization, tradelines, monthlyDebt },
    ...{ income, statedIncome, verification, amount, termMonths },
  };
  const { rules, action, p, reasons, apr, monthly, dti } = loanPolicy(v, facts);
  const day = new Date(ms).toISOString().slice(0, 10);
  const run = new DemoRandom(input.seed, 'dagster', day);
  const runId = `${run.hex(4)}-${run.hex(2)}-4${run.hex(2).slice(1)}-a${run.hex(2).slice(1)}-${run.hex(6)}`;

  const meta = {
    id: input.id,
    ts: iso(ms),
    agent: { id: LOAN_AGENT, version: v.agent },
    model: { ...v.model, params: { temperature: 0, seed: 7, response_format: 'json_object' } },
    prompt: v.prompt,
    policy: {
      id: 'consumer-lending',
      version: v.policy.split('/')[1]!,
      rules_evaluated: ['CL-001-identity', ...rules.map((r) => r.rule)],
    },
    subject: { id: subjectId, type: 'loan_applicant' },
    goal: `Decide loan application ${applicationId}: ${money(amount)} ${spec.product.replace('_', ' ')} loan over ${termMonths} months (${purpose}).`,
    context: {
      application: {
        id: applicationId,
        product: spec.product,
        amount,
        termMonths,
        purpose,
        channel,
      },
      applicant: {
        name: person.name,
        birthYear: person.birthYear,
        email: person.email,
        phone: person.phone,
        ssn: `9${String(who.int(0, 99)).padStart(2, '0')}-${String(who.int(70, 88))}-${String(who.int(1000, 9999))}`,
        statedAnnualIncome: statedIncome,
        employmentMonths,
        housing,
      },
      policyLimits: { maxDti: v.maxDti, minScore: v.minScore, maxLoanToIncome: 0.6 },
    },
    correlation: {
      traceId: rng.hex(16),
      spanId: rng.hex(8),
      sessionId: `los-${applicationId.toLowerCase()}`,
      orchestrator: {
        kind: 'dagster',
        runId,
        job: 'loan_underwriting',
        step: 'underwrite_application',
        partition: day,
        attempt: 0,
        assetKey: 'underwriting/decisions',
      },
    },
    lineage: {
      inputs: [
        {
          name: 'loan_application',
          digest: sha256Of({ applicationId, amount, termMonths, purpose }),
          uri: `https://los.acme-lending.example/applications/${applicationId}`,
        },
        {
          name: 'credit_bureau_report',
          digest: sha256Of(report),
          uri: `s3://acme-lending-raw/bureau/experian/${applicationId}.json`,
        },
      ],
    },
    tags: { demo: 'docket', domain: 'lending', product: spec.product, channel },
    metadata: { demo: { seed: input.seed, index } },
  };

  const act = (): void => {
    const world: LoanWorld = {
      tools: {
        'identity.verify': () => ({
          match: true,
          score: rng.real(0.91, 0.995, 3),
          watchlistHit: false,
        }),
        'credit_bureau.get_report': () => report,
        'income.verify': () => {
          if (verification === 'timeout')
            throw new Error('payroll-connect: timed out after 5000 ms');
          return {
            verified: incomeVerified,
            annualIncome,
            employmentMonths,
            employer: who.pick([
              'Northwind Health',
              'Contoso Logistics',
              'Fabrikam Foods',
              'City of Riverton',
              'Tailspin Air',
            ]),
          };
        },
        'documents.extract_income': () => ({
          annualIncome: round(annualIncome, -3),
          confidence: 0.81,
          needsReview: true,
        }),
        'pricing.quote': () => ({ apr, monthlyPayment: monthly, grid: v.policy }),
      },
      durations: {
        'identity.verify': () => rng.int(140, 420),
        'credit_bureau.get_report': () => rng.int(180, 950),
        'income.verify': () => (verification === 'timeout' ? 5000 : rng.int(300, 1400)),
        'documents.extract_income': () => rng.int(900, 2400),
        'pricing.quote': () => rng.int(20, 90),
      },
      model: (spec) => openAiAnswer(rng, spec),
    };
    runLoanAgent(v, meta, world);
  };

  const events = eventsOf(
    input,
    action === 'approve'
      ? [
          {
            after: rng.int(5, 40) * MINUTE,
            kind: 'effect',
            effect: { type: 'customer.notified', channel: 'email', template: 'loan-approved-v3' },
          },
          ...(rng.chance(0.85)
            ? [
                {
                  after: rng.int(20, 72) * HOUR,
                  kind: 'effect' as const,
                  effect: {
                    type: 'loan.funded',
                    loanId: `LN-${(900_000 + index).toString()}`,
                    amount,
                    apr,
                    termMonths,
                  },
                },
              ]
            : []),
        ]
      : action === 'decline'
        ? [
            {
              after: rng.int(10, 60) * MINUTE,
              kind: 'effect',
              effect: {
                type: 'adverse_action_notice.sent',
                channel: rng.pick(['mail', 'email']),
                reasons: reasons.slice(0, 4),
                regulation: 'ECOA / Regulation B, 12 CFR 1002.9',
              },
            },
            // Under the newer, stricter policy a senior underwriter overturns more declines:
            // evidence for the drift views.
            ...(rng.chance(generation === 1 && dti <= 0.43 ? 0.3 : 0.06)
              ? [
                  {
                    after: rng.int(20, 60) * HOUR,
                    kind: 'override' as const,
                    actor: rng.pick(STAFF.seniorUnderwriters),
                    reason:
                      generation === 1 && dti <= 0.43
                        ? `DTI ${dti.toFixed(2)} is within the 0.43 limit of the previous policy; ${Math.round(employmentMonths / 12)} years with the same employer and cash reserves offset it.`
                        : 'Compensating factors verified by phone: six months of reserves and a co-signer.',
                    outcome: {
                      action: 'approve',
                      value: { amount: round(amount * 0.8, -2), termMonths },
                      target,
                    },
                  },
                ]
              : []),
          ]
        : rng.chance(0.85)
          ? [
              {
                after: rng.int(3, 30) * HOUR,
                kind: 'outcome',
                actor: rng.pick(STAFF.underwriters),
                reason:
                  p >= 0.45
                    ? 'Pay stubs and bank statements confirm income; within appetite.'
                    : 'Could not confirm income or explain recent delinquencies.',
                outcome:
                  p >= 0.45
                    ? { action: 'approve', value: { amount, termMonths, apr }, target }
                    : { action: 'decline', value: { adverseActionReasons: reasons }, target },
              },
            ]
          : [],
  );
  return {
    index,
    id: input.id,
    agent: LOAN_AGENT,
    version: v.agent,
    via: 'record',
    meta,
    act,
    events,
  };
}

/** Paths of the loan agent's context that the SDK redacts before anything leaves the process. */
export const LOAN_REDACT = ['$.context.applicant.ssn'];
