import { openLedger } from '@docket/ledger';
import { createUuidV7, sampleDecision } from '@docket/protocol';

/**
 * Makes the log the report tests read, in `dataDir`: three decisions of producer `worker` with
 * seq 2 missing (a gap), an override of app-1's first decision, and app-2 erased ("request #12").
 * Returns the log's vkey.
 */
export async function seedReportLog(dataDir: string): Promise<string> {
  const ledger = await openLedger({ dataDir, create: true, flushIntervalMs: 5 });
  const decision = (subject: string, seq: number) =>
    sampleDecision({
      id: createUuidV7(),
      ts: new Date().toISOString(),
      subject: { id: subject, type: 'loan_applicant' },
      producer: { id: 'worker', seq },
    });
  const first = await ledger.append(decision('app-1', 0));
  await ledger.append(decision('app-2', 1));
  await ledger.append(decision('app-1', 3)); // seq 2 is missing: a gap
  await ledger.appendEvent(first.id, {
    fields: { kind: 'override', actor: 'underwriter:k.ito', reason: 'manual review' },
  });
  await ledger.erase('app-2', 'request #12');
  const vkey = ledger.vkey;
  await ledger.close();
  return vkey;
}
