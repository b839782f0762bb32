import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createNoteSigner, generateSignerKey } from '@docket/core';
import { LedgerError } from './errors.js';

/** Where a ledger keeps its files. Keys are kept outside the database, readable by the owner only. */
export interface DataDirPaths {
  readonly dir: string;
  readonly db: string;
  /** The log's signing key (Go note `PRIVATE+KEY+…` string), mode 0600. */
  readonly logKey: string;
  /** The public verifier key (vkey), for anyone. */
  readonly logVkey: string;
  /** The master key that wraps subject data keys (base64, 32 bytes), mode 0600. */
  readonly masterKey: string;
  /** The latest signed checkpoint, written after each durable flush (rollback detection). */
  readonly checkpoint: string;
}

/**
 * Paths of a data directory.
 *
 * @example
 * const { db } = dataDirPaths('.docket'); // .docket/ledger.db
 */
export function dataDirPaths(dir: string): DataDirPaths {
  const root = resolve(dir);
  return {
    dir: root,
    db: join(root, 'ledger.db'),
    logKey: join(root, 'keys', 'log.key'),
    logVkey: join(root, 'log.vkey'),
    masterKey: join(root, 'keys', 'master.key'),
    checkpoint: join(root, 'checkpoint'),
  };
}

/**
 * Writes a file atomically and durably: temp file, fsync, rename, fsync of the directory. The
 * temp name is random: several processes (replicas, whose pids repeat across containers) may
 * write the same file.
 */
export function writeFileDurable(path: string, data: string, mode = 0o644): void {
  const tmp = `${path}.tmp-${randomBytes(8).toString('hex')}`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  const dirFd = openSync(dirname(path), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** Writes a new secret file with mode 0600, refusing to replace an existing one. */
function writeSecretFile(path: string, data: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (cause) {
    throw new LedgerError('KEY_EXISTS', `${path} already exists; refusing to replace a key`, {
      where: path,
      cause,
    });
  }
  try {
    writeSync(fd, `${data}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const ORIGIN = /^[^\s+]+$/u;

/**
 * Makes the log's Ed25519 signing key (`docket keys log-generate`): `keys/log.key` (0600) and the
 * public `log.vkey`. The key name is the log origin, as C2SP tlog-checkpoint recommends.
 *
 * @example
 * const { vkey } = generateLogKey('.docket', 'example.com/decisions');
 */
export function generateLogKey(dir: string, origin?: string): { origin: string; vkey: string } {
  const paths = dataDirPaths(dir);
  if (existsSync(paths.db)) {
    throw new LedgerError(
      'LEDGER_EXISTS',
      `${paths.db} already holds a log; its key can't be replaced`,
      { where: paths.db },
    );
  }
  return writeLogKey(dir, origin);
}

/** Writes a new log key pair (no check for an existing log: {@link generateLogKey} does that). */
export function writeLogKey(dir: string, origin?: string): { origin: string; vkey: string } {
  const paths = dataDirPaths(dir);
  const name = origin ?? `docket.local/${randomBytes(6).toString('hex')}`;
  if (!ORIGIN.test(name)) {
    throw new LedgerError(
      'ORIGIN_INVALID',
      `origin "${name}" must be non-empty, with no spaces and no "+"`,
      { where: 'origin' },
    );
  }
  const { skey, vkey } = generateSignerKey(name);
  writeSecretFile(paths.logKey, skey);
  writeFileDurable(paths.logVkey, `${vkey}\n`);
  return { origin: name, vkey };
}

/** Makes the master key file if absent (base64 of 32 random bytes, mode 0600). */
export function generateMasterKey(dir: string): void {
  writeSecretFile(dataDirPaths(dir).masterKey, randomBytes(32).toString('base64'));
}

/**
 * Reads the log's signing key: `DOCKET_LOG_KEY` (the key string) or `keys/log.key`. The
 * environment variable names one log's key: `environment: false` reads only the file (tenant and
 * access logs, each with a key and origin of its own).
 *
 * @example
 * const signer = createNoteSigner(readLogKey('.docket'));
 */
export function readLogKey(dir: string, options: { environment?: boolean } = {}): string {
  const fromEnv = options.environment === false ? undefined : process.env['DOCKET_LOG_KEY'];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv.trim();
  const path = dataDirPaths(dir).logKey;
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (cause) {
    throw new LedgerError('LOG_KEY_MISSING', `no log key at ${path}`, { where: path, cause });
  }
}

/**
 * Reads the master key: `DOCKET_MASTER_KEY` (base64) or `keys/master.key`; 32 bytes.
 *
 * @example
 * const master = readMasterKey('.docket');
 */
export function readMasterKey(dir: string): Buffer {
  const path = dataDirPaths(dir).masterKey;
  let text = process.env['DOCKET_MASTER_KEY'];
  if (text === undefined || text === '') {
    try {
      text = readFileSync(path, 'utf8');
    } catch (cause) {
      throw new LedgerError(
        'MASTER_KEY_MISSING',
        `no master key at ${path} (or DOCKET_MASTER_KEY); without it, encrypted content can't be read`,
        { where: path, cause },
      );
    }
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) {
    throw new LedgerError(
      'MASTER_KEY_INVALID',
      `master key must be 32 bytes of base64, got ${key.length} bytes`,
      { where: path },
    );
  }
  return key;
}

/**
 * Reads the public verifier key of a data dir (`log.vkey`), or derives it from the signing key.
 *
 * @example
 * const vkey = readLogVkey('.docket');
 */
export function readLogVkey(dir: string): string {
  const paths = dataDirPaths(dir);
  try {
    return readFileSync(paths.logVkey, 'utf8').trim();
  } catch {
    return createNoteSigner(readLogKey(dir)).vkey;
  }
}
