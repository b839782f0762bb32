import type { CheckpointRow, EntryWithContent, SubjectKeyRow } from './ledger-store.js';

// Rows as both adapters' drivers return them (snake_case columns), and their port types.
// Internal to the package: not exported from index.ts.

/** An `entries` row, joined with its `contents` body when asked. */
export interface RawEntry {
  idx: number;
  id: string;
  type: string;
  ts: string;
  subject: string | null;
  producer_id: string | null;
  producer_seq: number | null;
  kid: string | null;
  ref: string | null;
  leaf: Buffer;
  body?: Buffer | null;
}

/** A `checkpoints` row. */
export interface RawCheckpoint {
  seq: number;
  size: number;
  root: Buffer;
  note: string;
  created_at: string;
}

/** A `subject_keys` row. */
export interface RawKey {
  kid: string;
  subject: string;
  wrapped: Buffer | null;
  created_at: string;
  erased_at: string | null;
}

/** An entry row as the port's type. */
export const toEntry = (r: RawEntry): EntryWithContent => ({
  index: r.idx,
  id: r.id,
  type: r.type,
  ts: r.ts,
  subject: r.subject,
  producerId: r.producer_id,
  producerSeq: r.producer_seq,
  kid: r.kid,
  ref: r.ref,
  leaf: r.leaf,
  content: r.body ?? null,
});

/** A checkpoint row as the port's type. */
export const toCheckpoint = (r: RawCheckpoint): CheckpointRow => ({
  seq: r.seq,
  size: r.size,
  root: r.root,
  note: r.note,
  createdAt: r.created_at,
});

/** A subject key row as the port's type. */
export const toKey = (r: RawKey): SubjectKeyRow => ({
  subject: r.subject,
  kid: r.kid,
  wrapped: r.wrapped,
  createdAt: r.created_at,
  erasedAt: r.erased_at,
});
