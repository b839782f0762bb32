import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createUuidV7, sampleDecision } from '@docket/protocol';
import type { DecisionRecord } from '@docket/protocol';
import { createNoteVerifier, openCheckpoint, verifyInclusion } from '@docket/core';
import { openLedger } from '@docket/ledger';
import type { Receipt } from '@docket/ledger';

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix = 'docket-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A realistic decision: every third one without a subject (stored in clear), the others about one
 * of five subjects (encrypted under that subject's key); producer `fixture` with seq = `i`.
 */
export function fixtureDecision(
  i: number,
  overrides: Partial<DecisionRecord> = {},
): DecisionRecord {
  const base = sampleDecision({
    id: createUuidV7(),
    ts: new Date(Date.UTC(2026, 10, 1, 12, 0, i)).toISOString(),
    producer: { id: 'fixture', seq: i, sdk: 'tests' },
    subject: { id: `applicant-${i % 5}`, type: 'loan_applicant' },
  });
  if (i % 3 === 0) delete (base as { subject?: unknown }).subject;
  return { ...base, ...overrides };
}

/**
 * A ledger in `dir` holding `count` fixture decisions, appended in `batches` flushes (so it has
 * several checkpoints). Returns the records in append order (log order may differ).
 */
export async function createFixtureLedger(
  dir: string,
  count: number,
  batches: number,
): Promise<DecisionRecord[]> {
  const ledger = await openLedger({ dataDir: dir, origin: 'test.docket.local/log' });
  const records: DecisionRecord[] = [];
  try {
    const per = Math.ceil(count / batches);
    for (let i = 0; i < count; i += per) {
      const batch = [];
      for (let j = i; j < Math.min(count, i + per); j++) {
        const record = fixtureDecision(j);
        records.push(record);
        batch.push(ledger.append(record));
      }
      await Promise.all(batch);
      await ledger.flush();
    }
  } finally {
    await ledger.close();
  }
  return records;
}

/**
 * Checks a receipt the way a third party would: the checkpoint signature under `vkey`, its size,
 * and the inclusion proof from the leaf hash to the signed root. Throws on any mismatch.
 */
export function verifyReceipt(receipt: Receipt, vkey: string): void {
  const { checkpoint } = openCheckpoint(receipt.checkpoint, createNoteVerifier(vkey));
  if (checkpoint.size !== receipt.treeSize) {
    throw new Error(
      `receipt says tree size ${receipt.treeSize}, its checkpoint ${checkpoint.size}`,
    );
  }
  verifyInclusion(
    receipt.index,
    checkpoint.size,
    Buffer.from(receipt.leafHash, 'base64'),
    receipt.proof.map((p) => Buffer.from(p, 'base64')),
    checkpoint.root,
  );
}
