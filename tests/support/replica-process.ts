// A server replica for the replica tests, as a child process: opens the shared log
// `openLedger({ dataDir, pgUrl, shared: true })` and appends what it is sent.
//
//   node replica-process.js --data DIR --pg URL [--schema S]
//
// Protocol, one line each way:
//   stdout  READY <pid>                          once the ledger is open
//   stdin   APPEND <decision JSON>
//   stdout  ACK <id> <index> <accepted|duplicate>  the ledger acknowledged it (durable)
//   stdout  ERR <id> <code> <message>            the ledger refused it
//   SIGTERM closes the ledger (answering what is in flight), prints CLOSED, exits 0; the end of
//   stdin (the parent died) exits at once.
// Flush settings come from the environment twins (DOCKET_FLUSH_INTERVAL_MS …), as for
// `docket serve`, which is meant to replace this script (see tests/support/replicas.ts).
import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { openLedger } from '@docket/ledger';
import { DocketError } from '@docket/protocol';

const { values } = parseArgs({
  options: { data: { type: 'string' }, pg: { type: 'string' }, schema: { type: 'string' } },
});
if (values.data === undefined || values.pg === undefined) {
  throw new Error('usage: replica-process --data DIR --pg URL [--schema S]');
}

// Synchronous writes: a line is out before the next event, even if a SIGKILL follows.
const say = (line: string): void => {
  writeSync(1, `${line}\n`);
};

const ledger = await openLedger({
  dataDir: values.data,
  pgUrl: values.pg,
  ...(values.schema === undefined ? {} : { pgSchema: values.schema }),
  shared: true,
});
say(`READY ${process.pid}`);

const inFlight = new Set<Promise<void>>();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const space = line.indexOf(' ');
  if (line.slice(0, space) !== 'APPEND') return;
  const record = JSON.parse(line.slice(space + 1)) as { id: string };
  const work = ledger.append(record).then(
    (r) => {
      say(`ACK ${r.id} ${r.index} ${r.status}`);
    },
    (e: unknown) => {
      const code = e instanceof DocketError ? e.code : 'UNEXPECTED';
      say(`ERR ${record.id} ${code} ${(e as Error).message.replaceAll('\n', ' ')}`);
    },
  );
  inFlight.add(work);
  void work.finally(() => inFlight.delete(work));
});

// The parent is gone (its end of stdin closed) without stopping us: nobody is left to answer,
// and a replica must not outlive its test.
let stopping = false;
process.stdin.once('end', () => {
  if (!stopping) process.exit(1);
});

process.once('SIGTERM', () => {
  stopping = true;
  lines.close();
  void (async () => {
    await Promise.all(inFlight);
    await ledger.close();
    say('CLOSED');
    process.exit(0);
  })();
});
