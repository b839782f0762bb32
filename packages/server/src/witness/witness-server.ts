/**
 * `docket witness serve`: the witness over HTTP, with its key and state in one directory:
 *
 *     WDIR/witness.key    cosigner key (PRIVATE+KEY+<name>+<id>+base64(0x04 ‖ seed)), mode 0600
 *     WDIR/witness.vkey   its verifier key, to give to logs and verifiers
 *     WDIR/witness.db     configured logs and the latest cosigned checkpoint per origin (SQLite)
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { createCosigner, generateCosignerKey } from '@docket/core';
import type { Cosigner } from '@docket/core';
import { openSqliteWitnessStore } from '@docket/store';
import type { WitnessStore } from '@docket/store';
import { ServerError } from '../errors.js';
import { createWitnessService } from './witness-service.js';
import type { WitnessAnswer } from './witness-service.js';

/** File names inside a witness directory. */
export const WITNESS_FILES = {
  key: 'witness.key',
  vkey: 'witness.vkey',
  db: 'witness.db',
} as const;

/** Largest add-checkpoint body read: 63 proof lines and a note with many cosignatures fit. */
const MAX_BODY_BYTES = 64 * 1024;
const ORIGIN_HASH_PATH = /^\/([0-9a-f]{64})\/checkpoint$/;

/**
 * The witness's key in `dir`, made on first use with `name` (default `<hostname>/witness-<hex>`).
 * Returns the cosigner and whether it was just made. Throws `USAGE` when a `name` is
 * given that differs from the existing key's.
 *
 * @example
 * const { cosigner, created } = ensureWitnessKey('wdir', 'witness.example/w1');
 */
export function ensureWitnessKey(
  dir: string,
  name?: string,
): { cosigner: Cosigner; created: boolean } {
  const keyPath = join(dir, WITNESS_FILES.key);
  if (existsSync(keyPath)) {
    const cosigner = createCosigner(readFileSync(keyPath, 'utf8').trim());
    if (name !== undefined && name !== cosigner.name) {
      throw new ServerError(
        'USAGE',
        `the witness in ${dir} is named ${cosigner.name}, not ${name} (a witness keeps its name)`,
        { where: '--name' },
      );
    }
    return { cosigner, created: false };
  }
  const chosen = name ?? `${hostname()}/witness-${randomBytes(4).toString('hex')}`;
  const { skey, vkey } = generateCosignerKey(chosen);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(keyPath, `${skey}\n`, { mode: 0o600, flag: 'wx' });
  writeFileSync(join(dir, WITNESS_FILES.vkey), `${vkey}\n`, { mode: 0o644 });
  return { cosigner: createCosigner(skey), created: true };
}

/**
 * Options of {@link startWitnessServer}.
 *
 * @example
 * await startWitnessServer({ dir: 'wdir', port: 7380 });
 */
export interface WitnessServerOptions {
  dir: string;
  port?: number;
  host?: string;
  /** The witness name for a new key (ignored, but checked, once the key exists). */
  name?: string;
  /** One line per request answered (method, path, status, code). */
  log?: (line: string) => void;
}

/**
 * A running witness.
 *
 * @example
 * const witness = await startWitnessServer({ dir: 'wdir' });
 * console.log(witness.url, witness.vkey);
 */
export interface WitnessServer {
  readonly url: string;
  readonly vkey: string;
  /** True when this start made the witness's key. */
  readonly created: boolean;
  readonly store: WitnessStore;
  close(): Promise<void>;
}

/**
 * Starts the witness's HTTP server: `POST /add-checkpoint` and
 * `GET /<hex SHA-256 of origin>/checkpoint` (c2sp.org/tlog-witness). Throws `USAGE` or
 * `STORE_OPEN_FAILED` before listening, `LISTEN_FAILED` when the port is taken.
 *
 * @example
 * const witness = await startWitnessServer({ dir: 'wdir', port: 7380, name: 'witness.example/w1' });
 */
export async function startWitnessServer(options: WitnessServerOptions): Promise<WitnessServer> {
  const { cosigner, created } = ensureWitnessKey(options.dir, options.name);
  const store = openSqliteWitnessStore(join(options.dir, WITNESS_FILES.db));
  const service = createWitnessService({ store, cosigner });
  const log = options.log ?? (() => undefined);

  const answer = async (req: IncomingMessage): Promise<WitnessAnswer> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/add-checkpoint') {
      if (req.method !== 'POST') return text(405, 'add-checkpoint takes POST\n');
      const body = await readBody(req);
      if (body === undefined) return text(413, 'request body too large\n');
      return service.addCheckpoint(body);
    }
    const match = ORIGIN_HASH_PATH.exec(path);
    if (match !== null && req.method === 'GET') return service.checkpoint(match[1] as string);
    return text(404, 'not found\n');
  };

  const server: Server = createServer((req, res) => {
    answer(req)
      .catch((error: unknown) => {
        log(`witness: ${(error as Error).message}`);
        return text(500, 'internal error\n');
      })
      .then((a) => {
        log(`${req.method ?? '?'} ${req.url ?? '?'} ${a.status}${a.code ? ` ${a.code}` : ''}`);
        res.writeHead(a.status, {
          'content-type': a.contentType,
          'content-length': Buffer.byteLength(a.body),
        });
        res.end(a.body);
      })
      .catch(() => res.destroy());
  });
  const host = options.host ?? '127.0.0.1';
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        resolve();
      });
    });
  } catch (cause) {
    await store.close();
    throw new ServerError(
      'LISTEN_FAILED',
      `cannot listen on ${host}:${options.port ?? 0}: ${(cause as Error).message}`,
      { cause },
    );
  }
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    vkey: cosigner.vkey,
    created,
    store,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      );
      await store.close();
    },
  };
}

function text(status: number, body: string): WitnessAnswer {
  return { status, contentType: 'text/plain; charset=utf-8', body };
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
