/**
 * Local mode's transport: an embedded ledger (`@docket/ledger`) in a worker thread. The worker is
 * referenced only while a request is in flight, so an idle SDK never keeps the host alive, and a
 * pending delivery at exit (beforeExit → shutdown) does.
 */
import { Worker } from 'node:worker_threads';
import type { ErrorCode } from '@docket/protocol';
import { SdkError } from '../errors.js';
import type { LocalRequest, LocalResponse, LocalWorkerData } from './local-protocol.js';
import type { Batch, ProofResult, SendResult, Transport } from './transport.js';

/** Distributes `Omit` over a union (each request without its `n`). */
type WithoutN<T> = T extends unknown ? Omit<T, 'n'> : never;

/**
 * A {@link Transport} to an embedded ledger in `dataDir`, run in a worker thread.
 *
 * @example
 * const transport = createLocalTransport({ dataDir: './.docket', ledgerUrl: import.meta.resolve('@docket/ledger') });
 */
export function createLocalTransport(data: LocalWorkerData): Transport {
  let worker: Worker | undefined;
  let next = 0;
  let exited: Promise<void> = Promise.resolve();
  const waiting = new Map<number, (response: LocalResponse) => void>();

  const fail = (code: ErrorCode, message: string) => {
    for (const [n, resolve] of waiting) resolve({ n, ok: false, code, message });
    waiting.clear();
  };

  const start = (): Worker => {
    const w = new Worker(new URL('./local-worker.js', import.meta.url), { workerData: data });
    w.unref();
    w.on('message', (response: LocalResponse) => {
      const resolve = waiting.get(response.n);
      waiting.delete(response.n);
      if (waiting.size === 0) w.unref();
      resolve?.(response);
    });
    w.on('error', (error) => {
      fail('LOCAL_WORKER_FAILED', `the embedded ledger's worker failed: ${error.message}`);
    });
    exited = new Promise((resolve) => {
      w.once('exit', () => {
        if (worker === w) worker = undefined;
        fail('LOCAL_WORKER_EXITED', "the embedded ledger's worker exited");
        resolve();
      });
    });
    return w;
  };

  const call = (request: WithoutN<LocalRequest>): Promise<LocalResponse> => {
    worker ??= start();
    const n = next++;
    const w = worker;
    return new Promise((resolve) => {
      waiting.set(n, resolve);
      // Referenced while a request is in flight: the answer must arrive before the process ends.
      w.ref();
      w.postMessage({ ...request, n });
    });
  };

  return {
    async send(batch: Batch): Promise<SendResult> {
      const response = await call({
        op: 'send',
        records: batch.records,
        reports: batch.reports ?? [],
      });
      if (response.ok) {
        return {
          ok: true,
          results: response.results ?? [],
          ...(response.reportResults === undefined
            ? {}
            : { reportResults: response.reportResults }),
        };
      }
      // The ledger could not take the batch now (data dir busy, disk full, …): retry, then spool.
      return {
        ok: false,
        retryable: true,
        error: new SdkError(response.code, `embedded ledger: ${response.message}`),
      };
    },

    async proof(id: string): Promise<ProofResult> {
      const response = await call({ op: 'proof', id });
      if (response.ok && response.proof !== undefined) return { ok: true, proof: response.proof };
      const code =
        !response.ok && response.code === 'DECISION_NOT_FOUND'
          ? 'RECEIPT_UNKNOWN_ID'
          : 'RECEIPT_FAILED';
      return {
        ok: false,
        error: new SdkError(
          code,
          `embedded ledger: ${response.ok ? 'no proof' : `${response.code}: ${response.message}`}`,
        ),
      };
    },

    async close(): Promise<void> {
      const w = worker;
      if (w === undefined) return;
      await call({ op: 'close' });
      // Referenced until it has exited: the ledger's files are closed before the host may end.
      w.ref();
      await exited;
    },
  };
}
