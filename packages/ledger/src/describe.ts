import { dataDirPaths, readLogVkey } from './data-dir.js';
import type { LogInfo } from './ledger.js';
import { openLedgerStore } from './open-store.js';
import { pgUrlOf } from './options.js';

/**
 * Origin, size, vkey and latest checkpoint of a data directory, read without opening the log for
 * writing (no key needed, nothing signed, safe beside a running writer).
 *
 * @example
 * const { origin, size } = await describeLog('.docket');
 */
export async function describeLog(
  dir: string,
  pgUrl?: string,
  pgSchema?: string,
): Promise<LogInfo> {
  const paths = dataDirPaths(dir);
  const store = await openLedgerStore(paths, pgUrlOf(pgUrl), {
    mustExist: true,
    readonly: true,
    pgSchema,
  });
  try {
    const latest = await store.latestCheckpoint();
    return {
      origin: (await store.getMeta('origin')) ?? '',
      vkey: (await store.getMeta('vkey')) ?? readLogVkey(dir),
      size: latest?.size ?? 0,
      checkpoint: latest?.note ?? '',
      dataDir: paths.dir,
      bytesOnDisk: await store.sizeOnDisk(),
    };
  } finally {
    await store.close();
  }
}
