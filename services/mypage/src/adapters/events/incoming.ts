import { catalogEvents, couponEvents, customerEvents, deliveryEvents, orderEvents, paymentEvents } from '#kit/contracts/events.js';
import type { Knex } from '#kit/db/database.js';
import { isEvent, type EventType, type ReceivedEvent } from '#kit/events/event.js';
import type { Logger } from '#kit/log/log.js';
import type { MyPageProjection } from '../../app/my-page-projection.js';
import type { OrderNews } from '../../domain/events.js';
import type { MyCouponAction, MyCouponEntry } from '../../domain/my-coupon.js';
import type { KnexMyPageStore } from '../db/knex-mypage-store.js';
import { cancelReasonOf, deliveryStateOf, optionalId, orderStateOf } from './news.js';

/** The replay's name: the key of this read model's stream position in its store. */
export const myPageReader = 'mypage';

/**
 * The events the view is built from. BookPrepared and StockInputted are not among them: no field of
 * a row shows them (README.md, "What the view is built from").
 */
export const myPageSubscriptions: EventType<unknown>[] = [
  catalogEvents.BookRegistered,
  catalogEvents.BookUpdated,
  orderEvents.OrderPlaced,
  orderEvents.OrderStateChanged,
  orderEvents.OrderCancelled,
  deliveryEvents.DeliveryStarted,
  deliveryEvents.DeliveryStatusChanged,
  deliveryEvents.DeliveryCancelled,
  couponEvents.CouponIssued,
  couponEvents.CouponUsed,
  couponEvents.CouponRefunded,
  couponEvents.CouponUseRejected,
  customerEvents.CustomerRegistered,
  paymentEvents.PaymentCompleted,
  paymentEvents.PaymentDeclined,
  paymentEvents.PaymentRefunded,
  paymentEvents.PaymentVoided,
] as EventType<unknown>[];

/** Applies one event to the view in the replay's transaction. */
export function myPageEventHandler(store: KnexMyPageStore, projection: MyPageProjection, log: Logger) {
  return async (event: ReceivedEvent, trx: Knex.Transaction): Promise<void> => {
    const tx = store.within(trx);
    if (isEvent(event, catalogEvents.BookRegistered) || isEvent(event, catalogEvents.BookUpdated)) {
      const { bookId, bookName, revision } = event.payload;
      await projection.whenBookNamed(tx, { bookId, bookName, revision, occurredAt: event.occurredAt });
      return;
    }
    if (isEvent(event, customerEvents.CustomerRegistered)) {
      await projection.whenCustomerRegistered(tx, { customerId: event.payload.customerId, customerName: event.payload.name });
      return;
    }
    const entry = couponEntry(event);
    if (entry !== undefined) {
      await projection.whenCouponEvent(tx, entry);
      return;
    }
    const news = orderNews(event);
    if (news !== undefined) await projection.whenOrderNews(tx, news);
    else log.warn({ subject: event.subject }, 'event with a state the view does not know; passed over');
  };
}

/** A coupon event as its customer's history entry; every coupon event carries what the entry needs. */
function couponEntry(event: ReceivedEvent): MyCouponEntry | undefined {
  const entry = (action: MyCouponAction, payload: { couponId: number; customerId: number; discount: number }, orderId: number | undefined): MyCouponEntry => ({
    eventId: event.id,
    streamSequence: event.streamSequence,
    couponId: payload.couponId,
    customerId: payload.customerId,
    action,
    orderId,
    discount: payload.discount,
    eventTime: event.occurredAt,
  });
  if (isEvent(event, couponEvents.CouponIssued)) return entry('ISSUED', event.payload, undefined);
  if (isEvent(event, couponEvents.CouponUsed)) return entry('USED', event.payload, event.payload.orderId);
  if (isEvent(event, couponEvents.CouponRefunded)) return entry('REFUNDED', event.payload, event.payload.orderId);
  if (isEvent(event, couponEvents.CouponUseRejected)) return entry('USE_REJECTED', event.payload, event.payload.orderId);
  return undefined;
}

/** An order's or its delivery's event as news for its row; undefined when it carries a state the view does not know. */
function orderNews(event: ReceivedEvent): OrderNews | undefined {
  const occurredAt = event.occurredAt;
  if (isEvent(event, orderEvents.OrderPlaced)) {
    const { orderId, customerId, bookId, quantity, couponId, amount, currency } = event.payload;
    return { kind: 'OrderPlaced', orderId, customerId, bookId, quantity, couponId: optionalId(couponId), amount, currency, occurredAt };
  }
  if (isEvent(event, orderEvents.OrderStateChanged)) {
    const state = orderStateOf(event.payload.state);
    return state === undefined ? undefined : { kind: 'OrderStateChanged', orderId: event.payload.orderId, state, occurredAt };
  }
  if (isEvent(event, orderEvents.OrderCancelled)) {
    const { orderId, couponId, reason } = event.payload;
    return { kind: 'OrderCancelled', orderId, couponId: optionalId(couponId), reason: cancelReasonOf(reason), occurredAt };
  }
  if (isEvent(event, deliveryEvents.DeliveryStarted)) {
    return { kind: 'DeliveryStateChanged', orderId: event.payload.orderId, state: 'STARTED', occurredAt };
  }
  if (isEvent(event, deliveryEvents.DeliveryCancelled)) {
    return { kind: 'DeliveryStateChanged', orderId: event.payload.orderId, state: 'CANCELLED', occurredAt };
  }
  if (isEvent(event, deliveryEvents.DeliveryStatusChanged)) {
    const state = deliveryStateOf(event.payload.state);
    return state === undefined ? undefined : { kind: 'DeliveryStateChanged', orderId: event.payload.orderId, state, occurredAt };
  }
  return paymentNews(event);
}

/** A payment event as news for its order's row. */
function paymentNews(event: ReceivedEvent): OrderNews | undefined {
  const occurredAt = event.occurredAt;
  if (isEvent(event, paymentEvents.PaymentCompleted)) {
    return { kind: 'PaymentChanged', orderId: event.payload.orderId, state: 'PAID', paidAt: event.payload.paidTime ?? occurredAt, occurredAt };
  }
  if (isEvent(event, paymentEvents.PaymentRefunded)) {
    return { kind: 'PaymentChanged', orderId: event.payload.orderId, state: 'REFUNDED', refundedAt: event.payload.refundedTime ?? occurredAt, occurredAt };
  }
  if (isEvent(event, paymentEvents.PaymentDeclined)) return { kind: 'PaymentChanged', orderId: event.payload.orderId, state: 'DECLINED', occurredAt };
  if (isEvent(event, paymentEvents.PaymentVoided)) return { kind: 'PaymentChanged', orderId: event.payload.orderId, state: 'VOIDED', occurredAt };
  return undefined;
}
