/**
 * A witness of our own (c2sp.org/tlog-witness): answers add-checkpoint with cosignature/v1 lines
 * after checking the log's signature and the consistency with the latest checkpoint it cosigned,
 * which it keeps durably per origin.
 */
import { createHash } from 'node:crypto';
import {
  addSignatureLines,
  checkAddCheckpoint,
  createNoteVerifier,
  parseAddCheckpoint,
} from '@docket/core';
import type { Cosigner, NoteVerifier, WitnessedLog } from '@docket/core';
import { DocketError } from '@docket/protocol';
import type { ErrorCode } from '@docket/protocol';
import type { WitnessStore } from '@docket/store';

/**
 * An HTTP answer of the witness: status, content type and body.
 *
 * @example
 * const { status, body } = await witness.addCheckpoint(requestBody);
 */
export interface WitnessAnswer {
  status: number;
  contentType: string;
  body: string;
  /** The refusal's code, for logs and metrics; absent on success. */
  code?: ErrorCode;
}

/**
 * Options of {@link createWitnessService}.
 *
 * @example
 * createWitnessService({ store, cosigner, now: () => Date.now() });
 */
export interface WitnessServiceOptions {
  store: WitnessStore;
  cosigner: Cosigner;
  /** Milliseconds since the epoch; the cosignature timestamp is its seconds. */
  now?: () => number;
}

/**
 * The witness's request handling, independent of HTTP.
 *
 * @example
 * const witness = createWitnessService({ store, cosigner });
 * const answer = await witness.addCheckpoint('old 0\n\n<checkpoint>');
 */
export interface WitnessService {
  /** `POST <prefix>/add-checkpoint`. */
  addCheckpoint(body: string): Promise<WitnessAnswer>;
  /** `GET <prefix>/<hex SHA-256 of origin>/checkpoint`: the latest cosigned checkpoint. */
  checkpoint(originHash: string): Promise<WitnessAnswer>;
}

const TEXT = 'text/plain; charset=utf-8';

/**
 * Creates the witness service over its store and key. Verifier keys of each log are parsed once
 * per request from the store (so `docket witness add-log` takes effect without a restart).
 *
 * @example
 * const witness = createWitnessService({ store: openSqliteWitnessStore(path), cosigner });
 */
export function createWitnessService(options: WitnessServiceOptions): WitnessService {
  const { store, cosigner } = options;
  const now = options.now ?? Date.now;
  return {
    async addCheckpoint(body) {
      let request;
      try {
        request = parseAddCheckpoint(body);
      } catch (cause) {
        return refusal(400, 'WITNESS_REQUEST_MALFORMED', (cause as Error).message);
      }
      const logs = await store.logs();
      const latest = new Map<string, WitnessedLog>();
      for (const log of logs) {
        const stored = await store.latest(log.origin);
        latest.set(log.origin, {
          verifiers: log.vkeys.flatMap(verifierOf),
          latest: stored === undefined ? undefined : { size: stored.size, root: stored.root },
        });
      }
      const checked = checkAddCheckpoint(request, (origin) => latest.get(origin));
      if (!checked.ok) {
        if (checked.status === 409) {
          return {
            status: 409,
            contentType: 'text/x.tlog.size',
            body: `${checked.knownSize ?? 0}\n`,
            code: checked.code,
          };
        }
        return refusal(checked.status, checked.code, checked.message);
      }
      const line = cosigner.cosign(checked.body, Math.floor(now() / 1000));
      // Keep the log's verified signature lines and ours; drop lines of unknown keys.
      const known = latest.get(checked.checkpoint.origin)?.verifiers ?? [];
      const note = `${checked.body}\n${keepKnown(request.note, known)}`;
      const advanced = await store.advance(checked.checkpoint.origin, request.oldSize, {
        size: checked.checkpoint.size,
        root: checked.checkpoint.root,
        note: addSignatureLines(note, line),
      });
      if (!advanced.ok) {
        // Another request moved the log meanwhile: answer as if it came first (409).
        return {
          status: 409,
          contentType: 'text/x.tlog.size',
          body: `${advanced.knownSize}\n`,
          code: 'WITNESS_CONFLICT',
        };
      }
      return { status: 200, contentType: TEXT, body: line };
    },

    async checkpoint(originHash) {
      for (const log of await store.logs()) {
        if (createHash('sha256').update(log.origin).digest('hex') !== originHash) continue;
        const stored = await store.latest(log.origin);
        if (stored === undefined) break;
        return { status: 200, contentType: TEXT, body: stored.note };
      }
      return refusal(404, 'WITNESS_UNKNOWN_LOG', 'no checkpoint cosigned for that origin');
    },
  };
}

function verifierOf(vkey: string): NoteVerifier[] {
  try {
    return [createNoteVerifier(vkey)];
  } catch (error) {
    // add-log validates keys; one that no longer parses is skipped, not fatal to other logs.
    if (error instanceof DocketError) return [];
    throw error;
  }
}

/** The signature lines of `note` made by one of `known` (name and key ID), as note lines. */
function keepKnown(note: string, known: readonly NoteVerifier[]): string {
  const block = note.slice(note.lastIndexOf('\n\n') + 2);
  return block
    .split('\n')
    .filter((line) =>
      known.some((v) => line.startsWith(`\u2014 ${v.name} `) && keyIdOfLine(line) === v.keyId),
    )
    .map((line) => `${line}\n`)
    .join('');
}

function keyIdOfLine(line: string): number | undefined {
  const encoded = line.slice(line.lastIndexOf(' ') + 1);
  const bytes = Buffer.from(encoded, 'base64');
  return bytes.length >= 4 ? bytes.readUInt32BE(0) : undefined;
}

function refusal(status: number, code: ErrorCode, message: string): WitnessAnswer {
  return { status, contentType: TEXT, body: `${code}: ${message}\n`, code };
}
