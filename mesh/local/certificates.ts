import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TlsFiles } from '#kit/grpc/mutual-tls.js';

/** Certificates live a month; `make clean` (or deleting <data>/tls) makes new ones. */
const validDays = '30';

/**
 * The local mesh's certificate authority and one certificate per process (CN = its name, valid for
 * 127.0.0.1 and localhost, for serving and for calling), made with openssl under <data>/tls and
 * reused while they exist. Never committed: the data folder is ignored.
 */
export function localCertificates(dataDir: string, names: readonly string[]): (name: string) => TlsFiles {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca-key.pem');
  if (!existsSync(ca) || !existsSync(caKey)) {
    openssl(['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', caKey, '-out', ca, '-days', validDays, '-subj', '/CN=bookstore local mesh CA']);
  }
  const filesOf = (name: string): TlsFiles => ({ ca, cert: join(dir, `${name}.pem`), key: join(dir, `${name}-key.pem`) });
  for (const name of names) {
    const files = filesOf(name);
    if (existsSync(files.cert) && existsSync(files.key)) continue;
    const request = join(dir, `${name}.csr`);
    const extensions = join(dir, `${name}.ext`);
    writeFileSync(extensions, 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', files.key, '-out', request, '-subj', `/CN=${name}`]);
    openssl(['x509', '-req', '-in', request, '-CA', ca, '-CAkey', caKey, '-CAcreateserial', '-out', files.cert, '-days', validDays, '-extfile', extensions]);
  }
  return filesOf;
}

/** The environment that gives a process its identity (services/kit/src/grpc/mutual-tls.ts reads it). */
export function tlsEnv(files: TlsFiles): Record<string, string> {
  return { MTLS_CA_FILE: files.ca, MTLS_CERT_FILE: files.cert, MTLS_KEY_FILE: files.key };
}

function openssl(args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed (is openssl installed?): ${stderr.trim() || (error as Error).message}`, { cause: error });
  }
}
