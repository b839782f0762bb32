import { decisionSchemaV1 } from '@docket/protocol';
import { API_KEY_ROLES, CONTENT_ROLES, READ_ROLES, WRITE_ROLES } from '../auth/roles.js';
import type { ApiKeyRole } from '../auth/roles.js';
import { CHANGE_SCHEMAS } from './change-schemas.js';
import { exportPaths } from './exports.js';
import { retentionPaths } from './retention.js';
import { FACET_PARAMS, SORT_PARAM, STATS_SCHEMAS, statsPaths } from './stats.js';
import { tilesPaths } from './tiles.js';
import { driftPaths } from './drift.js';
import { reportPaths } from './reports.js';

// The OpenAPI 3.1 document of the Docket HTTP API: the single source of truth. The router is
// built from `paths` (an operation without a handler fails at start-up), parameters and bodies
// are validated against these schemas, `x-docket-roles` is the access-control table, and the
// tests validate every response against it. Served verbatim at GET /openapi.json.

const ref = (name: string): { $ref: string } => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object): object => ({ 'application/json': { schema } });

const problemResponse = (description: string): object => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});

/**
 * The refusals every operation can answer, public ones included (a query parameter it does not
 * take, too many requests in flight, an internal error). The statuses come from the error
 * catalogue (`@docket/protocol` `ERROR_CODES`); the test validator refuses any status an
 * operation does not list.
 */
const PUBLIC_PROBLEMS = {
  '400': problemResponse('Bad input: the problem body says what and where.'),
  '429': problemResponse('Too many requests in flight; retry after the Retry-After seconds.'),
  '500': problemResponse('Internal error; the server log has the details (no stack here).'),
};

/** The refusals every authenticated operation can answer. */
const AUTH_PROBLEMS = {
  ...PUBLIC_PROBLEMS,
  '401': problemResponse('No API key, or an unknown or revoked one.'),
  '403': problemResponse("The key's role may not do this."),
  '503': problemResponse('Not ready (store unreachable, shutting down); retry later.'),
};

/** The refusals of an operation that takes a body, besides {@link AUTH_PROBLEMS}. */
const BODY_PROBLEMS = {
  '413': problemResponse('Body too large (or, once decompressed, too large).'),
  '415': problemResponse('Not application/json, or an encoding other than gzip/identity.'),
};

const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'Decision id (UUIDv7).',
  schema: { type: 'string', minLength: 1, maxLength: 64 },
};

const purposeHeader = {
  name: 'X-Docket-Purpose',
  in: 'header',
  required: false,
  description:
    'Why the caller reads (recorded in the access log), e.g. "GDPR Art. 15 request #42".',
  schema: { type: 'string', maxLength: 500 },
};

const base64 = { type: 'string', contentEncoding: 'base64' };
/** As the record's identifiers (agent, version, action, subject, run id): 1–256 characters. */
const identifier = { type: 'string', minLength: 1, maxLength: 256 };
const size = { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER };

