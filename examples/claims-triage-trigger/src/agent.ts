/**
 * The claims-triage agent: looks the policy up, scores fraud signals, applies the triage policy
 * and routes the claim to fast-track payment, an adjuster, the special investigations unit (SIU)
 * or a coverage denial. It tells Docket what it saw and why with the SDK's helpers (`tool`,
 * `reason`, `consider`, `decide`), which do nothing outside a Docket decision.
 *
 * The fraud model is a DETERMINISTIC LOCAL SCORER (weighted red-flag rules), standing in for the
 * ML model or LLM a real insurer would call; nothing here calls a network model.
 */
import { consider, decide, reason, tool } from '@docket/sdk';
import type { RecordMeta } from '@docket/sdk';
import { POLICIES } from './claims.js';
import type { Claim, Coverage, Policy } from './claims.js';

export const AGENT = { id: 'claims-triage', version: '1.4.0' } as const;
export const TRIAGE_POLICY = { id: 'claims-triage-policy', version: '2025.3' } as const;
export const FRAUD_MODEL = {
  provider: 'local',
  name: 'fraud-red-flags',
  version: '1.2.0',
} as const;

export type Route = 'fast_track' | 'adjuster_review' | 'siu_referral' | 'deny_not_covered';

/** What the task returns (and the workflow engine stores). */
export interface TriageResult {
  readonly claimId: string;
  readonly route: Route;
  readonly payoutEstimate: number;
  readonly fraudScore: number;
}

/** What Docket records about the claim before the agent starts: who, what for, on what input. */
export function claimDecision(claim: Claim): RecordMeta {
  return {
    agent: AGENT,
    model: { ...FRAUD_MODEL, params: { siuThreshold: 0.6, fastTrackThreshold: 0.3 } },
    policy: {
      ...TRIAGE_POLICY,
      rules_evaluated: ['R1-coverage', 'R2-fraud', 'R3-fast-track', 'R4-default'],
    },
    subject: { id: claim.claimantId, type: 'claimant' },
    goal: `Route claim ${claim.claimId} (${claim.lossType}, $${claim.amountClaimed})`,
    context: { claim },
  };
}

/** Tool: the policy administration system. */
function lookupPolicy(policyNumber: string): Policy | undefined {
  const started = performance.now();
  const policy = POLICIES[policyNumber];
  tool({
    name: 'policy_admin.get_policy',
    args: { policyNumber },
    result: policy ?? null,
    duration: performance.now() - started,
  });
  return policy;
}

const daysBetween = (from: string, to: string): number =>
  Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/** Tool: the fraud scorer (deterministic red-flag weights; see the module comment). */
function scoreFraud(claim: Claim, coverage: Coverage): { score: number; flags: string[] } {
  const started = performance.now();
  const flags: [string, number][] = [];
  if (daysBetween(claim.lossDate, claim.reportedDate) > 30) flags.push(['late_report', 0.25]);
  if (claim.priorClaims12m >= 2) flags.push(['frequent_claimant', 0.2]);
  if (claim.amountClaimed >= 0.9 * coverage.limit) flags.push(['near_policy_limit', 0.15]);
  if (claim.amountClaimed >= 1000 && claim.amountClaimed % 1000 === 0)
    flags.push(['round_amount', 0.1]);
  if (claim.lossType === 'theft' && !claim.documents.includes('police_report'))
    flags.push(['theft_without_police_report', 0.2]);
  if (/\b(cash|no witnesses)\b/i.test(claim.description)) flags.push(['narrative_red_flags', 0.1]);
  const score = Math.min(1, Math.round(flags.reduce((sum, [, w]) => sum + w, 0) * 100) / 100);
  const result = { score, flags: flags.map(([flag]) => flag) };
  tool({
    name: 'fraud.score_claim',
    args: { claimId: claim.claimId },
    result,
    duration: performance.now() - started,
  });
  return result;
}

/** Fast-track needs these documents for the loss type. */
const REQUIRED_DOCUMENTS: Readonly<Record<Claim['lossType'], readonly string[]>> = {
  auto_glass: ['photos'],
  auto_collision: ['photos', 'repair_estimate'],
  water_damage: ['photos', 'repair_estimate'],
  theft: ['police_report'],
};

