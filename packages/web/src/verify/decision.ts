/**
 * Checks one decision as the API serves it, in the browser: the checkpoint's signature by the
 * log's key, the inclusion of the leaf in that checkpoint's tree, and — when the caller may see
 * the salts (an evidence bundle disclosing every field) — the leaf recomputed from the envelope
 * and every field of the shown record against its commitment.
 */
import type {
  DecisionView,
  EvidenceBundle,
  InclusionProof,
  LeafEnvelope,
} from '@docket/protocol/wire';
import { fromBase64, equalBytes, requireBase64, toBase64 } from './bytes.js';
import type { Ed25519Backend, Ed25519Verifier } from './ed25519.js';
import { toIssue, VerifyError } from './errors.js';
import type { VerifyIssue } from './errors.js';
import { canonicalBytes, canonicalize } from './jcs.js';
import { commitField } from './commitments.js';
import { hashLeaf, verifyInclusion } from './merkle.js';
import { openCheckpoint } from './note.js';
import type { Checkpoint } from './note.js';

/** The receipt of GET /v1/decisions/{id} (and GET …/proof). */
export type ReceiptInput = InclusionProof;

/** What GET /v1/decisions/{id} answers, as far as checking needs. */
export type DecisionInput = Pick<
  DecisionView,
  'id' | 'index' | 'ts' | 'subject' | 'erased' | 'content' | 'receipt'
> &
  Partial<Pick<DecisionView, 'purged'>>;

/** The leaf envelope (docket leaf, RFC 8785 bytes hashed into the tree). */
export type EnvelopeInput = LeafEnvelope;

/** The parts of an evidence bundle (docket.bundle/v1) the check uses. */
export type BundleInput = Pick<EvidenceBundle, 'envelope' | 'disclosed' | 'erased'>;

/** Names of the checks, in the order they run. */
export type CheckName = 'signature' | 'inclusion' | 'leaf' | 'commitments' | 'content';

/** One check and what came of it. */
export interface CheckStep {
  readonly name: CheckName;
  readonly status: 'pass' | 'fail' | 'skip';
  /** Plain-language result. */
  readonly detail: string;
  readonly issue?: VerifyIssue;
}

/** Result of {@link checkDecision}. */
export interface DecisionCheck {
  /** No check failed and the signature and inclusion checks passed. */
  readonly ok: boolean;
  /** Every check passed, none skipped: the leaf was recomputed from what the page shows. */
  readonly complete: boolean;
  readonly steps: readonly CheckStep[];
  readonly backend: Ed25519Backend;
  readonly checkpoint: Checkpoint | undefined;
}

/** Record fields that travel in clear in the envelope rather than as commitments. */
const ENVELOPE_FIELDS = new Set(['id', 'schema', 'ts', 'producer']);

/**
 * Checks a decision against the log's verifier key and origin (from GET /v1/log). Never throws:
 * every failure is a failed step with its issue.
 *
 * @example
 * const check = await checkDecision({ decision, log, bundle, ed });
 * check.ok; // true when the record is intact
 */
