/**
 * Options of `createDocket`, resolved once: explicit value, else the env twin, else the default.
 * Any bad value throws `SdkError` `OPTION_INVALID` with `where` naming the option.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { SdkError } from './errors.js';
import { createRedactor } from './redaction/index.js';
import type { RedactionOptions, Redactor } from './redaction/index.js';
import type { Transport } from './transport/transport.js';

/**
 * What `createDocket` accepts. Each option has an env twin (`DOCKET_URL`, `DOCKET_API_KEY`, …).
 *
 * @example
 * const options: DocketOptions = { url: 'http://127.0.0.1:7420', apiKey: 'dk_…', spoolDir: '/var/spool/docket' };
 */
export interface DocketOptions {
  /** Server URL (`DOCKET_URL`). Required in remote mode unless `transport` is given. */
  readonly url?: string | undefined;
  /** Ingest key, `dk_…` (`DOCKET_API_KEY`). */
  readonly apiKey?: string | undefined;
  /**
   * PEM file of the CA(s) to trust for an `https:` url (`DOCKET_CA_FILE`), for a server whose
   * certificate is not signed by a public CA; default Node's bundled roots. Read once, here.
   */
  readonly caFile?: string | undefined;
  /** Key used by `receipt()` to read proofs (`DOCKET_READ_KEY`); default `apiKey`. */
  readonly readKey?: string | undefined;
  /**
   * Local mode (`DOCKET_DATA_DIR`), when there is no `url`: an embedded ledger in this data
   * directory, run in a worker thread (hashing, signing and storage off the caller's path).
   * Needs `@docket/ledger` installed beside the SDK. With `url` it is ignored.
   */
  readonly dataDir?: string | undefined;
  /** Directory of the on-disk spool (`DOCKET_SPOOL_DIR`); without it nothing goes to disk. */
  readonly spoolDir?: string | undefined;
  /** Producer id (`DOCKET_PRODUCER_ID`); default `${hostname}-${pid}-${random}`. */
  readonly producerId?: string | undefined;
  /** Records held in memory before new ones are dropped and counted (`DOCKET_MAX_QUEUE`, 10000). */
  readonly maxQueue?: number;
  /** Records per batch, 1–1000 (`DOCKET_MAX_BATCH`, 500). */
  readonly maxBatch?: number;
  /** Largest batch body before gzip, in bytes (`DOCKET_MAX_BATCH_BYTES`, 4 MiB). */
  readonly maxBatchBytes?: number;
  /** Time a record may wait for its batch (`DOCKET_FLUSH_INTERVAL_MS`, 1000). */
  readonly flushIntervalMs?: number;
  /** Send each capture at once instead of waiting for a batch (`DOCKET_IMMEDIATE`); serverless. */
  readonly immediate?: boolean;
  /** Attempts of one batch before it goes to the spool (`DOCKET_MAX_ATTEMPTS`, 4). */
  readonly maxAttempts?: number;
  /** First retry delay (`DOCKET_RETRY_BASE_MS`, 200). */
  readonly retryBaseMs?: number;
  /** Longest retry delay (`DOCKET_RETRY_MAX_MS`, 30000). */
  readonly retryMaxMs?: number;
  /** Timeout of one HTTP request (`DOCKET_REQUEST_TIMEOUT_MS`, 30000). */
  readonly requestTimeoutMs?: number;
  /** Gzip batch bodies of at least 1 KiB (`DOCKET_GZIP`, true). */
  readonly gzip?: boolean;
  /** Deadline of `shutdown()` and of the exit flush (`DOCKET_SHUTDOWN_TIMEOUT_MS`, 5000). */
  readonly shutdownTimeoutMs?: number;
  /** Flush on `beforeExit` and shut down on SIGTERM (`DOCKET_HANDLE_EXIT`, true). */
  readonly handleExit?: boolean;
  /** Check each record against the v1 schema in `capture()` (`DOCKET_VALIDATE`, true). */
  readonly validate?: boolean;
  /** Fill `correlation.traceId/spanId` from the active OpenTelemetry span (`DOCKET_OTEL`, true). */
  readonly otel?: boolean;
  /**
   * Redaction before a record leaves the process: redaction options (see `createRedactor`) or
   * a ready redactor. Default none. A record whose redaction fails is dropped and counted
   * (`redactionFailed`), never sent.
   */
  readonly redact?: RedactionOptions | Redactor;
  /** Receives every failure after construction; must not throw (what it throws is ignored). */
  readonly onError?: (error: SdkError) => void;
  /** Delivery port; default the HTTP transport to `url`. */
  readonly transport?: Transport;
  /** Where env twins are read (default `process.env`). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Options after resolution: every value present and checked. */
export interface ResolvedOptions {
  readonly url: string | undefined;
  readonly apiKey: string | undefined;
  readonly readKey: string | undefined;
  /** The content of `caFile`, if any. */
  readonly ca: string | undefined;
  /** Local mode's data directory (only without `url`). */
  readonly dataDir: string | undefined;
  /** Local mode: where `@docket/ledger` was found. */
  readonly ledgerUrl: string | undefined;
  readonly spoolDir: string | undefined;
  readonly producerId: string;
  readonly maxQueue: number;
  readonly maxBatch: number;
  readonly maxBatchBytes: number;
  readonly flushIntervalMs: number;
  readonly immediate: boolean;
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly requestTimeoutMs: number;
  readonly gzip: boolean;
  readonly shutdownTimeoutMs: number;
  readonly handleExit: boolean;
  readonly validate: boolean;
  readonly otel: boolean;
  readonly onError: ((error: SdkError) => void) | undefined;
  readonly redact: Redactor | undefined;
  readonly transport: Transport | undefined;
}

const invalid = (option: string, env: string, message: string): SdkError =>
  new SdkError('OPTION_INVALID', `${option} (${env}) ${message}`, { where: option });

type Env = Readonly<Record<string, string | undefined>>;

function str(options: DocketOptions, env: Env, key: keyof DocketOptions, twin: string) {
  const value: unknown = options[key] ?? env[twin];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(key, twin, `must be a string, got ${typeof value}`);
  return value;
}

function int(
  options: DocketOptions,
  env: Env,
  key: keyof DocketOptions,
  twin: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const explicit: unknown = options[key];
  const raw: unknown =
    explicit ?? (env[twin] === undefined || env[twin] === '' ? undefined : env[twin]);
  if (raw === undefined) return fallback;
  const n = typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) {
    throw invalid(key, twin, `must be an integer in ${min}..${max}, got ${JSON.stringify(raw)}`);
  }
  return n;
}

