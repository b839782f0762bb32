// A certificate authority and a server certificate made at test time with the openssl CLI: the
// CA is self-signed, the server certificate (signed by it) names localhost and 127.0.0.1.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Paths of the PEM files {@link createTestCa} wrote. */
export interface TestCa {
  /** The CA certificate: what a client trusts (`--ca-file`). */
  readonly caFile: string;
  /** The server's certificate, signed by the CA (`--tls-cert`). */
  readonly certFile: string;
  /** The server's private key (`--tls-key`). */
  readonly keyFile: string;
}

const openssl = (dir: string, ...args: string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
};

/**
 * Writes a fresh CA and a server certificate for localhost / 127.0.0.1 into `dir`.
 *
 * @example
 * const { caFile, certFile, keyFile } = createTestCa(tmp.dir);
 */
export function createTestCa(dir: string): TestCa {
  const ca = { key: join(dir, 'ca-key.pem'), cert: join(dir, 'ca.pem') };
  const server = {
    key: join(dir, 'server-key.pem'),
    csr: join(dir, 'server.csr'),
    cert: join(dir, 'server.pem'),
  };
  const ext = join(dir, 'server.ext');
  openssl(
    dir,
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    ca.key,
    '-out',
    ca.cert,
    '-days',
    '2',
    '-subj',
    '/CN=Docket test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  openssl(
    dir,
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    server.key,
    '-out',
    server.csr,
    '-subj',
    '/CN=localhost',
  );
  writeFileSync(
    ext,
    'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n',
  );
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    server.csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    server.cert,
    '-days',
    '2',
    '-extfile',
    ext,
  );
  return { caFile: ca.cert, certFile: server.cert, keyFile: server.key };
}
