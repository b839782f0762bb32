import { ENTRY_TYPES } from '@docket/core';
import type { JsonValue } from '@docket/protocol';
import type { Claim, ReportSection } from './format.js';
import { cite, inScope, ofType, refOf, stringAt } from './population.js';
import type { Member, ReportInput } from './population.js';

/** Clock skew between a producer's `ts` and the server's receive time above which row 7 fails. */
export const SKEW_LIMIT_MS = 5 * 60_000;

/** Per producer: records, first and last seq, and the seqs missing between them. */
export interface ProducerFigures {
  readonly producer: string;
  readonly records: number;
  readonly firstSeq: number;
  readonly lastSeq: number;
  /** Missing seqs `[from, to]` not covered by a producer report in the period. */
  readonly unexplained: [number, number][];
  /** Missing seqs covered by a producer report (a loss owned up to). */
  readonly explained: number;
}

/**
 * Per-producer completeness over the period: each producer's seqs, the gaps between them, and
 * which gaps a producer report in the period explains (SOC 2 IPE, Art. 12 row 17).
 */
export function producerFigures(members: readonly Member[]): {
  producers: ProducerFigures[];
  reports: Member[];
  gapNeighbours: Member[];
} {
  const reports = ofType(members, ENTRY_TYPES.producer);
  const covered = new Map<string, [number, number][]>();
  for (const r of reports) {
    const id = stringAt(r, 'producer', 'id');
    const gaps = r.fields?.['gaps'];
    if (id === undefined || !Array.isArray(gaps)) continue;
    const list = covered.get(id) ?? [];
    for (const g of gaps) {
      if (Array.isArray(g) && typeof g[0] === 'number' && typeof g[1] === 'number')
        list.push([g[0], g[1]]);
    }
    covered.set(id, list);
  }
  const byProducer = new Map<string, Member[]>();
  for (const m of members) {
    const p = m.envelope.producer;
    if (p === undefined) continue;
    const list = byProducer.get(p.id) ?? [];
    list.push(m);
    byProducer.set(p.id, list);
  }
  const producers: ProducerFigures[] = [];
  const gapNeighbours: Member[] = [];
  for (const [producer, list] of [...byProducer].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const sorted = [...list].sort((a, b) => a.envelope.producer!.seq - b.envelope.producer!.seq);
    const unexplained: [number, number][] = [];
    let explained = 0;
    const ranges = covered.get(producer) ?? [];
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!.envelope.producer!.seq;
      const next = sorted[i]!.envelope.producer!.seq;
      for (let seq = prev + 1; seq < next; seq++) {
        if (ranges.some(([a, b]) => seq >= a && seq <= b)) {
          explained++;
          continue;
        }
        const last = unexplained.at(-1);
        if (last !== undefined && last[1] === seq - 1) last[1] = seq;
        else unexplained.push([seq, seq]);
      }
      if (next > prev + 1) gapNeighbours.push(sorted[i - 1]!, sorted[i]!);
    }
    producers.push({
      producer,
      records: sorted.length,
      firstSeq: sorted[0]!.envelope.producer!.seq,
      lastSeq: sorted.at(-1)!.envelope.producer!.seq,
      unexplained,
      explained,
    });
  }
  return { producers, reports, gapNeighbours };
}

/** Clock skew of decisions: producer time vs the server's receive time. */
export function skewFigures(members: readonly Member[]): {
  value: JsonValue;
  over: Member[];
  worst: Member[];
} {
  const skews: { m: Member; ms: number }[] = [];
  for (const m of ofType(members, ENTRY_TYPES.decision)) {
    if (m.envelope.rt === undefined) continue;
    const ms = Date.parse(m.envelope.rt) - Date.parse(m.envelope.ts);
    if (Number.isFinite(ms)) skews.push({ m, ms });
  }
  const abs = skews.map((s) => Math.abs(s.ms)).sort((a, b) => a - b);
  const over = skews.filter((s) => Math.abs(s.ms) > SKEW_LIMIT_MS).map((s) => s.m);
  const worst = [...skews]
    .sort((a, b) => Math.abs(b.ms) - Math.abs(a.ms) || a.m.index - b.m.index)
    .map((s) => s.m);
  const buckets = { '<1s': 0, '1s-1m': 0, '1m-5m': 0, '>5m': 0 };
  for (const a of abs) {
    if (a < 1000) buckets['<1s']++;
    else if (a < 60_000) buckets['1s-1m']++;
    else if (a <= SKEW_LIMIT_MS) buckets['1m-5m']++;
    else buckets['>5m']++;
  }
  return {
    value: {
      measured: abs.length,
      medianMs: abs.length === 0 ? 0 : abs[Math.floor(abs.length / 2)]!,
      maxMs: abs.at(-1) ?? 0,
      limitMs: SKEW_LIMIT_MS,
      overLimit: over.length,
      histogram: buckets,
    },
    over,
    worst,
  };
}

