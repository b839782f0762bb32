import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  constants,
  copyFileSync,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { backupSqliteFile } from '@docket/store';
import { dataDirPaths, writeFileDurable } from '../data-dir.js';
import { LedgerError } from '../errors.js';
import {
  BACKUP_DATA,
  BACKUP_FORMAT,
  BACKUP_MANIFEST,
  sha256File,
  toBackupManifest,
} from './manifest.js';
import type { BackupFile, BackupManifest } from './manifest.js';

/** Files a data directory holds that are not data: SQLite's WAL and shared memory, temp files. */
const TRANSIENT = /(-wal|-shm|-journal|\.tmp-[0-9a-f]+)$/u;
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/** Options of {@link backupDataDir} and {@link restoreDataDir}. */
export interface BackupOptions {
  /** Called after each file is copied (a progress line). */
  readonly onFile?: (file: BackupFile) => void;
}

function isSqliteFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SQLITE_HEADER);
  } finally {
    closeSync(fd);
  }
}

/** Every regular file under `root`, relative, sorted; transient files and symlinks left out. */
function listFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      const st = lstatSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile() && !TRANSIENT.test(name)) found.push(relative(root, path));
    }
  };
  walk(root);
  return found;
}

/** An absent or empty directory (the target of a backup or a restore), else an error. */
function assertEmptyTarget(path: string): void {
  if (!existsSync(path)) return;
  if (!statSync(path).isDirectory() || readdirSync(path).length > 0) {
    throw new LedgerError(
      'BACKUP_TARGET_NOT_EMPTY',
      `${path} exists and is not an empty directory; refusing to write over it`,
      { where: path },
    );
  }
}

function fsyncDir(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Takes a consistent copy of a data directory that a running `docket serve` (or any writer) may
 * be appending to: every SQLite database (the decision and access logs of every tenant, the API
 * keys, the cosignatures) through SQLite's online backup, each in one snapshot, and the other
 * files (signing and master keys, `log.vkey`, the published `checkpoint`) as bytes, **before**
 * the databases, so no published checkpoint in the copy is newer than its log. `out` becomes a
 * directory: `data/` (the data directory's layout) and `manifest.json` (each file's size, mode
 * and SHA-256), written last. It holds the keys: it is as secret as the data directory (0700).
 *
 * @example
 * const manifest = await backupDataDir('.docket', '/backups/docket-2026-12-05');
 */
export async function backupDataDir(
  dir: string,
  out: string,
  options: BackupOptions = {},
): Promise<BackupManifest> {
  const source = resolve(dir);
  if (!existsSync(dataDirPaths(source).db)) {
    throw new LedgerError(
      'BACKUP_SOURCE_INVALID',
      `${source} holds no ledger.db: not a data directory (a PostgreSQL log is backed up with pg_dump, docs/retention.md)`,
      { where: source },
    );
  }
  const target = resolve(out);
  if (target === source || target.startsWith(source + sep)) {
    throw new LedgerError('BACKUP_TARGET_NOT_EMPTY', `${target} is inside the data directory`, {
      where: target,
    });
  }
  assertEmptyTarget(target);
  const startedAt = new Date().toISOString();
  mkdirSync(join(target, BACKUP_DATA), { recursive: true, mode: 0o700 });
  chmodSync(target, 0o700);

  const paths = listFiles(source);
  const sqlite = paths.filter((p) => isSqliteFile(join(source, p)));
  const plain = paths.filter((p) => !sqlite.includes(p));
  const files: BackupFile[] = [];
  const add = async (path: string, kind: BackupFile['kind']): Promise<void> => {
    const from = join(source, path);
    const to = join(target, BACKUP_DATA, path);
    mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
    const mode = statSync(from).mode & 0o777;
    if (kind === 'sqlite') await backupSqliteFile(from, to);
    else copyFileSync(from, to, constants.COPYFILE_EXCL);
    chmodSync(to, mode);
    fsyncFile(to);
    const file: BackupFile = {
      path: path.split(sep).join('/'),
      kind,
      mode,
      bytes: statSync(to).size,
      sha256: await sha256File(to),
    };
    files.push(file);
    options.onFile?.(file);
  };
  // Keys and published checkpoints first: a checkpoint file is written after its log's flush is
  // durable, so the database copied next holds at least what it says.
  for (const p of plain) await add(p, 'file');
  for (const p of sqlite) await add(p, 'sqlite');

  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    startedAt,
    finishedAt: new Date().toISOString(),
    source,
    files,
  };
  writeFileDurable(join(target, BACKUP_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, 0o600);
  return manifest;
}

/**
 * Puts a backup made by {@link backupDataDir} back into a new data directory `dir` (absent or
 * empty: an existing log is never overwritten). Every file is checked against the manifest's size
 * and SHA-256 after it is copied; the files are copied to a temporary sibling directory renamed
 * to `dir` at the end, so a failed restore leaves nothing half-made. `docket verify --data dir`
 * then checks the logs themselves.
 *
 * @example
 * await restoreDataDir('/backups/docket-2026-12-05', '.docket-restored');
 */
export async function restoreDataDir(
  from: string,
  dir: string,
  options: BackupOptions = {},
): Promise<BackupManifest> {
  const backup = resolve(from);
  const manifestPath = join(backup, BACKUP_MANIFEST);
  if (!existsSync(manifestPath)) {
    throw new LedgerError(
      'BACKUP_MALFORMED',
      `${backup} has no ${BACKUP_MANIFEST}: not a backup, or one that did not finish`,
      { where: manifestPath },
    );
  }
  const manifest = toBackupManifest(readFileSync(manifestPath, 'utf8'), manifestPath);
  const target = resolve(dir);
  assertEmptyTarget(target);
  mkdirSync(dirname(target), { recursive: true });
  const staging = join(
    dirname(target),
    `.${basename(target)}.restore-${randomBytes(6).toString('hex')}`,
  );
  mkdirSync(staging, { mode: 0o700 });
  try {
    for (const file of manifest.files) {
      const from = join(backup, BACKUP_DATA, ...file.path.split('/'));
      const to = join(staging, ...file.path.split('/'));
      if (!existsSync(from)) {
        throw new LedgerError('BACKUP_CORRUPT', `${file.path} is listed but missing`, {
          where: from,
        });
      }
      mkdirSync(dirname(to), { recursive: true, mode: 0o700 });
      copyFileSync(from, to, constants.COPYFILE_EXCL);
      chmodSync(to, file.mode & 0o777);
      fsyncFile(to);
      // The copy is checked, not the original: what is checked is what the new log will use.
      const bytes = statSync(to).size;
      const sha256 = await sha256File(to);
      if (bytes !== file.bytes || sha256 !== file.sha256) {
        throw new LedgerError(
          'BACKUP_CORRUPT',
          `${file.path}: ${bytes} bytes with SHA-256 ${sha256.slice(0, 16)}…, the manifest says ${file.bytes} bytes with ${file.sha256.slice(0, 16)}…`,
          { where: from },
        );
      }
      options.onFile?.(file);
    }
    if (existsSync(target)) rmdirSync(target);
    renameSync(staging, target);
    fsyncDir(dirname(target));
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return manifest;
}
