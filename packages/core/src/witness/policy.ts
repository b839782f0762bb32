/**
 * Witness policies: which logs a verifier trusts and which witnesses must have cosigned a
 * checkpoint (k of n, in nested groups), in the text format of Sigsum's policy files
 * (sigsum-go doc/policy.md) with C2SP note verifier keys in place of raw hex keys:
 *
 *     log <log vkey> [<url>]
 *     witness <name> <witness vkey> [<url>]
 *     group <name> all|any|<k> <member>...
 *     quorum <name>|none
 *
 * `#` starts a comment. A name is defined once, before any line that uses it (so groups can't be
 * circular); `none` is predefined (no cosignature needed). Exactly one quorum line.
 */
import type { Issue } from '@docket/protocol';
import { CoreError } from '../errors.js';
import { createNoteVerifier } from '../note/keys.js';
import { openCheckpoint } from '../note/checkpoint.js';
import { createCosignatureVerifier, findCosignatures } from './cosignature.js';
import type { Cosignature, CosignatureVerifier } from './cosignature.js';

/** A group of a policy: it "acts" when at least `threshold` of its members act. */
interface PolicyGroup {
  readonly threshold: number;
  readonly members: readonly string[];
}

/**
 * A parsed witness policy. Build one with {@link parseWitnessPolicy}.
 *
 * @example
 * const policy = parseWitnessPolicy(readFileSync('docket.policy', 'utf8'));
 * policy.quorum; // 'witnesses'
 */
export interface WitnessPolicy {
  /** Verifier keys of the logs the policy accepts (any one of them). */
  readonly logs: readonly string[];
  /** Witnesses by their policy name. */
  readonly witnesses: ReadonlyMap<string, CosignatureVerifier>;
  /** Groups by name. */
  readonly groups: ReadonlyMap<string, PolicyGroup>;
  /** Name of the witness or group whose cosignature makes a checkpoint valid, or `none`. */
  readonly quorum: string;
}

/**
 * The result of {@link checkWitnessPolicy}: the issues, the log key that signed the checkpoint,
 * and the policy witnesses (by policy name) whose cosignatures verify.
 *
 * @example
 * const { ok, cosigned } = checkWitnessPolicy(policy, note);
 */
export interface WitnessPolicyCheck {
  readonly ok: boolean;
  readonly issues: Issue[];
  readonly quorum: string;
  /** The policy's log key that signed the checkpoint, if one did. */
  readonly logVkey: string | undefined;
  readonly cosigned: readonly (Cosignature & { readonly witness: string })[];
}

const NONE = 'none';
const NAME = /^[A-Za-z0-9._:/@+-]+$/;

/**
 * Parses a witness policy (see the module comment). Throws `WITNESS_POLICY_MALFORMED` with
 * `where: 'line N'` for the first line that is wrong, or `KEY_INVALID` for a bad key.
 *
 * @example
 * const policy = parseWitnessPolicy(
 *   'log example.com/log+1a2b3c4d+AU…\nwitness w1 witness.example/w1+5e6f7a8b+BA…\nquorum w1\n',
 * );
 */
