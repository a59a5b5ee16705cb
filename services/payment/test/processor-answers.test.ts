import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createLogger } from '#kit/log/log.js';
import { callPolicy } from '#mesh/policy/resilience.js';
import { HttpCardProcessor } from '../src/adapters/card-processor/http-card-processor.js';
import { parseCharge } from '../src/adapters/card-processor/processor-answers.js';

/** An HTTP server that answers every request with `status` and `body`: a processor gone wrong. */
async function answering(status: number, body: string): Promise<{ url: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', connection: 'close' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('answers of the card processor that cannot be trusted', () => {
  it('reads a charge only when it has an id and a known status', () => {
    expect(parseCharge({ id: 'ch_1', status: 'succeeded' })).to.deep.equal({ id: 'ch_1', status: 'succeeded', declineReason: '' });
    expect(parseCharge({ id: 'ch_1', status: 'declined', declineReason: 'limit' })).to.include({ status: 'declined', declineReason: 'limit' });
    for (const body of [null, 'ok', {}, { id: '', status: 'succeeded' }, { id: 'ch_1', status: 'maybe' }, { id: 7, status: 'succeeded' }]) {
      expect(parseCharge(body), JSON.stringify(body)).to.equal(undefined);
    }
  });

  for (const [status, body] of [
    [200, '<html>gateway</html>'],
    [201, '{"charged":true}'],
    [502, '{"id":"ch_1","status":"succeeded"}'],
    [418, '{"id":"ch_1","status":"succeeded"}'],
  ] as const) {
    it(`takes ${status} ${body} as an unknown outcome, never as paid or declined`, async () => {
      const { url, server } = await answering(status, body);
      try {
        const processor = new HttpCardProcessor({ baseUrl: url, policy: callPolicy('payment', 'card-processor'), inProcessResilience: false, log: createLogger('test', 'silent') });
        expect((await processor.charge('order-1-charge', 100, 'KRW', 'order 1')).kind).to.equal('unknown');
      } finally {
        server.close();
      }
    });
  }
});
