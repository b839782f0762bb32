import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

/** A throwaway PostgreSQL cluster: connect with `url`, then `stop()` it (idempotent). */
export interface PostgresCluster {
  readonly url: string;
  /** The cluster's data directory (`initdb -D`). */
  readonly dataDir: string;
  stop(): Promise<void>;
}

interface Binaries {
  readonly dir: string;
  /** The OS user to run them as (initdb refuses root), or undefined to run them as ourselves. */
  readonly user: string | undefined;
}

const REQUIRED = ['initdb', 'pg_ctl', 'createdb'];

/**
 * The folder holding `initdb`, `pg_ctl` and `createdb`: first on PATH, then the newest
 * `/usr/lib/postgresql/<major>/bin` (Debian's layout), PostgreSQL 15 preferred.
 */
function findBinDir(): string | undefined {
  const has = (dir: string): boolean => REQUIRED.every((b) => existsSync(join(dir, b)));
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (dir !== '' && has(dir)) return dirname(realpathSync(join(dir, 'initdb')));
  }
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const majors = readdirSync(base)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => (a === '15' ? -1 : b === '15' ? 1 : Number(b) - Number(a)));
  return majors.map((v) => join(base, v, 'bin')).find(has);
}

/** Where the binaries are and whom to run them as, or why PostgreSQL tests can't run here. */
function locate(): Binaries | string {
  const dir = findBinDir();
  if (dir === undefined) {
    return 'PostgreSQL server binaries (initdb, pg_ctl, createdb) not found on PATH or in /usr/lib/postgresql/*/bin';
  }
  if (process.getuid?.() !== 0) return { dir, user: undefined };
  // initdb refuses to run as root: use the `postgres` account Debian's package creates.
  if (spawnSync('id', ['-u', 'postgres']).status !== 0) {
    return 'running as root and there is no `postgres` OS user to run initdb as';
  }
  return { dir, user: 'postgres' };
}

/**
 * Test options for a suite that needs PostgreSQL: `{ skip: reason }` when its binaries are absent,
 * `{}` when present. Under `CI=true` absent binaries are a failure, as for the test vectors.
 *
 * @example
 * describe('postgres store', postgresAvailable(), () => { ... });
 */
export function postgresAvailable(): { skip?: string } {
  const found = locate();
  if (typeof found !== 'string') return {};
  const message = `${found}; PostgreSQL tests skipped`;
  if (process.env['CI'] === 'true') throw new Error(`${message}: under CI=true this is a failure`);
  return { skip: message };
}

/** A TCP port free on 127.0.0.1 right now (the OS picks it). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/**
 * Starts a fresh PostgreSQL cluster for tests: `initdb --no-sync` into a new temp dir, trust auth
 * (the cluster listens on 127.0.0.1 and a unix socket inside that dir only), `fsync=off`, a free
 * port, one database `docket_test`. As root, the binaries run as the `postgres` OS user.
 * `stop()` runs `pg_ctl stop -m immediate` and removes the dir; it also runs at process exit if
 * a test forgot to.
 *
 * @example
 * const pg = await startPostgres();
 * try { ... pg.url ... } finally { await pg.stop(); }
 */
export async function startPostgres(): Promise<PostgresCluster> {
  const found = locate();
  if (typeof found === 'string') throw new Error(found);
  const root = mkdtempSync(join(tmpdir(), 'docket-pg-'));
  const data = join(root, 'data');
  const cmd = (bin: string, args: string[]): [string, string[]] =>
    found.user === undefined
      ? [join(found.dir, bin), args]
      : ['runuser', ['-u', found.user, '--', join(found.dir, bin), ...args]];
  if (found.user !== undefined) {
    const uid = Number(spawnSync('id', ['-u', found.user], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', found.user], { encoding: 'utf8' }).stdout.trim());
    chownSync(root, uid, gid);
  }
  let stopped = false;
  const stopSync = (): void => {
    if (stopped) return;
    stopped = true;
    process.off('exit', stopSync);
    if (existsSync(join(data, 'postmaster.pid'))) {
      const [file, args] = cmd('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
      spawnSync(file, args, { stdio: 'ignore' });
    }
    rmSync(root, { recursive: true, force: true });
  };
  // A crash or a forgotten stop() must not leave a server running.
  process.on('exit', stopSync);
  try {
    const exec = async (bin: string, args: string[]): Promise<void> => {
      const [file, argv] = cmd(bin, args);
      try {
        await run(file, argv, { cwd: root, timeout: 60_000 });
      } catch (e) {
        const { stderr, stdout } = e as { stderr?: string; stdout?: string };
        throw new Error(`${bin} failed: ${stderr ?? ''}${stdout ?? ''}`, { cause: e });
      }
    };
    await exec('initdb', [
      '-D',
      data,
      '--no-sync',
      '--auth=trust',
      '--username=postgres',
      '--encoding=UTF8',
      '--locale=C',
    ]);
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      "-c listen_addresses='127.0.0.1'",
      `-c unix_socket_directories='${root}'`,
      '-c fsync=off',
      '-c full_page_writes=off',
    ].join(' ');
    await exec('pg_ctl', [
      'start',
      '-D',
      data,
      '-w',
      '-t',
      '60',
      '-l',
      join(root, 'log'),
      '-o',
      settings,
    ]);
    await exec('createdb', ['-h', root, '-p', String(port), '-U', 'postgres', 'docket_test']);
    return {
      url: `postgres://postgres@127.0.0.1:${port}/docket_test`,
      dataDir: data,
      stop: () => {
        stopSync();
        return Promise.resolve();
      },
    };
  } catch (e) {
    stopSync();
    throw e;
  }
}

/** The cluster of the enclosing `describe`, as {@link usePostgresCluster} gives it. */
export interface ClusterForSuite {
  /** The cluster's URL (its default database); throws if it did not start. */
  readonly url: () => string;
  /** Creates a database `<prefix>_<n>` in the cluster and returns its URL. */
  readonly freshDatabase: (prefix: string) => Promise<string>;
  /** The cluster's data directory; throws if it did not start. */
  readonly dataDir: () => string;
}

/**
 * Starts a throwaway cluster before the tests of the enclosing `describe` and stops it after
 * them (registers the `before` and `after` hooks; call it at the top of the `describe`).
 *
 * @example
 * describe('on PostgreSQL', postgresAvailable(), () => {
 *   const cluster = usePostgresCluster();
 *   test('…', async () => { const url = await cluster.freshDatabase('t'); });
 * });
 */
export function usePostgresCluster(): ClusterForSuite {
  let cluster: PostgresCluster | undefined;
  let databases = 0;
  before(async () => {
    cluster = await startPostgres();
  });
  after(async () => {
    await cluster?.stop();
  });
  const url = (): string => {
    if (cluster === undefined) throw new Error('the PostgreSQL cluster did not start');
    return cluster.url;
  };
  return {
    url,
    dataDir: () => {
      if (cluster === undefined) throw new Error('the PostgreSQL cluster did not start');
      return cluster.dataDir;
    },
    freshDatabase: async (prefix) => {
      const name = `${prefix}_${++databases}`;
      const admin = new pg.Client({ connectionString: url() });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      const target = new URL(url());
      target.pathname = `/${name}`;
      return target.toString();
    },
  };
}
