import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { apiAudience } from '../../../mesh/policy/access.js';
import { freePort } from '#kit/process/ports.js';
import { customerToken, staffToken } from '../../../mesh/tokens/token-client.js';
import { startAuth, type RunningAuth } from '../src/auth-server.js';
import { staffClients } from '../src/staff-clients.js';

describe('auth: the token service', function () {
  this.timeout(30_000);
  let auth: RunningAuth;
  let dataDir: string;
  let issuer: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'bookstore-auth-'));
    // The issuer is the URL clients use, so the port is chosen first.
    const port = await freePort();
    issuer = `http://127.0.0.1:${port}`;
    auth = await startAuth({
      host: '127.0.0.1',
      port,
      issuer,
      audience: apiAudience,
      keysFile: join(dataDir, 'signing-keys.json'),
      keyRotationMs: 0,
      keysKept: 2,
      staffClientsFile: join(dataDir, 'staff-clients.json'),
      accessTokenTtlSeconds: 300,
      // The customer sign-in is exercised through the whole mesh (mesh/e2e/test/security.test.ts);
      // here the customer service is unreachable.
      customerAddress: '127.0.0.1:1',
      inProcessResilience: false,
      logLevel: 'silent',
    });
  });

  after(async () => {
    await auth.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const secretOf = (clientId: string): string => staffClients(join(dataDir, 'staff-clients.json')).find((client) => client.clientId === clientId)?.secret ?? '';
  const jwks = async (): Promise<{ keys: Record<string, unknown>[] }> => (await fetch(`${issuer}/jwks`)).json() as Promise<{ keys: Record<string, unknown>[] }>;

  it('answers a customer sign-in 503, try again shortly, while the customer service is unreachable', async () => {
    const refused = await customerToken(issuer, '1', 'someone@example.com').then(() => undefined, (error: unknown) => error);
    expect(String(refused)).to.include('customer 1 could not sign in (503)');
  });

  it('publishes its discovery document: the grants the edges and clients use, and no password grant', async () => {
    const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).to.include({ issuer, jwks_uri: `${issuer}/jwks`, token_endpoint: `${issuer}/token`, device_authorization_endpoint: `${issuer}/device/auth` });
    expect(discovery.grant_types_supported).to.include.members(['client_credentials', 'urn:ietf:params:oauth:grant-type:device_code']);
    expect(discovery.grant_types_supported).to.not.include('password');
  });

  it('publishes public keys only, and keeps the private ones in a file only its owner reads', async () => {
    const { keys } = await jwks();
    expect(keys).to.have.length(1);
    expect(keys[0]).to.include({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(keys[0]).to.not.have.property('d');
    expect(statSync(join(dataDir, 'signing-keys.json')).mode & 0o077).to.equal(0);
  });

  it('gives a staff client an RFC 9068 access token with its role, verifiable against the JWKS', async () => {
    const token = await staffToken(issuer, 'coupon-manager', secretOf('coupon-manager'));
    const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${issuer}/jwks`)), { issuer, audience: apiAudience, typ: 'at+jwt' });
    expect(protectedHeader).to.include({ alg: 'ES256', typ: 'at+jwt' });
    expect(payload).to.include({ sub: 'coupon-manager', client_id: 'coupon-manager' });
    expect(payload.roles).to.deep.equal(['coupon-manager']);
    expect(payload).to.have.all.keys('iss', 'aud', 'sub', 'exp', 'iat', 'jti', 'roles', 'client_id');
  });

  it('refuses a wrong secret, an unknown client and the password grant', async () => {
    let refused: unknown;
    await staffToken(issuer, 'courier', 'not-the-secret-at-all').catch((error: unknown) => (refused = error));
    expect(String(refused)).to.contain('invalid_client');
    refused = undefined;
    await staffToken(issuer, 'admin', 'whatever-secret-it-is').catch((error: unknown) => (refused = error));
    expect(String(refused)).to.contain('invalid_client');
    const password = await fetch(`${issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${btoa(`courier:${secretOf('courier')}`)}` },
      body: new URLSearchParams({ grant_type: 'password', username: 'courier', password: 'x' }),
    });
    expect(password.status).to.equal(400);
    expect(await password.json()).to.include({ error: 'unsupported_grant_type' });
  });

  it('rotates with overlap: signs with the new key, publishes the previous one, and drops older ones', async () => {
    const kidOf = async (): Promise<string> => String(decodeProtectedHeader(await staffToken(issuer, 'courier', secretOf('courier'))).kid);
    const first = await kidOf();
    await auth.rotateKeys();
    const second = await kidOf();
    expect(second).to.not.equal(first);
    expect((await jwks()).keys.map((key) => key.kid)).to.deep.equal([second, first]);
    await auth.rotateKeys();
    const third = await kidOf();
    expect((await jwks()).keys.map((key) => key.kid)).to.deep.equal([third, second]);
  });
});
