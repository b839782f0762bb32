/**
 * The demo's insurance claims triage agent (a Temporal activity): looks up the policy and the
 * claim history, gets a fraud score, asks a model to summarize, and routes the claim to fast-track
 * payment, an adjuster, or the special investigations unit (SIU).
 * Version 1.9.0 raises the fast-track limit but sends more claims to SIU (a lower fraud threshold
 * and a new "recent policy change" rule) on a newer model.
 */
import { consider, decide, llm, reason, tool } from '@docket/sdk';
import { clamp, DemoRandom, round, sha256Of } from './random.js';
import type { CaseInput, DemoCase } from './scenario.js';
import { anthropicCall, DAY, eventsOf, HOUR, iso, MINUTE, personOf, STAFF } from './scenario.js';

export const CLAIMS_AGENT = 'claims-triage';

const SYSTEM = [
  'You triage first notices of loss for a property and casualty insurer. Summarize the claim, list red flags and recommend a route: fast_track, adjuster_review or siu_review. Answer in JSON.',
  'You triage first notices of loss for a property and casualty insurer under triage policy 2025.1. Summarize the claim in two sentences, list red flags with the signal ids, and recommend a route: fast_track, adjuster_review or siu_review. Answer in JSON.',
] as const;

const VERSIONS = [
  {
    agent: '1.8.2',
    model: {
      provider: 'anthropic',
      name: 'claude-3-5-sonnet',
      version: 'claude-3-5-sonnet-20241022',
    },
    prompt: { id: 'fnol-triage', version: '12', hash: sha256Of(SYSTEM[0]) },
    policyVersion: '2024.4',
    siuThreshold: 700,
    fastTrackLimit: 5_000,
    policyChangeRule: false,
  },
  {
    agent: '1.9.0',
    model: { provider: 'anthropic', name: 'claude-sonnet-4', version: 'claude-sonnet-4-20250514' },
    prompt: { id: 'fnol-triage', version: '13', hash: sha256Of(SYSTEM[1]) },
    policyVersion: '2025.1',
    siuThreshold: 600,
    fastTrackLimit: 7_500,
    policyChangeRule: true,
  },
] as const;

type Loss = readonly [type: string, min: number, max: number, description: string];

const LOSSES: Record<'auto' | 'home' | 'renters', readonly Loss[]> = {
  auto: [
    [
      'collision',
      1_500,
      25_000,
      'Rear-ended at a traffic light; bumper, trunk lid and tail lights damaged.',
    ],
    ['glass', 300, 1_500, 'Windshield cracked by a stone on the highway.'],
    ['theft', 4_000, 32_000, 'Vehicle stolen from a parking garage overnight.'],
    ['hail', 1_500, 12_000, 'Hail storm dented the roof and hood.'],
  ],
  home: [
    [
      'water_damage',
      2_000,
      45_000,
      'Burst pipe under the kitchen sink flooded the kitchen and basement.',
    ],
    ['fire', 5_000, 150_000, 'Kitchen fire spread to the cabinets and ceiling.'],
    ['wind', 1_000, 30_000, 'Storm tore shingles off the roof; water came into the attic.'],
    ['theft', 800, 20_000, 'Break-in through the back door; laptop, jewelry and a bicycle taken.'],
  ],
  renters: [
    ['theft', 500, 9_000, 'Apartment burglarized while away for the weekend.'],
    [
      'water_damage',
      600,
      8_000,
      "Upstairs neighbor's overflowing bathtub soaked the ceiling and furniture.",
    ],
  ],
};

const SIGNAL_TEXT: Record<string, string> = {
  policy_inception_lt_30d: 'the policy started less than 30 days before the loss',
  no_police_report: 'a theft without a police report',
  prior_claims_3y_ge_3: 'three or more claims in three years',
  late_reporting: 'reported more than 30 days after the loss',
  photo_metadata_mismatch: 'photo metadata predates the reported loss date',
  recent_policy_change: 'coverage was increased in the 30 days before the loss',
};

/**
 * One first notice of loss triaged by the claims agent.
 *
 * @example
 * const c = claimsCase({ seed: 'docket-demo', index: 1, id, ms: Date.now(), rng, generation: 1 });
 */
