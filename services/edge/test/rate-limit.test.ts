import { expect } from 'chai';
import { RateLimiter } from '../src/access/rate-limiter.js';
import { TranscodeError } from '../src/transcode/transcode-error.js';
import { startEdgeWithFakeCatalog } from './support/edge-with-fake-catalog.js';

describe('edge: rate limits per caller (a token bucket)', () => {
  it('lets a caller make `burst` requests at once, refuses the next with a time to wait, and refills', () => {
    let nowMs = 0;
    const limiter = new RateLimiter({ burst: 3, refillPerSecond: 2 }, () => nowMs);
    for (let index = 0; index < 3; index += 1) limiter.take('subject courier');
    let refused: unknown;
    try {
      limiter.take('subject courier');
    } catch (error) {
      refused = error;
    }
    expect(refused).to.be.instanceOf(TranscodeError);
    expect(refused).to.include({ httpStatus: 429 });
    expect((refused as TranscodeError).headers).to.deep.equal({ 'retry-after': '1' });
    limiter.take('subject book-manager');
    nowMs += 500;
    limiter.take('subject courier');
    expect(() => {
      limiter.take('subject courier');
    }).to.throw(TranscodeError, 'too many requests');
  });

  it('answers 429 RESOURCE_EXHAUSTED with Retry-After past the burst, and serves again after that wait', async function () {
    this.timeout(20_000);
    const under = await startEdgeWithFakeCatalog({ burst: 3, refillPerSecond: 1 });
    try {
      for (let index = 0; index < 3; index += 1) expect((await under.call('GET', '/books')).status).to.equal(200);
      const refused = await under.call('GET', '/books');
      expect(refused.status).to.equal(429);
      expect(refused.json).to.include({ code: 8 });
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).to.be.within(1, 60);
      const callsBefore = under.catalog.calls.length;
      await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
      expect((await under.call('GET', '/books')).status).to.equal(200);
      expect(under.catalog.calls.length).to.equal(callsBefore + 1);
    } finally {
      await under.stop();
    }
  });
});
