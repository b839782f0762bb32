import { CoreError } from '../errors.js';

/** First line of a C2SP tlog-proof (c2sp.org/tlog-proof, draft of 2025-12-18). */
export const TLOG_PROOF_HEADER = 'c2sp.org/tlog-proof@v1';

/** An inclusion proof with the checkpoint it leads to, as in c2sp.org/tlog-proof. */
export interface TlogProof {
  readonly index: number;
  /** Inclusion proof hashes, leaf sibling first. */
  readonly hashes: readonly Uint8Array[];
  /** The signed checkpoint (a signed note), verbatim. */
  readonly checkpoint: string;
  /** Optional opaque, unauthenticated data (the spec's `extra` line). */
  readonly extra?: Uint8Array;
}

/**
 * Formats a tlog-proof: header, optional `extra`, `index N`, one base64 hash a line, a blank line,
 * then the checkpoint verbatim.
 *
 * @example
 * const text = formatTlogProof({ index: 3, hashes, checkpoint: signedNote });
 */
export function formatTlogProof(proof: TlogProof): string {
  const lines = [TLOG_PROOF_HEADER];
  if (proof.extra !== undefined) lines.push(`extra ${Buffer.from(proof.extra).toString('base64')}`);
  lines.push(`index ${proof.index}`);
  for (const h of proof.hashes) lines.push(Buffer.from(h).toString('base64'));
  return `${lines.join('\n')}\n\n${proof.checkpoint}`;
}

const B64_HASH = /^[A-Za-z0-9+/]{43}=$/;

/**
 * Parses a tlog-proof; throws `CoreError` `TLOG_PROOF_MALFORMED` saying which line is wrong.
 *
 * @example
 * const { index, hashes, checkpoint } = parseTlogProof(text);
 */
export function parseTlogProof(text: string): TlogProof {
  const bad = (what: string, line: number): never => {
    throw new CoreError('TLOG_PROOF_MALFORMED', `tlog-proof: ${what}`, { where: `line ${line}` });
  };
  const split = text.indexOf('\n\n');
  if (split < 0) return bad('no blank line before the checkpoint', 1);
  const head = text.slice(0, split).split('\n');
  const checkpoint = text.slice(split + 2);
  if (head[0] !== TLOG_PROOF_HEADER) bad(`first line must be ${TLOG_PROOF_HEADER}`, 1);
  let at = 1;
  let extra: Uint8Array | undefined;
  if (head[at]?.startsWith('extra ') === true) {
    extra = Buffer.from(head[at]!.slice(6), 'base64');
    at += 1;
  }
  const indexLine = /^index (0|[1-9][0-9]*)$/.exec(head[at] ?? '');
  if (indexLine === null) return bad('expected "index N"', at + 1);
  const index = Number(indexLine[1]);
  if (!Number.isSafeInteger(index)) bad('index out of range', at + 1);
  const hashes: Uint8Array[] = [];
  for (let i = at + 1; i < head.length; i++) {
    const line = head[i]!;
    if (!B64_HASH.test(line)) bad('expected a base64 SHA-256 hash', i + 1);
    hashes.push(Buffer.from(line, 'base64'));
  }
  if (checkpoint === '') bad('missing checkpoint', head.length + 2);
  return extra === undefined ? { index, hashes, checkpoint } : { index, hashes, checkpoint, extra };
}