export function claimsCase(input: CaseInput): DemoCase {
  const { rng, generation, index, ms } = input;
  const v = VERSIONS[generation];
  const holderNo = rng.int(0, 199);
  const subjectId = `PH-${(550_000 + holderNo * 13).toString()}`;
  const who = new DemoRandom(input.seed, 'policyholder', holderNo);
  const person = personOf(who);
  const line = who.weighted([
    ['auto', 5],
    ['home', 3],
    ['renters', 2],
  ] as const);
  const policyNumber = `${line.slice(0, 2).toUpperCase()}-${(7_000_000 + holderNo * 31).toString()}`;
  const inceptionDaysAgo = who.chance(0.1) ? rng.int(3, 29) : who.int(60, 2_400);
  const [lossType, minAmount, maxAmount, description] = rng.pick(LOSSES[line]);
  const amount = round(rng.int(minAmount, maxAmount), -1);
  const reportDelayDays = rng.chance(0.07) ? rng.int(31, 90) : rng.int(0, 6);
  const lossMs = ms - reportDelayDays * DAY - rng.int(1, 20) * HOUR;
  const claimId = `CLM-${(2_000_000 + index).toString()}`;
  const target = `claim/${claimId}`;
  const policeReport =
    lossType === 'theft' ? rng.chance(0.8) : lossType === 'collision' && rng.chance(0.6);
  const photos = lossType === 'theft' ? rng.int(0, 3) : rng.int(2, 14);
  const priorClaims = rng.weighted([
    [0, 55],
    [1, 25],
    [2, 12],
    [3, 5],
    [4, 3],
  ] as const);
  const coverageIncrease = rng.chance(0.1);
  const photoMismatch = photos > 0 && rng.chance(0.04);
  const signals = [
    ...(inceptionDaysAgo < 30 ? ['policy_inception_lt_30d'] : []),
    ...(lossType === 'theft' && !policeReport ? ['no_police_report'] : []),
    ...(priorClaims >= 3 ? ['prior_claims_3y_ge_3'] : []),
    ...(reportDelayDays > 30 ? ['late_reporting'] : []),
    ...(photoMismatch ? ['photo_metadata_mismatch'] : []),
    ...(coverageIncrease ? ['recent_policy_change'] : []),
  ];
  const fraudScore = Math.round(clamp(rng.normal(260, 130) + signals.length * 190, 5, 990));
  const deductible = rng.pick([250, 500, 1_000]);
  const damageConsistent = !photoMismatch && rng.chance(0.95);

  const siu =
    fraudScore >= v.siuThreshold || signals.length >= 2 || (v.policyChangeRule && coverageIncrease);
  const fastTrack =
    !siu &&
    amount <= v.fastTrackLimit &&
    fraudScore < 400 &&
    signals.length === 0 &&
    damageConsistent &&
    priorClaims < 2;
  const action = siu ? 'siu_review' : fastTrack ? 'fast_track' : 'adjuster_review';
  const scores = {
    fast_track: round(
      clamp(1 - amount / (v.fastTrackLimit * 2) - fraudScore / 1200, 0.02, 0.97),
      2,
    ),
    adjuster_review: round(
      clamp(0.45 + amount / 100_000 + (signals.length === 1 ? 0.15 : 0), 0.2, 0.9),
      2,
    ),
    siu_review: round(clamp(fraudScore / 1000 + signals.length * 0.08, 0.01, 0.98), 2),
  };
  const confidence = round(
    clamp(
      action === 'siu_review'
        ? 0.6 + scores.siu_review * 0.35
        : action === 'fast_track'
          ? 0.7 + scores.fast_track * 0.25
          : 0.55 + Math.abs(scores.adjuster_review - 0.5) * 0.4,
      0.5,
      0.97,
    ) * (generation === 1 ? 0.97 : 1),
    2,
  );
  const flags = signals.map((s) => `${s}: ${SIGNAL_TEXT[s] ?? s}`);
  const summary = `${line} ${lossType.replace('_', ' ')} claim for $${amount.toLocaleString('en-US')}: ${description}`;

  const attempt = rng.chance(0.05) ? 1 : 0;
  const run = new DemoRandom(input.seed, 'temporal', index);
  const runId = `${run.hex(4)}-${run.hex(2)}-4${run.hex(2).slice(1)}-8${run.hex(2).slice(1)}-${run.hex(6)}`;
  const context = {
    claim: {
      id: claimId,
      line,
      lossType,
      lossDate: iso(lossMs).slice(0, 10),
      reportedAt: iso(ms - rng.int(2, 30) * MINUTE),
      amountClaimed: amount,
      description,
      policeReport,
      photos,
    },
    claimant: {
      name: person.name,
      email: person.email,
      phone: person.phone,
      bankAccount: `US${String(who.int(10, 99))}ACME${String(who.int(10_000_000, 99_999_999))}${String(who.int(1000, 9999))}`,
    },
    policy: { number: policyNumber },
  };
  const meta = {
    id: input.id,
    ts: iso(ms),
    agent: { id: CLAIMS_AGENT, version: v.agent },
    model: { ...v.model, params: { temperature: 0, max_tokens: 1024 } },
    prompt: v.prompt,
    policy: {
      id: 'claims-triage',
      version: v.policyVersion,
      rules_evaluated: [
        'CT-01-coverage-in-force',
        'CT-02-fraud-threshold',
        'CT-03-signal-count',
        ...(v.policyChangeRule ? ['CT-07-recent-policy-change'] : []),
        'CT-04-fast-track-limit',
        'CT-05-damage-consistency',
      ],
    },
    subject: { id: subjectId, type: 'policyholder' },
    goal: `Route claim ${claimId} (${line}, ${lossType.replace('_', ' ')}, $${amount.toLocaleString('en-US')}): fast-track payment, adjuster review or SIU fraud review?`,
    context,
    correlation: {
      traceId: rng.hex(16),
      spanId: rng.hex(8),
      orchestrator: {
        kind: 'temporal',
        runId,
        job: 'ClaimIntakeWorkflow',
        step: 'triageClaim',
        attempt,
      },
    },
    lineage: {
      inputs: [
        {
          name: 'fnol_submission',
          digest: sha256Of(context.claim),
          uri: `https://claims.acme-insure.example/fnol/${claimId}`,
        },
      ],
    },
    tags: { demo: 'docket', domain: 'insurance', line, lossType },
    metadata: { demo: { seed: input.seed, index }, workflowId: `claim-intake-${claimId}` },
  };

  const act = (): void => {
    tool({
      name: 'policy.lookup',
      args: { policyNumber },
      result: {
        status: 'in_force',
        inceptionDaysAgo,
        deductible,
        limit: line === 'auto' ? 50_000 : line === 'home' ? 350_000 : 30_000,
        coverageIncreasedDaysAgo: coverageIncrease ? rng.int(3, 29) : null,
      },
      duration: rng.int(40, 220),
    });
    tool({
      name: 'claims.history',
      args: { policyholder: subjectId, years: 3 },
      result: { claims: priorClaims, totalPaid: priorClaims * rng.int(800, 9_000) },
      duration: rng.int(60, 300),
    });
    if (photos > 0) {
      tool({
        name: 'documents.inspect_photos',
        args: { claimId, photos },
        result: {
          damageConsistent,
          exifOlderThanLoss: photoMismatch,
          estimate: round(amount * rng.real(0.7, 1.15), -1),
        },
        duration: rng.int(800, 3_500),
      });
    }
    tool({
      name: 'fraud.score',
      args: {
        claimId,
        vendor: 'sentinel',
        features: { amount, lossType, reportDelayDays, priorClaims },
      },
      result: { score: fraudScore, signals, model: 'sentinel-fnol-2024.09' },
      duration: rng.int(150, 700),
    });
    reason({
      kind: 'observation',
      text: `Policy ${policyNumber} in force for ${inceptionDaysAgo} days; ${priorClaims} claims in 3 years; fraud score ${fraudScore}/1000.`,
      data: { inceptionDaysAgo, priorClaims, fraudScore, signals },
    });
    reason({
      kind: 'rule',
      text: `CT-02: fraud score ${fraudScore} ${fraudScore >= v.siuThreshold ? '≥' : '<'} SIU threshold ${v.siuThreshold}`,
      data: { fraudScore, threshold: v.siuThreshold },
    });
    reason({
      kind: 'rule',
      text:
        signals.length === 0
          ? 'CT-03: no fraud signals'
          : `CT-03: ${signals.length} signal(s): ${flags.join('; ')}`,
      data: { signals },
    });
    if (v.policyChangeRule) {
      reason({
        kind: 'rule',
        text: coverageIncrease
          ? 'CT-07: coverage increased shortly before the loss — route to SIU'
          : 'CT-07: no recent coverage change',
        data: { coverageIncrease },
      });
    }
    reason({
      kind: 'rule',
      text: `CT-04: $${amount.toLocaleString('en-US')} ${amount <= v.fastTrackLimit ? '≤' : '>'} fast-track limit $${v.fastTrackLimit.toLocaleString('en-US')}`,
      data: { amount, limit: v.fastTrackLimit },
    });
    llm(
      anthropicCall(rng, {
        model: v.model.version,
        system: SYSTEM[generation],
        user: { claim: context.claim, fraudScore, signals, priorClaims, deductible },
        answer: { route: action, summary, red_flags: flags },
      }),
    );
    reason({ kind: 'inference', text: summary });
    consider({
      action: 'fast_track',
      score: scores.fast_track,
      reason: fastTrack
        ? `Small, consistent claim with no signals; pay $${(amount - deductible).toLocaleString('en-US')} after the deductible`
        : amount > v.fastTrackLimit
          ? 'Above the fast-track limit'
          : 'Signals or history rule out straight-through payment',
    });
    consider({
      action: 'adjuster_review',
      score: scores.adjuster_review,
      reason: 'An adjuster inspects and settles; the default route',
    });
    consider({
      action: 'siu_review',
      score: scores.siu_review,
      reason: siu
        ? `Fraud indicators: ${flags.join('; ') || `score ${fraudScore}`}`
        : 'No fraud indicators above threshold',
    });
    decide(
      {
        action,
        target,
        value:
          action === 'fast_track'
            ? { payout: amount - deductible, deductible }
            : action === 'siu_review'
              ? { fraudScore, signals }
              : { queue: `${line}-adjusters`, slaHours: 48 },
      },
      confidence,
    );
  };

  const events = eventsOf(
    input,
    action === 'fast_track'
      ? [
          {
            after: rng.int(18, 52) * HOUR,
            kind: 'effect',
            effect: { type: 'payment.issued', amount: amount - deductible, method: 'ACH', claimId },
          },
          ...(rng.chance(0.05)
            ? [
                {
                  after: rng.int(2, 16) * HOUR,
                  kind: 'override' as const,
                  actor: rng.pick(STAFF.adjusters),
                  reason: 'Photo review: the damage looks older than the reported loss date.',
                  outcome: { action: 'adjuster_review', target },
                },
              ]
            : []),
        ]
      : action === 'adjuster_review'
        ? [
            {
              after: rng.int(10, 90) * MINUTE,
              kind: 'effect',
              effect: {
                type: 'adjuster.assigned',
                adjuster: rng.pick(STAFF.adjusters),
                slaHours: 48,
              },
            },
            ...(rng.chance(0.5)
              ? [
                  {
                    after: rng.int(3, 12) * DAY,
                    kind: 'outcome' as const,
                    actor: rng.pick(STAFF.adjusters),
                    reason: 'Inspection complete; estimate agreed with the claimant.',
                    outcome: {
                      action: 'settle',
                      value: { amount: round(amount * rng.real(0.6, 1), -1) },
                      target,
                    },
                  },
                ]
              : []),
          ]
        : [
            {
              after: rng.int(1, 5) * HOUR,
              kind: 'effect',
              effect: {
                type: 'siu.case_opened',
                caseId: `SIU-${(30_000 + index).toString()}`,
                priority: fraudScore >= 800 ? 'high' : 'normal',
              },
            },
            // The newer version's lower threshold sends claims to SIU that investigators send back.
            ...(rng.chance(generation === 1 && fraudScore < 700 && signals.length < 2 ? 0.45 : 0.1)
              ? [
                  {
                    after: rng.int(1, 6) * DAY,
                    kind: 'override' as const,
                    actor: rng.pick(STAFF.siu),
                    reason: coverageIncrease
                      ? "Coverage increase was the insurer's own renewal adjustment, not the claimant's request; no fraud indicators remain."
                      : 'Police report and repair invoices verified; vendor score driven by a data-entry error.',
                    outcome: { action: 'adjuster_review', target },
                  },
                ]
              : []),
          ],
  );
  return {
    index,
    id: input.id,
    agent: CLAIMS_AGENT,
    version: v.agent,
    via: 'record',
    meta,
    act,
    events,
  };
}

/** Paths of the claims agent's context that the SDK redacts before anything leaves the process. */
export const CLAIMS_REDACT = ['$.context.claimant.bankAccount'];
