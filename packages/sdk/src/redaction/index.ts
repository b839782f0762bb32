/**
 * Redaction: personal data is removed before a decision leaves the process, by JSON path, by
 * detectors (email, phone, US SSN, payment card, IBAN) and by a custom function. Fail closed: a
 * redactor that cannot finish throws `RedactionError`, and the decision is dropped, not sent.
 */
export { DEFAULT_REDACTION_EXCLUDE, createRedactor } from './redactor.js';
export type { RedactionOptions, Redactor } from './redactor.js';
export { redactionMarker } from './detectors.js';
export type { DetectorName } from './detectors.js';
export { RedactionError } from './errors.js';
export type { RedactionErrorCode } from './errors.js';
