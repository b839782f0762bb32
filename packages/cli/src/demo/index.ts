/**
 * The demo data set: realistic decisions of three agents (loan underwriting, insurance claims
 * triage, clinical alert triage; two versions each) with overrides and downstream effects,
 * recorded through the real SDK into a running server. Deterministic and idempotent.
 */
export { DEMO_DEFAULT_COUNT, DEMO_MAX_COUNT, DEMO_PRODUCER, runDemo } from './run-demo.js';
export type { DemoOptions, DemoResult } from './run-demo.js';
export { DEMO_SEED, demoCase } from './cases.js';
export type { DemoCase, DemoEvent } from './scenario.js';
export { LOAN_AGENT } from './loan-approval.js';
export { CLAIMS_AGENT } from './claims-triage.js';
export { CLINICAL_AGENT } from './clinical-alerts.js';
