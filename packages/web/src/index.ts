/**
 * @docket/web — the auditor's web UI that `docket serve` serves, and the browser verifier it runs
 * (also usable from Node 20, which has WebCrypto). The pages are plain ES modules compiled by tsc
 * (`dist/app/`), with `public/` holding the HTML and CSS; no bundler, no framework, nothing loaded
 * from outside the server.
 */
export {
  canonicalBytes,
  canonicalize,
  checkDecision,
  commitField,
  createEd25519Verifier,
  decompInclProof,
  formatKeyId,
  fromBase64,
  hashChildren,
  hashLeaf,
  keyIdFor,
  openCheckpoint,
  openNote,
  parseCheckpoint,
  parseNote,
  parseVerifierKey,
  rootFromInclusionProof,
  toBase64,
  toIssue,
  verifyConsistency,
  verifyInclusion,
  VerifyError,
  webCryptoHasEd25519,
} from './verify/index.js';
export type {
  BundleInput,
  Checkpoint,
  CheckStep,
  DecisionCheck,
  DecisionInput,
  Ed25519Backend,
  Ed25519Verifier,
  NobleEd25519,
  VerifierKey,
  VerifyIssue,
} from './verify/index.js';

/**
 * The package folder, for a server that serves the UI: `public/` (HTML, CSS) and `dist/` (the
 * compiled modules). Resolved from this module's own URL, so it works wherever npm put it.
 *
 * @example
 * const html = new URL('public/index.html', WEB_PACKAGE_URL);
 */
export const WEB_PACKAGE_URL: URL = new URL('../', import.meta.url);
