// Child process of the crash test: appends decisions as fast as it can and, for each one the
// ledger acknowledged (durable), writes "ACK <id> <index>" to stdout synchronously, so every line
// the parent reads is an acknowledged append. The parent kills it with SIGKILL at a random time.
import { writeSync } from 'node:fs';
import { openLedger } from '@docket/ledger';
import { fixtureDecision } from './ledger-fixture.js';

const dir = process.argv[2];
const round = Number(process.argv[3] ?? 0);
if (dir === undefined) throw new Error('usage: crash-writer DIR ROUND');

const ledger = await openLedger({ dataDir: dir, flushIntervalMs: 5, flushMaxEntries: 64 });
writeSync(1, 'READY\n');
let i = 0;
for (;;) {
  const batch = [];
  for (let j = 0; j < 50; j++, i++) {
    const record = fixtureDecision(round * 1_000_000 + i);
    batch.push(ledger.append(record).then((r) => writeSync(1, `ACK ${r.id} ${r.index}\n`)));
  }
  await Promise.all(batch);
}
