/**
 * The claims domain: a first notice of loss (FNOL), the insurer's policy records, and sample
 * claims. The policy records stand in for a policy administration system's API.
 */

/** A first notice of loss, as the intake form or the call centre files it. */
export type Claim = {
  readonly claimId: string;
  readonly policyNumber: string;
  readonly claimantId: string;
  readonly lossType: 'auto_collision' | 'auto_glass' | 'water_damage' | 'theft';
  /** ISO dates. */
  readonly lossDate: string;
  readonly reportedDate: string;
  /** USD. */
  readonly amountClaimed: number;
  readonly description: string;
  /** Documents attached, e.g. `photos`, `repair_estimate`, `police_report`. */
  readonly documents: readonly string[];
  /** Claims the claimant filed in the last 12 months. */
  readonly priorClaims12m: number;
};

/** One coverage of a policy. */
export type Coverage = {
  readonly limit: number;
  readonly deductible: number;
};

/** A policy as the policy administration system returns it. */
export type Policy = {
  readonly policyNumber: string;
  readonly product: 'personal_auto' | 'homeowners';
  readonly status: 'active' | 'lapsed' | 'cancelled';
  readonly effective: string;
  readonly expires: string;
  readonly coverages: Readonly<Partial<Record<Claim['lossType'], Coverage>>>;
};

/** The policy administration system (an in-memory stand-in for its API). */
export const POLICIES: Readonly<Record<string, Policy>> = {
  'PA-4471-0921': {
    policyNumber: 'PA-4471-0921',
    product: 'personal_auto',
    status: 'active',
    effective: '2025-03-01',
    expires: '2026-03-01',
    coverages: {
      auto_collision: { limit: 25_000, deductible: 500 },
      auto_glass: { limit: 2_500, deductible: 0 },
      theft: { limit: 25_000, deductible: 500 },
    },
  },
  'HO-2210-5531': {
    policyNumber: 'HO-2210-5531',
    product: 'homeowners',
    status: 'active',
    effective: '2025-06-15',
    expires: '2026-06-15',
    coverages: {
      water_damage: { limit: 50_000, deductible: 1_000 },
      theft: { limit: 10_000, deductible: 1_000 },
    },
  },
  'PA-1187-3340': {
    policyNumber: 'PA-1187-3340',
    product: 'personal_auto',
    status: 'lapsed',
    effective: '2024-09-01',
    expires: '2025-09-01',
    coverages: { auto_collision: { limit: 15_000, deductible: 1_000 } },
  },
};

/** Claims to triage: one for each route the agent can take. */
export const SAMPLE_CLAIMS: readonly Claim[] = [
  {
    claimId: 'CLM-2025-100231',
    policyNumber: 'PA-4471-0921',
    claimantId: 'cust-58213',
    lossType: 'auto_glass',
    lossDate: '2025-11-02',
    reportedDate: '2025-11-03',
    amountClaimed: 640,
    description: 'Windshield cracked by a stone on the highway.',
    documents: ['photos', 'repair_estimate'],
    priorClaims12m: 0,
  },
  {
    claimId: 'CLM-2025-100232',
    policyNumber: 'HO-2210-5531',
    claimantId: 'cust-77120',
    lossType: 'water_damage',
    lossDate: '2025-10-28',
    reportedDate: '2025-10-29',
    amountClaimed: 18_450,
    description: 'Burst pipe under the kitchen sink flooded the kitchen and hallway.',
    documents: ['photos', 'plumber_invoice', 'repair_estimate'],
    priorClaims12m: 0,
  },
  {
    claimId: 'CLM-2025-100233',
    policyNumber: 'PA-4471-0921',
    claimantId: 'cust-58999',
    lossType: 'theft',
    lossDate: '2025-08-14',
    reportedDate: '2025-10-30',
    amountClaimed: 24_000,
    description: 'Car stolen overnight, no witnesses; was paid for in cash.',
    documents: ['photos'],
    priorClaims12m: 2,
  },
  {
    claimId: 'CLM-2025-100234',
    policyNumber: 'PA-1187-3340',
    claimantId: 'cust-31007',
    lossType: 'auto_collision',
    lossDate: '2025-10-20',
    reportedDate: '2025-10-21',
    amountClaimed: 3_200,
    description: 'Rear-ended at a traffic light.',
    documents: ['photos', 'police_report'],
    priorClaims12m: 0,
  },
];
