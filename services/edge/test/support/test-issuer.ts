import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { apiAudience } from '../../../../mesh/policy/access.js';

/**
 * A stand-in for the token service in the edge's own tests: an ES256 key published as a JWKS on a
 * free port, and access tokens signed with it as the token service signs them. The edge verifies
 * them for real (services/edge/src/access); the token service itself is tested in services/auth.
 */
export class TestIssuer {
  private constructor(
    private readonly server: Server,
    private readonly privateKey: CryptoKey,
    readonly url: string,
  ) {}

  static async start(): Promise<TestIssuer> {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'ES256', use: 'sig' };
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new TestIssuer(server, privateKey, `http://127.0.0.1:${port}`);
  }

  /** The edge's environment for this issuer. */
  get env(): Record<string, string> {
    return { AUTH_ISSUER: this.url, AUTH_JWKS_URL: `${this.url}/jwks` };
  }

  /** A valid access token of a staff client with this role, for `expiresIn` (jose's time span). */
  token(role: string, expiresIn = '10m'): Promise<string> {
    return new SignJWT({ roles: [role], client_id: role })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'test-key' })
      .setIssuer(this.url)
      .setAudience(apiAudience)
      .setSubject(role)
      .setJti(crypto.randomUUID())
      .setIssuedAt()
      .setExpirationTime(expiresIn)
      .sign(this.privateKey);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => { resolve(); }));
  }
}
