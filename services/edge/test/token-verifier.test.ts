import { expect } from 'chai';
import { apiAudience } from '../../../mesh/policy/access.js';
import { TokenVerifier } from '../src/access/token-verifier.js';
import { TranscodeError } from '../src/transcode/transcode-error.js';
import { TestIssuer } from './support/test-issuer.js';

describe('the edge remembering verified tokens', () => {
  let issuer: TestIssuer;
  let verifier: TokenVerifier;

  beforeEach(async () => {
    issuer = await TestIssuer.start();
    verifier = new TokenVerifier({ issuer: issuer.url, jwksUrl: `${issuer.url}/jwks`, audience: apiAudience, jwksCacheMaxAgeMs: 600_000, jwksCooldownMs: 30_000 });
  });

  afterEach(() => issuer.stop());

  it('answers a token it verified before with the same caller, and still refuses a different one', async () => {
    const token = await issuer.token('book-manager');
    const first = await verifier.verify(`Bearer ${token}`);
    expect(await verifier.verify(`Bearer ${token}`)).to.deep.equal(first);
    expect(first).to.deep.include({ subject: 'book-manager' });
    const tampered = `${token.slice(0, -4)}AAAA`;
    const refused = await verifier.verify(`Bearer ${tampered}`).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(TranscodeError).with.property('httpStatus', 401);
  });

  it('refuses a remembered token once it has expired', async function () {
    this.timeout(10_000);
    const token = await issuer.token('book-manager', '1s');
    await verifier.verify(`Bearer ${token}`);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const refused = await verifier.verify(`Bearer ${token}`).catch((error: unknown) => error);
    expect(refused).to.be.instanceOf(TranscodeError).with.property('message', 'the token has expired');
  });
});
