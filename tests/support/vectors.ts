import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file compiles to tests/dist/support/vectors.js). */
export const repoRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

/**
 * Where the independent test vectors live: `DOCKET_VECTORS_DIR`, else `../shared/vectors` beside
 * the repository. They are read in place and never copied into the repository.
 */
export function vectorsDir(): string {
  return resolve(process.env['DOCKET_VECTORS_DIR'] ?? join(repoRoot, '..', 'shared', 'vectors'));
}

/**
 * Test options for a suite that needs the vectors: `{ skip: reason }` when the folder is absent
 * (a user's own clone), `{}` when present. Under `CI=true` an absent folder is a failure.
 */
export function vectorsAvailable(): { skip?: string } {
  const dir = vectorsDir();
  if (existsSync(dir)) return {};
  const message = `test vectors not found at ${dir} (set DOCKET_VECTORS_DIR); vector tests skipped`;
  if (process.env['CI'] === 'true') throw new Error(`${message}: under CI=true this is a failure`);
  return { skip: message };
}

/** Reads and parses one JSON vector file, by path relative to the vectors folder. */
export function readVectorJson<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(join(vectorsDir(), relativePath), 'utf8')) as T;
}

/** Every file under a vectors sub-folder whose name ends with `suffix`, as relative paths, sorted. */
export function listVectorFiles(relativeDir: string, suffix = '.json'): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(vectorsDir(), rel)).sort()) {
      const child = join(rel, name);
      if (statSync(join(vectorsDir(), child)).isDirectory()) walk(child);
      else if (name.endsWith(suffix)) out.push(child);
    }
  };
  walk(relativeDir);
  return out;
}