export function parseWitnessPolicy(text: string): WitnessPolicy {
  const logs: string[] = [];
  const witnesses = new Map<string, CosignatureVerifier>();
  const groups = new Map<string, PolicyGroup>();
  let quorum: string | undefined;
  const lines = text.split('\n');
  for (const [i, raw] of lines.entries()) {
    const where = `line ${i + 1}`;
    const bad = (message: string): CoreError =>
      new CoreError('WITNESS_POLICY_MALFORMED', message, { where });
    const hash = raw.indexOf('#');
    const items = (hash < 0 ? raw : raw.slice(0, hash)).trim().split(/\s+/).filter(Boolean);
    const [keyword, ...args] = items;
    if (keyword === undefined) continue;
    const defined = (name: string): boolean => witnesses.has(name) || groups.has(name);
    const newName = (name: string | undefined): string => {
      if (name === undefined || !NAME.test(name)) throw bad(`${keyword} needs a name`);
      if (name === NONE || defined(name)) throw bad(`name ${name} is already defined`);
      return name;
    };
    switch (keyword) {
      case 'log': {
        if (args.length < 1 || args.length > 2) throw bad('log <vkey> [<url>]');
        const vkey = args[0] as string;
        withWhere(where, () => createNoteVerifier(vkey));
        logs.push(vkey);
        break;
      }
      case 'witness': {
        if (args.length < 2 || args.length > 3) throw bad('witness <name> <vkey> [<url>]');
        const name = newName(args[0]);
        const vkey = args[1] as string;
        witnesses.set(
          name,
          withWhere(where, () => createCosignatureVerifier(vkey)),
        );
        break;
      }
      case 'group': {
        const name = newName(args[0]);
        const members = args.slice(2);
        if (args[1] === undefined || members.length === 0) {
          throw bad('group <name> all|any|<k> <member>...');
        }
        for (const member of members) {
          if (!defined(member)) throw bad(`group member ${member} is not defined above`);
        }
        if (new Set(members).size !== members.length) throw bad(`group ${name} repeats a member`);
        const threshold =
          args[1] === 'all' ? members.length : args[1] === 'any' ? 1 : Number(args[1]);
        if (!Number.isInteger(threshold) || threshold < 1 || threshold > members.length) {
          throw bad(`group ${name}: the threshold must be all, any or 1 to ${members.length}`);
        }
        groups.set(name, { threshold, members });
        break;
      }
      case 'quorum': {
        if (args.length !== 1) throw bad('quorum <name>|none');
        if (quorum !== undefined) throw bad('a policy has exactly one quorum line');
        const name = args[0] as string;
        if (name !== NONE && !defined(name)) throw bad(`quorum ${name} is not defined above`);
        quorum = name;
        break;
      }
      default:
        throw bad(`unknown keyword ${JSON.stringify(keyword)} (log, witness, group, quorum)`);
    }
  }
  if (logs.length === 0) {
    throw new CoreError('WITNESS_POLICY_MALFORMED', 'the policy names no log', { where: 'policy' });
  }
  if (quorum === undefined) {
    throw new CoreError('WITNESS_POLICY_MALFORMED', 'the policy has no quorum line', {
      where: 'policy',
    });
  }
  return { logs, witnesses, groups, quorum };
}

/**
 * Checks a signed checkpoint against a policy: signed by one of its logs, and cosigned by
 * witnesses that make up its quorum. Issues: `WITNESS_POLICY_LOG_UNKNOWN` (no policy log signed
 * it), `WITNESS_QUORUM_MISSING` (naming the quorum and each group short of its threshold).
 * Cosignatures by keys the policy doesn't list, and lines that don't verify, count for nothing.
 *
 * @example
 * const result = checkWitnessPolicy(policy, bundleCheckpoint(bundle));
 * if (!result.ok) console.log(result.issues[0].message); // quorum "witnesses" is not met: …
 */
export function checkWitnessPolicy(policy: WitnessPolicy, signedNote: string): WitnessPolicyCheck {
  const issues: Issue[] = [];
  const logVkey = policy.logs.find((vkey) => {
    try {
      openCheckpoint(signedNote, createNoteVerifier(vkey));
      return true;
    } catch {
      return false;
    }
  });
  if (logVkey === undefined) {
    issues.push({
      code: 'WITNESS_POLICY_LOG_UNKNOWN',
      message: 'the checkpoint has no valid signature by a log of the witness policy',
      where: 'checkpoint',
      severity: 'error',
    });
  }
  const names = [...policy.witnesses.keys()];
  let found: Cosignature[] = [];
  try {
    found = findCosignatures(signedNote, [...policy.witnesses.values()]);
  } catch {
    // A note that doesn't parse has no cosignatures; the log signature issue says why.
  }
  const cosigned = found.map((c) => ({
    ...c,
    witness: names.find((name) => policy.witnesses.get(name)?.vkey === c.vkey) as string,
  }));
  const acting = new Set(cosigned.map((c) => c.witness));
  const acts = (name: string): boolean => {
    const group = policy.groups.get(name);
    if (group === undefined) return acting.has(name);
    return group.members.filter(acts).length >= group.threshold;
  };
  if (policy.quorum !== NONE && !acts(policy.quorum)) {
    const short = [...policy.groups.entries()]
      .filter(([name]) => !acts(name))
      .map(
        ([name, g]) =>
          `group ${name} needs ${g.threshold} of ${g.members.join(', ')}, has ${g.members.filter(acts).length}`,
      );
    issues.push({
      code: 'WITNESS_QUORUM_MISSING',
      message: `quorum "${policy.quorum}" is not met: valid cosignatures by ${
        acting.size === 0 ? 'no witness of the policy' : [...acting].join(', ')
      }${short.length === 0 ? '' : `; ${short.join('; ')}`}`,
      where: 'checkpoint',
      severity: 'error',
    });
  }
  return { ok: issues.length === 0, issues, quorum: policy.quorum, logVkey, cosigned };
}

function withWhere<T>(where: string, make: () => T): T {
  try {
    return make();
  } catch (error) {
    if (error instanceof CoreError) {
      throw new CoreError(error.code, error.message, { where, cause: error });
    }
    throw error;
  }
}
