import { DeliveryState } from '#contracts/delivery/v1/delivery.js';
import { CancelReason } from '#contracts/events/v1/order.js';
import { MyPageServiceClient, type MyPageServiceService } from '#contracts/mypage/v1/mypage.js';
import { OrderState } from '#contracts/order/v1/order.js';
import { catalogEvents, couponEvents, customerEvents, deliveryEvents, orderEvents } from '#contracts/events.js';
import type { Knex } from '#kit/db/database.js';
import type { NewEvent } from '#kit/events/event.js';
import { replayPositionsTable } from '#kit/events/replay.js';
import { waitFor } from '#kit/process/ports.js';
import { startServiceUnderTest, type ServiceUnderTest } from '#kit-testing/service-under-test.js';
import { myPageTables } from '../src/adapters/db/migrations.js';
import { myPage, type MyPageConfig } from '../src/main.js';

/** One replica of my page in-process: the test's nats-server, a store of its own (stop() keeps it), free ports. */
export type MyPageReplica = ServiceUnderTest<MyPageConfig, typeof MyPageServiceService>;

export function startReplica(natsUrl: string, databaseUrl: string, env: Record<string, string> = {}): Promise<MyPageReplica> {
  return startServiceUnderTest(myPage, MyPageServiceClient, { natsUrl, store: { url: databaseUrl }, env });
}

/** Every row of every table of the view, and the stream position, in key order: for comparing replicas. */
export async function viewSnapshot(db: Knex): Promise<Record<string, unknown[]>> {
  const keys: Record<(typeof myPageTables)[number], string> = {
    my_pages: 'order_id',
    book_names: 'book_id',
    customer_names: 'customer_id',
    my_coupons: 'event_id',
  };
  const snapshot: Record<string, unknown[]> = {};
  for (const table of myPageTables) snapshot[table] = await db(table).select('*').orderBy(keys[table]);
  snapshot[replayPositionsTable] = await db(replayPositionsTable).select('*');
  return snapshot;
}

/**
 * Waits until `replica` shows CustomerRegistered `marker`: it applies the stream in order, so it
 * then holds every event published before the marker.
 */
export async function waitForMarker(replica: MyPageReplica, marker: number): Promise<void> {
  await waitFor(
    async () => (await replica.client.call('getMyPage', { customerId: marker, pageSize: 0, pageToken: '' })).customerName === `marker ${marker}`,
    `marker ${marker} in my page`,
    20_000,
  );
}

/** The other contexts' events, as they would publish them (the correlation id is the order id where there is one). */
export const shop = {
  bookRegistered: (bookId: number, bookName: string): NewEvent => ({
    type: catalogEvents.BookRegistered,
    payload: { bookId, bookName, price: 1500, stock: 10, revision: 1 },
    correlationId: `book-${bookId}`,
  }),
  bookUpdated: (bookId: number, bookName: string, revision: number): NewEvent => ({
    type: catalogEvents.BookUpdated,
    payload: { bookId, bookName, price: 1800, stock: 10, revision },
    correlationId: `book-${bookId}`,
  }),
  bookPrepared: (orderId: number, bookId: number, quantity: number): NewEvent => ({
    type: catalogEvents.BookPrepared,
    payload: { orderId, bookId, quantity, deliverableId: orderId },
    correlationId: String(orderId),
  }),
  customerRegistered: (customerId: number, name: string): NewEvent => ({
    type: customerEvents.CustomerRegistered,
    payload: { customerId, name },
    correlationId: `customer-${customerId}`,
  }),
  marker: (marker: number): NewEvent => shop.customerRegistered(marker, `marker ${marker}`),
  orderPlaced: (orderId: number, customerId: number, bookId: number, quantity: number, couponId?: number): NewEvent => ({
    type: orderEvents.OrderPlaced,
    payload: { orderId, customerId, bookId, quantity, deliveryAddress: 'Seoul', couponId, amount: 3000, currency: 'KRW' },
    correlationId: String(orderId),
  }),
  orderStateChanged: (orderId: number, state: OrderState): NewEvent => ({
    type: orderEvents.OrderStateChanged,
    payload: { orderId, state },
    correlationId: String(orderId),
  }),
  orderCancelled: (orderId: number, reason: CancelReason, couponId?: number): NewEvent => ({
    type: orderEvents.OrderCancelled,
    payload: { orderId, couponId, reason },
    correlationId: String(orderId),
  }),
  deliveryStarted: (orderId: number): NewEvent => ({
    type: deliveryEvents.DeliveryStarted,
    payload: { deliveryId: orderId, orderId, state: DeliveryState.STARTED },
    correlationId: String(orderId),
  }),
  deliveryStatusChanged: (orderId: number, state: DeliveryState): NewEvent => ({
    type: deliveryEvents.DeliveryStatusChanged,
    payload: { deliveryId: orderId, orderId, state },
    correlationId: String(orderId),
  }),
  deliveryCancelled: (orderId: number, previousState: DeliveryState): NewEvent => ({
    type: deliveryEvents.DeliveryCancelled,
    payload: { deliveryId: orderId, orderId, state: DeliveryState.CANCELLED, previousState },
    correlationId: String(orderId),
  }),
  couponIssued: (couponId: number, customerId: number, discount: number): NewEvent => ({
    type: couponEvents.CouponIssued,
    payload: { couponId, customerId, discount },
    correlationId: `coupon-${couponId}`,
  }),
  couponUsed: (couponId: number, customerId: number, orderId: number, discount: number): NewEvent => ({
    type: couponEvents.CouponUsed,
    payload: { couponId, customerId, orderId, discount },
    correlationId: String(orderId),
  }),
  couponRefunded: (couponId: number, customerId: number, orderId: number, discount: number): NewEvent => ({
    type: couponEvents.CouponRefunded,
    payload: { couponId, customerId, orderId, discount },
    correlationId: String(orderId),
  }),
  couponUseRejected: (couponId: number, customerId: number, orderId: number, discount: number, usedByOrderId: number): NewEvent => ({
    type: couponEvents.CouponUseRejected,
    payload: { couponId, customerId, orderId, discount, usedByOrderId },
    correlationId: String(orderId),
  }),
};

/** Whole order stories of DOMAIN.md, as events in the order their publishers would send them. */
export function deliveredStory(orderId: number, customerId: number, bookId: number): NewEvent[] {
  return [
    shop.orderPlaced(orderId, customerId, bookId, 1),
    shop.bookPrepared(orderId, bookId, 1),
    shop.deliveryStarted(orderId),
    shop.orderStateChanged(orderId, OrderState.DELIVERY_STARTED),
    shop.deliveryStatusChanged(orderId, DeliveryState.IN_TRANSIT),
    shop.orderStateChanged(orderId, OrderState.IN_TRANSIT),
    shop.deliveryStatusChanged(orderId, DeliveryState.DELIVERED),
    shop.orderStateChanged(orderId, OrderState.DELIVERED),
  ];
}

export function cancelledWithCouponStory(orderId: number, customerId: number, bookId: number, couponId: number): NewEvent[] {
  return [
    shop.couponIssued(couponId, customerId, 500),
    shop.orderPlaced(orderId, customerId, bookId, 1, couponId),
    shop.couponUsed(couponId, customerId, orderId, 500),
    shop.orderCancelled(orderId, CancelReason.CUSTOMER_REQUEST, couponId),
    shop.deliveryCancelled(orderId, DeliveryState.READY),
    shop.couponRefunded(couponId, customerId, orderId, 500),
  ];
}
