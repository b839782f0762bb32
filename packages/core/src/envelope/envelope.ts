import { canonicalBytes, canonicalize } from '@docket/protocol';
import type { Issue, LeafEnvelope } from '@docket/protocol';
import { freshRandom } from '../crypto/random.js';
import { Scratch, sha256, sha256Base64 } from '../crypto/sha256.js';
import { CoreError } from '../errors.js';

/** Entry types: the first field of every leaf, so leaves of different kinds never collide. */
export const ENTRY_TYPES = {
  decision: 'docket.decision/v1',
  event: 'docket.event/v1',
  tombstone: 'docket.tombstone/v1',
  /** One read of content, export or erasure, in a tenant's access log. */
  access: 'docket.access/v1',
  /** A producer's report of records it took but never delivered (`docket.producer-report/v1`). */
  producer: 'docket.producer/v1',
  /** A deployment of an agent version (`docket.change/v1`): model, prompt, policy, approval. */
  change: 'docket.change/v1',
  /** A retention policy set for a tenant or an agent (min and max age, legal basis). */
  retention: 'docket.retention/v1',
  /** A legal hold placed or released. */
  hold: 'docket.hold/v1',
  /** A purge receipt: the leaves whose content a retention purge removed, and why. */
  purge: 'docket.purge/v1',
  /** A compliance report generated over this log: its type, parameters and the digest of its JSON. */
  complianceReport: 'docket.compliance-report/v1',
} as const;

/** One of {@link ENTRY_TYPES}. */
export type EntryType = (typeof ENTRY_TYPES)[keyof typeof ENTRY_TYPES];

const KNOWN_TYPES = new Set<string>(Object.values(ENTRY_TYPES));

/** Record fields carried in clear in the envelope itself; every other field is committed to. */
export const ENVELOPE_FIELDS = ['id', 'schema', 'ts', 'producer'] as const;

/** The leaf envelope: a wire shape, declared once in `@docket/protocol`. */
export type { LeafEnvelope };

/** Salt size: 128 bits, enough that low-entropy values (a yes/no) can't be guessed from a commitment. */
export const SALT_SIZE = 16;

const COMMIT_PREFIX = Buffer.from('docket/commit/v1\n', 'utf8');
const SALT_AT = COMMIT_PREFIX.length;
const VALUE_AT = SALT_AT + SALT_SIZE;

// The input of one commitment, prefix ‖ salt ‖ JCS([name, value]), assembled in a reused buffer
// whose prefix is written once, then hashed in one call. Every use is synchronous.
const commitInput = new Scratch(4096);
COMMIT_PREFIX.copy(commitInput.get(VALUE_AT));

/**
 * Writes prefix ‖ salt ‖ JCS([name, value]) into the scratch buffer; `writeSalt` puts the salt at
 * {@link SALT_AT}. Returns the input (a view of the scratch buffer, valid until the next call).
 */
function commitmentInput(name: string, value: unknown, writeSalt: (into: Buffer) => void): Buffer {
  const text = canonicalize([name, value]);
  // UTF-8 takes at most 3 bytes per UTF-16 code unit.
  const max = VALUE_AT + 3 * text.length;
  let input = commitInput.get(VALUE_AT);
  if (input.length < max) {
    input = commitInput.get(max);
    COMMIT_PREFIX.copy(input);
  }
  writeSalt(input);
  const end = VALUE_AT + input.write(text, VALUE_AT, 'utf8');
  return input.subarray(0, end);
}

/**
 * Salted commitment to one field: SHA-256("docket/commit/v1\n" ‖ salt ‖ JCS([name, value])).
 * The name is inside so a value can't be passed off as another field's.
 *
 * @example
 * const c = commitField('outcome', { action: 'approve' }, salt).toString('base64');
 */
export function commitField(name: string, value: unknown, salt: Uint8Array): Buffer {
  if (salt.length !== SALT_SIZE) {
    // Not a salt this module made: assemble the input in full (the one-shot path assumes 16 bytes).
    return sha256(
      Buffer.concat([COMMIT_PREFIX, salt, Buffer.from(canonicalize([name, value]), 'utf8')]),
    );
  }
  return sha256(
    commitmentInput(name, value, (into) => {
      into.set(salt, SALT_AT);
    }),
  );
}

/** Commitments and the salts that open them, for a set of fields. */
export interface Commitments {
  readonly commitments: Record<string, string>;
  readonly salts: Record<string, string>;
}

/**
 * Commits to every field of `fields` with a fresh random salt each.
 *
 * @example
 * const { commitments, salts } = createCommitments({ goal: 'approve loan?' });
 */
export function createCommitments(fields: Readonly<Record<string, unknown>>): Commitments {
  const names = Object.keys(fields);
  const pool = freshRandom(SALT_SIZE * names.length);
  const commitments: Record<string, string> = {};
  const salts: Record<string, string> = {};
  names.forEach((name, i) => {
    const salt = pool.subarray(i * SALT_SIZE, (i + 1) * SALT_SIZE);
    commitments[name] = sha256Base64(
      commitmentInput(name, fields[name], (into) => {
        into.set(salt, SALT_AT);
      }),
    );
    salts[name] = salt.toString('base64');
  });
  return { commitments, salts };
}

