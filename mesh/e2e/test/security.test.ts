import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, Metadata, status, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { expect } from 'chai';
import { CustomerServiceClient } from '#contracts/customer/v1/customer.js';
import { clientCredentials } from '#kit/grpc/mutual-tls.js';
import { base64url, generateKeyPair, importJWK, SignJWT, type JWTPayload } from 'jose';
import { loadSigningKeys, rotateSigningKeys } from '../../../services/auth/src/signing-keys.js';
import { localCertificates } from '../../local/certificates.js';
import { apiAudience } from '../../policy/access.js';
import { ShopTokens } from '../../tokens/shop-tokens.js';
import { id, Shop, type Json } from './shop.js';

interface Answer {
  status: number;
  body: Json;
  wwwAuthenticate: string | null;
}

interface Refusal {
  name: string;
  send: () => Promise<Answer>;
  status: 401 | 403;
  /** google.rpc.Status code: 16 UNAUTHENTICATED, 7 PERMISSION_DENIED. */
  code: 16 | 7;
  /** Words the message must contain: the reason, not just the status. */
  says: string;
}

/** The edge's answer to a request with exactly these headers (no token chosen for it). */
async function send(edgeUrl: string, method: string, path: string, headers: Record<string, string>, body?: Json): Promise<Answer> {
  const response = await fetch(`${edgeUrl}${path}`, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Json, wwwAuthenticate: response.headers.get('www-authenticate') };
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

/**
 * Who may do what (docs/domain.md), through the local edge of the whole mesh with its real token
 * service: every refusal is answered with its status and a google.rpc.Status body, and writes nothing.
 */
describe('the shop\'s doors: tokens, roles and customers at the edge', function () {
  this.timeout(180_000);
  let shop: Shop;

  before(async () => {
    // Short JWKS caching so a rotated-out key is dropped within the test; the defaults are minutes.
    shop = await Shop.open({ env: { AUTH_JWKS_CACHE_MS: '500', AUTH_JWKS_COOLDOWN_MS: '0' } });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(shop.problems().join('\n'));
  });

  after(async () => {
    await shop.close();
  });

  /** A token signed with the token service's own current key, with these claims instead of its own. */
  const forged = async (claims: JWTPayload, header: { typ?: string } = {}): Promise<string> => {
    const [key] = loadSigningKeys(shop.mesh.signingKeysFile);
    if (key === undefined) throw new Error('no signing key');
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ roles: ['book-manager'], iss: shop.mesh.authUrl, aud: apiAudience, sub: 'book-manager', jti: crypto.randomUUID(), iat: now, exp: now + 300, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid, typ: header.typ ?? 'at+jwt' })
      .sign(await importJWK(key, 'ES256'));
  };

  it('refuses every bad token, role and other customer\'s data, and writes nothing', async () => {
    const edge = shop.mesh.edgeUrl;
    const rest = shop.rest;
    const jamie = id(await rest.post('/customers', { name: 'Jamie', email: 'jamie@example.com' }));
    const kim = id(await rest.post('/customers', { name: 'Kim', email: 'kim@example.com' }));
    const soldOut = id(await rest.post('/books', { bookName: 'Sold out', stock: 0, price: 900 }));
    const jamiesOrder = id(await rest.post('/orders', { customerId: jamie, bookId: soldOut, quantity: 1, deliveryAddress: '1 Baker Street' }));
    const jamiesCoupon = id(await rest.post('/coupons', { customerId: jamie, discount: 300 }));
    const asKim = bearer(await shop.tokens.customer(kim));
    const courier = bearer(await shop.tokens.staff('courier'));
    const bookManager = await shop.tokens.staff('book-manager');
    const [header = '', payload = '', signature = ''] = bookManager.split('.');
    const realClaims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Json;
    const now = Math.floor(Date.now() / 1000);
    const foreign = await generateKeyPair('ES256');
    const published = ((await (await fetch(`${shop.mesh.authUrl}/jwks`)).json()) as { keys: Json[] }).keys[0];

    const newBook = { bookName: 'Forbidden', stock: 1, price: 100 };
    const createBook = (headers: Record<string, string>): Promise<Answer> => send(edge, 'POST', '/books', headers, newBook);
    const unsigned = (claims: Json): string => `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'at+jwt' }))}.${base64url.encode(JSON.stringify(claims))}.`;
    const hs256WithPublicKey = async (): Promise<string> =>
      new SignJWT(realClaims)
        .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt' })
        .sign(new TextEncoder().encode(JSON.stringify(published)));
    const tampered = `${header}.${base64url.encode(JSON.stringify({ ...realClaims, roles: ['book-manager', 'coupon-manager'] }))}.${signature}`;

    const refusals: Refusal[] = [
      { name: 'no token', send: () => createBook({}), status: 401, code: 16, says: 'needs an access token' },
      { name: 'not a Bearer header', send: () => createBook({ authorization: `Basic ${btoa('book-manager:secret')}` }), status: 401, code: 16, says: 'not "Bearer' },
      { name: 'a malformed token', send: () => createBook(bearer('not.a.jwt')), status: 401, code: 16, says: 'malformed' },
      { name: 'an expired token', send: async () => createBook(bearer(await forged({ iat: now - 900, exp: now - 600 }))), status: 401, code: 16, says: 'expired' },
      { name: 'a token not valid yet', send: async () => createBook(bearer(await forged({ nbf: now + 600 }))), status: 401, code: 16, says: '"nbf"' },
      { name: 'another issuer', send: async () => createBook(bearer(await forged({ iss: 'https://issuer.example' }))), status: 401, code: 16, says: '"iss"' },
      { name: 'a token for another audience', send: async () => createBook(bearer(await forged({ aud: 'https://other-api.example' }))), status: 401, code: 16, says: '"aud"' },
      { name: 'alg: none', send: () => createBook(bearer(unsigned(realClaims))), status: 401, code: 16, says: 'accepted algorithm' },
      { name: 'HS256 signed with the public key', send: async () => createBook(bearer(await hs256WithPublicKey())), status: 401, code: 16, says: 'accepted algorithm' },
      {
        name: 'a key the token service does not publish',
        send: async () =>
          createBook(bearer(await new SignJWT({ roles: ['book-manager'] }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'someone-else' }).setIssuer(shop.mesh.authUrl).setAudience(apiAudience).setSubject('x').setJti('j').setIssuedAt().setExpirationTime('5m').sign(foreign.privateKey))),
        status: 401,
        code: 16,
        says: 'does not publish',
      },
      { name: 'a tampered payload', send: () => createBook(bearer(tampered)), status: 401, code: 16, says: 'signature' },
      { name: 'no roles claim', send: async () => createBook(bearer(await forged({ roles: undefined }))), status: 401, code: 16, says: 'roles' },
      { name: 'not an access token (typ JWT)', send: async () => createBook(bearer(await forged({}, { typ: 'JWT' }))), status: 401, code: 16, says: '"typ"' },
      { name: 'an oversized Authorization header', send: () => createBook(bearer(`${bookManager}${'A'.repeat(6000)}`)), status: 401, code: 16, says: 'longer than' },
      { name: 'a courier issuing a coupon', send: () => send(edge, 'POST', '/coupons', courier, { customerId: jamie, discount: 5000 }), status: 403, code: 7, says: 'may' },
      { name: 'a book manager issuing a coupon', send: () => send(edge, 'POST', '/coupons', bearer(bookManager), { customerId: jamie, discount: 5000 }), status: 403, code: 7, says: 'may' },
      { name: 'a coupon manager registering a book', send: async () => createBook(bearer(await shop.tokens.staff('coupon-manager'))), status: 403, code: 7, says: 'may' },
      { name: 'the auditor registering a book', send: async () => createBook(bearer(await shop.tokens.staff('auditor'))), status: 403, code: 7, says: 'may' },
      { name: 'a customer registering a book', send: () => createBook(asKim), status: 403, code: 7, says: 'may' },
      { name: 'a courier placing an order', send: () => send(edge, 'POST', '/orders', courier, { customerId: jamie, bookId: soldOut, quantity: 1, deliveryAddress: 'x' }), status: 403, code: 7, says: 'may' },
      { name: 'a customer ordering for another customer', send: () => send(edge, 'POST', '/orders', asKim, { customerId: jamie, bookId: soldOut, quantity: 1, deliveryAddress: 'x' }), status: 403, code: 7, says: 'may' },
      { name: 'a customer cancelling another\'s order', send: () => send(edge, 'DELETE', `/orders/${jamiesOrder}`, asKim), status: 403, code: 7, says: 'may' },
      { name: 'a customer reading another\'s my page', send: () => send(edge, 'GET', `/myPages/${jamie}`, asKim), status: 403, code: 7, says: 'may' },
      { name: 'a customer reading another\'s order', send: () => send(edge, 'GET', `/orders/${jamiesOrder}`, asKim), status: 403, code: 7, says: 'may' },
      { name: 'a customer reading another\'s coupon', send: () => send(edge, 'GET', `/coupons/${jamiesCoupon}`, asKim), status: 403, code: 7, says: 'may' },
      { name: 'a customer listing every customer\'s orders', send: () => send(edge, 'GET', '/orders', asKim), status: 403, code: 7, says: 'may' },
      { name: 'a customer reading another customer', send: () => send(edge, 'GET', `/customers/${jamie}`, asKim), status: 403, code: 7, says: 'may' },
    ];
    expect(refusals.length).to.be.at.least(20);

    const before = await shopContents();
    for (const refusal of refusals) {
      const answer = await refusal.send();
      expect(answer.status, `${refusal.name}: ${JSON.stringify(answer.body)}`).to.equal(refusal.status);
      expect(answer.body, refusal.name).to.include({ code: refusal.code });
      expect(answer.body.message, refusal.name).to.be.a('string').and.contain(refusal.says);
      if (refusal.status === 401) expect(answer.wwwAuthenticate, refusal.name).to.match(/^Bearer realm="bookstore"/);
    }
    expect(await shopContents(), 'what the shop holds after the refusals').to.deep.equal(before);

    async function shopContents(): Promise<Json> {
      return {
        books: await rest.all('/books', 'books'),
        coupons: await rest.all('/coupons', 'coupons'),
        orders: await rest.all('/orders', 'orders'),
      };
    }
  });

  it('lets each role do its own work, and a customer only their own', async () => {
    const rest = shop.rest;
    const edge = shop.mesh.edgeUrl;
    const ada = id(await rest.post('/customers', { name: 'Ada', email: 'ada@example.com' }));
    const asAda = bearer(await shop.tokens.customer(ada));
    const bookId = id(await rest.post('/books', { bookName: 'Open reading', stock: 5, price: 700 }));
    expect((await send(edge, 'GET', `/books/${bookId}`, {})).status, 'the catalogue is open').to.equal(200);
    const order = await send(edge, 'POST', '/orders', asAda, { customerId: ada, bookId, quantity: 1, deliveryAddress: '3 Open Road' });
    expect(order.status).to.equal(200);
    expect((await send(edge, 'GET', `/orders/${String(order.body.id)}`, asAda)).status).to.equal(200);
    expect((await send(edge, 'GET', `/myPages/${ada}`, asAda)).status).to.equal(200);
    expect((await send(edge, 'GET', `/customers/${ada}`, asAda)).body).to.include({ email: 'ada@example.com' });
  });

  it('verifies tokens of a rotated key at once, keeps the previous key for its tokens, and drops a rotated-out key', async () => {
    const edge = shop.mesh.edgeUrl;
    const readBooks = (token: string): Promise<Answer> => send(edge, 'GET', '/stockInputs', bearer(token));
    const rotateAndRestart = async (): Promise<void> => {
      await shop.mesh.auth.stop();
      await rotateSigningKeys(shop.mesh.signingKeysFile, 2);
      await shop.mesh.auth.start();
    };
    const fresh = (): Promise<string> => new ShopTokens({ issuer: shop.mesh.authUrl, edgeUrl: edge, staffClientsFile: shop.mesh.staffClientsFile }).staff('book-manager');

    const before = await fresh();
    expect((await readBooks(before)).status).to.equal(200);
    await rotateAndRestart();
    const afterOne = await fresh();
    expect(afterOne.split('.')[0]).to.not.equal(before.split('.')[0]);
    expect((await readBooks(afterOne)).status, 'a token of the new key').to.equal(200);
    expect((await readBooks(before)).status, 'a token of the previous key, still published').to.equal(200);

    await rotateAndRestart();
    const rotatedOut = await shop.eventually('the rotated-out key to be refused', () => readBooks(before), (answer) => answer.status !== 200);
    expect(rotatedOut.status).to.equal(401);
    expect(rotatedOut.body.message).to.contain('key');
    expect((await readBooks(await fresh())).status).to.equal(200);
  });

  it('admits service to service only callers with a certificate of the mesh\'s CA that the call edges name', async () => {
    const registered = id(await shop.rest.post('/customers', { name: 'Cert', email: 'cert@example.com' }));
    const getCustomer = (channel: ChannelCredentials): Promise<{ code: status; message: string }> => {
      const client = new CustomerServiceClient(shop.mesh.grpcAddress('customer'), channel);
      return new Promise((resolve) => {
        client.getCustomer({ id: Number(registered) }, new Metadata(), { deadline: Date.now() + 5_000 }, (error: ServiceError | null) => {
          client.close();
          resolve({ code: error?.code ?? status.OK, message: error?.details ?? '' });
        });
      });
    };
    const elsewhere = mkdtempSync(join(tmpdir(), 'bookstore-foreign-ca-'));
    try {
      expect((await getCustomer(clientCredentials(shop.mesh.tlsFiles('edge')))).code, 'the edge').to.equal(status.OK);
      expect((await getCustomer(clientCredentials(shop.mesh.tlsFiles('auth')))).code, 'the token service').to.equal(status.OK);
      const order = await getCustomer(clientCredentials(shop.mesh.tlsFiles('order')));
      expect(order, 'order, which has no call edge to customer').to.deep.equal({ code: status.PERMISSION_DENIED, message: 'order may not call customer (mesh/policy/resilience.ts declares no such call edge)' });
      expect((await getCustomer(credentials.createInsecure())).code, 'a plaintext client').to.equal(status.UNAVAILABLE);
      const foreign = (await localCertificates(elsewhere, ['edge']))('edge');
      expect((await getCustomer(clientCredentials({ ...foreign, ca: shop.mesh.tlsFiles('edge').ca }))).code, 'a certificate of another CA').to.equal(status.UNAVAILABLE);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });
});
