import { catalogEvents, couponEvents, customerEvents, deliveryEvents, orderEvents, paymentEvents } from '#contracts/events.js';
import type { ReceivedEvent } from '#kit/events/event.js';
import { eventHandlers, on, type EventHandler, type EventHandlers } from '#kit/events/handlers.js';
import type { Logger } from '#kit/log/log.js';
import type { MyPageProjection } from '../../app/my-page-projection.js';
import type { OrderNews } from '../../domain/events.js';
import type { MyCouponAction, MyCouponEntry } from '../../domain/my-coupon.js';
import type { KnexMyPageStore } from '../db/knex-mypage-store.js';
import { cancelReasonOf, deliveryStateOf, orderStateOf } from './news.js';

/** The replay's name: the key of this read model's stream position in its store. */
export const myPageReader = 'mypage';

interface CouponPayload {
  couponId: number;
  customerId: number;
  discount: number;
}

/**
 * The events the view is built from, and what each one changes; the replay's subscriptions follow
 * from it. BookPrepared and StockInputted are not among them: no field of a row shows them
 * (README.md, "What the view is built from").
 */
export function myPageEventHandlers(store: KnexMyPageStore, projection: MyPageProjection, log: Logger): EventHandlers {
  const bookNamed: EventHandler<{ bookId: number; bookName: string; revision: number }> = (event, trx) => {
    const { bookId, bookName, revision } = event.payload;
    return projection.whenBookNamed(store.within(trx), { bookId, bookName, revision, occurredAt: event.occurredAt });
  };
  const couponEntry =
    <T extends CouponPayload>(action: MyCouponAction, orderIdOf: (payload: T) => number | undefined): EventHandler<T> =>
    (event, trx) =>
      projection.whenCouponEvent(store.within(trx), entryOf(event, action, orderIdOf(event.payload)));
  /** Order and delivery events are news for the order's row; one with a state the view does not know is passed over. */
  const orderNews =
    <T>(news: (event: ReceivedEvent<T>) => OrderNews | undefined): EventHandler<T> =>
    async (event, trx) => {
      const known = news(event);
      if (known === undefined) log.warn({ subject: event.subject }, 'event with a state the view does not know; passed over');
      else await projection.whenOrderNews(store.within(trx), known);
    };
  return eventHandlers('mypage', [
    on(catalogEvents.BookRegistered, bookNamed),
    on(catalogEvents.BookUpdated, bookNamed),
    on(customerEvents.CustomerRegistered, (event, trx) =>
      projection.whenCustomerRegistered(store.within(trx), { customerId: event.payload.customerId, customerName: event.payload.name }),
    ),
    on(couponEvents.CouponIssued, couponEntry('ISSUED', () => undefined)),
    on(couponEvents.CouponUsed, couponEntry('USED', (payload) => payload.orderId)),
    on(couponEvents.CouponRefunded, couponEntry('REFUNDED', (payload) => payload.orderId)),
    on(couponEvents.CouponUseRejected, couponEntry('USE_REJECTED', (payload) => payload.orderId)),
    on(
      orderEvents.OrderPlaced,
      orderNews(({ payload: { orderId, customerId, bookId, quantity, couponId, amount, currency }, occurredAt }) => ({
        kind: 'OrderPlaced',
        orderId,
        customerId,
        bookId,
        quantity,
        couponId,
        amount,
        currency,
        occurredAt,
      })),
    ),
    on(
      orderEvents.OrderStateChanged,
      orderNews(({ payload: { orderId, state }, occurredAt }) => {
        const known = orderStateOf(state);
        return known === undefined ? undefined : { kind: 'OrderStateChanged', orderId, state: known, occurredAt };
      }),
    ),
    on(
      orderEvents.OrderCancelled,
      orderNews(({ payload: { orderId, couponId, reason }, occurredAt }) => ({
        kind: 'OrderCancelled',
        orderId,
        couponId,
        reason: cancelReasonOf(reason),
        occurredAt,
      })),
    ),
    on(deliveryEvents.DeliveryStarted, orderNews(({ payload: { orderId }, occurredAt }) => ({ kind: 'DeliveryStateChanged', orderId, state: 'STARTED', occurredAt }))),
    on(
      deliveryEvents.DeliveryStatusChanged,
      orderNews(({ payload: { orderId, state }, occurredAt }) => {
        const known = deliveryStateOf(state);
        return known === undefined ? undefined : { kind: 'DeliveryStateChanged', orderId, state: known, occurredAt };
      }),
    ),
    on(deliveryEvents.DeliveryCancelled, orderNews(({ payload: { orderId }, occurredAt }) => ({ kind: 'DeliveryStateChanged', orderId, state: 'CANCELLED', occurredAt }))),
    on(
      paymentEvents.PaymentCompleted,
      orderNews(({ payload: { orderId, paidTime }, occurredAt }) => ({ kind: 'PaymentChanged', orderId, state: 'PAID', paidAt: paidTime ?? occurredAt, occurredAt })),
    ),
    on(paymentEvents.PaymentDeclined, orderNews(({ payload: { orderId }, occurredAt }) => ({ kind: 'PaymentChanged', orderId, state: 'DECLINED', occurredAt }))),
    on(
      paymentEvents.PaymentRefunded,
      orderNews(({ payload: { orderId, refundedTime }, occurredAt }) => ({ kind: 'PaymentChanged', orderId, state: 'REFUNDED', refundedAt: refundedTime ?? occurredAt, occurredAt })),
    ),
    on(paymentEvents.PaymentVoided, orderNews(({ payload: { orderId }, occurredAt }) => ({ kind: 'PaymentChanged', orderId, state: 'VOIDED', occurredAt }))),
  ]);
}

/** A coupon event as its customer's history entry; every coupon event carries what the entry needs. */
function entryOf(event: ReceivedEvent<CouponPayload>, action: MyCouponAction, orderId: number | undefined): MyCouponEntry {
  return {
    eventId: event.id,
    streamSequence: event.streamSequence,
    couponId: event.payload.couponId,
    customerId: event.payload.customerId,
    action,
    orderId,
    discount: event.payload.discount,
    eventTime: event.occurredAt,
  };
}