const schemas = {
  Problem: {
    type: 'object',
    description: 'RFC 9457 problem details, with the Docket error code and where it was found.',
    required: ['type', 'title', 'status', 'code', 'detail'],
    properties: {
      type: { type: 'string', description: 'urn:docket:problem:<code>' },
      title: { type: 'string' },
      status: { type: 'integer', minimum: 400, maximum: 599 },
      detail: { type: 'string' },
      code: { type: 'string', pattern: '^[A-Z][A-Z0-9_]*$' },
      where: { type: 'string' },
      instance: { type: 'string' },
      issues: { type: 'array', items: ref('Issue') },
    },
  },
  Issue: {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: { type: 'string' },
      message: { type: 'string' },
      where: { type: 'string' },
      severity: { enum: ['error', 'warning'] },
    },
  },
  DecisionRecordV1: decisionSchemaV1 as object,
  DecisionBatch: {
    type: 'object',
    additionalProperties: false,
    required: ['decisions'],
    properties: {
      decisions: {
        type: 'array',
        minItems: 1,
        maxItems: 1000,
        description:
          'Decision records (docket.decision/v1, see DecisionRecordV1), each checked on its own: one bad record does not reject the others.',
        items: { type: 'object' },
      },
    },
  },
  ProducerReportV1: {
    type: 'object',
    description:
      'A producer’s report of records it took from its host but never delivered (docket.producer-report/v1), covering the losses since its previous report; stored as a docket.producer/v1 entry so a gap in the producer’s seqs is explained in the log.',
    additionalProperties: false,
    required: ['schema', 'id', 'ts', 'producer', 'reportSeq', 'losses', 'gaps', 'reasons'],
    properties: {
      schema: { const: 'docket.producer-report/v1' },
      id: { type: 'string', description: 'UUIDv7, the idempotency key.' },
      ts: { type: 'string', format: 'date-time' },
      producer: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: {
          id: { type: 'string', minLength: 1, maxLength: 256 },
          sdk: { type: 'string', maxLength: 256 },
        },
      },
      reportSeq: { ...size, description: '0 for the first report of the producer, then +1.' },
      losses: {
        type: 'object',
        additionalProperties: false,
        required: ['dropped', 'rejected', 'failed', 'redactionFailed', 'invalid'],
        properties: {
          dropped: { ...size, description: 'Queue full: seq assigned, record dropped.' },
          rejected: { ...size, description: 'Refused by the ledger as invalid.' },
          failed: { ...size, description: 'Given up: final refusal, or shutdown deadline.' },
          redactionFailed: { ...size, description: 'Redaction failed: never left the process.' },
          invalid: { ...size, description: 'Refused by the producer’s own schema check.' },
          crash: {
            ...size,
            description:
              'Seqs the producer reserved and never accounted for: it died with them in memory (reported by the successor that adopted its spool directory). Optional.',
          },
        },
      },
      gaps: {
        type: 'array',
        maxItems: 10000,
        description: 'Inclusive ranges [from, to] of producer seqs that will never arrive.',
        items: { type: 'array', prefixItems: [size, size], minItems: 2, maxItems: 2 },
      },
      reasons: {
        type: 'object',
        description: 'Records lost per error code.',
        additionalProperties: size,
      },
    },
  },
  ProducerReportBatch: {
    type: 'object',
    additionalProperties: false,
    required: ['reports'],
    properties: {
      reports: { type: 'array', minItems: 1, maxItems: 100, items: ref('ProducerReportV1') },
    },
  },
  BatchResult: {
    type: 'object',
    required: ['results'],
    properties: { results: { type: 'array', items: ref('ItemResult') } },
  },
  ItemResult: {
    type: 'object',
    required: ['status', 'position'],
    properties: {
      status: { enum: ['accepted', 'duplicate', 'rejected'] },
      position: { type: 'integer', minimum: 0, description: 'Position in the batch.' },
      id: { type: 'string' },
      index: { ...size, description: 'Leaf index (for a duplicate: the original one).' },
      code: { type: 'string' },
      message: { type: 'string' },
      where: { type: 'string' },
      issues: { type: 'array', items: ref('Issue') },
    },
  },
  InclusionProof: {
    type: 'object',
    required: ['index', 'treeSize', 'leafHash', 'hashes', 'checkpoint'],
    properties: {
      index: size,
      treeSize: size,
      leafHash: base64,
      hashes: { type: 'array', items: base64 },
      checkpoint: {
        type: ['string', 'null'],
        description: 'The C2SP signed checkpoint of treeSize (null for an older size).',
      },
    },
  },
  ConsistencyProof: {
    type: 'object',
    required: ['from', 'to', 'hashes'],
    properties: { from: size, to: size, hashes: { type: 'array', items: base64 } },
  },
  EntryView: {
    type: 'object',
    description:
      'One log entry: its leaf envelope and, for roles that may see it, its content (withheld: the role may not see a subject’s content; erased: the subject’s key is destroyed; purged: a retention purge removed the content, a purge receipt names it).',
    required: ['id', 'index', 'type', 'ts', 'subject', 'erased', 'purged', 'withheld', 'content'],
    properties: {
      id: { type: 'string' },
      index: size,
      type: { type: 'string' },
      ts: { type: 'string' },
      subject: { type: ['string', 'null'], description: 'HMAC pseudonym of the subject.' },
      erased: { type: 'boolean' },
      purged: { type: 'boolean' },
      withheld: { type: 'boolean' },
      content: { type: ['object', 'null'] },
    },
  },
  DecisionView: {
    allOf: [
      ref('EntryView'),
      {
        type: 'object',
        required: ['events', 'receipt', 'erasure'],
        properties: {
          events: { type: 'array', items: ref('EntryView') },
          receipt: ref('InclusionProof'),
          erasure: {
            description:
              'For an erased decision, the tombstone of its subject’s erasure (reason only for roles that may read content); else null.',
            oneOf: [
              { type: 'null' },
              {
                type: 'object',
                required: ['id', 'index', 'ts'],
                properties: {
                  id: { type: 'string' },
                  index: size,
                  ts: { type: 'string', format: 'date-time' },
                  reason: { type: 'string' },
                },
              },
            ],
          },
        },
      },
    ],
  },
  DecisionPage: {
    type: 'object',
    required: ['items', 'next'],
    properties: {
      items: {
        type: 'array',
        items: {
          allOf: [
            ref('EntryView'),
            {
              type: 'object',
              properties: { summary: ref('DecisionSummary'), final: ref('FinalOutcome') },
            },
          ],
        },
      },
      next: { type: ['string', 'null'], description: 'Cursor of the next page.' },
      total: { type: 'integer', minimum: 0, description: 'Decisions the filter matches.' },
    },
  },
  EventInput: {
    type: 'object',
    additionalProperties: false,
    required: ['kind'],
    properties: {
      id: { type: 'string', minLength: 1, maxLength: 64, description: 'Idempotency key.' },
      ts: { type: 'string', format: 'date-time' },
      kind: {
        enum: ['effect', 'override', 'outcome'],
        description:
          'effect: a downstream effect; override: a person changed the decision; outcome: the outcome was updated.',
      },
      actor: { type: 'string', minLength: 1, maxLength: 200 },
      reason: { type: 'string', minLength: 1, maxLength: 10000 },
      effect: { type: 'object' },
      outcome: {
        type: 'object',
        required: ['action'],
        properties: {
          action: { type: 'string', minLength: 1 },
          value: {},
          target: { type: 'string' },
        },
      },
      metadata: { type: 'object' },
    },
    allOf: [
      {
        if: { properties: { kind: { const: 'override' } } },
        then: { required: ['actor', 'reason'] },
      },
      { if: { properties: { kind: { const: 'effect' } } }, then: { required: ['effect'] } },
      { if: { properties: { kind: { const: 'outcome' } } }, then: { required: ['outcome'] } },
    ],
  },
  AppendResult: {
    type: 'object',
    required: ['status', 'id', 'index'],
    properties: {
      status: { enum: ['accepted', 'duplicate'] },
      id: { type: 'string' },
      index: size,
    },
  },
  LogView: {
    type: 'object',
    required: ['origin', 'vkey', 'size', 'checkpoint'],
    properties: {
      origin: { type: 'string' },
      vkey: { type: 'string', description: 'Ed25519 verifier key (Go note format).' },
      size,
      checkpoint: { type: 'string' },
    },
  },
  LogInfo: {
    allOf: [
      ref('LogView'),
      {
        type: 'object',
        required: ['tenant', 'access'],
        properties: { tenant: { type: 'string' }, access: ref('LogView') },
      },
    ],
  },
  EntriesPage: {
    type: 'object',
    required: ['log', 'entries', 'next'],
    properties: {
      log: { enum: ['decisions', 'access'] },
      entries: {
        type: 'array',
        items: {
          type: 'object',
          required: ['index', 'leaf', 'erased', 'fields', 'salts'],
          properties: {
            index: size,
            leaf: { ...base64, description: 'RFC 8785 bytes of the leaf envelope.' },
            erased: { type: 'boolean' },
            fields: { type: ['object', 'null'] },
            salts: { type: ['object', 'null'] },
          },
        },
      },
      next: { type: ['integer', 'null'], description: 'Index to continue from.' },
    },
  },
  AccessPage: {
    type: 'object',
    required: ['items', 'next'],
    properties: {
      items: {
        type: 'array',
        items: {
          type: 'object',
          required: ['id', 'index', 'ts', 'record'],
          properties: {
            id: { type: 'string' },
            index: size,
            ts: { type: 'string' },
            record: ref('AccessRecord'),
          },
        },
      },
      next: { type: ['string', 'null'] },
    },
  },
  AccessRecord: {
    type: 'object',
    required: ['actor', 'role', 'action', 'target', 'purpose'],
    properties: {
      actor: { type: 'string', description: 'API key id.' },
      role: { enum: API_KEY_ROLES },
      action: { enum: ['read', 'list', 'search', 'bundle', 'export', 'erase', 'report'] },
      target: { type: 'string' },
      purpose: { type: ['string', 'null'] },
      requestId: { type: 'string' },
      count: { type: 'integer' },
    },
  },
  EraseRequest: {
    type: 'object',
    additionalProperties: false,
    required: ['reason'],
    properties: { reason: { type: 'string', minLength: 1, maxLength: 2000, pattern: '\\S' } },
  },
  EraseResult: {
    type: 'object',
    required: ['subject', 'keysDestroyed', 'decisions', 'tombstone'],
    properties: {
      subject: { type: 'string', description: 'The pseudonym that was erased.' },
      warnings: {
        type: 'array',
        description:
          'REASON_NAMES_SUBJECT: the reason named the subject id, which the permanent tombstone says as [subject] instead.',
        items: ref('Issue'),
      },
      keysDestroyed: { type: 'integer' },
      decisions: { type: 'integer' },
      tombstone: {
        oneOf: [
          { type: 'null' },
          {
            type: 'object',
            required: ['id', 'index'],
            properties: { id: { type: 'string' }, index: size },
          },
        ],
      },
    },
  },
  ApiKey: {
    type: 'object',
    required: ['id', 'tenant', 'role', 'name', 'createdAt', 'revokedAt'],
    properties: {
      id: { type: 'string' },
      tenant: { type: 'string' },
      role: { enum: API_KEY_ROLES },
      name: { type: 'string' },
      createdAt: { type: 'string' },
      revokedAt: { type: ['string', 'null'] },
    },
  },
  ApiKeyCreate: {
    type: 'object',
    additionalProperties: false,
    required: ['role'],
    properties: { role: { enum: API_KEY_ROLES }, name: { type: 'string', maxLength: 200 } },
  },
  ApiKeyCreated: {
    allOf: [
      ref('ApiKey'),
      {
        type: 'object',
        required: ['key'],
        properties: { key: { type: 'string', description: 'The key, shown this once.' } },
      },
    ],
  },
  Health: {
    type: 'object',
    required: ['status'],
    properties: { status: { enum: ['ok', 'starting', 'unavailable'] }, detail: { type: 'string' } },
  },
  ...CHANGE_SCHEMAS,
  ...STATS_SCHEMAS,
};

