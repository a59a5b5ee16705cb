import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TlsFiles } from '#kit/grpc/mutual-tls.js';

/** Certificates live a month; `make clean` (or deleting <data>/tls) makes new ones. */
const validDays = '30';

/** The extensions of a process's certificate, as `openssl req -x509 -CA` reads them (it wants a DN section, empty here). */
const processCertificateConfig = `[req]
distinguished_name = dn
[dn]
[process]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = serverAuth,clientAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
`;

/**
 * The local mesh's certificate authority and one certificate per process (CN = its name, valid for
 * 127.0.0.1 and localhost, for serving and for calling), made with openssl under <data>/tls and
 * reused while they exist. Never committed: the data folder is ignored. Each certificate is one
 * openssl run (key, request and signature together) and they run side by side: twenty runs one
 * after another took most of a second of a fresh mesh's start.
 */
export async function localCertificates(dataDir: string, names: readonly string[]): Promise<(name: string) => TlsFiles> {
  const dir = join(dataDir, 'tls');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = join(dir, 'ca.pem');
  const caKey = join(dir, 'ca-key.pem');
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', validDays];
  if (!existsSync(ca) || !existsSync(caKey)) {
    await openssl(['req', '-x509', ...newKey, '-keyout', caKey, '-out', ca, '-subj', '/CN=bookstore local mesh CA']);
  }
  const filesOf = (name: string): TlsFiles => ({ ca, cert: join(dir, `${name}.pem`), key: join(dir, `${name}-key.pem`) });
  const config = join(dir, 'process-certificate.cnf');
  writeFileSync(config, processCertificateConfig);
  const missing = names.filter((name) => !existsSync(filesOf(name).cert) || !existsSync(filesOf(name).key));
  await Promise.all(
    missing.map((name) =>
      openssl(['req', '-x509', '-config', config, '-extensions', 'process', ...newKey, '-keyout', filesOf(name).key, '-out', filesOf(name).cert, '-subj', `/CN=${name}`, '-CA', ca, '-CAkey', caKey]),
    ),
  );
  return filesOf;
}

/** The environment that gives a process its identity (services/kit/src/grpc/mutual-tls.ts reads it). */
export function tlsEnv(files: TlsFiles): Record<string, string> {
  return { MTLS_CA_FILE: files.ca, MTLS_CERT_FILE: files.cert, MTLS_KEY_FILE: files.key };
}

const execFileAsync = promisify(execFile);

async function openssl(args: string[]): Promise<void> {
  try {
    await execFileAsync('openssl', args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed (is openssl installed?): ${stderr.trim() || (error as Error).message}`, { cause: error });
  }
}