function bool(
  options: DocketOptions,
  env: Env,
  key: keyof DocketOptions,
  twin: string,
  fallback: boolean,
): boolean {
  const explicit: unknown = options[key];
  if (explicit !== undefined) {
    if (typeof explicit !== 'boolean') throw invalid(key, twin, 'must be a boolean');
    return explicit;
  }
  const raw = env[twin];
  if (raw === undefined || raw === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(raw)) return true;
  if (/^(0|false|no|off)$/i.test(raw)) return false;
  throw invalid(key, twin, `must be true or false, got ${JSON.stringify(raw)}`);
}

/** The PEM text of `caFile`, or `OPTION_INVALID` when it can't be read or holds no certificate. */
function readCaFile(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new SdkError(
      'OPTION_INVALID',
      `caFile (DOCKET_CA_FILE) cannot be read: ${(error as Error).message}`,
      { where: 'caFile', cause: error },
    );
  }
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw invalid('caFile', 'DOCKET_CA_FILE', `holds no PEM certificate: ${path}`);
  }
  return text;
}

/** `${hostname}-${pid}-${6 random hex}`, limited to the characters safe in a file name. */
function defaultProducerId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(3));
  const suffix = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hostname()}-${process.pid}-${suffix}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Resolves and checks `options` against their env twins. Throws `SdkError` `OPTION_INVALID`.
 *
 * @example
 * const resolved = resolveOptions({ url: 'http://127.0.0.1:7420', apiKey: 'dk_x_y' });
 */
