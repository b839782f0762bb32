/**
 * The worker thread of local mode: owns an embedded ledger (`@docket/ledger`, loaded from the URL
 * the SDK resolved) and answers the transport's requests, so hashing, signing and SQLite writes
 * never run on the host's thread. Appends answer once durable, as the server's do.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorCodeOr } from '@docket/protocol';
import type { ErrorCode, InclusionProof } from '@docket/protocol';
import type { LocalRequest, LocalResponse, LocalWorkerData } from './local-protocol.js';
import type { ItemResult } from './transport.js';

/** The part of `@docket/ledger`'s Ledger this worker uses (the SDK has no dependency on it). */
interface EmbeddedLedger {
  append(record: unknown): Promise<{ status: 'accepted' | 'duplicate'; id: string; index: number }>;
  appendProducerReport(
    report: unknown,
  ): Promise<{ status: 'accepted' | 'duplicate'; id: string; index: number }>;
  inclusionProof(id: string): Promise<InclusionProof>;
  close(): Promise<void>;
}

interface LedgerModule {
  openLedger(options: { dataDir: string }): Promise<EmbeddedLedger>;
}

/** Codes that reject one record (it will never be accepted); anything else fails the batch. */
const ITEM_ERRORS = new Set(['DECISION_INVALID', 'REPORT_INVALID', 'ID_CONFLICT']);

const data = workerData as LocalWorkerData;
let ledger: Promise<EmbeddedLedger> | undefined;

/** The ledger, opened on first use; a failed open is retried by the next request. */
function open(): Promise<EmbeddedLedger> {
  ledger ??= (import(data.ledgerUrl) as Promise<LedgerModule>).then((m) =>
    m.openLedger({ dataDir: data.dataDir }),
  );
  ledger.catch(() => {
    ledger = undefined;
  });
  return ledger;
}

const codeOf = (error: unknown): ErrorCode | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? errorCodeOr(error.code, 'LOCAL_LEDGER_FAILED')
    : undefined;

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

async function appendAll(
  items: readonly string[],
  append: (
    value: unknown,
  ) => Promise<{ status: 'accepted' | 'duplicate'; id: string; index: number }>,
): Promise<ItemResult[]> {
  const settled = await Promise.allSettled(items.map((text) => append(JSON.parse(text))));
  return settled.map((s, position) => {
    if (s.status === 'fulfilled') {
      return { status: s.value.status, position, id: s.value.id, index: s.value.index };
    }
    const code = codeOf(s.reason);
    if (code === undefined || !ITEM_ERRORS.has(code)) throw s.reason;
    return { status: 'rejected', position, code, message: messageOf(s.reason) };
  });
}

async function handle(request: LocalRequest): Promise<LocalResponse> {
  const n = request.n;
  try {
    switch (request.op) {
      case 'send': {
        const l = await open();
        const results = await appendAll(request.records, (r) => l.append(r));
        const reportResults = await appendAll(request.reports, (r) => l.appendProducerReport(r));
        return { n, ok: true, results, reportResults };
      }
      case 'proof': {
        const proof = await (await open()).inclusionProof(request.id);
        return { n, ok: true, proof };
      }
      case 'close': {
        const opened = ledger;
        ledger = undefined;
        if (opened !== undefined) await (await opened.catch(() => undefined))?.close();
        return { n, ok: true };
      }
    }
  } catch (error) {
    return {
      n,
      ok: false,
      code: codeOf(error) ?? 'LOCAL_LEDGER_FAILED',
      message: messageOf(error),
    };
  }
}

parentPort!.on('message', (request: LocalRequest) => {
  void handle(request).then((response) => {
    parentPort!.postMessage(response);
    if (request.op === 'close') parentPort!.close();
  });
});
