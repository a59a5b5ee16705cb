import { expect } from 'chai';
import type { OrderPlaced } from '#contracts/events/v1/order.js';
import { orderEvents } from '#contracts/events.js';
import { EventTraffic } from '#kit-testing/event-traffic.js';
import { checkOnceQuiet } from '../../invariants/converge.js';
import { CardProcessorClient } from '../../invariants/card-processor-client.js';
import { runWorkload } from '../../invariants/workload.js';
import { breakerState, field, id, Shop, type Json } from './shop.js';

/** Money and payment through the REST edge, with the real card processor and its fault switch. */
describe('payment end to end: prices, the card processor, its breaker and its faults', function () {
  this.timeout(300_000);
  let shop: Shop;
  let processor: CardProcessorClient;

  before(async () => {
    shop = await Shop.open();
    processor = new CardProcessorClient(shop.mesh.externalUrl('card-processor'));
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') console.log(shop.problems().join('\n'));
    await processor.setFaults({});
  });

  after(async () => {
    await shop.close();
  });

  const rest = () => shop.rest;
  const newBook = async (stock: number, price = 1500): Promise<string> => id(await rest().post('/books', { bookName: `Priced ${stock}`, stock, price }));
  const newCustomer = async (name: string): Promise<string> => id(await rest().post('/customers', { name, email: `${name.toLowerCase()}@example.com` }));
  const placeOrder = async (order: Json): Promise<Json> => (await rest().post('/orders', { quantity: 1, deliveryAddress: '3 Money Lane', ...order })) as Json;
  const order = async (orderId: string): Promise<Json> => (await rest().get(`/orders/${orderId}`)) as Json;
  const paymentOf = async (orderId: string): Promise<Json | undefined> => ((await rest().get('/payments', { orderId })) as { payments?: Json[] }).payments?.[0];
  const chargesOf = async (orderId: string) => (await processor.ledger()).charges.filter((charge) => charge.idempotencyKey === `order-${orderId}-charge`);
  const refundsOf = async (orderId: string) => {
    const charges = new Set((await chargesOf(orderId)).map((charge) => charge.id));
    return (await processor.ledger()).refunds.filter((refund) => charges.has(refund.chargeId));
  };
  const becomes = (what: string, read: () => Promise<unknown>, expected: unknown) => shop.eventually(what, read, (value) => value === expected);
  const paymentState = async (orderId: string): Promise<unknown> => field(await paymentOf(orderId), 'state');
  const orderField = (orderId: string, name: string) => async (): Promise<unknown> => field(await order(orderId), name);
  const deliveryState = async (orderId: string): Promise<unknown> =>
    field(((await rest().get('/deliveries', { orderId })) as { deliveries: Json[] }).deliveries[0], 'state');

  it('a paid order: priced with its coupon capped, PAID at once, then its delivery starts; my page shows the money', async () => {
    const bookId = await newBook(5);
    const customerId = await newCustomer('Mina');
    const couponId = id(await rest().post('/coupons', { customerId, discount: 500 }));
    const placed = await placeOrder({ customerId, bookId, quantity: 2, couponId });
    expect(placed).to.include({ unitPrice: '1500', discount: '500', amount: '2500', currency: 'KRW', paymentState: 'PAID' });
    const orderId = id(placed);
    await becomes('the order to start delivery', orderField(orderId, 'state'), 'DELIVERY_STARTED');
    expect(await paymentOf(orderId)).to.include({ state: 'PAID', amount: '2500', currency: 'KRW' });
    expect(await chargesOf(orderId)).to.have.length(1);
    const row = await shop.eventually(
      'my page to show the payment',
      async () => ((await rest().get(`/myPages/${customerId}`)) as { rows: Json[] }).rows.find((entry) => entry.orderId === orderId),
      (entry) => entry?.paymentState === 'PAID',
    );
    expect(row).to.include({ amount: '2500', currency: 'KRW' });
    expect(row?.paidTime).to.be.a('string');

    const capped = await placeOrder({ customerId, bookId: await newBook(5, 200), couponId: id(await rest().post('/coupons', { customerId, discount: 5000 })) });
    expect(capped).to.include({ unitPrice: '200', discount: '200', amount: '0', paymentState: 'PAID' });
  });

  it('processor out: orders answer PENDING at once, the breaker opens; healed, they are PAID and start delivery', async () => {
    const bookId = await newBook(20);
    const customerId = await newCustomer('Oskar');
    await processor.setFaults({ outage: true });
    const orderIds: string[] = [];
    for (let index = 0; index < 6; index += 1) {
      const placed = await placeOrder({ customerId, bookId });
      expect(placed).to.include({ state: 'ORDERED', paymentState: 'PENDING' });
      orderIds.push(id(placed));
    }
    await shop.eventually('the breaker to open', () => breakerState(shop.mesh.adminUrl('payment'), 'card-processor'), (state) => state === 1);
    expect(shop.logs.some((line) => line.includes('circuit to card-processor opened'))).to.equal(true);
    await becomes('the first delivery to start and wait', () => deliveryState(orderIds[0] ?? ''), 'STARTED');
    expect(await order(orderIds[0] ?? '')).to.include({ state: 'ORDERED', paymentState: 'PENDING' });

    await processor.setFaults({});
    for (const orderId of orderIds) {
      await becomes(`order ${orderId} to be paid`, orderField(orderId, 'paymentState'), 'PAID');
      await becomes(`order ${orderId} to start delivery`, orderField(orderId, 'state'), 'DELIVERY_STARTED');
      expect(await chargesOf(orderId)).to.have.length(1);
    }
    await shop.eventually('the breaker to close', () => breakerState(shop.mesh.adminUrl('payment'), 'card-processor'), (state) => state === 0);
  });

  it('a declined payment cancels the order with PAYMENT_DECLINED and undoes stock, coupon and delivery', async () => {
    await processor.setFaults({ declineAbove: 10_000 });
    const bookId = await newBook(3, 6000);
    const customerId = await newCustomer('Dana');
    const couponId = id(await rest().post('/coupons', { customerId, discount: 100 }));
    const placed = await placeOrder({ customerId, bookId, quantity: 2, couponId });
    expect(placed).to.include({ state: 'CANCELLED', cancelReason: 'PAYMENT_DECLINED', paymentState: 'DECLINED', amount: '11900' });
    const orderId = id(placed);
    await becomes('the delivery to be cancelled', () => deliveryState(orderId), 'CANCELLED');
    await becomes('the stock to come back', async () => field(await rest().get(`/books/${bookId}`), 'stock'), '3');
    await becomes('the coupon to be available again', async () => field(await rest().get(`/coupons/${couponId}`), 'state'), 'REFUNDED');
    expect(await paymentOf(orderId)).to.include({ state: 'DECLINED' });
    expect(await chargesOf(orderId)).to.deep.equal([]);
  });

  it('cancelling a PAID order refunds it exactly once', async () => {
    const bookId = await newBook(0);
    const orderId = id(await placeOrder({ customerId: await newCustomer('Rae'), bookId }));
    expect(await paymentState(orderId)).to.equal('PAID');
    await rest().delete(`/orders/${orderId}`);
    await becomes('the payment to be refunded', () => paymentState(orderId), 'REFUNDED');
    await becomes('the order to show the refund', orderField(orderId, 'paymentState'), 'REFUNDED');
    expect(await refundsOf(orderId)).to.have.length(1);
    expect(await chargesOf(orderId)).to.have.length(1);
  });

  it('cancelling a PENDING order voids it, and it is never charged', async () => {
    await processor.setFaults({ outage: true });
    const orderId = id(await placeOrder({ customerId: await newCustomer('Sol'), bookId: await newBook(0) }));
    expect(await paymentState(orderId)).to.equal('PENDING');
    await rest().delete(`/orders/${orderId}`);
    await becomes('the payment to be voided', () => paymentState(orderId), 'VOIDED');
    await processor.setFaults({});
    await becomes('the order to show the void', orderField(orderId, 'paymentState'), 'VOIDED');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(await chargesOf(orderId)).to.deep.equal([]);
    expect(await paymentState(orderId)).to.equal('VOIDED');
  });

  it('a charge that timed out but went through is not charged again', async () => {
    await processor.setFaults({ latencyMs: 2_000 });
    const placed = await placeOrder({ customerId: await newCustomer('Tae'), bookId: await newBook(5) });
    expect(placed).to.include({ paymentState: 'PENDING' });
    const orderId = id(placed);
    await shop.eventually('the late charge to land', () => chargesOf(orderId), (charges) => charges.length === 1);
    await processor.setFaults({});
    await becomes('the order to be paid', orderField(orderId, 'paymentState'), 'PAID');
    expect(await chargesOf(orderId)).to.have.length(1);
  });

  it('two orders placed while payment was down, their OrderPlaced redelivered, are charged once each', async () => {
    const bookId = await newBook(10);
    const customerId = await newCustomer('Uma');
    const payment = shop.mesh.process('payment');
    await payment.stop();
    let placed: Json[];
    try {
      placed = await Promise.all([placeOrder({ customerId, bookId }), placeOrder({ customerId, bookId, quantity: 2 })]);
      expect(placed.map((entry) => entry.paymentState)).to.deep.equal(['PENDING', 'PENDING']);
      const traffic = await EventTraffic.open(shop.mesh.natsUrl);
      try {
        const again = placed.map((entry) => orderPlacedAgain(entry));
        await Promise.all([traffic.publish(...again), traffic.publish(...again), traffic.publish(...again)]);
      } finally {
        await traffic.close();
      }
    } finally {
      await payment.start();
    }
    // The edge reconnects to the restarted payment within its reconnect backoff (channel-target.ts).
    await shop.eventually('the edge to reach payment again', () => rest().get('/payments', { orderId: id(placed[0]) }).catch(() => undefined), (answer) => answer !== undefined);
    for (const entry of placed) {
      await becomes(`order ${id(entry)} to be paid`, orderField(id(entry), 'paymentState'), 'PAID');
      expect(await chargesOf(id(entry))).to.have.length(1);
      expect(((await rest().get('/payments', { orderId: id(entry) })) as { payments: Json[] }).payments).to.have.length(1);
    }
  });

  it('keeps invariants 1-9 after a seeded workload while the processor\'s faults change', async () => {
    const before = ((await rest().all('/orders', 'orders')) as Json[]).map(id).map(Number);
    const result = await runWorkload(rest(), { seed: 20261206, operations: 300, concurrency: 4, processor });
    console.log(`      workload outcomes: ${JSON.stringify(result.outcomes)}`);
    expect(result.unexpected).to.deep.equal([]);
    expect(result.outcomes.placeOrder?.['2xx']).to.be.greaterThan(20);
    await processor.setFaults({});
    const violations = await checkOnceQuiet(rest(), { acceptedOrderIds: [...before, ...result.acceptedOrderIds], processor }, 120_000);
    expect(violations).to.deep.equal([]);
  });
});

/** An OrderPlaced for an order the shop already placed, under a new event id: what a redelivery looks like to payment. */
function orderPlacedAgain(order: Json) {
  const payload: OrderPlaced = {
    orderId: Number(order.id),
    customerId: Number(order.customerId),
    bookId: Number(order.bookId),
    quantity: Number(order.quantity),
    deliveryAddress: String(order.deliveryAddress),
    amount: Number(order.amount),
    currency: String(order.currency),
  };
  return { type: orderEvents.OrderPlaced, payload, correlationId: String(order.id) };
}