export async function checkDecision(input: {
  readonly decision: DecisionInput;
  readonly log: { readonly origin: string; readonly vkey: string };
  readonly bundle?: BundleInput | undefined;
  /** Why the bundle is absent (shown as the reason the leaf checks were skipped). */
  readonly bundleMissing?: string;
  readonly ed: Ed25519Verifier;
}): Promise<DecisionCheck> {
  const { decision, log, bundle, ed } = input;
  const steps: CheckStep[] = [];
  const fail = (name: CheckName, detail: string, error: unknown, code: string): void => {
    steps.push({ name, status: 'fail', detail, issue: toIssue(error, code) });
  };
  const receipt = decision.receipt;

  // 1. The checkpoint is signed by the log's key (c2sp.org/signed-note, Ed25519).
  let checkpoint: Checkpoint | undefined;
  try {
    if (receipt.checkpoint === null) {
      throw new VerifyError(
        'CHECKPOINT_MISSING',
        'the receipt carries no signed checkpoint',
        'receipt.checkpoint',
      );
    }
    checkpoint = (await openCheckpoint(receipt.checkpoint, log.vkey, ed, log.origin)).checkpoint;
    steps.push({
      name: 'signature',
      status: 'pass',
      detail: `Checkpoint of ${checkpoint.size} entries is signed by the log's key ${log.vkey.split('+').slice(0, 2).join('+')}.`,
    });
  } catch (error) {
    fail(
      'signature',
      "The checkpoint is not signed by the log's key.",
      error,
      'CHECKPOINT_SIGNATURE_INVALID',
    );
  }

  // 2. The leaf hash is in that checkpoint's tree (RFC 9162 §2.1.3.2).
  let leafHash: Uint8Array | undefined;
  if (checkpoint === undefined) {
    steps.push({
      name: 'inclusion',
      status: 'skip',
      detail: 'Not checked: there is no verified checkpoint.',
    });
  } else {
    try {
      if (receipt.index !== decision.index) {
        throw new VerifyError(
          'INDEX_MISMATCH',
          `receipt index ${receipt.index} is not the decision's ${decision.index}`,
          'receipt.index',
        );
      }
      if (receipt.treeSize !== checkpoint.size) {
        throw new VerifyError(
          'SIZE_MISMATCH',
          `receipt size ${receipt.treeSize} is not the checkpoint's ${checkpoint.size}`,
          'receipt.treeSize',
        );
      }
      leafHash = requireBase64(receipt.leafHash, 'receipt.leafHash');
      const hashes = receipt.hashes.map((h, i) => requireBase64(h, `receipt.hashes[${i}]`));
      await verifyInclusion(receipt.index, checkpoint.size, leafHash, hashes, checkpoint.root);
      steps.push({
        name: 'inclusion',
        status: 'pass',
        detail: `Entry #${receipt.index} is in the signed tree (${hashes.length} proof hashes lead to its root).`,
      });
    } catch (error) {
      fail(
        'inclusion',
        'The inclusion proof does not lead to the signed root: the stored entry is not the one the log signed.',
        error,
        'INCLUSION_PROOF_INVALID',
      );
    }
  }

  // 3–5 need the salts, which only an evidence bundle (auditor, admin) carries.
  if (bundle === undefined) {
    const why = input.bundleMissing ?? 'no evidence bundle';
    steps.push({ name: 'leaf', status: 'skip', detail: `Not checked: ${why}.` });
    for (const name of ['commitments', 'content'] as const) {
      steps.push({
        name,
        status: 'skip',
        detail: decision.erased
          ? 'Not possible: the subject was erased, and its content went with its key.'
          : `Not checked: ${why}.`,
      });
    }
  } else {
    await checkLeaf(decision, bundle, steps);
  }

  const get = (name: CheckName): CheckStep | undefined => steps.find((s) => s.name === name);
  const ok =
    steps.every((s) => s.status !== 'fail') &&
    get('signature')?.status === 'pass' &&
    get('inclusion')?.status === 'pass';
  return {
    ok,
    complete: ok && steps.every((s) => s.status === 'pass'),
    steps,
    backend: ed.backend,
    checkpoint,
  };
}

