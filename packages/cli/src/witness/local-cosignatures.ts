/**
 * The cosignatures a local data directory holds (`DIR/cosignatures.db`, written by
 * `docket serve --witness`): added to the bundles `docket export` writes, and shown as each
 * witness's lag by `docket log`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  addBundleCosignatures,
  addSignatureLines,
  bundleCheckpoint,
  parseCheckpoint,
  parseNote,
} from '@docket/core';
import type { EvidenceBundle } from '@docket/protocol';
import { COSIGNATURES_FILE } from '@docket/server';
import { openSqliteCosignatureStore } from '@docket/store';
import type { CosignatureStore } from '@docket/store';

/**
 * One witness's standing on a log: the largest size it cosigned and how far behind that is.
 *
 * @example
 * const lag: WitnessLag = { witness: 'witness.example/w1', vkey, cosignedSize: 90, lag: 10 };
 */
export interface WitnessLag {
  /** The witness's key name. */
  readonly witness: string;
  readonly vkey: string;
  readonly cosignedSize: number;
  /** Log size minus cosigned size (entries not yet witnessed). */
  readonly lag: number;
}

async function withStore<T>(
  dataDir: string,
  empty: T,
  use: (store: CosignatureStore) => Promise<T>,
): Promise<T> {
  const path = join(dataDir, COSIGNATURES_FILE);
  // No witnesses were ever configured: nothing to add, and no file to create.
  if (!existsSync(path)) return empty;
  const store = openSqliteCosignatureStore(path);
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

/**
 * The bundle with every cosignature the data directory holds on its checkpoint.
 *
 * @example
 * const cosigned = await addLocalCosignatures('.docket', bundle);
 */
export async function addLocalCosignatures(
  dataDir: string,
  bundle: EvidenceBundle,
): Promise<EvidenceBundle> {
  const note = bundleCheckpoint(bundle);
  if (note === undefined) return bundle;
  const { origin, size } = parseCheckpoint(parseNote(note).text);
  return withStore(dataDir, bundle, async (store) => {
    const lines = await store.cosignatures(origin, size);
    return addBundleCosignatures(bundle, [...lines.values()].join(''));
  });
}

/**
 * A signed checkpoint note with every cosignature the data directory holds on it.
 *
 * @example
 * const cosigned = await localCosignedNote('.docket', info.checkpoint);
 */
export async function localCosignedNote(dataDir: string, note: string): Promise<string> {
  const { origin, size } = parseCheckpoint(parseNote(note).text);
  return withStore(dataDir, note, async (store) => {
    const lines = [...(await store.cosignatures(origin, size)).values()].join('');
    return lines === '' ? note : addSignatureLines(note, lines);
  });
}

/**
 * Each witness's cosigned size and lag on the log `origin` of `size` entries, by witness name:
 * every witness that cosigned something, and every witness `docket serve` was last started with
 * (one that never cosigned shows cosigned 0, lag the whole log).
 *
 * @example
 * for (const w of await witnessLags('.docket', origin, size)) console.log(w.witness, w.lag);
 */
export async function witnessLags(
  dataDir: string,
  origin: string,
  size: number,
): Promise<WitnessLag[]> {
  return withStore(dataDir, [], async (store) => {
    const sizes = await store.cosignedSizes(origin);
    for (const vkey of await store.configuredWitnesses()) {
      if (!sizes.has(vkey)) sizes.set(vkey, 0);
    }
    return [...sizes.entries()]
      .map(([vkey, cosignedSize]) => ({
        witness: vkey.slice(0, vkey.indexOf('+')),
        vkey,
        cosignedSize,
        lag: Math.max(0, size - cosignedSize),
      }))
      .sort((a, b) => a.witness.localeCompare(b.witness));
  });
}
