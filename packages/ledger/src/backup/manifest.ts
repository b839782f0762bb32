import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isAbsolute, normalize, sep } from 'node:path';
import { LedgerError } from '../errors.js';

/** The manifest format of a backup directory (`docs/retention.md`, "Backup and restore"). */
export const BACKUP_FORMAT = 'docket.backup/v1';
/** The manifest's name inside a backup directory; written last, so a half-made backup has none. */
export const BACKUP_MANIFEST = 'manifest.json';
/** The folder of a backup directory that mirrors the data directory. */
export const BACKUP_DATA = 'data';

/** One file of a backup. */
export interface BackupFile {
  /** Path relative to the data directory, with `/` separators. */
  readonly path: string;
  /** `sqlite`: copied with SQLite's online backup; `file`: copied as bytes (keys, checkpoint). */
  readonly kind: 'sqlite' | 'file';
  /** Permission bits to restore (keys are 0600). */
  readonly mode: number;
  readonly bytes: number;
  /** SHA-256 (hex) of the copy. */
  readonly sha256: string;
}

/** `manifest.json` of a backup directory. */
export interface BackupManifest {
  readonly format: typeof BACKUP_FORMAT;
  /** When the backup started (ISO 8601): what was acknowledged before it is in the copy. */
  readonly startedAt: string;
  readonly finishedAt: string;
  /** The data directory it was taken from (information only). */
  readonly source: string;
  readonly files: readonly BackupFile[];
}

/** SHA-256 (hex) of a file, streamed (database files may be large). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const HEX64 = /^[0-9a-f]{64}$/u;

/**
 * Parses and checks a backup manifest: its format, and that every path stays inside the data
 * directory (a crafted manifest must not write `../../etc/…`).
 *
 * @example
 * const manifest = toBackupManifest(readFileSync('backup/manifest.json', 'utf8'), 'backup');
 */
export function toBackupManifest(text: string, where: string): BackupManifest {
  const bad = (message: string): LedgerError =>
    new LedgerError('BACKUP_MALFORMED', `${where}: ${message}`, { where });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new LedgerError('BACKUP_MALFORMED', `${where}: manifest is not JSON`, { where, cause });
  }
  if (typeof value !== 'object' || value === null) throw bad('manifest is not an object');
  const m = value as Record<string, unknown>;
  if (m['format'] !== BACKUP_FORMAT) throw bad(`format is not ${BACKUP_FORMAT}`);
  if (!Array.isArray(m['files'])) throw bad('no files list');
  const files = m['files'] as unknown[];
  const seen = new Set<string>();
  for (const f of files) {
    if (typeof f !== 'object' || f === null) throw bad('a file entry is not an object');
    const e = f as Record<string, unknown>;
    const path = e['path'];
    if (
      typeof path !== 'string' ||
      path === '' ||
      isAbsolute(path) ||
      normalize(path).split(sep).includes('..') ||
      seen.has(path)
    ) {
      throw bad(`file path ${JSON.stringify(path)} is absolute, leaves the directory or repeats`);
    }
    seen.add(path);
    if (e['kind'] !== 'sqlite' && e['kind'] !== 'file') throw bad(`${path}: unknown kind`);
    if (typeof e['mode'] !== 'number' || typeof e['bytes'] !== 'number')
      throw bad(`${path}: no mode or size`);
    if (typeof e['sha256'] !== 'string' || !HEX64.test(e['sha256']))
      throw bad(`${path}: no SHA-256`);
  }
  if (
    !files.some(
      (f) => (f as BackupFile).path === 'ledger.db' && (f as BackupFile).kind === 'sqlite',
    )
  )
    throw bad('no ledger.db: not the backup of a data directory');
  return value as BackupManifest;
}
