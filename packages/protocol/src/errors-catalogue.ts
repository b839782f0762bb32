/**
 * The one catalogue of Docket's error codes: every code thrown by a Docket error or returned as a
 * verification issue, with the HTTP status the server answers and the exit code the CLI ends
 * with. The server's problem mapping and the CLI's exit codes are derived from it; a test checks
 * that every code thrown anywhere is listed here, and that every entry is used.
 */

/** The CLI's exit codes (`docket …; echo $?`), one table for every command. */
export const EXIT_CODES = {
  /** Everything checked out. */
  ok: 0,
  /** Verification (or ingestion) found issues: see the report. */
  issues: 1,
  /** Bad usage or configuration: an unknown flag, a missing key, an invalid option. */
  usage: 2,
  /** Input/output or store failure: a file can't be read, the database can't be written. */
  io: 3,
  /** Stopped by Ctrl-C (SIGINT) after making what was read durable (128 + 2, the shell's convention). */
  interrupted: 130,
} as const;

/** One entry of {@link ERROR_CODES}. */
export interface ErrorCodeEntry {
  /** HTTP status the server answers with (codes the server never raises: what it would be). */
  readonly http: number;
  /** Exit code of the CLI (a value of {@link EXIT_CODES}). */
  readonly exit: (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
  /** What the code means, in one line. */
  readonly summary: string;
}

const { issues: ISSUES, usage: USAGE, io: IO } = EXIT_CODES;

/**
 * Every error and issue code Docket uses, with its HTTP status, exit code and meaning.
 *
 * @example
 * ERROR_CODES.STORE_CLOSED.http; // 503
 */
export const ERROR_CODES = {
  // Strict I-JSON parsing and RFC 8785 canonical JSON (protocol)
  INVALID_JSON: { http: 400, exit: USAGE, summary: 'the text is not JSON' },
  DUPLICATE_KEY: { http: 400, exit: USAGE, summary: 'an object has the same key twice (I-JSON)' },
  LONE_SURROGATE: { http: 400, exit: USAGE, summary: 'a string holds a lone UTF-16 surrogate' },
  NON_FINITE_NUMBER: { http: 400, exit: USAGE, summary: 'a number is NaN or infinite' },
  UNSAFE_INTEGER: { http: 400, exit: USAGE, summary: 'an integer is beyond ±(2^53 − 1)' },
  DEPTH_EXCEEDED: { http: 400, exit: USAGE, summary: 'JSON nested deeper than the limit' },
  UNSUPPORTED_VALUE: {
    http: 400,
    exit: USAGE,
    summary: 'a value JSON cannot carry (undefined, a function…)',
  },
  JCS_UNSUPPORTED: { http: 400, exit: ISSUES, summary: 'a value RFC 8785 cannot canonicalize' },
  UUID_INVALID: { http: 400, exit: USAGE, summary: 'not a UUIDv7' },
  UUID_TIME_RANGE: { http: 400, exit: USAGE, summary: 'a UUIDv7 timestamp out of range' },
  // Decision and producer-report schema (protocol); the SCHEMA_* codes are issues of DECISION_INVALID
  DECISION_INVALID: {
    http: 400,
    exit: ISSUES,
    summary: 'the decision record does not match its schema',
  },
  CHANGE_INVALID: {
    http: 400,
    exit: ISSUES,
    summary: 'the change record does not match its schema',
  },
  REPORT_INVALID: {
    http: 400,
    exit: ISSUES,
    summary: 'the producer report does not match its schema',
  },
  SCHEMA_VERSION_UNKNOWN: {
    http: 400,
    exit: ISSUES,
    summary: 'the record names a schema this version does not know',
  },
  SCHEMA_CONST: {
    http: 400,
    exit: ISSUES,
    summary: 'a value differs from the constant the schema requires',
  },
  SCHEMA_DEPTH: {
    http: 400,
    exit: ISSUES,
    summary: 'a value is nested deeper than the schema allows',
  },
  SCHEMA_ENUM: { http: 400, exit: ISSUES, summary: 'a value is not one of the allowed values' },
  SCHEMA_FORMAT: { http: 400, exit: ISSUES, summary: 'a string does not have the required format' },
  SCHEMA_LENGTH: { http: 400, exit: ISSUES, summary: 'a string or list is too short or too long' },
  SCHEMA_PATTERN: {
    http: 400,
    exit: ISSUES,
    summary: 'a string does not match the required pattern',
  },
  SCHEMA_RANGE: { http: 400, exit: ISSUES, summary: 'a number is out of range' },
  SCHEMA_REQUIRED: { http: 400, exit: ISSUES, summary: 'a required field is missing' },
  SCHEMA_TYPE: { http: 400, exit: ISSUES, summary: 'a value has the wrong JSON type' },
  SCHEMA_UNKNOWN_PROPERTY: {
    http: 400,
    exit: ISSUES,
    summary: 'a field the schema does not define',
  },
  SCHEMA_UNSUPPORTED: {
    http: 500,
    exit: IO,
    summary: 'the schema uses a keyword the validator lacks',
  },
  // Merkle proofs, notes, checkpoints, envelopes, bundles (core, and the browser verifier)
  PROOF_BAD_HASH_SIZE: { http: 500, exit: ISSUES, summary: 'a hash is not 32 bytes' },
  PROOF_BAD_REQUEST: {
    http: 400,
    exit: USAGE,
    summary: 'a proof asked for sizes or indexes the tree lacks',
  },
  PROOF_BAD_SIZES: {
    http: 500,
    exit: ISSUES,
    summary: 'the proof sizes are inconsistent (RFC 9162 §2.1.4)',
  },
  PROOF_INDEX_OUT_OF_RANGE: {
    http: 500,
    exit: ISSUES,
    summary: 'the leaf index is beyond the tree size',
  },
  PROOF_ROOT_MISMATCH: { http: 500, exit: ISSUES, summary: 'the proof leads to another root' },
  PROOF_WRONG_LENGTH: {
    http: 500,
    exit: ISSUES,
    summary: 'the proof has the wrong number of hashes',
  },
  INCLUSION_PROOF_INVALID: {
    http: 500,
    exit: ISSUES,
    summary: 'the inclusion proof does not verify',
  },
  INCLUSION_FAILED: { http: 500, exit: ISSUES, summary: 'inclusion could not be checked' },
  CONSISTENCY_PROOF_INVALID: {
    http: 500,
    exit: ISSUES,
    summary: 'the consistency proof does not verify',
  },
  MERKLE_BAD_STATE: { http: 500, exit: IO, summary: 'a compact range is in an impossible state' },
  TLOG_PROOF_MALFORMED: { http: 400, exit: ISSUES, summary: 'a C2SP tlog-proof does not parse' },
  NOTE_MALFORMED: {
    http: 500,
    exit: ISSUES,
    summary: 'a signed note does not parse (C2SP signed-note)',
  },
  NOTE_SIGNATURE_INVALID: { http: 500, exit: ISSUES, summary: 'a note signature does not verify' },
  NOTE_UNVERIFIED: { http: 500, exit: ISSUES, summary: 'no signature of a known key on the note' },
  KEY_INVALID: { http: 400, exit: USAGE, summary: 'a signing or verifier key does not parse' },
  CHECKPOINT_MALFORMED: {
    http: 500,
    exit: ISSUES,
    summary: 'a checkpoint does not parse (C2SP tlog-checkpoint)',
  },
  CHECKPOINT_MISSING: { http: 500, exit: ISSUES, summary: 'no checkpoint to verify against' },
  CHECKPOINT_INVALID: {
    http: 500,
    exit: ISSUES,
    summary: 'the published checkpoint does not verify',
  },
  CHECKPOINT_SIGNATURE_INVALID: {
    http: 500,
    exit: ISSUES,
    summary: 'the checkpoint signature does not verify',
  },
  CHECKPOINT_ORIGIN_MISMATCH: {
    http: 500,
    exit: ISSUES,
    summary: 'the checkpoint names another log',
  },
  CHECKPOINT_ROOT_MISMATCH: {
    http: 500,
    exit: ISSUES,
    summary: 'the entries hash to another root than the checkpoint',
  },
  CHECKPOINT_ROLLBACK: {
    http: 500,
    exit: ISSUES,
    summary: 'a checkpoint is smaller than one seen before',
  },
  CHECKPOINT_FORK: {
    http: 500,
    exit: ISSUES,
    summary: 'two checkpoints of one size with different roots',
  },
  CHECKPOINT_INCONSISTENT: {
    http: 500,
    exit: ISSUES,
    summary: 'a checkpoint is not a consistent extension of the last',
  },
  CHECKPOINT_ROW_MISMATCH: {
    http: 500,
    exit: ISSUES,
    summary: 'a stored checkpoint row differs from its note',
  },
  CHECKPOINT_NOT_CONSISTENT: {
    http: 500,
    exit: IO,
    summary: 'refused to sign a checkpoint that does not extend the last',
  },
  LEAF_MALFORMED: { http: 500, exit: ISSUES, summary: 'a leaf envelope does not parse' },
  LEAF_CHANGED: {
    http: 500,
    exit: ISSUES,
    summary: 'a leaf differs from the one the tree committed to',
  },
  LEAF_HASH_MISMATCH: {
    http: 500,
    exit: ISSUES,
    summary: 'the leaf hashes to another value than the proof',
  },
  CONTENT_CHANGED: {
    http: 500,
    exit: ISSUES,
    summary: 'the content does not match its commitments',
  },
  CONTENT_MISSING: { http: 500, exit: ISSUES, summary: 'the content of a leaf is missing' },
  COMMITMENT_MISMATCH: {
    http: 500,
    exit: ISSUES,
    summary: 'a disclosed field does not match its commitment',
  },
  ENVELOPE_MISMATCH: {
    http: 500,
    exit: ISSUES,
    summary: 'the envelope differs from the decision shown',
  },
  FIELD_NOT_COMMITTED: {
    http: 500,
    exit: ISSUES,
    summary: 'a disclosed field has no commitment in the leaf',
  },
  FIELD_NOT_DISCLOSED: {
    http: 500,
    exit: ISSUES,
    summary: 'a field needed for a check was not disclosed',
  },
  INDEX_MISMATCH: {
    http: 500,
    exit: ISSUES,
    summary: 'the receipt index differs from the entry index',
  },
  SIZE_MISMATCH: { http: 500, exit: ISSUES, summary: 'the proof and checkpoint sizes differ' },
  ENTRY_MISSING: { http: 500, exit: ISSUES, summary: 'an entry of the log is missing' },
  ENTRY_INSERTED: { http: 500, exit: ISSUES, summary: 'an entry was inserted into the log' },
  ENTRY_REORDERED: { http: 500, exit: ISSUES, summary: 'entries of the log are out of order' },
  ENTRY_COLUMNS_MISMATCH: {
    http: 500,
    exit: ISSUES,
    summary: 'an entry row disagrees with its leaf',
  },
  NODE_CHANGED: {
    http: 500,
    exit: ISSUES,
    summary: 'a stored Merkle node differs from the one rebuilt from the leaves',
  },
  NODE_MISSING: {
    http: 500,
    exit: ISSUES,
    summary: 'a Merkle node of the signed tree is missing from the store',
  },
  NODE_EXTRA: {
    http: 500,
    exit: ISSUES,
    summary: 'the store holds more Merkle nodes than the signed tree has',
  },
  TREE_STATE_MISMATCH: {
    http: 500,
    exit: ISSUES,
    summary: 'the stored tree state disagrees with the signed tree',
  },
  KEY_CHANGED: {
    http: 500,
    exit: ISSUES,
    summary: 'a subject key no longer authenticates the content it sealed',
  },
  SEARCH_ROW_CHANGED: {
    http: 500,
    exit: ISSUES,
    summary: 'a search row disagrees with the signed decision it indexes',
  },
  SEARCH_ROW_MISSING: { http: 500, exit: ISSUES, summary: 'a decision has no search row' },
  SEARCH_ROW_EXTRA: { http: 500, exit: ISSUES, summary: 'a search row indexes no decision' },
  AUDIT_TRUNCATED: {
    http: 500,
    exit: ISSUES,
    summary: 'too many findings: only their count is kept past the limit',
  },
  ERASURE_INVALID: { http: 500, exit: ISSUES, summary: "a bundle's tombstone does not verify" },
  ERASED_FLAG_MISMATCH: {
    http: 500,
    exit: ISSUES,
    summary: "a bundle's erased flag disagrees with its signed tombstone",
  },
  LOG_TRUNCATED: {
    http: 500,
    exit: ISSUES,
    summary: 'the log is shorter than its last checkpoint',
  },
  KEY_MISSING: { http: 500, exit: ISSUES, summary: 'a subject key is missing without a tombstone' },
  PRODUCER_SEQ_GAP: { http: 500, exit: ISSUES, summary: 'a producer sequence number is missing' },
  PRODUCER_SEQ_DUPLICATE: {
    http: 500,
    exit: ISSUES,
    summary: 'a producer sequence number appears twice',
  },
  BUNDLE_MALFORMED: { http: 400, exit: ISSUES, summary: 'an evidence bundle does not parse' },
  BUNDLE_FORMAT_UNKNOWN: {
    http: 400,
    exit: ISSUES,
    summary: 'an evidence bundle of an unknown format',
  },
  DECRYPT_FAILED: {
    http: 500,
    exit: ISSUES,
    summary: 'AES-256-GCM decryption failed (wrong key or tampered)',
  },
  HEX_INVALID: { http: 400, exit: ISSUES, summary: 'not a hex string' },
  BASE64_INVALID: { http: 400, exit: ISSUES, summary: 'not a base64 string' },
  WEBCRYPTO_UNAVAILABLE: { http: 500, exit: IO, summary: 'the browser has no WebCrypto' },
  // Stores (store, ledger)
  STORE_IO: { http: 503, exit: IO, summary: 'the database could not be read or written' },
  STORE_CLOSED: { http: 503, exit: IO, summary: 'the store is closed (shutting down)' },
  STORE_CONFLICT: { http: 503, exit: IO, summary: 'another writer changed the log; retry' },
  STORE_OPEN_FAILED: { http: 503, exit: IO, summary: 'the database could not be opened' },
  STORE_LEASE_LOST: { http: 503, exit: IO, summary: 'this replica lost the sequencer lease' },
  STORE_DRIVER_MISSING: { http: 500, exit: USAGE, summary: 'the database driver is not installed' },
  STORE_SCHEMA_UNSUPPORTED: {
    http: 500,
    exit: IO,
    summary: 'the database schema is newer than this version',
  },
  STORE_NODE_MISSING: { http: 500, exit: IO, summary: 'a Merkle node the tree needs is missing' },
  STORE_CORRUPT: { http: 500, exit: IO, summary: 'the store contradicts itself' },
  STORE_FORKED: { http: 500, exit: IO, summary: 'the store holds a fork of the signed log' },
  STORE_TRUNCATED: {
    http: 500,
    exit: IO,
    summary: 'the store lacks entries that its latest signed checkpoint covers',
  },
  STORE_BEHIND_CHECKPOINT: {
    http: 500,
    exit: IO,
    summary: 'the store is behind the last signed checkpoint',
  },
  API_KEY_EXISTS: { http: 409, exit: USAGE, summary: 'an API key with this id exists' },
  // Ledger
  LEDGER_CLOSED: { http: 503, exit: IO, summary: 'the ledger is closed (shutting down)' },
  NOT_SEQUENCER: { http: 503, exit: IO, summary: 'another replica sequences this log' },
  LEDGER_NOT_FOUND: { http: 404, exit: USAGE, summary: 'no ledger in the data directory' },
  LEDGER_EXISTS: { http: 409, exit: USAGE, summary: 'a ledger exists in the data directory' },
  LOG_KEY_MISSING: { http: 500, exit: USAGE, summary: 'the log signing key is missing' },
  LOG_KEY_MISMATCH: {
    http: 500,
    exit: USAGE,
    summary: 'the log signing key is not the one the log was signed with',
  },
  MASTER_KEY_MISSING: { http: 500, exit: USAGE, summary: 'the master key is missing' },
  MASTER_KEY_INVALID: { http: 500, exit: USAGE, summary: 'the master key does not parse' },
  KEY_EXISTS: { http: 409, exit: USAGE, summary: 'a key file exists; refusing to overwrite it' },
  ORIGIN_INVALID: { http: 400, exit: USAGE, summary: 'not a valid log origin' },
  TENANT_INVALID: { http: 400, exit: USAGE, summary: 'not a valid tenant name' },
  OPTION_INVALID: {
    http: 500,
    exit: USAGE,
    summary: 'an option or its environment twin is invalid',
  },
  DECISION_NOT_FOUND: { http: 404, exit: USAGE, summary: 'no decision with this id' },
  SUBJECT_NOT_FOUND: { http: 404, exit: USAGE, summary: 'no decision about this subject' },
  FIELD_UNKNOWN: { http: 400, exit: USAGE, summary: 'a field name the record does not have' },
  REASON_REQUIRED: { http: 400, exit: USAGE, summary: 'the action needs a reason' },
  REASON_NAMES_SUBJECT: {
    http: 400,
    exit: USAGE,
    summary: 'an erasure reason named the subject id (a warning: the tombstone says [subject])',
  },
  SIZE_INVALID: { http: 400, exit: USAGE, summary: 'a tree size the log does not have' },
  CONTENT_ERASED: {
    http: 409,
    exit: USAGE,
    summary: 'the content was erased (its subject key destroyed)',
  },
  ID_CONFLICT: { http: 409, exit: ISSUES, summary: 'a decision id reused with other content' },
  // Retention, legal holds and purge receipts (issue 18).
  RETENTION_INVALID: {
    http: 400,
    exit: USAGE,
    summary: 'a retention policy with a bad duration, no basis, or a maximum below its minimum',
  },
  RETENTION_CONFLICT: {
    http: 409,
    exit: USAGE,
    summary: 'overlapping retention policies: a maximum would come before a minimum',
  },
  HOLD_TARGET_NOT_FOUND: {
    http: 404,
    exit: USAGE,
    summary: 'a legal hold on nothing: no such subject, agent or decision',
  },
  HOLD_NOT_FOUND: { http: 404, exit: USAGE, summary: 'no legal hold with this id is in force' },
  ERASURE_RESTRICTED: {
    http: 409,
    exit: USAGE,
    summary: 'erasure refused (GDPR Art. 17(3)): a legal hold or a minimum retention applies',
  },
  // Backup and restore of a data directory (issue 18).
  BACKUP_SOURCE_INVALID: {
    http: 400,
    exit: USAGE,
    summary:
      'the directory to back up holds no ledger.db (a PostgreSQL log is backed up with pg_dump)',
  },
  BACKUP_TARGET_NOT_EMPTY: {
    http: 409,
    exit: USAGE,
    summary: 'the backup or restore target exists and is not an empty directory',
  },
  BACKUP_MALFORMED: {
    http: 400,
    exit: ISSUES,
    summary: 'not a backup: no manifest (unfinished), bad format, or a path leaving the directory',
  },
  BACKUP_CORRUPT: {
    http: 400,
    exit: ISSUES,
    summary: "a backed-up file is missing or its size or SHA-256 differs from the manifest's",
  },
  PURGE_RECEIPT_MISMATCH: {
    http: 500,
    exit: ISSUES,
    summary: 'a purge receipt names a leaf that is not the one at its index',
  },
  PURGE_RECEIPT_CONTENT_REMAINS: {
    http: 500,
    exit: ISSUES,
    summary: 'a purge receipt names an entry whose content is still stored',
  },
  INTAKE_INVALID: {
    http: 500,
    exit: IO,
    summary: 'a message between ledger and worker does not parse',
  },
  INTERNAL_ERROR: { http: 500, exit: IO, summary: 'the ledger worker failed unexpectedly' },
  // Server
  REQUEST_INVALID: {
    http: 400,
    exit: USAGE,
    summary: 'the request body does not match the OpenAPI document',
  },
  PARAM_INVALID: { http: 400, exit: USAGE, summary: 'a path or query parameter is invalid' },
  PARAM_UNKNOWN: {
    http: 400,
    exit: USAGE,
    summary: 'a query parameter the operation does not take',
  },
  HEADER_INVALID: { http: 400, exit: USAGE, summary: 'a request header is invalid' },
  CURSOR_INVALID: { http: 400, exit: USAGE, summary: 'not a cursor of this API' },
  ENCODING_INVALID: {
    http: 400,
    exit: USAGE,
    summary: 'the body encoding is unsupported or broken',
  },
  BODY_TOO_COMPLEX: {
    http: 413,
    exit: USAGE,
    summary: 'the body has more keys, values or nesting than the limits (refused before parsing)',
  },
  REQUEST_MALFORMED: { http: 400, exit: IO, summary: 'the HTTP request does not parse' },
  HEADERS_TOO_LARGE: { http: 431, exit: IO, summary: 'the request headers are too large' },
  REQUEST_TIMEOUT: { http: 408, exit: IO, summary: 'the request did not arrive in time' },
  UNAUTHENTICATED: { http: 401, exit: USAGE, summary: 'no valid API key' },
  FORBIDDEN: { http: 403, exit: USAGE, summary: 'the key’s role may not do this' },
  NOT_FOUND: { http: 404, exit: USAGE, summary: 'no such route' },
  KEY_NOT_FOUND: { http: 404, exit: USAGE, summary: 'no API key with this id' },
  ROLE_INVALID: { http: 400, exit: USAGE, summary: 'not a role (ingest, reader, auditor, admin)' },
  METHOD_NOT_ALLOWED: { http: 405, exit: USAGE, summary: 'the route does not take this method' },
  BODY_TOO_LARGE: { http: 413, exit: USAGE, summary: 'the body is larger than the limit' },
  MEDIA_TYPE_UNSUPPORTED: { http: 415, exit: USAGE, summary: 'the body is not JSON' },
  TOO_MANY_REQUESTS: { http: 429, exit: IO, summary: 'too many requests in flight; retry shortly' },
  SHUTTING_DOWN: { http: 503, exit: IO, summary: 'the server is shutting down' },
  LISTEN_FAILED: { http: 500, exit: IO, summary: 'the server cannot listen on its address' },
  TLS_INVALID: { http: 500, exit: USAGE, summary: 'a TLS certificate, key or CA does not load' },
  RESPONSE_INVALID: {
    http: 500,
    exit: IO,
    summary: 'a response does not match the OpenAPI document',
  },
  RESPONSE_UNDOCUMENTED: {
    http: 500,
    exit: IO,
    summary: 'a response status the OpenAPI document does not list',
  },
  INTERNAL: { http: 500, exit: IO, summary: 'an unexpected failure; the log has the details' },
  // SDK and integrations (reported to onError, never thrown into the host after construction)
  CLOSED: { http: 500, exit: IO, summary: 'the client is shut down' },
  CAPTURE_FAILED: { http: 500, exit: IO, summary: 'a decision could not be captured' },
  CLOSE_FAILED: { http: 500, exit: IO, summary: 'the client could not shut down cleanly' },
  CONTEXT_INVALID: { http: 500, exit: USAGE, summary: 'the decision context was misused' },
  CONTEXT_LIMIT: { http: 500, exit: IO, summary: 'a decision reached the schema’s item limit' },
  RECORD_FAILED: { http: 500, exit: IO, summary: 'a decision could not be recorded' },
  QUEUE_FULL: { http: 500, exit: IO, summary: 'the queue was full; the decision was dropped' },
  REDACTION_FAILED: { http: 500, exit: IO, summary: 'redaction failed; the decision was dropped' },
  REJECTED: { http: 500, exit: ISSUES, summary: 'the server refused a decision' },
  REPORT_REJECTED: { http: 500, exit: IO, summary: 'the server refused a producer report' },
  SEND_FAILED: { http: 500, exit: IO, summary: 'a batch could not be delivered' },
  SEND_UNREACHABLE: { http: 500, exit: IO, summary: 'the server could not be reached' },
  SEND_BAD_ANSWER: { http: 500, exit: IO, summary: 'the server answered something unexpected' },
  RECEIPT_FAILED: { http: 500, exit: IO, summary: 'a receipt could not be fetched' },
  RECEIPT_FORBIDDEN: { http: 500, exit: USAGE, summary: 'the key may not fetch receipts' },
  RECEIPT_MISMATCH: { http: 500, exit: ISSUES, summary: 'a receipt is for another decision' },
  RECEIPT_TIMEOUT: { http: 500, exit: IO, summary: 'no receipt in time' },
  RECEIPT_UNKNOWN_ID: { http: 500, exit: IO, summary: 'a receipt for a decision not sent' },
  SHUTDOWN_DEADLINE: {
    http: 500,
    exit: IO,
    summary: 'shutdown reached its deadline with decisions undelivered',
  },
  SPOOL_IO: { http: 500, exit: IO, summary: 'the on-disk spool could not be read or written' },
  SPOOL_CORRUPT: { http: 500, exit: IO, summary: 'a spool file does not parse' },
  SPOOL_LOCKED: { http: 500, exit: IO, summary: 'another process holds the spool' },
  SPOOL_TORN_TAIL: {
    http: 500,
    exit: IO,
    summary: 'the spool ends in a torn line (a crash while writing)',
  },
  LOCAL_LEDGER_FAILED: { http: 500, exit: IO, summary: 'the embedded ledger failed' },
  LOCAL_WORKER_EXITED: { http: 500, exit: IO, summary: 'the embedded ledger worker exited' },
  LOCAL_WORKER_FAILED: { http: 500, exit: IO, summary: 'the embedded ledger worker failed' },
  OTEL_SPAN_FAILED: { http: 500, exit: IO, summary: 'an OpenTelemetry span could not be recorded' },
  LANGCHAIN_RECORD_FAILED: {
    http: 500,
    exit: IO,
    summary: 'a LangChain decision could not be recorded',
  },
  VERCEL_AI_RECORD_FAILED: {
    http: 500,
    exit: IO,
    summary: 'a Vercel AI decision could not be recorded',
  },
  NOT_IN_ACTIVITY: { http: 500, exit: USAGE, summary: 'called outside a Temporal activity' },
  // CLI and web UI
  USAGE: { http: 400, exit: USAGE, summary: 'bad command-line usage' },
  IO_ERROR: { http: 500, exit: IO, summary: 'a file could not be read or written' },
  SERVER_UNREACHABLE: { http: 500, exit: IO, summary: 'the Docket server could not be reached' },
  NOT_DOCKET: { http: 500, exit: IO, summary: 'the address answers, but not as a Docket server' },
  DEMO_REJECTED: { http: 500, exit: IO, summary: 'the server refused the demo’s decisions' },
  DEMO_TIMEOUT: { http: 500, exit: IO, summary: 'the demo did not finish in time' },
  HTTP_ERROR: {
    http: 502,
    exit: IO,
    summary: 'the server answered an error without a known code (the message has the status)',
  },
  NETWORK: { http: 500, exit: IO, summary: 'the browser could not reach the server' },
  // Witnesses, cosignatures and witness policies (c2sp.org/tlog-witness, tlog-cosignature; issue 19)
  WITNESS_REQUEST_MALFORMED: {
    http: 400,
    exit: USAGE,
    summary: 'an add-checkpoint request does not parse (C2SP tlog-witness)',
  },
  WITNESS_UNKNOWN_LOG: {
    http: 404,
    exit: ISSUES,
    summary: 'the witness does not know the log origin',
  },
  WITNESS_LOG_SIGNATURE_INVALID: {
    http: 403,
    exit: ISSUES,
    summary: 'the checkpoint has no valid signature by a key the witness trusts for the log',
  },
  WITNESS_OLD_SIZE_INVALID: {
    http: 400,
    exit: ISSUES,
    summary: 'the old size of an add-checkpoint request is above the checkpoint size',
  },
  WITNESS_CONFLICT: {
    http: 409,
    exit: ISSUES,
    summary: 'the old size is not the size the witness last cosigned for the log',
  },
  WITNESS_PROOF_INVALID: {
    http: 422,
    exit: ISSUES,
    summary: 'the checkpoint is not a consistent extension of the one the witness cosigned',
  },
  WITNESS_UNAVAILABLE: {
    http: 502,
    exit: IO,
    summary: 'a witness could not be reached or answered unexpectedly',
  },
  COSIGNATURE_INVALID: { http: 400, exit: ISSUES, summary: 'a cosignature cannot be made or read' },
  // Bulk export (docket export --select, GET /v1/exports).
  SELECTION_INVALID: {
    http: 400,
    exit: USAGE,
    summary: 'a bulk export selection with an unknown key, a blank value or a bad period',
  },
  EXPORT_MALFORMED: {
    http: 400,
    exit: ISSUES,
    summary: 'a bulk export line that is not what docket.export/v1 says',
  },
  EXPORT_NO_PROOFS: {
    http: 400,
    exit: ISSUES,
    summary: 'a bulk export made without --with-proofs cannot be checked',
  },
  EXPORT_TRUNCATED: {
    http: 400,
    exit: ISSUES,
    summary: 'a bulk export without its trailer line, or with fewer records than it counts',
  },
  EXPORT_FIELD_MISSING: {
    http: 400,
    exit: ISSUES,
    summary: 'a bulk export record leaves out a field its leaf commits to',
  },
  EXPORT_FINAL_OUTCOME_MISMATCH: {
    http: 400,
    exit: ISSUES,
    summary: "a bulk export record's final outcome differs from what its fields and events give",
  },
  WITNESS_POLICY_MALFORMED: {
    http: 400,
    exit: USAGE,
    summary: 'a witness policy file does not parse (log, witness, group, quorum lines)',
  },
  WITNESS_POLICY_LOG_UNKNOWN: {
    http: 500,
    exit: ISSUES,
    summary: 'the checkpoint has no valid signature by a log the witness policy lists',
  },
  WITNESS_QUORUM_MISSING: {
    http: 500,
    exit: ISSUES,
    summary: 'the checkpoint lacks the witness cosignatures the policy’s quorum needs',
  },
  // tlog-tiles read path (c2sp.org/tlog-tiles; issue 19)
  TILE_PATH_INVALID: {
    http: 400,
    exit: USAGE,
    summary: 'a tile path is not written as tlog-tiles says (<L>/<N>[.p/<W>], entries/<N>[.p/<W>])',
  },
  TILE_NOT_FOUND: {
    http: 404,
    exit: ISSUES,
    summary: 'the tree does not have that tile or entry bundle (yet)',
  },
  TILE_ENTRY_TOO_LARGE: {
    http: 500,
    exit: ISSUES,
    summary: 'a leaf is too large for the uint16 length prefix of an entry bundle',
  },
  TILE_BUNDLE_MALFORMED: {
    http: 500,
    exit: ISSUES,
    summary: 'an entry bundle ends inside an entry',
  },
  // Replay (sdk replay mode, cli replay engine)
  REPLAY_DIVERGED: {
    http: 409,
    exit: ISSUES,
    summary: 'a replayed call is not in the recording, or its request differs',
  },
  REPLAY_UNRECORDED_CALL: {
    http: 409,
    exit: ISSUES,
    summary: 'a divergence: the replayed agent made a call the recording does not have',
  },
  REPLAY_REQUEST_CHANGED: {
    http: 409,
    exit: ISSUES,
    summary: 'a divergence: a replayed call differs from the recorded one (name or request)',
  },
  REPLAY_AGENT_THREW: { http: 422, exit: ISSUES, summary: 'the replayed agent threw' },
  REPLAY_AGENT_TIMEOUT: {
    http: 422,
    exit: ISSUES,
    summary: 'the replayed agent did not finish within the per-decision timeout',
  },
  REPLAY_AGENT_INVALID: {
    http: 422,
    exit: ISSUES,
    summary: 'the replayed agent returned no decision or an invalid one',
  },
  REPLAY_ERASED: {
    http: 410,
    exit: ISSUES,
    summary: 'a selected decision was erased: nothing is left to replay',
  },
  REPLAY_SELECTION_EMPTY: { http: 404, exit: ISSUES, summary: 'the selection matches no decision' },
  REPLAY_LOG_UNVERIFIED: {
    http: 409,
    exit: ISSUES,
    summary: 'the log does not verify: replay refuses its records',
  },
  REPLAY_PROTOCOL: {
    http: 502,
    exit: ISSUES,
    summary: 'a replay child process broke the line-delimited JSON protocol',
  },
  // Compliance reports (issue 15)
  REPORT_TYPE_UNKNOWN: { http: 400, exit: USAGE, summary: 'no compliance report of this type' },
  REPORT_PARAMS_INVALID: {
    http: 400,
    exit: USAGE,
    summary: 'report parameters that cannot be used (a bad period, a missing subject)',
  },
  REPORT_NOTHING: {
    http: 404,
    exit: USAGE,
    summary: 'nothing to report: no records in the period, or no decisions about the subject',
  },
  REPORT_MALFORMED: {
    http: 400,
    exit: ISSUES,
    summary: 'a compliance report file does not have the shape of docket.compliance-report/v1',
  },
  REPORT_EVIDENCE_INVALID: {
    http: 422,
    exit: ISSUES,
    summary: "a report's evidence does not prove its leaves are that range of the signed tree",
  },
  REPORT_RECORD_MISMATCH: {
    http: 422,
    exit: ISSUES,
    summary: 'a record a report cites is not in its evidence as cited (index, id or leaf hash)',
  },
  REPORT_CLAIM_MISMATCH: {
    http: 422,
    exit: ISSUES,
    summary: "a report's figure or finding differs from what its evidence gives",
  },
  REPORT_DIGEST_MISMATCH: {
    http: 422,
    exit: ISSUES,
    summary: "a report's content does not match the digest its log entry records",
  },
  // Compliance reports, part 2 (issue 15): PDF, API, access report.
  REPORT_PDF_INVALID: {
    http: 400,
    exit: ISSUES,
    summary: 'a PDF that is not a readable Docket report (no report.json attachment)',
  },
  REPORT_NOT_FOUND: { http: 404, exit: USAGE, summary: 'no compliance report with this id' },
  REPORT_GONE: {
    http: 410,
    exit: USAGE,
    summary:
      'a recorded report can no longer be regenerated as recorded (records it read were erased or purged)',
  },
  // Drift (issue 16): `docket drift`, GET /v1/drift.
  DRIFT_AGENT_UNKNOWN: {
    http: 404,
    exit: USAGE,
    summary: 'no decision of this agent has drift features (unknown agent, or none indexed yet)',
  },
  DRIFT_VERSION_UNKNOWN: {
    http: 404,
    exit: USAGE,
    summary: 'the agent has no decision of this version',
  },
  DRIFT_POPULATION_INVALID: {
    http: 400,
    exit: USAGE,
    summary: 'a population is not version=V or from=T[,to=T] with RFC 3339 times, from before to',
  },
  DRIFT_WINDOW_FUTURE: {
    http: 400,
    exit: USAGE,
    summary: 'a time window starts in the future: it can hold no decision yet',
  },
} as const satisfies Readonly<Record<string, ErrorCodeEntry>>;

/**
 * A Docket error or issue code: a key of {@link ERROR_CODES}, so the compiler checks every throw.
 *
 * @example
 * const code: ErrorCode = 'STORE_CLOSED';
 */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Whether a string (from the wire, say) is a known code.
 *
 * @example
 * isErrorCode(problem.code); // true for 'FORBIDDEN'
 */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}

/**
 * The HTTP status of a code; 500 for a string that is not a code.
 *
 * @example
 * httpStatusOf('STORE_CLOSED'); // 503
 */
export function httpStatusOf(code: string): number {
  return isErrorCode(code) ? ERROR_CODES[code].http : 500;
}

/**
 * The CLI exit code of a code; {@link EXIT_CODES}.io for a string that is not a code.
 *
 * @example
 * exitCodeOf('USAGE'); // 2
 */
export function exitCodeOf(code: string): number {
  return isErrorCode(code) ? ERROR_CODES[code].exit : EXIT_CODES.io;
}

/**
 * A code received from elsewhere (a problem body, a worker message) as an {@link ErrorCode}:
 * itself when the catalogue has it, else `fallback`.
 *
 * @example
 * new DocketError(errorCodeOr(problem.code, 'HTTP_ERROR'), problem.detail);
 */
export function errorCodeOr(code: unknown, fallback: ErrorCode): ErrorCode {
  return typeof code === 'string' && isErrorCode(code) ? code : fallback;
}