/**
 * Canonical leaf bytes of an envelope (RFC 8785).
 *
 * @example
 * const leafHash = hashLeaf(toLeafBytes(envelope));
 */
export function toLeafBytes(envelope: LeafEnvelope): Uint8Array {
  return canonicalBytes(envelope);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks the shape of a parsed envelope; throws `CoreError` `LEAF_MALFORMED` naming the field.
 *
 * @example
 * const envelope = toLeafEnvelope(JSON.parse(text));
 */
export function toLeafEnvelope(value: unknown, where = 'leaf'): LeafEnvelope {
  const bad = (what: string): never => {
    throw new CoreError('LEAF_MALFORMED', `leaf envelope: ${what}`, { where });
  };
  if (!isRecord(value)) return bad('not a JSON object');
  const { type, index, id, ts, rt, producer, subject, kid, commitments } = value;
  if (typeof type !== 'string' || !KNOWN_TYPES.has(type)) bad(`unknown type ${String(type)}`);
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0) bad('bad index');
  if (typeof id !== 'string' || id === '') bad('bad id');
  if (typeof ts !== 'string') bad('bad ts');
  if (rt !== undefined && typeof rt !== 'string') bad('bad rt');
  if (subject !== undefined && typeof subject !== 'string') bad('bad subject');
  if (kid !== undefined && typeof kid !== 'string') bad('bad kid');
  if (
    producer !== undefined &&
    (!isRecord(producer) ||
      typeof producer['id'] !== 'string' ||
      typeof producer['seq'] !== 'number')
  ) {
    bad('bad producer');
  }
  if (!isRecord(commitments) || Object.values(commitments).some((c) => typeof c !== 'string')) {
    bad('bad commitments');
  }
  const known = new Set([
    'type',
    'index',
    'id',
    'ts',
    'rt',
    'producer',
    'subject',
    'kid',
    'commitments',
  ]);
  const extra = Object.keys(value).find((k) => !known.has(k));
  if (extra !== undefined) bad(`unknown field ${extra}`);
  return value as unknown as LeafEnvelope;
}

/**
 * Parses leaf bytes back into an envelope, requiring that they are exactly its canonical form.
 *
 * @example
 * const envelope = parseLeafEnvelope(leafBytes);
 */
export function parseLeafEnvelope(bytes: Uint8Array, where = 'leaf'): LeafEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (cause) {
    throw new CoreError('LEAF_MALFORMED', 'leaf is not JSON', { where, cause });
  }
  const envelope = toLeafEnvelope(value, where);
  if (!Buffer.from(toLeafBytes(envelope)).equals(bytes)) {
    throw new CoreError('LEAF_MALFORMED', 'leaf bytes are not in RFC 8785 canonical form', {
      where,
    });
  }
  return envelope;
}

/**
 * Checks stored content against a leaf's commitments: every committed field present with its
 * salt and matching, and no field that is not committed to. Issues are `CONTENT_CHANGED`, at
 * `where.<field>`; `checked` counts the commitments recomputed.
 *
 * @example
 * const { issues } = checkCommitments(envelope.commitments, fields, salts, 'leaf 12');
 */
export function checkCommitments(
  commitments: Readonly<Record<string, string>>,
  fields: Readonly<Record<string, unknown>>,
  salts: Readonly<Record<string, string>>,
  where: string,
): { issues: Issue[]; checked: number } {
  const issues: Issue[] = [];
  const changed = (message: string, name: string): void => {
    issues.push({ code: 'CONTENT_CHANGED', message, where: `${where}.${name}`, severity: 'error' });
  };
  let checked = 0;
  for (const [name, commitment] of Object.entries(commitments)) {
    const salt = salts[name];
    if (!Object.hasOwn(fields, name) || salt === undefined) {
      changed(`field "${name}" is committed to but missing from the content`, name);
      continue;
    }
    checked++;
    // The salt is decoded straight into the hash input; one that is not 16 bytes of base64
    // can't open the commitment, whatever the content.
    let saltBytes = 0;
    const recomputed = sha256Base64(
      commitmentInput(name, fields[name], (into) => {
        saltBytes = into.write(salt, SALT_AT, VALUE_AT - SALT_AT, 'base64');
      }),
    );
    if (saltBytes !== SALT_SIZE || Buffer.byteLength(salt, 'base64') !== SALT_SIZE) {
      // Not a salt this module made: recompute the slow way, exactly as before.
      if (
        commitField(name, fields[name], Buffer.from(salt, 'base64')).toString('base64') !==
        commitment
      ) {
        changed(`field "${name}" does not match its commitment in the leaf`, name);
      }
      continue;
    }
    if (recomputed !== commitment) {
      changed(`field "${name}" does not match its commitment in the leaf`, name);
    }
  }
  for (const name of Object.keys(fields)) {
    if (!Object.hasOwn(commitments, name)) {
      changed(`field "${name}" is in the content but not committed to`, name);
    }
  }
  return { issues, checked };
}
