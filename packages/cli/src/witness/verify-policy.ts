/**
 * `docket verify --witness-policy FILE`: the policy check of a bundle's checkpoint, or of a data
 * directory's latest checkpoint with its stored cosignatures, merged into the verify report.
 */
import { readFileSync } from 'node:fs';
import { checkWitnessPolicy, parseWitnessPolicy } from '@docket/core';
import type { WitnessPolicy, WitnessPolicyCheck } from '@docket/core';
import { DocketError } from '@docket/protocol';
import type { Issue } from '@docket/protocol';
import type { Io } from '../output.js';
import { localCosignedNote } from './local-cosignatures.js';

/**
 * What `verify` reports of a witness policy: the quorum, whether it is met, who cosigned.
 *
 * @example
 * const w: WitnessReport = { quorum: 'two-of-three', ok: true, cosigned: [{ witness: 'w1', … }] };
 */
export interface WitnessReport {
  readonly quorum: string;
  readonly ok: boolean;
  readonly cosigned: readonly { witness: string; name: string; timestamp: number }[];
}

/**
 * The policy in `file`, or undefined without one. Throws `WITNESS_POLICY_MALFORMED` (exit 2)
 * with `where` naming the file and line.
 *
 * @example
 * const policy = readPolicy(optional(values, 'witness-policy'));
 */
export function readPolicy(file: string | undefined): WitnessPolicy | undefined {
  if (file === undefined) return undefined;
  try {
    return parseWitnessPolicy(readFileSync(file, 'utf8'));
  } catch (error) {
    if (error instanceof DocketError) {
      throw new DocketError(error.code, error.message, {
        where: `${file}${error.where === undefined ? '' : `: ${error.where}`}`,
        cause: error,
      });
    }
    throw error;
  }
}

function reportOf(check: WitnessPolicyCheck): WitnessReport {
  return {
    quorum: check.quorum,
    ok: check.ok,
    cosigned: check.cosigned.map((c) => ({
      witness: c.witness,
      name: c.name,
      timestamp: c.timestamp,
    })),
  };
}

/**
 * A check result with the policy's issues added (ok only when both are) and a `witnesses` report.
 *
 * @example
 * const result = withPolicyResult(checkBundle(bundle, vkey), checkWitnessPolicy(policy, note));
 */
export function withPolicyResult<T extends { ok: boolean }>(
  result: T,
  check: WitnessPolicyCheck | undefined,
): T & { issues?: Issue[]; witnesses?: WitnessReport } {
  if (check === undefined) return result;
  const before = 'issues' in result ? (result.issues as Issue[]) : [];
  const issues = [...before, ...check.issues];
  return {
    ...result,
    ok: result.ok && check.ok,
    ...(issues.length === 0 ? {} : { issues }),
    witnesses: reportOf(check),
  };
}

/**
 * The latest checkpoint of a log with the cosignatures its data directory keeps.
 *
 * @example
 * const note = await cosignedLatest(await describeLog(dir));
 */
export async function cosignedLatest(info: {
  dataDir: string;
  checkpoint: string;
}): Promise<string> {
  return info.checkpoint === '' ? '' : localCosignedNote(info.dataDir, info.checkpoint);
}

/**
 * An audit report with the policy check of the log's latest (cosigned) checkpoint.
 *
 * @example
 * const report = withWitnessPolicy(audit, await cosignedLatest(info), policy);
 */
export function withWitnessPolicy<T extends { ok: boolean; issues: Issue[] }>(
  report: T,
  cosignedNote: string,
  policy: WitnessPolicy,
): T & { witnesses?: WitnessReport } {
  const check = checkWitnessPolicy(policy, cosignedNote);
  return {
    ...report,
    ok: report.ok && check.ok,
    issues: [...report.issues, ...check.issues],
    witnesses: reportOf(check),
  };
}

/**
 * Prints who cosigned and whether the quorum is met.
 *
 * @example
 * printWitnesses(result.witnesses, io);
 */
export function printWitnesses(report: WitnessReport, io: Io): void {
  const who =
    report.cosigned.length === 0
      ? 'no witness of the policy'
      : report.cosigned
          .map((c) => `${c.witness} at ${new Date(c.timestamp * 1000).toISOString()}`)
          .join(', ');
  io.out(
    `  witness quorum ${report.quorum}: ${report.ok ? 'met' : 'NOT met'}; cosigned by ${who}\n`,
  );
}
