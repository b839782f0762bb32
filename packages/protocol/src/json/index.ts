/**
 * Strict I-JSON parsing (RFC 7493) and RFC 8785 canonical JSON: the bytes Docket hashes.
 */
export { parseStrictJson, MAX_JSON_DEPTH } from './strict-parse.js';
export { canonicalBytes, canonicalize } from './canonical.js';
export type { CanonicalizeOptions } from './canonical.js';