export function resolveOptions(options: DocketOptions = {}): ResolvedOptions {
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) {
    throw new SdkError('OPTION_INVALID', 'options must be an object', { where: 'options' });
  }
  const env = options.env ?? process.env;
  const url = str(options, env, 'url', 'DOCKET_URL');
  const transport = options.transport;
  if (
    transport !== undefined &&
    (typeof transport !== 'object' || typeof transport.send !== 'function')
  ) {
    throw new SdkError('OPTION_INVALID', 'transport must implement Transport', {
      where: 'transport',
    });
  }
  // Local mode is dataDir without url; with a url, dataDir (often the server's own
  // DOCKET_DATA_DIR in the same environment) does not apply.
  const dataDir =
    url === undefined && transport === undefined
      ? str(options, env, 'dataDir', 'DOCKET_DATA_DIR')
      : undefined;
  if (url === undefined && transport === undefined && dataDir === undefined) {
    throw invalid(
      'url',
      'DOCKET_URL',
      'is required (the Docket server, e.g. http://127.0.0.1:7420), or dataDir (DOCKET_DATA_DIR) for an embedded ledger',
    );
  }
  const ledgerUrl = dataDir === undefined ? undefined : findLedger();
  if (url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw invalid('url', 'DOCKET_URL', `is not a URL: ${JSON.stringify(url)}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw invalid('url', 'DOCKET_URL', `must be http: or https:, got ${parsed.protocol}`);
    }
  }
  const apiKey = str(options, env, 'apiKey', 'DOCKET_API_KEY');
  const readKey = str(options, env, 'readKey', 'DOCKET_READ_KEY');
  for (const [name, twin, key] of [
    ['apiKey', 'DOCKET_API_KEY', apiKey],
    ['readKey', 'DOCKET_READ_KEY', readKey],
  ] as const) {
    if (key !== undefined && !/^dk_[A-Za-z0-9_-]+$/.test(key)) {
      throw invalid(name, twin, 'must be a Docket API key (dk_…)');
    }
  }
  if (url !== undefined && transport === undefined && apiKey === undefined) {
    throw invalid('apiKey', 'DOCKET_API_KEY', 'is required with url');
  }
  const producerId = str(options, env, 'producerId', 'DOCKET_PRODUCER_ID') ?? defaultProducerId();
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(producerId)) {
    throw invalid('producerId', 'DOCKET_PRODUCER_ID', 'must be 1–200 of A-Z a-z 0-9 . _ -');
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new SdkError('OPTION_INVALID', 'onError must be a function', { where: 'onError' });
  }
  const retryBaseMs = int(options, env, 'retryBaseMs', 'DOCKET_RETRY_BASE_MS', 200, 1, 600_000);
  const retryMaxMs = int(options, env, 'retryMaxMs', 'DOCKET_RETRY_MAX_MS', 30_000, 1, 3_600_000);
  if (retryMaxMs < retryBaseMs) {
    throw invalid('retryMaxMs', 'DOCKET_RETRY_MAX_MS', `must be ≥ retryBaseMs (${retryBaseMs})`);
  }
  return {
    url,
    apiKey,
    readKey,
    ca: readCaFile(str(options, env, 'caFile', 'DOCKET_CA_FILE')),
    dataDir,
    ledgerUrl,
    spoolDir: str(options, env, 'spoolDir', 'DOCKET_SPOOL_DIR'),
    producerId,
    maxQueue: int(options, env, 'maxQueue', 'DOCKET_MAX_QUEUE', 10_000, 1, 10_000_000),
    maxBatch: int(options, env, 'maxBatch', 'DOCKET_MAX_BATCH', 500, 1, 1000),
    maxBatchBytes: int(
      options,
      env,
      'maxBatchBytes',
      'DOCKET_MAX_BATCH_BYTES',
      4 << 20,
      1024,
      64 << 20,
    ),
    flushIntervalMs: int(
      options,
      env,
      'flushIntervalMs',
      'DOCKET_FLUSH_INTERVAL_MS',
      1000,
      1,
      3_600_000,
    ),
    immediate: bool(options, env, 'immediate', 'DOCKET_IMMEDIATE', false),
    maxAttempts: int(options, env, 'maxAttempts', 'DOCKET_MAX_ATTEMPTS', 4, 1, 100),
    retryBaseMs,
    retryMaxMs,
    requestTimeoutMs: int(
      options,
      env,
      'requestTimeoutMs',
      'DOCKET_REQUEST_TIMEOUT_MS',
      30_000,
      1,
      3_600_000,
    ),
    gzip: bool(options, env, 'gzip', 'DOCKET_GZIP', true),
    shutdownTimeoutMs: int(
      options,
      env,
      'shutdownTimeoutMs',
      'DOCKET_SHUTDOWN_TIMEOUT_MS',
      5000,
      0,
      3_600_000,
    ),
    handleExit: bool(options, env, 'handleExit', 'DOCKET_HANDLE_EXIT', true),
    validate: bool(options, env, 'validate', 'DOCKET_VALIDATE', true),
    otel: bool(options, env, 'otel', 'DOCKET_OTEL', true),
    onError: options.onError,
    redact: resolveRedactor(options.redact),
    transport,
  };
}

/** Where `@docket/ledger` resolves from here (local mode needs it); OPTION_INVALID when absent. */
function findLedger(): string {
  try {
    return import.meta.resolve('@docket/ledger');
  } catch {
    throw invalid(
      'dataDir',
      'DOCKET_DATA_DIR',
      'selects local mode, which needs the embedded ledger: npm install @docket/ledger (or set url)',
    );
  }
}

/** A redactor from `redact` (options are checked now: OPTION_INVALID names the bad rule). */
function resolveRedactor(redact: DocketOptions['redact']): Redactor | undefined {
  if (redact === undefined) return undefined;
  if (typeof redact === 'function') return redact;
  const given: unknown = redact;
  if (typeof given !== 'object' || given === null) {
    throw new SdkError('OPTION_INVALID', 'redact must be redaction options or a function', {
      where: 'redact',
    });
  }
  return createRedactor(redact);
}