/**
 * Triage one claim. Returns the route; every step is recorded in the current Docket decision.
 *
 * @example
 * const result = await triageClaim(SAMPLE_CLAIMS[0]);
 */
export async function triageClaim(claim: Claim): Promise<TriageResult> {
  await Promise.resolve();
  const target = `claim/${claim.claimId}`;
  const policy = lookupPolicy(claim.policyNumber);
  const coverage = policy?.coverages[claim.lossType];
  const inForce =
    policy !== undefined &&
    policy.status === 'active' &&
    claim.lossDate >= policy.effective &&
    claim.lossDate < policy.expires;

  // R1: coverage.
  if (!inForce || coverage === undefined) {
    const why = !inForce
      ? `policy ${claim.policyNumber} was not in force on ${claim.lossDate} (status ${policy?.status ?? 'unknown'})`
      : `${policy.product} policy has no ${claim.lossType} coverage`;
    reason({ kind: 'rule', text: `R1-coverage: ${why}` });
    consider({ action: 'deny_not_covered', score: 0.95, reason: why });
    consider({ action: 'adjuster_review', score: 0.05, reason: 'coverage question, not fraud' });
    decide({ action: 'deny_not_covered', target, value: { reason: why } }, 0.95);
    return { claimId: claim.claimId, route: 'deny_not_covered', payoutEstimate: 0, fraudScore: 0 };
  }
  reason({
    kind: 'rule',
    text: `R1-coverage: ${claim.lossType} covered up to $${coverage.limit}, deductible $${coverage.deductible}`,
    data: { ...coverage },
  });

  // R2: fraud.
  const fraud = scoreFraud(claim, coverage);
  const payoutEstimate = Math.max(
    0,
    Math.min(claim.amountClaimed, coverage.limit) - coverage.deductible,
  );
  reason({
    kind: 'inference',
    text: `fraud score ${fraud.score} (${fraud.flags.join(', ') || 'no red flags'})`,
    data: fraud,
  });
  const missing = REQUIRED_DOCUMENTS[claim.lossType].filter((d) => !claim.documents.includes(d));

  let route: Route;
  let confidence: number;
  if (fraud.score >= 0.6) {
    reason({ kind: 'rule', text: `R2-fraud: score ${fraud.score} >= 0.6 refers to SIU` });
    route = 'siu_referral';
    confidence = Math.min(0.99, 0.5 + fraud.score / 2);
  } else if (claim.amountClaimed <= 5_000 && fraud.score < 0.3 && missing.length === 0) {
    reason({
      kind: 'rule',
      text: `R3-fast-track: $${claim.amountClaimed} <= $5000, score ${fraud.score} < 0.3, documents complete`,
    });
    route = 'fast_track';
    confidence = 0.9 - fraud.score;
  } else {
    reason({
      kind: 'rule',
      text: `R4-default: adjuster review (amount $${claim.amountClaimed}${missing.length ? `, missing ${missing.join(', ')}` : ''})`,
    });
    route = 'adjuster_review';
    confidence = 0.75;
  }

  const scores: Record<Exclude<Route, 'deny_not_covered'>, [number, string]> = {
    fast_track: [
      claim.amountClaimed <= 5_000 && missing.length === 0 ? 1 - fraud.score : 0.1,
      'small, documented, low-risk claims are paid without an adjuster',
    ],
    adjuster_review: [0.6, 'an adjuster verifies the loss and the estimate'],
    siu_referral: [fraud.score, `red flags: ${fraud.flags.join(', ') || 'none'}`],
  };
  for (const [action, [score, why]] of Object.entries(scores))
    consider({ action, score: Math.round(score * 100) / 100, reason: why });

  const queue = { fast_track: 'payments', adjuster_review: 'adjusters', siu_referral: 'siu' }[
    route
  ];
  decide(
    { action: route, target, value: { payoutEstimate, deductible: coverage.deductible, queue } },
    Math.round(confidence * 100) / 100,
  );
  return { claimId: claim.claimId, route, payoutEstimate, fraudScore: fraud.score };
}
