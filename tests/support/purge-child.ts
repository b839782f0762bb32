// Child process of the purge crash test: purges a log in small batches and writes "BATCH <index>"
// to stdout (synchronously) after each receipt is durable. The parent kills it with SIGKILL.
import { writeSync } from 'node:fs';
import { openLedger } from '@docket/ledger';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: purge-child DIR');
const ledger = await openLedger({ dataDir: dir, flushIntervalMs: 1 });
writeSync(1, 'READY\n');
await ledger.purge({
  batchSize: 10,
  onBatch: (b) => writeSync(1, `BATCH ${String(b.receipt?.index ?? -1)}\n`),
});
writeSync(1, 'DONE\n');
await ledger.close();
