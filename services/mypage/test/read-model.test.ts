import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { DeliveryState } from '#contracts/delivery/v1/delivery.js';
import { CancelReason as EventCancelReason } from '#contracts/events/v1/order.js';
import { MyCouponAction, type MyPageRow } from '#contracts/mypage/v1/mypage.js';
import { CancelReason, OrderState } from '#contracts/order/v1/order.js';
import { GrpcError } from '#kit/grpc/grpc-error.js';
import { EventTraffic } from '#kit-testing/event-traffic.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { waitFor } from '#kit/process/ports.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { createTestStore } from '#kit-testing/stores.js';
import { cancelledWithCouponStory, deliveredStory, shop, startReplica, waitForMarker, type MyPageReplica } from './support.js';

describe('my page built from real events', function () {
  this.timeout(60_000);
  let nats: NatsServer;
  let store: TestDatabase;
  let mypage: MyPageReplica;
  let traffic: EventTraffic;

  before(async () => {
    nats = await NatsServer.start();
    store = await createTestStore('sqlite', 'mypage');
    mypage = await startReplica(nats.url, store.url);
    traffic = await EventTraffic.open(nats.url);
  });

  after(async () => {
    await traffic.close();
    await mypage.stop();
    await store.drop();
    await nats.stop();
  });

  const rowsOf = async (customerId: number): Promise<MyPageRow[]> =>
    (await mypage.client.call('listMyPages', { customerId, pageSize: 100, pageToken: '' })).rows;
  const rowOf = async (customerId: number, orderId: number): Promise<MyPageRow | undefined> =>
    (await rowsOf(customerId)).find((row) => row.orderId === orderId);
  const until = (what: string, check: () => Promise<boolean>): Promise<void> => waitFor(check, what, 20_000);
  const states = (row: MyPageRow | undefined): string => (row === undefined ? 'none' : `${OrderState[row.orderState]}/${DeliveryState[row.deliveryState]}`);
  const historyOf = async (customerId: number): Promise<string[]> =>
    (await mypage.client.call('listMyCoupons', { customerId, pageSize: 100, pageToken: '' })).entries.map(
      (entry) => `${MyCouponAction[entry.action]} ${entry.couponId}${entry.orderId === undefined ? '' : ` by ${entry.orderId}`}`,
    );

  it('follows an order from placed to delivered, step by step', async () => {
    await traffic.publish(shop.bookRegistered(1, 'London Tour'), shop.customerRegistered(7, 'Ann'));
    // Two events a step: placed and prepared, then each delivery change and the order's after it.
    const story = deliveredStory(1001, 7, 1);
    for (const [step, expected] of ['ORDERED/READY', 'DELIVERY_STARTED/STARTED', 'IN_TRANSIT/IN_TRANSIT', 'DELIVERED/DELIVERED'].entries()) {
      await traffic.publish(...story.slice(2 * step, 2 * step + 2));
      await until(expected, async () => states(await rowOf(7, 1001)) === expected);
    }

    const myPage = await mypage.client.call('getMyPage', { customerId: 7, pageSize: 0, pageToken: '' });
    expect(myPage).to.deep.include({ customerId: 7, customerName: 'Ann', nextPageToken: '' });
    expect(myPage.rows).to.have.length(1);
    expect(myPage.rows[0]).to.deep.include({
      orderId: 1001,
      customerId: 7,
      bookId: 1,
      bookName: 'London Tour',
      quantity: 1,
      orderState: OrderState.DELIVERED,
      deliveryState: DeliveryState.DELIVERED,
      couponId: undefined,
      cancelReason: undefined,
    });
    expect(myPage.rows[0]?.updateTime).to.be.instanceOf(Date);
  });

  it('keeps DELIVERED when an older state arrives late', async () => {
    await traffic.publish(shop.orderStateChanged(1001, OrderState.DELIVERY_STARTED), shop.deliveryStatusChanged(1001, DeliveryState.IN_TRANSIT), shop.marker(900_001));
    await waitForMarker(mypage, 900_001);
    expect(states(await rowOf(7, 1001))).to.equal('DELIVERED/DELIVERED');
  });

  it('shows a cancelled order whose coupon was used, then refunded', async () => {
    await traffic.publish(...cancelledWithCouponStory(1002, 8, 1, 51));

    await until('the refund in the history', async () => (await historyOf(8)).length === 3);
    expect(await historyOf(8)).to.deep.equal(['ISSUED 51', 'USED 51 by 1002', 'REFUNDED 51 by 1002']);
    const row = await rowOf(8, 1002);
    expect(row).to.deep.include({
      orderState: OrderState.CANCELLED,
      deliveryState: DeliveryState.CANCELLED,
      couponId: 51,
      cancelReason: CancelReason.CUSTOMER_REQUEST,
    });
    const [entry] = (await mypage.client.call('listMyCoupons', { customerId: 8, pageSize: 1, pageToken: '' })).entries;
    expect(entry).to.deep.include({ couponId: 51, customerId: 8, action: MyCouponAction.ISSUED, orderId: undefined, discount: 500 });
  });

  it('shows a coupon use rejected because another order used it first, and that order cancelled', async () => {
    await traffic.publish(
      shop.couponIssued(52, 9, 300),
      shop.orderPlaced(1003, 9, 1, 1, 52),
      shop.orderPlaced(1004, 9, 1, 2, 52),
      shop.couponUsed(52, 9, 1003, 300),
      shop.couponUseRejected(52, 9, 1004, 300, 1003),
      shop.orderCancelled(1004, EventCancelReason.COUPON_ALREADY_USED, 52),
      shop.deliveryCancelled(1004, DeliveryState.READY),
    );

    await until('the rejected order cancelled', async () => (await rowOf(9, 1004))?.deliveryState === DeliveryState.CANCELLED);
    expect(await historyOf(9)).to.deep.equal(['ISSUED 52', 'USED 52 by 1003', 'USE_REJECTED 52 by 1004']);
    expect(await rowOf(9, 1003)).to.deep.include({ orderState: OrderState.ORDERED, couponId: 52, cancelReason: undefined });
    expect(await rowOf(9, 1004)).to.deep.include({ orderState: OrderState.CANCELLED, couponId: 52, cancelReason: CancelReason.COUPON_ALREADY_USED });
  });

  it('fills in a book name that arrives after the order, and renames every row of the book', async () => {
    await traffic.publish(shop.orderPlaced(1005, 10, 2, 1), shop.orderPlaced(1006, 11, 2, 1));
    await until('both rows', async () => (await rowOf(11, 1006)) !== undefined);
    expect((await rowOf(10, 1005))?.bookName).to.equal('');

    await traffic.publish(shop.bookRegistered(2, 'Paris Tour'));
    await until('the name filled in', async () => (await rowOf(10, 1005))?.bookName === 'Paris Tour');

    await traffic.publish(shop.bookUpdated(2, 'Paris Tour, 2nd ed.', 2));
    await until('both rows renamed', async () =>
      (await rowOf(10, 1005))?.bookName === 'Paris Tour, 2nd ed.' && (await rowOf(11, 1006))?.bookName === 'Paris Tour, 2nd ed.');
  });

  it('lists every customer a page at a time', async () => {
    const seen: number[] = [];
    let pageToken = '';
    do {
      const page = await mypage.client.call('listMyPages', { customerId: 0, pageSize: 2, pageToken });
      seen.push(...page.rows.map((row) => row.orderId));
      pageToken = page.nextPageToken;
    } while (pageToken !== '');
    expect(seen).to.deep.equal([1001, 1002, 1003, 1004, 1005, 1006]);
  });

  it('refuses bad input with INVALID_ARGUMENT naming the field, and answers an unknown customer with an empty page', async () => {
    const failure = async (call: Promise<unknown>): Promise<GrpcError> => {
      const error = await call.then(() => undefined, (caught: unknown) => caught);
      if (!(error instanceof GrpcError)) throw new Error(`expected a GrpcError, got ${String(error)}`);
      return error;
    };
    const badCustomer = await failure(mypage.client.call('getMyPage', { customerId: 0, pageSize: 0, pageToken: '' }));
    expect(badCustomer.code).to.equal(status.INVALID_ARGUMENT);
    expect(badCustomer.message).to.contain('customerId');
    const badSize = await failure(mypage.client.call('listMyCoupons', { customerId: 7, pageSize: 500, pageToken: '' }));
    expect(badSize.code).to.equal(status.INVALID_ARGUMENT);
    expect(badSize.message).to.contain('pageSize');
    const badToken = await failure(mypage.client.call('listMyPages', { customerId: 0, pageSize: 1, pageToken: 'bogus' }));
    expect(badToken.message).to.contain('pageToken');

    expect(await mypage.client.call('getMyPage', { customerId: 4242, pageSize: 0, pageToken: '' })).to.deep.equal({
      customerId: 4242,
      customerName: '',
      rows: [],
      nextPageToken: '',
    });
  });
});
