/**
 * The log's side of c2sp.org/tlog-witness: a configured witness, and one add-checkpoint call.
 */
import { createCosignatureVerifier, findCosignatures, addSignatureLines } from '@docket/core';
import type { CosignatureVerifier } from '@docket/core';
import { formatAddCheckpoint } from '@docket/core';
import { DocketError, errorCodeOr } from '@docket/protocol';
import { ServerError } from '../errors.js';

/**
 * One witness the log submits its checkpoints to.
 *
 * @example
 * const w: WitnessConfig = parseWitnessConfig('w1=http://127.0.0.1:7380+witness.example/w1+1c2a3b4d+BA…');
 */
export interface WitnessConfig {
  /** A label for logs and metrics. */
  readonly label: string;
  /** The submission prefix: `<url>/add-checkpoint` is posted to. */
  readonly url: string;
  readonly verifier: CosignatureVerifier;
}

/**
 * Parses `NAME=URL+VKEY` (as `docket serve --witness` and `DOCKET_WITNESSES` take it): the URL
 * ends at the first `+`, the rest is the witness's cosignature/v1 vkey. Throws `USAGE`.
 *
 * @example
 * parseWitnessConfig('w1=http://127.0.0.1:7380+witness.example/w1+1c2a3b4d+BAk…');
 */
export function parseWitnessConfig(text: string): WitnessConfig {
  const eq = text.indexOf('=');
  const plus = text.indexOf('+', eq + 1);
  if (eq <= 0 || plus < 0) {
    throw new ServerError('USAGE', `witness ${JSON.stringify(text)} must read NAME=URL+VKEY`, {
      where: '--witness',
    });
  }
  const url = text.slice(eq + 1, plus).replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s]+$/.test(url)) {
    throw new ServerError('USAGE', `witness URL ${JSON.stringify(url)} is not http(s)`, {
      where: '--witness',
    });
  }
  let verifier: CosignatureVerifier;
  try {
    verifier = createCosignatureVerifier(text.slice(plus + 1));
  } catch (cause) {
    throw new ServerError('USAGE', `witness key: ${(cause as Error).message}`, {
      where: '--witness',
      cause,
    });
  }
  return { label: text.slice(0, eq), url, verifier };
}

/**
 * The witnesses of `--witness` flags and `DOCKET_WITNESSES` (entries separated by whitespace or
 * commas). Throws `USAGE`, or `CONFIG_INVALID`-like `USAGE` for two witnesses with one label.
 *
 * @example
 * const witnesses = witnessesOf(['w1=http://…+…'], process.env.DOCKET_WITNESSES);
 */
export function witnessesOf(flags: readonly string[], env: string | undefined): WitnessConfig[] {
  const all = [...flags, ...(env ?? '').split(/[\s,]+/).filter((s) => s !== '')];
  const witnesses = all.map(parseWitnessConfig);
  const labels = new Set<string>();
  for (const w of witnesses) {
    if (labels.has(w.label)) {
      throw new ServerError('USAGE', `two witnesses are named ${w.label}`, { where: '--witness' });
    }
    labels.add(w.label);
  }
  return witnesses;
}

/**
 * What one add-checkpoint exchange gave: the witness's valid cosignature line, or the size the
 * witness holds (409), to retry from.
 *
 * @example
 * if ('knownSize' in outcome) retry(outcome.knownSize);
 */
export type SubmitOutcome = { line: string; timestamp: number } | { knownSize: number };

/**
 * Posts one add-checkpoint request. Answers the verified cosignature, or the witness's size on a
 * 409. Throws `WITNESS_UNAVAILABLE` when the witness can't be reached, times out or answers a
 * cosignature that does not verify, and the refusal's code (`WITNESS_PROOF_INVALID`…) for other
 * statuses.
 *
 * @example
 * const outcome = await submitCheckpoint(witness, { oldSize: 0, proof: [], note }, 5000);
 */
export async function submitCheckpoint(
  witness: WitnessConfig,
  request: { oldSize: number; proof: Uint8Array[]; note: string },
  timeoutMs: number,
): Promise<SubmitOutcome> {
  let res: Response;
  let body: string;
  try {
    res = await fetch(`${witness.url}/add-checkpoint`, {
      method: 'POST',
      body: formatAddCheckpoint(request),
      signal: AbortSignal.timeout(timeoutMs),
    });
    body = await res.text();
  } catch (cause) {
    if (cause instanceof DocketError) throw cause;
    throw new ServerError(
      'WITNESS_UNAVAILABLE',
      `witness ${witness.label}: ${(cause as Error).message}`,
      { cause, where: witness.url },
    );
  }
  if (res.status === 409) {
    const size = /^(0|[1-9][0-9]*)\n$/.exec(body);
    if (size === null) {
      throw new ServerError('WITNESS_UNAVAILABLE', `witness ${witness.label}: 409 without a size`);
    }
    return { knownSize: Number(size[1]) };
  }
  if (res.status !== 200) {
    const code = STATUS_CODES[res.status];
    throw new ServerError(
      code === undefined ? 'WITNESS_UNAVAILABLE' : errorCodeOr(code, 'WITNESS_UNAVAILABLE'),
      `witness ${witness.label} answered ${res.status}: ${body.trim().slice(0, 200)}`,
      { where: witness.url },
    );
  }
  // "The client MUST ignore any cosignatures from unknown keys": keep only this witness's.
  let cosigned;
  try {
    cosigned = findCosignatures(addSignatureLines(request.note, body), [witness.verifier]);
  } catch (cause) {
    throw new ServerError('WITNESS_UNAVAILABLE', `witness ${witness.label}: bad response`, {
      cause,
    });
  }
  const [first] = cosigned;
  if (first === undefined) {
    throw new ServerError(
      'WITNESS_UNAVAILABLE',
      `witness ${witness.label} answered no valid cosignature by its key`,
      { where: witness.url },
    );
  }
  return { line: first.line, timestamp: first.timestamp };
}

const STATUS_CODES: Readonly<Record<number, string>> = {
  400: 'WITNESS_REQUEST_MALFORMED',
  403: 'WITNESS_LOG_SIGNATURE_INVALID',
  404: 'WITNESS_UNKNOWN_LOG',
  422: 'WITNESS_PROOF_INVALID',
};