const n = (x: number): string => x.toLocaleString('en-US');

/**
 * R15, the integrity and completeness attestation attached to every report: the checkpoint, the
 * proven range, counts per entry type, per-producer completeness, reported losses, clock skew.
 *
 * @example
 * const section = integritySection(input);
 */
export function integritySection(input: ReportInput): ReportSection {
  const members = inScope(input.params, input.members);
  const first = input.members[0];
  const last = input.members.at(-1);
  const ends = [first, last].filter((m): m is Member => m !== undefined);
  const claims: Claim[] = [];
  claims.push({
    id: 'integrity.checkpoint',
    title: 'Signed checkpoint and the period’s place in it',
    source: 'RFC 9162 §2.1.4; c2sp.org/tlog-checkpoint',
    status: 'pass',
    finding:
      `The log ${input.origin} signed a checkpoint of ${n(input.treeSize)} entries. ` +
      `The period is entries ${n(input.range.start)} to ${n(input.range.end - 1)}; ` +
      (input.params.evidence === 'full'
        ? 'the evidence proves they are exactly that range of the signed tree. '
        : 'the evidence carries only the cited records, each with its inclusion proof. ') +
      `Witness cosignatures on the checkpoint: ${n(input.cosignatures)}.`,
    value: {
      treeSize: input.treeSize,
      start: input.range.start,
      end: input.range.end,
      cosignatures: input.cosignatures,
    },
    records: [...new Map(ends.map((m) => [m.index, refOf(m)])).values()],
  });
  const counts: Record<string, number> = {};
  for (const m of members) counts[m.envelope.type] = (counts[m.envelope.type] ?? 0) + 1;
  const sortedCounts = Object.fromEntries(
    Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  const decisions = counts[ENTRY_TYPES.decision] ?? 0;
  claims.push({
    id: 'integrity.population',
    title: 'Records in the period, by type',
    status: 'info',
    finding: `${n(members.length)} entries in the period${input.params.agent === undefined ? '' : ` for agent ${input.params.agent}`}, of which ${n(decisions)} decisions.`,
    value: { entries: members.length, byType: sortedCounts },
    records: cite(members),
  });
  const { producers, reports, gapNeighbours } = producerFigures(members);
  const unexplained = producers.reduce(
    (s, p) => s + p.unexplained.reduce((t, [a, b]) => t + b - a + 1, 0),
    0,
  );
  claims.push({
    id: 'integrity.producers',
    title: 'Completeness per producer (sequence gaps)',
    source: 'SOC 2 CC7.2 IPE; Art. 12 row 17',
    status: unexplained === 0 ? 'pass' : 'gap',
    finding:
      unexplained === 0
        ? `${n(producers.length)} producers; every missing sequence number (if any) is explained by a signed producer report.`
        : `${n(unexplained)} records are missing from producers' sequences with no producer report explaining them.`,
    value: producers as unknown as JsonValue,
    records: cite([...reports, ...gapNeighbours]),
  });
  const losses: Record<string, number> = {};
  for (const r of reports) {
    const l = r.fields?.['losses'];
    if (typeof l !== 'object' || l === null || Array.isArray(l)) continue;
    for (const [k, v] of Object.entries(l))
      if (typeof v === 'number') losses[k] = (losses[k] ?? 0) + v;
  }
  const lost = Object.values(losses).reduce((s, v) => s + v, 0);
  claims.push({
    id: 'integrity.losses',
    title: 'Losses reported by producers',
    status: 'info',
    finding:
      reports.length === 0
        ? 'No producer reported a loss in the period.'
        : `${n(reports.length)} producer reports account for ${n(lost)} records taken but not delivered.`,
    value: { reports: reports.length, losses: Object.fromEntries(Object.entries(losses).sort()) },
    records: cite(reports),
  });
  const skew = skewFigures(members);
  claims.push({
    id: 'integrity.skew',
    title: 'Clock skew between producers and the server',
    source: 'Art. 12(3)(a); Art. 12 row 7',
    status: skew.over.length === 0 ? 'pass' : 'gap',
    finding:
      skew.over.length === 0
        ? `Every decision’s own time is within ${SKEW_LIMIT_MS / 60_000} minutes of when the server received it.`
        : `${n(skew.over.length)} decisions carry a time more than ${SKEW_LIMIT_MS / 60_000} minutes from when the server received them.`,
    value: skew.value,
    records: cite(skew.over.length > 0 ? skew.over : skew.worst),
  });
  return { type: 'integrity', title: 'Integrity and completeness (R15)', claims };
}
