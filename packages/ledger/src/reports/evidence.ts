import {
  CompactRange,
  commitField,
  createNoteVerifier,
  hashLeaf,
  openCheckpoint,
  parseNote,
  toLeafBytes,
  toLeafEnvelope,
  verifyConsistency,
  verifyInclusion,
} from '@docket/core';
import type { Checkpoint } from '@docket/core';
import type { Issue, JsonValue } from '@docket/protocol';
import type { EvidenceLeaf, ReportEvidence } from './format.js';
import type { Member } from './population.js';
import { timeOf } from './population.js';

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

/** What checking a report's evidence gives: the members it proves, and the issues found. */
export interface EvidenceCheck {
  readonly issues: Issue[];
  /** The leaves of the proven range (full) or the cited leaves (cited), opened. */
  readonly members: Member[];
  /** Leaves outside the range, each with a checked inclusion proof. */
  readonly context: Member[];
  readonly checkpoint?: Checkpoint;
  readonly cosignatures: number;
}

const bad = (message: string, where: string): Issue => ({
  code: 'REPORT_EVIDENCE_INVALID',
  message,
  where,
  severity: 'error',
});

/** Opens one evidence leaf: its envelope, leaf hash and the disclosed fields it proves. */
function openLeaf(leaf: EvidenceLeaf, where: string, issues: Issue[]): Member | undefined {
  let envelope;
  try {
    envelope = toLeafEnvelope(leaf.envelope, where);
  } catch (error) {
    issues.push(bad(`leaf envelope: ${(error as Error).message}`, where));
    return undefined;
  }
  const leafHash = hashLeaf(toLeafBytes(envelope)).toString('base64');
  const fields: Record<string, JsonValue> | null = leaf.erased === true ? null : {};
  for (const [name, { value, salt }] of Object.entries(leaf.disclosed ?? {})) {
    const commitment = envelope.commitments[name];
    if (
      commitment === undefined ||
      commitField(name, value, b64(salt)).toString('base64') !== commitment
    ) {
      issues.push({
        code: 'REPORT_RECORD_MISMATCH',
        message: `disclosed field "${name}" of leaf ${envelope.index} does not open its commitment`,
        where: `${where}.disclosed.${name}`,
        severity: 'error',
      });
      continue;
    }
    if (fields !== null) fields[name] = value;
  }
  return { index: envelope.index, leafHash, envelope, fields };
}

/**
 * Checks a report's evidence against the log's key: the checkpoint's signature; with `full`,
 * that the leaves given are exactly the range `[start, end)` of the signed tree (the tree left
 * of `start` from the inclusion proof of leaf `start`, the leaves appended, the root of `end`
 * consistent with the checkpoint, RFC 9162 §2.1.4) and that the boundary leaves lie outside the
 * period; inclusion proofs of every other leaf; every disclosed field against its commitment.
 *
 * @example
 * const { issues, members } = checkEvidence(report.evidence, vkey, report.params);
 */
