import { expect } from 'chai';
import { RunningProcessor } from './running-processor.js';

/** The card processor stand-in: what a real processor promises, idempotency first. */
describe('the card processor', () => {
  let processor: RunningProcessor;

  before(async () => {
    processor = await RunningProcessor.start();
  });

  after(async () => {
    await processor.stop();
  });

  const send = async (method: string, path: string, key?: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
    const response = await fetch(`${processor.url}${path}`, {
      method,
      headers: key === undefined ? {} : { 'idempotency-key': key },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const charge = (key: string, amount = 1500) => send('POST', '/v1/charges', key, { amount, currency: 'KRW', reference: 'order 1' });

  it('charges once per Idempotency-Key, however often the key is sent, and keeps it across a restart', async () => {
    const first = await charge('key-1');
    expect(first.status).to.equal(201);
    expect(first.body).to.include({ status: 'succeeded', amount: 1500, idempotencyKey: 'key-1' });
    const again = await Promise.all([charge('key-1'), charge('key-1'), charge('key-1')]);
    expect(again.map((answer) => [answer.status, answer.body.id])).to.deep.equal([[200, first.body.id], [200, first.body.id], [200, first.body.id]]);
    await processor.restart();
    expect((await send('GET', '/v1/charges?idempotencyKey=key-1')).body).to.include({ id: first.body.id });
    expect((await processor.ledgerEntries()).charges.filter((entry) => entry.idempotencyKey === 'key-1')).to.have.length(1);
  });

  it('refuses a key reused for another amount, a missing key and bad amounts, naming what is wrong', async () => {
    await charge('key-2');
    expect((await charge('key-2', 999)).status).to.equal(409);
    const missing = await send('POST', '/v1/charges', undefined, { amount: 1, currency: 'KRW', reference: '' });
    expect(missing.status).to.equal(400);
    expect(JSON.stringify(missing.body)).to.include('Idempotency-Key');
    expect(JSON.stringify((await charge('key-3', -1)).body)).to.include('amount:');
    expect((await send('GET', '/v1/charges?idempotencyKey=nobody')).status).to.equal(404);
  });

  it('refunds a charge once, whatever key the second refund uses', async () => {
    const charged = await charge('key-4', 700);
    const path = `/v1/charges/${String(charged.body.id)}/refunds`;
    const first = await send('POST', path, 'refund-4');
    const again = await send('POST', path, 'refund-4-other');
    expect([first.status, again.status]).to.deep.equal([201, 200]);
    expect(again.body.id).to.equal(first.body.id);
    const ledger = await processor.ledgerEntries();
    expect(ledger.refunds.filter((refund) => refund.chargeId === charged.body.id)).to.have.length(1);
  });

  it('declines above the limit, fails in an outage, and heals', async () => {
    await processor.faults({ declineAbove: 1000 });
    const declined = await charge('key-5', 1001);
    expect(declined.status).to.equal(402);
    expect(declined.body).to.include({ status: 'declined' });
    expect((await charge('key-5', 1001)).body).to.include({ status: 'declined', id: declined.body.id });
    await processor.faults({ outage: true });
    expect((await charge('key-6')).status).to.equal(503);
    expect((await send('GET', '/faults')).body).to.deep.equal({ outage: true });
    expect((await send('PUT', '/faults', undefined, { outage: 'yes' })).status).to.equal(400);
    await processor.faults({});
    expect((await charge('key-6')).status).to.equal(201);
    expect((await processor.ledgerEntries()).charges.map((entry) => entry.idempotencyKey)).to.not.include('key-5');
  });
});
