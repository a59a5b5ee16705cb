import { expect } from 'chai';
import { CouponState, type Coupon } from '#contracts/coupon/v1/coupon.js';
import { CancelReason } from '#contracts/events/v1/order.js';
import { couponEvents, orderEvents } from '#contracts/events.js';
import type { ReceivedEvent } from '#kit/events/event.js';
import { EventTraffic } from '#kit-testing/event-traffic.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { storeKinds } from '#kit-testing/stores.js';
import { startCouponReplica, startCouponUnderTest, type CouponUnderTest } from './support.js';

const orderPlaced = (orderId: number, customerId: number, couponId: number | undefined) => ({
  type: orderEvents.OrderPlaced,
  payload: { orderId, customerId, bookId: 1, quantity: 1, deliveryAddress: 'Seoul', couponId, amount: 1500, currency: 'KRW' },
  correlationId: String(orderId),
});
const orderCancelled = (orderId: number, couponId: number, reason = CancelReason.CUSTOMER_REQUEST) => ({
  type: orderEvents.OrderCancelled,
  payload: { orderId, couponId, reason },
  correlationId: String(orderId),
});

for (const kind of storeKinds) {
  describe(`coupon policies driven by real events, on ${kind}`, function () {
    this.timeout(60_000);
    let nats: NatsServer;
    let coupon: CouponUnderTest;
    let traffic: EventTraffic;
    let published: ReceivedEvent[];

    before(async () => {
      nats = await NatsServer.start();
      coupon = await startCouponUnderTest(nats.url, kind);
      traffic = await EventTraffic.open(nats.url);
      published = await traffic.watch([couponEvents.CouponUsed, couponEvents.CouponUseRejected, couponEvents.CouponRefunded]);
    });

    after(async () => {
      await traffic.close();
      await coupon.stop();
      await nats.stop();
    });

    const issue = async (customerId: number, discount = 500): Promise<number> =>
      (await coupon.client.call('issueCoupon', { customerId, discount })).id;
    const couponOf = (id: number): Promise<Coupon> => coupon.client.call('getCoupon', { id });
    const eventsOfOrder = (orderId: number): string[] =>
      published.filter((event) => (event.payload as { orderId: number }).orderId === orderId).map((event) => event.type.name);
    const used = (orderId: number) => EventTraffic.next(published, couponEvents.CouponUsed, (payload) => payload.orderId === orderId);
    const rejected = (orderId: number) => EventTraffic.next(published, couponEvents.CouponUseRejected, (payload) => payload.orderId === orderId);
    const refunded = (orderId: number) => EventTraffic.next(published, couponEvents.CouponRefunded, (payload) => payload.orderId === orderId);

    it('uses an available coupon for the order that names it and publishes CouponUsed', async () => {
      const id = await issue(11, 700);
      await traffic.publish(orderPlaced(1101, 11, id));
      const event = await used(1101);
      expect(event.payload).to.deep.equal({ couponId: id, customerId: 11, orderId: 1101, discount: 700 });
      expect(event.correlationId).to.equal('1101');
      expect(await couponOf(id)).to.include({ state: CouponState.USED, orderId: 1101 });
    });

    it('rejects a second order naming the coupon, which stays USED by the first', async () => {
      const id = await issue(12);
      await traffic.publish(orderPlaced(1201, 12, id), orderPlaced(1202, 12, id));
      await used(1201);
      const rejection = await rejected(1202);
      expect(rejection.payload).to.deep.equal({ couponId: id, customerId: 12, orderId: 1202, discount: 500, usedByOrderId: 1201 });
      expect(rejection.correlationId).to.equal('1202');
      expect(await couponOf(id)).to.include({ state: CouponState.USED, orderId: 1201 });
      expect(eventsOfOrder(1202)).to.deep.equal(['CouponUseRejected']);
    });

    it('refunds the coupon when the order that used it is cancelled, and leaves it alone for the rejected order', async () => {
      const id = await issue(14, 900);
      await traffic.publish(orderPlaced(1401, 14, id), orderPlaced(1402, 14, id));
      await rejected(1402);
      // The order context cancels the rejected order; the coupon stays with 1401 ...
      await traffic.publish(orderCancelled(1402, id, CancelReason.COUPON_ALREADY_USED));
      // ... until 1401 itself is cancelled.
      await traffic.publish(orderCancelled(1401, id));
      const refund = await refunded(1401);
      expect(refund.payload).to.deep.equal({ couponId: id, customerId: 14, orderId: 1401, discount: 900 });
      expect(refund.correlationId).to.equal('1401');
      expect(await couponOf(id)).to.include({ state: CouponState.REFUNDED, orderId: 1401 });
      expect(eventsOfOrder(1402)).to.deep.equal(['CouponUseRejected']);
    });

    it('lets a new order of the same customer use a refunded coupon', async () => {
      const id = await issue(15);
      await traffic.publish(orderPlaced(1501, 15, id), orderCancelled(1501, id));
      await refunded(1501);
      await traffic.publish(orderPlaced(1502, 15, id));
      await used(1502);
      expect(await couponOf(id)).to.include({ state: CouponState.USED, orderId: 1502 });
    });

    it('does not let an order whose OrderCancelled arrived first use the coupon', async () => {
      const id = await issue(16);
      await traffic.publish(orderCancelled(1601, id));
      await traffic.publish(orderPlaced(1601, 16, id));
      // The coupon is still available: the next order gets it.
      await traffic.publish(orderPlaced(1602, 16, id));
      await used(1602);
      expect(eventsOfOrder(1601)).to.deep.equal([]);
      expect(await couponOf(id)).to.include({ state: CouponState.USED, orderId: 1602 });
    });

    it('rejects an order naming an unknown coupon or another customer\'s, and ignores orders without one', async () => {
      const id = await issue(17);
      await traffic.publish(orderPlaced(1700, 17, undefined), orderPlaced(1701, 17, 987_654), orderPlaced(1702, 99, id));
      expect((await rejected(1701)).payload).to.deep.equal({ couponId: 987_654, customerId: 17, orderId: 1701, discount: 0, usedByOrderId: undefined });
      expect((await rejected(1702)).payload).to.include({ couponId: id, customerId: 17, usedByOrderId: undefined });
      await traffic.publish(orderPlaced(1703, 17, id));
      await used(1703);
      expect(eventsOfOrder(1700)).to.deep.equal([]);
    });
  });
}

