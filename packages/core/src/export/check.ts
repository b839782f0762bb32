import { canonicalBytes, DocketError } from '@docket/protocol';
import type { Issue, JsonValue, LeafEnvelope } from '@docket/protocol';
import { commitField, ENTRY_TYPES, toLeafEnvelope } from '../envelope/index.js';
import { hashLeaf, verifyInclusion } from '../merkle/index.js';
import { createNoteVerifier, openCheckpoint } from '../note/index.js';
import type { Checkpoint } from '../note/index.js';
import { finalOutcomeOf } from './final-outcome.js';

/** Format tag of a bulk export (JSON Lines: header, records, trailer). */
export const EXPORT_FORMAT = 'docket.export/v1';

/** What {@link ExportChecker.finish} established. */
export interface ExportCheck {
  readonly ok: boolean;
  readonly issues: Issue[];
  readonly origin?: string;
  readonly treeSize?: number;
  /** Records whose entry (and events) were proven in the signed tree. */
  readonly records: number;
  /** Records whose content was erased or purged: their leaves are proven, no content is left. */
  readonly erased: number;
  readonly events: number;
}

/** A streaming checker of a `docket.export/v1` file: feed it every line, then `finish()`. */
export interface ExportChecker {
  line(text: string, lineNo: number): void;
  finish(): ExportCheck;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** At most this many issues are kept: a wholly wrong file must not fill the memory. */
const MAX_ISSUES = 1000;

/**
 * Makes a checker for a bulk export made `--with-proofs`, against the log's vkey: the header's
 * checkpoint signature; for every record and event, its envelope's inclusion in that signed tree,
 * the id, index, type and time the line states, every field against its commitment (and no
 * committed field left out), and the final outcome recomputed from the fields and events; indices
 * strictly ascending; the trailer's count. Memory stays flat whatever the file's size.
 *
 * It proves that each record is in the log as exported; it does not prove that no record matching
 * the selection was left out (a report's full evidence level does).
 *
 * @example
 * const checker = createExportChecker(vkey);
 * lines.forEach((text, i) => checker.line(text, i + 1));
 * checker.finish().ok;
 */
export function createExportChecker(vkey: string): ExportChecker {
  const issues: Issue[] = [];
  const push = (code: Issue['code'], message: string, where: string): void => {
    if (issues.length < MAX_ISSUES) issues.push({ code, message, where, severity: 'error' });
  };
  const verifier = (() => {
    try {
      return createNoteVerifier(vkey);
    } catch (err) {
      push('KEY_INVALID', err instanceof Error ? err.message : String(err), 'vkey');
      return undefined;
    }
  })();
  let checkpoint: Checkpoint | undefined;
  let headerSeen = false;
  let trailer: number | undefined;
  let records = 0;
  let erased = 0;
  let events = 0;
  let lastIndex = -1;

  /** Checks one entry's proof; returns its envelope when it is included in the signed tree. */
  function checkProof(
    proof: unknown,
    expect: { id: unknown; index: unknown; ts: unknown; type: string },
    fields: Readonly<Record<string, JsonValue>> | null,
    where: string,
  ): LeafEnvelope | undefined {
    if (!isObject(proof)) {
      push('EXPORT_NO_PROOFS', 'no proof: export with --with-proofs to make it checkable', where);
      return undefined;
    }
    let envelope: LeafEnvelope;
    try {
      envelope = toLeafEnvelope(proof['envelope'], `${where}.proof.envelope`);
    } catch (err) {
      push('EXPORT_MALFORMED', err instanceof Error ? err.message : String(err), where);
      return undefined;
    }
    const hashes = Array.isArray(proof['hashes']) ? proof['hashes'] : [];
    if (checkpoint !== undefined) {
      try {
        verifyInclusion(
          envelope.index,
          checkpoint.size,
          hashLeaf(canonicalBytes(envelope)),
          hashes.map((h) => Buffer.from(String(h), 'base64')),
          checkpoint.root,
        );
      } catch (err) {
        push(
          'INCLUSION_PROOF_INVALID',
          `${err instanceof DocketError ? err.code + ': ' : ''}${err instanceof Error ? err.message : String(err)}`,
          `${where}.proof`,
        );
      }
    }
    if (envelope.type !== expect.type)
      push('EXPORT_MALFORMED', `the leaf is a ${envelope.type}, not a ${expect.type}`, where);
    for (const key of ['id', 'index', 'ts'] as const) {
      if (envelope[key] !== expect[key]) {
        push(
          'INDEX_MISMATCH',
          `the line says ${key} ${JSON.stringify(expect[key])}, its leaf ${JSON.stringify(envelope[key])}`,
          `${where}.${key}`,
        );
      }
    }
    if (fields !== null) {
      const salts = isObject(proof['salts']) ? proof['salts'] : {};
      for (const [name, commitment] of Object.entries(envelope.commitments)) {
        const salt = salts[name];
        if (!(name in fields) || typeof salt !== 'string') {
          push('EXPORT_FIELD_MISSING', `committed field "${name}" is missing`, `${where}.fields`);
          continue;
        }
        const actual = commitField(name, fields[name], Buffer.from(salt, 'base64'));
        if (actual.toString('base64') !== commitment) {
          push(
            'COMMITMENT_MISMATCH',
            `"${name}" does not match its commitment in the leaf`,
            `${where}.fields.${name}`,
          );
        }
      }
      for (const name of Object.keys(fields)) {
        if (envelope.commitments[name] === undefined)
          push('FIELD_NOT_COMMITTED', `the leaf commits to no field "${name}"`, `${where}.fields`);
      }
    }
    return envelope;
  }

  function header(value: Record<string, unknown>, where: string): void {
    headerSeen = true;
    if (value['format'] !== EXPORT_FORMAT) {
      push(
        'EXPORT_MALFORMED',
        `format ${JSON.stringify(value['format'])} is not ${EXPORT_FORMAT}`,
        where,
      );
      return;
    }
    if (typeof value['checkpoint'] !== 'string') {
      push(
        'EXPORT_NO_PROOFS',
        'the export carries no checkpoint: export it with --with-proofs',
        where,
      );
      return;
    }
    if (verifier === undefined) return;
    try {
      checkpoint = openCheckpoint(value['checkpoint'], verifier).checkpoint;
    } catch (err) {
      push(
        'CHECKPOINT_SIGNATURE_INVALID',
        err instanceof Error ? err.message : String(err),
        `${where}.checkpoint`,
      );
      return;
    }
    if (value['treeSize'] !== checkpoint.size)
      push(
        'EXPORT_MALFORMED',
        `treeSize ${String(value['treeSize'])} is not the checkpoint's ${checkpoint.size}`,
        where,
      );
  }

  function record(value: Record<string, unknown>, where: string): void {
    records++;
    const fields = isObject(value['fields'])
      ? (value['fields'] as Record<string, JsonValue>)
      : null;
    if (fields === null) erased++;
    const index = value['index'];
    if (typeof index !== 'number' || index <= lastIndex)
      push(
        'EXPORT_MALFORMED',
        `index ${String(index)} does not follow ${lastIndex}`,
        `${where}.index`,
      );
    else lastIndex = index;
    checkProof(
      value['proof'],
      { id: value['id'], index, ts: value['ts'], type: ENTRY_TYPES.decision },
      fields,
      where,
    );
    const list = Array.isArray(value['events']) ? value['events'] : [];
    const seen: { ts: string; fields: Readonly<Record<string, JsonValue>> | null }[] = [];
    list.forEach((event: unknown, i) => {
      const at = `${where}.events[${i}]`;
      if (!isObject(event)) {
        push('EXPORT_MALFORMED', 'an event is not an object', at);
        return;
      }
      events++;
      const eventFields = isObject(event['fields'])
        ? (event['fields'] as Record<string, JsonValue>)
        : null;
      const envelope = checkProof(
        event['proof'],
        { id: event['id'], index: event['index'], ts: event['ts'], type: ENTRY_TYPES.event },
        eventFields,
        at,
      );
      if (envelope !== undefined && typeof index === 'number' && envelope.index <= index)
        push('EXPORT_MALFORMED', `event at index ${envelope.index} precedes its decision`, at);
      seen.push({ ts: String(event['ts']), fields: eventFields });
    });
    const final = finalOutcomeOf(fields, seen);
    if (JSON.stringify(final) !== JSON.stringify(value['finalOutcome'] ?? null)) {
      push(
        'EXPORT_FINAL_OUTCOME_MISMATCH',
        `finalOutcome says ${JSON.stringify(value['finalOutcome'])}; the fields and events give ${JSON.stringify(final)}`,
        `${where}.finalOutcome`,
      );
    }
  }

  return {
    line(text, lineNo) {
      if (text.trim() === '') return;
      const where = `line ${lineNo}`;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        push('EXPORT_MALFORMED', 'not a JSON line', where);
        return;
      }
      if (!isObject(value)) {
        push('EXPORT_MALFORMED', 'not a JSON object', where);
        return;
      }
      if (!headerSeen) {
        header(value, where);
        return;
      }
      if (trailer !== undefined) {
        push('EXPORT_MALFORMED', 'a line after the trailer', where);
        return;
      }
      if (value['end'] === EXPORT_FORMAT) {
        trailer = typeof value['count'] === 'number' ? value['count'] : -1;
        return;
      }
      record(value, where);
    },
    finish() {
      if (!headerSeen) push('EXPORT_MALFORMED', 'the file is empty', 'line 1');
      else if (trailer === undefined)
        push('EXPORT_TRUNCATED', 'no trailer line: the export was cut short', 'end');
      else if (trailer !== records)
        push(
          'EXPORT_TRUNCATED',
          `the trailer counts ${trailer} records; the file holds ${records}`,
          'end',
        );
      return {
        ok: issues.length === 0,
        issues,
        ...(checkpoint === undefined
          ? {}
          : { origin: checkpoint.origin, treeSize: checkpoint.size }),
        records,
        erased,
        events,
      };
    },
  };
}