async function checkLeaf(
  decision: DecisionInput,
  bundle: BundleInput,
  steps: CheckStep[],
): Promise<void> {
  const { envelope } = bundle;
  // 3. The envelope, canonicalized here, hashes to the receipt's leaf hash.
  try {
    const expected = { id: decision.id, index: decision.index, ts: decision.ts };
    for (const [field, want] of Object.entries(expected)) {
      if (envelope[field as keyof typeof expected] !== want) {
        throw new VerifyError(
          'ENVELOPE_MISMATCH',
          `the envelope's ${field} is not the decision's`,
          `envelope.${field}`,
        );
      }
    }
    if ((envelope.subject ?? null) !== decision.subject) {
      throw new VerifyError(
        'ENVELOPE_MISMATCH',
        "the envelope's subject is not the decision's",
        'envelope.subject',
      );
    }
    const leaf = await hashLeaf(canonicalBytes(envelope));
    const claimed = fromBase64(decision.receipt.leafHash);
    if (claimed === undefined || !equalBytes(leaf, claimed)) {
      throw new VerifyError(
        'LEAF_HASH_MISMATCH',
        `the envelope hashes to ${toBase64(leaf)}, the receipt says ${decision.receipt.leafHash}`,
        'envelope',
      );
    }
    steps.push({
      name: 'leaf',
      status: 'pass',
      detail:
        'The leaf, recomputed in this browser from its envelope (RFC 8785), is the one in the proof.',
    });
  } catch (error) {
    steps.push({
      name: 'leaf',
      status: 'fail',
      detail: 'The leaf recomputed from the envelope is not the one in the proof.',
      issue: toIssue(error, 'LEAF_HASH_MISMATCH'),
    });
  }

  // 4. Each disclosed field opens its commitment.
  const names = Object.keys(envelope.commitments);
  if (bundle.erased) {
    steps.push({
      name: 'commitments',
      status: 'skip',
      detail:
        'Not possible: the subject was erased, and the content and the salts that open these commitments went with its key. Expected after an erasure; the leaf above still verifies.',
    });
    steps.push({
      name: 'content',
      status: 'skip',
      detail: 'Not possible: there is no content left to compare with the leaf.',
    });
    return;
  }
  // A retention purge (issue 18) removed the content and its salts: nothing can be disclosed.
  // The server says so (`purged`); docket verify checks the signed purge receipt that names it.
  if (decision.purged === true && Object.keys(bundle.disclosed).length === 0) {
    steps.push({
      name: 'commitments',
      status: 'skip',
      detail:
        'Not possible: a retention purge removed the content and the salts that open these commitments (a signed purge receipt in the log names this leaf). Expected after a purge; the leaf above still verifies.',
    });
    steps.push({
      name: 'content',
      status: 'skip',
      detail: 'Not possible: there is no content left to compare with the leaf.',
    });
    return;
  }
  const mismatched: string[] = [];
  const missing = names.filter((n) => !Object.hasOwn(bundle.disclosed, n));
  for (const name of names) {
    const field = bundle.disclosed[name];
    if (field === undefined) continue;
    try {
      if ((await commitField(name, field.value, field.salt)) !== envelope.commitments[name])
        mismatched.push(name);
    } catch {
      mismatched.push(name);
    }
  }
  if (mismatched.length > 0 || missing.length > 0) {
    const parts = [
      ...(mismatched.length > 0
        ? [
            `${mismatched.join(', ')} ${mismatched.length === 1 ? 'does' : 'do'} not match ${mismatched.length === 1 ? 'its commitment' : 'their commitments'}`,
          ]
        : []),
      ...(missing.length > 0 ? [`${missing.join(', ')} not disclosed`] : []),
    ];
    steps.push({
      name: 'commitments',
      status: 'fail',
      detail: `The content does not match the leaf: ${parts.join('; ')}.`,
      issue: {
        code: mismatched.length > 0 ? 'COMMITMENT_MISMATCH' : 'FIELD_NOT_DISCLOSED',
        message: parts.join('; '),
        where: `envelope.commitments.${mismatched[0] ?? missing[0] ?? ''}`,
      },
    });
  } else {
    steps.push({
      name: 'commitments',
      status: 'pass',
      detail: `All ${names.length} fields match their salted commitments in the leaf.`,
    });
  }

  // 5. What the page shows is exactly what was committed to.
  const content = decision.content;
  if (content === null) {
    steps.push({
      name: 'content',
      status: 'skip',
      detail: 'Not checked: the content is not shown to this key.',
    });
    return;
  }
  const differing: string[] = [];
  for (const name of new Set([
    ...Object.keys(content).filter((k) => !ENVELOPE_FIELDS.has(k)),
    ...names,
  ])) {
    const shown = content[name];
    const field = bundle.disclosed[name];
    if (
      shown === undefined ||
      field === undefined ||
      canonicalize(shown) !== canonicalize(field.value)
    )
      differing.push(name);
  }
  if (content['id'] !== envelope.id || content['ts'] !== envelope.ts) differing.push('id/ts');
  if (differing.length > 0) {
    steps.push({
      name: 'content',
      status: 'fail',
      detail: `What this page shows differs from what the leaf commits to: ${differing.join(', ')}.`,
      issue: {
        code: 'CONTENT_CHANGED',
        message: `shown fields differ: ${differing.join(', ')}`,
        where: `content.${differing[0]!}`,
      },
    });
  } else {
    steps.push({
      name: 'content',
      status: 'pass',
      detail: 'Every field shown on this page is the committed value.',
    });
  }
}