/** Query parameter helper. */
const query = (name: string, schema: object, description: string): object => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

/** The first filters of `GET /v1/decisions` (and `GET /v1/stats`). */
const decisionFilters = (): object[] => [
  query('agent', identifier, 'Agent id.'),
  query('agentVersion', identifier, 'Agent version.'),
  query(
    'subject',
    identifier,
    'Subject id (pseudonymized by the server). Content roles only (auditor, admin); recorded in the access log.',
  ),
  query('action', identifier, 'Outcome action.'),
  query('since', { type: 'string', format: 'date-time' }, 'From this time (inclusive).'),
  query('until', { type: 'string', format: 'date-time' }, 'Before this time.'),
  query('runId', identifier, 'Orchestrator run id.'),
  query(
    'q',
    { type: 'string', maxLength: 500 },
    'Words that must all occur in the goal or reasoning. Content roles only (auditor, admin); recorded in the access log.',
  ),
];

/**
 * The OpenAPI 3.1 document of the Docket API (served at `/openapi.json`).
 *
 * @example
 * const ops = Object.values(openApiDocument.paths).flatMap((p) => Object.values(p));
 */
export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Docket API',
    version: '1.0.0',
    description:
      'Decision audit trail for AI agents: record decisions, read them back with their proofs, export evidence, erase subjects. Every key belongs to one tenant and sees only that tenant’s logs. Reads of content, exports, bundles and erasures are recorded in the tenant’s access log, itself a signed Merkle log.',
    license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
  },
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
  servers: [{ url: 'http://127.0.0.1:7420' }],
  security: [{ apiKey: [] }],
  paths: {
    '/v1/decisions': {
      post: {
        operationId: 'postDecisions',
        summary: 'Record a batch of decisions',
        description:
          'Answers once every accepted record is durable in the log (sequenced, in a signed checkpoint). Idempotent by record id. Body may be gzip (Content-Encoding: gzip).',
        'x-docket-roles': WRITE_ROLES,
        requestBody: { required: true, content: json(ref('DecisionBatch')) },
        responses: {
          '200': {
            description: 'One result per record, in order.',
            content: json(ref('BatchResult')),
          },
          ...BODY_PROBLEMS,
          ...AUTH_PROBLEMS,
        },
      },
      get: {
        operationId: 'listDecisions',
        summary: 'Search decisions, newest first',
        'x-docket-roles': READ_ROLES,
        parameters: [
          ...decisionFilters(),
          ...FACET_PARAMS,
          SORT_PARAM,
          query('cursor', { type: 'string', maxLength: 100 }, 'From a previous page’s `next`.'),
          query('limit', { type: 'integer', minimum: 1, maximum: 200, default: 50 }, 'Page size.'),
          purposeHeader,
        ],
        responses: {
          '200': { description: 'A page.', content: json(ref('DecisionPage')) },
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/v1/producer-reports': {
      post: {
        operationId: 'postProducerReports',
        summary: 'Record producers’ reports of records they lost',
        description:
          'An SDK sends one when it drops, gives up on or refuses records, so the gap in its producer seqs is explained in the log. Answers once durable; idempotent by report id.',
        'x-docket-roles': WRITE_ROLES,
        requestBody: { required: true, content: json(ref('ProducerReportBatch')) },
        responses: {
          '200': {
            description: 'One result per report, in order.',
            content: json(ref('BatchResult')),
          },
          '409': problemResponse('A report id is already used by another entry.'),
          ...BODY_PROBLEMS,
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/v1/decisions/{id}': {
      get: {
        operationId: 'getDecision',
        summary: 'One decision, its linked events and its receipt',
        'x-docket-roles': READ_ROLES,
        parameters: [idParam, purposeHeader],
        responses: {
          '200': { description: 'The decision.', content: json(ref('DecisionView')) },
          '404': problemResponse('No such decision in this tenant.'),
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/v1/decisions/{id}/events': {
      post: {
        operationId: 'postEvent',
        summary: 'Record a later fact about a decision (effect, override, outcome update)',
        'x-docket-roles': WRITE_ROLES,
        parameters: [idParam],
        requestBody: { required: true, content: json(ref('EventInput')) },
        responses: {
          '201': { description: 'Durable in the log.', content: json(ref('AppendResult')) },
          '200': {
            description: 'Already recorded (same event id).',
            content: json(ref('AppendResult')),
          },
          '404': problemResponse('No such decision in this tenant.'),
          '409': problemResponse('The event id is already used by another entry.'),
          ...BODY_PROBLEMS,
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/v1/decisions/{id}/proof': {
      get: {
        operationId: 'getProof',
        summary: 'Inclusion proof of a decision',
        'x-docket-roles': READ_ROLES,
        parameters: [
          idParam,
          query(
            'size',
            { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
            'Tree size (default: the latest checkpoint’s).',
          ),
        ],
        responses: {
          '200': { description: 'The proof.', content: json(ref('InclusionProof')) },
          '404': problemResponse('No such decision in this tenant.'),
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/v1/decisions/{id}/bundle': {
      get: {
        operationId: 'getBundle',
        summary: 'Evidence bundle (docket.bundle/v1) disclosing the named fields',
        'x-docket-roles': CONTENT_ROLES,
        parameters: [
          idParam,
          query(
            'disclose',
            { type: 'string', maxLength: 1000 },
            'Comma-separated field names to disclose.',
          ),
          purposeHeader,
        ],
        responses: {
          '200': {
            description: 'The bundle.',
            content: json({ type: 'object', required: ['format'] }),
          },
          '404': problemResponse('No such decision in this tenant.'),
          '409': problemResponse('The subject was erased: nothing can be disclosed.'),
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/v1/checkpoint': {
      get: {
        operationId: 'getCheckpoint',
        summary: 'The latest signed checkpoint (C2SP tlog-checkpoint signed note)',
        'x-docket-roles': READ_ROLES,
        responses: {
          '200': {
            description: 'The note.',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/v1/proofs/consistency': {
      get: {
        operationId: 'getConsistency',
        summary: 'Consistency proof between two tree sizes',
        'x-docket-roles': READ_ROLES,
        parameters: [
          {
            ...query(
              'from',
              { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
              'Older size.',
            ),
            required: true,
          },
          {
            ...query(
              'to',
              { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
              'Newer size.',
            ),
            required: true,
          },
        ],
        responses: {
          '200': { description: 'The proof.', content: json(ref('ConsistencyProof')) },
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/v1/log': {
      get: {
        operationId: 'getLog',
        summary: 'Origin, verifier key and size of the tenant’s decision and access logs',
        'x-docket-roles': READ_ROLES,
        responses: {
          '200': { description: 'The logs.', content: json(ref('LogInfo')) },
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/v1/entries': {
      get: {
        operationId: 'getEntries',
        summary: 'Leaves and contents in index order (remote audit: `docket verify --url`)',
        'x-docket-roles': CONTENT_ROLES,
        parameters: [
          query('log', { enum: ['decisions', 'access'], default: 'decisions' }, 'Which log.'),
          query(
            'from',
            { type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 },
            'First index.',
          ),
          query(
            'limit',
            { type: 'integer', minimum: 1, maximum: 10000, default: 1000 },
            'Page size.',
          ),
          purposeHeader,
        ],
        responses: {
          '200': { description: 'A page.', content: json(ref('EntriesPage')) },
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/v1/subjects/{id}/erase': {
      post: {
        operationId: 'eraseSubject',
        summary: 'Erase a data subject (GDPR Art. 17): destroy its keys, append a tombstone',
        'x-docket-roles': ['admin'],
        parameters: [
          {
            ...idParam,
            description: 'Subject id as the producer gave it.',
            schema: { type: 'string', minLength: 1, maxLength: 500 },
          },
          purposeHeader,
        ],
        requestBody: { required: true, content: json(ref('EraseRequest')) },
        responses: {
          '200': { description: 'Erased.', content: json(ref('EraseResult')) },
          '404': problemResponse('No decisions about this subject in this tenant.'),
          '409': problemResponse(
            'Erasure refused under GDPR Art. 17(3): a legal hold or a minimum retention applies (ERASURE_RESTRICTED); the problem names the hold or policy.',
          ),
          ...BODY_PROBLEMS,
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/v1/access-log': {
      get: {
        operationId: 'getAccessLog',
        summary: 'Who read, exported or erased what, when and why (newest first)',
        'x-docket-roles': CONTENT_ROLES,
        parameters: [
          query('cursor', { type: 'string', maxLength: 100 }, 'From a previous page’s `next`.'),
          query('limit', { type: 'integer', minimum: 1, maximum: 200, default: 50 }, 'Page size.'),
        ],
        responses: {
          '200': { description: 'A page.', content: json(ref('AccessPage')) },
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/v1/changes': {
      post: {
        operationId: 'postChange',
        summary: 'Record a change: the deployment of an agent version and its approval',
        description:
          'Appends a docket.change/v1 entry, so decisions made under this version tuple resolve to an approved change (EU AI Act Art. 12, Annex IV; SOC 2 CC8.1). Answers once durable; idempotent by change id.',
        'x-docket-roles': ['admin'],
        requestBody: { required: true, content: json(ref('ChangeRecordV1')) },
        responses: {
          '201': { description: 'Durable in the log.', content: json(ref('AppendResult')) },
          '200': { description: 'Already recorded.', content: json(ref('AppendResult')) },
          '409': problemResponse('The change id is already used by another entry.'),
          ...BODY_PROBLEMS,
          ...AUTH_PROBLEMS,
        },
      },
      get: {
        operationId: 'listChanges',
        summary: 'The change records of the log, oldest first',
        'x-docket-roles': READ_ROLES,
        parameters: [query('agent', identifier, 'Only this agent’s changes.')],
        responses: {
          '200': { description: 'Every change.', content: json(ref('ChangePage')) },
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/v1/keys': {
      get: {
        operationId: 'listKeys',
        summary: 'The tenant’s API keys (never their secrets)',
        'x-docket-roles': ['admin'],
        responses: {
          '200': {
            description: 'Keys.',
            content: json({
              type: 'object',
              required: ['items'],
              properties: { items: { type: 'array', items: ref('ApiKey') } },
            }),
          },
          ...AUTH_PROBLEMS,
        },
      },
      post: {
        operationId: 'createKey',
        summary: 'Create an API key in the caller’s tenant (the key is shown once)',
        'x-docket-roles': ['admin'],
        requestBody: { required: true, content: json(ref('ApiKeyCreate')) },
        responses: {
          '201': { description: 'Created.', content: json(ref('ApiKeyCreated')) },
          ...BODY_PROBLEMS,
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/v1/keys/{id}/revoke': {
      post: {
        operationId: 'revokeKey',
        summary: 'Revoke an API key of the caller’s tenant',
        'x-docket-roles': ['admin'],
        parameters: [{ ...idParam, description: 'Key id.' }],
        responses: {
          '200': { description: 'Revoked.', content: json(ref('ApiKey')) },
          '404': problemResponse('No such key in this tenant.'),
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/healthz': {
      get: {
        operationId: 'getHealth',
        summary: 'Liveness: the process answers',
        security: [],
        responses: {
          '200': { description: 'Alive.', content: json(ref('Health')) },
          ...PUBLIC_PROBLEMS,
        },
      },
    },
    '/readyz': {
      get: {
        operationId: 'getReady',
        summary: 'Readiness: the store answers and the server is not shutting down',
        security: [],
        responses: {
          '200': { description: 'Ready.', content: json(ref('Health')) },
          '503': { description: 'Not ready.', content: json(ref('Health')) },
          ...PUBLIC_PROBLEMS,
        },
      },
    },
    '/metrics': {
      get: {
        operationId: 'getMetrics',
        summary: 'Prometheus metrics (admin; the default tenant’s admins see every tenant)',
        'x-docket-roles': ['admin'],
        responses: {
          '200': {
            description: 'Prometheus text format 0.0.4.',
            content: { 'text/plain': { schema: { type: 'string' } } },
          },
          ...AUTH_PROBLEMS,
        },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document',
        security: [],
        responses: {
          '200': { description: 'OpenAPI 3.1.', content: json({ type: 'object' }) },
          ...PUBLIC_PROBLEMS,
        },
      },
    },
    ...retentionPaths({
      json,
      problemResponse,
      authProblems: AUTH_PROBLEMS,
      bodyProblems: BODY_PROBLEMS,
    }),
    ...exportPaths({ problemResponse, authProblems: AUTH_PROBLEMS, purposeHeader }),
    ...statsPaths({
      json,
      problemResponse,
      authProblems: AUTH_PROBLEMS,
      bodyProblems: BODY_PROBLEMS,
      roles: READ_ROLES,
      filters: [...decisionFilters(), ...FACET_PARAMS],
      ref,
    }),
    ...driftPaths({
      json,
      problemResponse,
      authProblems: AUTH_PROBLEMS,
      bodyProblems: BODY_PROBLEMS,
    }),
    ...tilesPaths({ problemResponse, authProblems: AUTH_PROBLEMS, roles: READ_ROLES }),
    ...reportPaths({
      json,
      problemResponse,
      authProblems: AUTH_PROBLEMS,
      bodyProblems: BODY_PROBLEMS,
      purposeHeader,
    }),
  },
  components: {
    securitySchemes: {
      apiKey: {
        type: 'http',
        scheme: 'bearer',
        description: 'Authorization: Bearer dk_<id>_<secret> (docket keys create).',
      },
    },
    schemas,
  },
} as const;

/** An operation of the document, as the server reads it. */
export interface OperationSpec {
  readonly operationId: string;
  readonly method: string;
  /** The path template (`/v1/decisions/{id}`). */
  readonly path: string;
  /** The path parameter that takes the rest of the path, slashes included (`x-docket-path-rest`). */
  readonly pathRest?: string;
  /** Roles allowed; empty for public operations (`security: []`). */
  readonly roles: readonly ApiKeyRole[];
  readonly parameters: readonly {
    name: string;
    in: string;
    required?: boolean;
    schema: object;
  }[];
  /** Schema of the JSON request body, if any. */
  readonly body: object | undefined;
  /** Status → JSON schema of the response body (JSON responses only). */
  readonly responses: ReadonlyMap<string, { contentType: string; schema: object | undefined }>;
}

/**
 * Every operation of the document, flattened for the router.
 *
 * @example
 * const post = listOperations().find((o) => o.operationId === 'postDecisions');
 */
export function listOperations(): OperationSpec[] {
  const out: OperationSpec[] = [];
  for (const [path, item] of Object.entries(openApiDocument.paths)) {
    for (const [method, raw] of Object.entries(item)) {
      const op = raw as {
        operationId: string;
        'x-docket-roles'?: readonly ApiKeyRole[];
        'x-docket-path-rest'?: string;
        parameters?: OperationSpec['parameters'];
        requestBody?: { content: Record<string, { schema: object }> };
        responses: Record<string, { content?: Record<string, { schema?: object }> }>;
      };
      const responses = new Map<string, { contentType: string; schema: object | undefined }>();
      for (const [status, response] of Object.entries(op.responses)) {
        const [contentType, media] = Object.entries(response.content ?? {})[0] ?? ['', undefined];
        responses.set(status, { contentType, schema: media?.schema });
      }
      out.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path,
        ...(op['x-docket-path-rest'] === undefined ? {} : { pathRest: op['x-docket-path-rest'] }),
        roles: op['x-docket-roles'] ?? [],
        parameters: op.parameters ?? [],
        body: op.requestBody?.content['application/json']?.schema,
        responses,
      });
    }
  }
  return out;
}
