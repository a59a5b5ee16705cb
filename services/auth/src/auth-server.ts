import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Provider from 'oidc-provider';
import { CalleeFailure } from '#kit/grpc/call-failure.js';
import { createLogger, type LogLevel } from '#kit/log/log.js';
import { customerDirectory } from './customer-directory.js';
import { createProvider } from './provider.js';
import { signIn, signInPath } from './sign-in.js';
import { rotateSigningKeys, signingKeys, type SigningKey } from './signing-keys.js';
import { staffClients } from './staff-clients.js';

export interface AuthConfig {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** The issuer URL; the local mesh's is http://127.0.0.1:<port>. */
  issuer: string;
  audience: string;
  keysFile: string;
  /** A new signing key this often (0: never while running); `keysKept` keys stay published. */
  keyRotationMs: number;
  keysKept: number;
  staffClientsFile: string;
  accessTokenTtlSeconds: number;
  customerAddress: string;
  inProcessResilience: boolean;
  logLevel: LogLevel;
}

export interface RunningAuth {
  readonly url: string;
  readonly port: number;
  /** Makes a new signing key, keeps the previous ones of `keysKept` published, and serves with them. */
  rotateKeys(): Promise<void>;
  close(): Promise<void>;
}

/** The token service: the OIDC provider, the customer sign-in page and a readiness answer. */
export async function startAuth(config: AuthConfig): Promise<RunningAuth> {
  const log = createLogger('auth', config.logLevel);
  const customers = customerDirectory(config.customerAddress, config.inProcessResilience, log);
  const clients = staffClients(config.staffClientsFile);
  // Interaction cookies live minutes; keys made per process are enough.
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const build = (keys: readonly SigningKey[]): Provider => {
    const provider = createProvider({ ...config, keys, staffClients: clients, cookieKeys });
    provider.on('server_error', (_ctx, error) => {
      log.error({ err: error }, 'token service error');
    });
    return provider;
  };
  let provider = build(await signingKeys(config.keysFile, config.keysKept));

  const server: Server = createServer((request, response) => {
    const url = request.url ?? '/';
    if (url === '/readyz' || url === '/livez') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    }
    if (url.startsWith(signInPath)) {
      signIn(provider, config.audience, customers, log, request, response).catch((error: unknown) => {
        log.warn({ err: error }, 'sign-in failed');
        // The customer service not answering is no fault of the sign-in: the same form works again shortly.
        const customersOut = error instanceof CalleeFailure;
        if (!response.headersSent) response.writeHead(customersOut ? 503 : 400, { 'content-type': 'text/plain', ...(customersOut ? { 'retry-after': '1' } : {}) });
        response.end(customersOut ? 'Signing in is not possible right now; try again shortly.\n' : 'This sign-in has expired or is unknown; start again.\n');
      });
      return;
    }
    void provider.callback()(request, response);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  log.info({ port, issuer: config.issuer }, 'token service listening');

  const rotateKeys = async (): Promise<void> => {
    const keys = await rotateSigningKeys(config.keysFile, config.keysKept);
    provider = build(keys);
    log.info({ kids: keys.map((key) => key.kid) }, 'signing keys rotated');
  };
  const rotation = config.keyRotationMs > 0 ? setInterval(() => void rotateKeys(), config.keyRotationMs) : undefined;
  rotation?.unref();

  return {
    url: config.issuer,
    port,
    rotateKeys,
    close: async () => {
      if (rotation !== undefined) clearInterval(rotation);
      await new Promise<void>((resolve) => server.close(() => { resolve(); }));
      server.closeAllConnections();
      customers.close();
    },
  };
}