describe('coupon policies with two replicas on one PostgreSQL store', function () {
  this.timeout(60_000);
  let nats: NatsServer;
  let coupon: CouponUnderTest;
  let secondReplica: CouponUnderTest;
  let traffic: EventTraffic;
  let published: ReceivedEvent[];

  before(async () => {
    nats = await NatsServer.start();
    coupon = await startCouponUnderTest(nats.url, 'postgres');
    secondReplica = await startCouponReplica(nats.url, coupon.databaseUrl);
    traffic = await EventTraffic.open(nats.url);
    published = await traffic.watch([couponEvents.CouponUsed, couponEvents.CouponUseRejected]);
  });

  after(async () => {
    await traffic.close();
    await secondReplica.stop();
    await coupon.stop();
    await nats.stop();
  });

  it('lets exactly one of many orders placed at once keep the coupon', async () => {
    const { id } = await coupon.client.call('issueCoupon', { customerId: 21, discount: 100 });
    const orders = Array.from({ length: 40 }, (_, index) => 2100 + index);
    await traffic.publish(...orders.map((orderId) => orderPlaced(orderId, 21, id)));
    const outcomes = await Promise.all(
      orders.map((orderId) =>
        Promise.race([
          EventTraffic.next(published, couponEvents.CouponUsed, (payload) => payload.orderId === orderId),
          EventTraffic.next(published, couponEvents.CouponUseRejected, (payload) => payload.orderId === orderId),
        ]),
      ),
    );
    const winners = outcomes.filter((event) => event.type === couponEvents.CouponUsed).map((event) => (event.payload as { orderId: number }).orderId);
    expect(winners).to.have.length(1);
    const holder = await coupon.client.call('getCoupon', { id });
    expect(holder).to.include({ state: CouponState.USED, orderId: winners[0] });
    for (const event of outcomes.filter((outcome) => outcome.type === couponEvents.CouponUseRejected)) {
      expect(event.payload).to.include({ usedByOrderId: winners[0] });
    }
  });
});
