/**
 * HTTPS on the command line: the CA file a remote command trusts (`--ca-file`,
 * `DOCKET_CA_FILE`) and the certificate and key `docket serve` answers with (`--tls-cert`,
 * `--tls-key`, `DOCKET_TLS_CERT`, `DOCKET_TLS_KEY`).
 */
import { readFileSync } from 'node:fs';
import { DocketError } from '@docket/protocol';
import type { ServerTlsOptions } from '@docket/server';
import { optional } from '../args.js';
import type { OptionSpec } from '../args.js';

type Values = Record<string, string | boolean | undefined>;

/** The option of every command that talks to a server (`--url`). */
export const CA_FILE_OPTION: OptionSpec = { 'ca-file': { type: 'string' } };

/** Help line of {@link CA_FILE_OPTION}. */
export const CA_FILE_HELP =
  '  --ca-file FILE  PEM CA certificate(s) to trust for an https:// --url (default:\n' +
  '                  $DOCKET_CA_FILE; else the system roots)';

/** The options of `docket serve` that turn on HTTPS. */
export const TLS_OPTIONS: OptionSpec = {
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
};

/** Help lines of {@link TLS_OPTIONS}. */
export const TLS_HELP =
  '  --tls-cert FILE  serve HTTPS with this PEM certificate, followed by any intermediates\n' +
  '                 (default: $DOCKET_TLS_CERT)\n' +
  '  --tls-key FILE   the PEM private key of --tls-cert (default: $DOCKET_TLS_KEY)';

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value;

/** A PEM file's text, or `IO_ERROR` naming the option it came from. */
function readPem(path: string, where: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new DocketError(
      'IO_ERROR',
      `${where}: cannot read ${path}: ${(cause as Error).message}`,
      {
        where,
        cause,
      },
    );
  }
}

/**
 * The CA file to trust: `--ca-file`, else `DOCKET_CA_FILE`, else none.
 *
 * @example
 * const caFile = caFileOf(values); // '/etc/docket/ca.pem' or undefined
 */
export function caFileOf(values: Values): string | undefined {
  return optional(values, 'ca-file') ?? nonEmpty(process.env['DOCKET_CA_FILE']);
}

/**
 * The PEM text of a CA file (`IO_ERROR` when unreadable, `TLS_INVALID` when it holds no
 * certificate), or undefined without one.
 *
 * @example
 * const ca = readCaFile(caFileOf(values));
 */
export function readCaFile(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const text = readPem(path, '--ca-file');
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new DocketError('TLS_INVALID', `--ca-file ${path} holds no PEM certificate`, {
      where: '--ca-file',
    });
  }
  return text;
}

/**
 * The certificate and key of `docket serve`: both flags (or both env twins), or neither (plain
 * HTTP). One without the other is `USAGE`; an unreadable file `IO_ERROR`.
 *
 * @example
 * const tls = tlsOf(values); // { cert, key } or undefined
 */
export function tlsOf(values: Values): ServerTlsOptions | undefined {
  const cert = optional(values, 'tls-cert') ?? nonEmpty(process.env['DOCKET_TLS_CERT']);
  const key = optional(values, 'tls-key') ?? nonEmpty(process.env['DOCKET_TLS_KEY']);
  if (cert === undefined && key === undefined) return undefined;
  if (cert === undefined || key === undefined) {
    const missing = cert === undefined ? '--tls-cert' : '--tls-key';
    throw new DocketError(
      'USAGE',
      `HTTPS needs both --tls-cert and --tls-key; ${missing} is missing`,
      {
        where: missing,
      },
    );
  }
  return { cert: readPem(cert, '--tls-cert'), key: readPem(key, '--tls-key') };
}