export function checkEvidence(
  evidence: ReportEvidence,
  vkey: string,
  period: { readonly from?: string; readonly to?: string },
): EvidenceCheck {
  const issues: Issue[] = [];
  let checkpoint: Checkpoint;
  let cosignatures = 0;
  try {
    checkpoint = openCheckpoint(evidence.checkpoint, createNoteVerifier(vkey)).checkpoint;
    cosignatures = parseNote(evidence.checkpoint).signatures.length - 1;
  } catch (error) {
    issues.push(bad(`checkpoint: ${(error as Error).message}`, 'evidence.checkpoint'));
    return { issues, members: [], context: [], cosignatures };
  }
  const { treeSize, range } = evidence;
  if (checkpoint.size !== treeSize) {
    issues.push(
      bad(
        `the checkpoint is of ${checkpoint.size} entries, the evidence says ${treeSize}`,
        'evidence.treeSize',
      ),
    );
    return { issues, members: [], context: [], checkpoint, cosignatures };
  }
  const members: Member[] = [];
  const context: Member[] = [];
  const opened = evidence.leaves.map((leaf, i) => openLeaf(leaf, `evidence.leaves[${i}]`, issues));
  const inRange = (m: Member): boolean => m.index >= range.start && m.index < range.end;
  const proveIncluded = (m: Member, leaf: EvidenceLeaf, where: string): boolean => {
    try {
      verifyInclusion(
        m.index,
        treeSize,
        b64(m.leafHash),
        (leaf.proof ?? []).map(b64),
        checkpoint.root,
      );
      return true;
    } catch (error) {
      issues.push(
        bad(`leaf ${m.index} is not in the signed tree: ${(error as Error).message}`, where),
      );
      return false;
    }
  };
  if (evidence.level === 'full') {
    const rangeLeaves = opened.slice(0, range.end - range.start);
    if (
      !(range.start >= 0 && range.start <= range.end && range.end <= treeSize) ||
      rangeLeaves.length !== range.end - range.start
    ) {
      issues.push(
        bad(`the range [${range.start}, ${range.end}) is not all there`, 'evidence.range'),
      );
      return { issues, members, context, checkpoint, cosignatures };
    }
    const edge = leftEdge(range.start, treeSize, evidence.startProof, issues);
    const compact = new CompactRange(range.start, edge ?? []);
    rangeLeaves.forEach((m, i) => {
      if (m === undefined || m.index !== range.start + i) {
        issues.push(
          bad(`leaf ${range.start + i} is missing or out of order`, `evidence.leaves[${i}]`),
        );
        return;
      }
      compact.append(b64(m.leafHash));
      members.push(m);
    });
    if (edge !== undefined && members.length === range.end - range.start) {
      try {
        const startLeaf = members[0];
        if (startLeaf !== undefined && range.start > 0) {
          verifyInclusion(
            range.start,
            treeSize,
            b64(startLeaf.leafHash),
            evidence.startProof.map(b64),
            checkpoint.root,
          );
        }
        if (range.end > 0) {
          verifyConsistency(
            range.end,
            treeSize,
            evidence.consistency.map(b64),
            compact.root(),
            checkpoint.root,
          );
        }
      } catch (error) {
        issues.push(
          bad(
            `the leaves are not the range [${range.start}, ${range.end}) of the signed tree: ${(error as Error).message}`,
            'evidence.range',
          ),
        );
      }
    }
    for (let i = 1; i < members.length; i++) {
      if (timeOf(members[i]!.envelope) < timeOf(members[i - 1]!.envelope)) {
        issues.push(
          bad(
            `receive times go backwards at leaf ${members[i]!.index}: the period is not one index range`,
            `evidence.leaves[${i}]`,
          ),
        );
        break;
      }
    }
    opened.slice(rangeLeaves.length).forEach((m, i) => {
      const j = rangeLeaves.length + i;
      if (m !== undefined && proveIncluded(m, evidence.leaves[j]!, `evidence.leaves[${j}]`))
        context.push(m);
    });
    checkBoundaries(members, context, range, treeSize, period, issues);
  } else {
    opened.forEach((m, i) => {
      if (m === undefined || !proveIncluded(m, evidence.leaves[i]!, `evidence.leaves[${i}]`))
        return;
      (inRange(m) ? members : context).push(m);
    });
  }
  return { issues, members, context, checkpoint, cosignatures };
}

/**
 * The hashes of the perfect subtrees covering `[0, start)`, biggest first, from the inclusion
 * proof of leaf `start`: its left siblings (a one bit of the index at that level, then every
 * border hash, RFC 9162 §2.1.3.2) are exactly those subtrees.
 */
function leftEdge(
  start: number,
  size: number,
  proof: readonly string[],
  issues: Issue[],
): Buffer[] | undefined {
  if (start === 0) return [];
  if (start >= size) {
    issues.push(bad('the range starts at the end of the tree', 'evidence.range'));
    return undefined;
  }
  // innerProofSize: the levels where start and size − 1 differ.
  let inner = 0;
  for (let a = start, b = size - 1; a !== b; a = Math.floor(a / 2), b = Math.floor(b / 2)) inner++;
  const left: Buffer[] = [];
  proof.forEach((h, level) => {
    if (level >= inner || Math.floor(start / 2 ** level) % 2 === 1) left.push(b64(h));
  });
  return left.reverse();
}

/** The leaves just outside the range must be outside the period (or the range ends the tree). */
function checkBoundaries(
  members: readonly Member[],
  context: readonly Member[],
  range: { readonly start: number; readonly end: number },
  treeSize: number,
  period: { readonly from?: string; readonly to?: string },
  issues: Issue[],
): void {
  const at = (i: number): Member | undefined => context.find((m) => m.index === i);
  if (period.from !== undefined && range.start > 0) {
    const before = at(range.start - 1);
    if (before === undefined || timeOf(before.envelope) >= period.from) {
      issues.push(
        bad(
          `leaf ${range.start - 1} is not shown to lie before the period`,
          'evidence.range.start',
        ),
      );
    }
  } else if (period.from === undefined && range.start !== 0) {
    issues.push(bad('a period with no start must start at leaf 0', 'evidence.range.start'));
  }
  if (period.to !== undefined && range.end < treeSize) {
    const after = at(range.end);
    if (after === undefined || timeOf(after.envelope) < period.to) {
      issues.push(
        bad(`leaf ${range.end} is not shown to lie after the period`, 'evidence.range.end'),
      );
    }
  } else if (period.to === undefined && range.end !== treeSize) {
    issues.push(bad('a period with no end must end at the checkpoint', 'evidence.range.end'));
  }
  for (const m of members) {
    const t = timeOf(m.envelope);
    if (
      (period.from !== undefined && t < period.from) ||
      (period.to !== undefined && t >= period.to)
    ) {
      issues.push(bad(`leaf ${m.index} (${t}) lies outside the period`, `leaf ${m.index}`));
      break;
    }
  }
}
