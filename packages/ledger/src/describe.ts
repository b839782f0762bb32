import { existsSync } from 'node:fs';
import { openSqliteStore } from '@docket/store';
import { dataDirPaths, readLogVkey } from './data-dir.js';
import { LedgerError } from './errors.js';
import type { LogInfo } from './ledger.js';

/**
 * Origin, size, vkey and latest checkpoint of a data directory, read without opening the log for
 * writing (no key needed, nothing signed, safe beside a running writer).
 *
 * @example
 * const { origin, size } = await describeLog('.docket');
 */
export async function describeLog(dir: string): Promise<LogInfo> {
  const paths = dataDirPaths(dir);
  if (!existsSync(paths.db)) {
    throw new LedgerError('LEDGER_NOT_FOUND', `no ledger in ${paths.dir}`, { where: paths.dir });
  }
  const store = openSqliteStore(paths.db, { readonly: true });
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
