import { notFound } from '#kit/domain/errors.js';
import type { Logger } from '#kit/log/log.js';
import { checkCouponUsable } from '../domain/coupon.js';
import { answerRetry, cancelByCustomer, checkNewOrder, orderPlaced, type NewOrder, type Order } from '../domain/order.js';
import { recordPayment, type PaymentState } from '../domain/payment.js';
import { priceOrder } from '../domain/pricing.js';
import { checkId } from '#kit/domain/ids.js';
import type { BookLookup, Clock, CouponLookup, OrderStore, Payments, PlacedByRequest } from './ports.js';

/** What a customer does: place an order, cancel it while it is ORDERED. */
export class OrderCommands {
  constructor(
    private readonly store: OrderStore,
    private readonly books: BookLookup,
    private readonly coupons: CouponLookup,
    private readonly payments: Payments,
    private readonly clock: Clock,
    /** ISO 4217 code of the shop's currency (SHOP_CURRENCY). */
    private readonly currency: string,
    private readonly log: Logger,
  ) {}

  /**
   * Asks catalog (and coupon, when one is given) first and writes only once both answered, so a
   * callee that is down or slow leaves nothing behind. Missing stock does not block the order.
   * A retry (a requestId the customer used before) gets the order placed then, before any lookup
   * (its coupon may be USED by now); of concurrent placements with one key, the store's unique
   * index lets one write and the others return its order.
   * The order is priced from catalog's answer, written PENDING with OrderPlaced, then paid: Pay's
   * answer is recorded as payment's events would record it (PAID, or DECLINED which cancels the
   * order); an unreachable payment leaves it PENDING, and payment settles it from OrderPlaced.
   * Once the order is committed, the placement succeeds: a store that fails while Pay's answer is
   * recorded leaves that to payment's events.
   */
  async placeOrder(input: NewOrder): Promise<Order> {
    const valid = checkNewOrder(input);
    const earlier = await placedBefore(this.store, valid);
    if (earlier !== undefined) return earlier;
    const [price, coupon] = await Promise.all([
      this.books.bookPrice(valid.bookId),
      valid.couponId === undefined ? undefined : this.coupons.coupon(valid.couponId),
    ]);
    if (price === undefined) throw notFound('book', valid.bookId);
    if (valid.couponId !== undefined) {
      if (coupon === undefined) throw notFound('coupon', valid.couponId);
      checkCouponUsable(coupon, valid.customerId);
    }
    const priced = priceOrder(valid, price, coupon?.discount ?? 0, this.currency);
    const placed = await this.store.transaction(async (tx) => {
      const order = await tx.addOrder(priced, this.clock.now());
      if (order === undefined) return { order: await placedConcurrently(tx, valid), isNew: false };
      await tx.record([orderPlaced(order)]);
      return { order, isNew: true };
    });
    if (!placed.isNew) return placed.order;
    const paymentState = await this.payments.pay(placed.order);
    if (paymentState === 'PENDING') return placed.order;
    try {
      return await this.recordPayAnswer(placed.order.id, paymentState);
    } catch (error) {
      // The order is committed: answering a failure would hide it from its customer. Pay's answer
      // is only an early copy of payment's events, which bring the same state to the order.
      this.log.warn({ err: error, orderId: placed.order.id }, `order ${placed.order.id} placed; Pay's answer not recorded, payment's events will bring it`);
      return placed.order;
    }
  }

  private recordPayAnswer(orderId: number, paymentState: PaymentState): Promise<Order> {
    return this.store.transaction(async (tx) => {
      const order = await tx.orderForUpdate(orderId);
      if (order === undefined) throw new Error(`order ${orderId} vanished after it was placed`);
      const decision = recordPayment(order, paymentState, this.clock.now());
      if (decision.order === order) return order;
      await tx.saveOrder(decision.order);
      await tx.record(decision.events);
      return decision.order;
    });
  }

  async cancelOrder(id: number): Promise<Order> {
    checkId('id', id);
    return await this.store.transaction(async (tx) => {
      const order = await tx.orderForUpdate(id);
      if (order === undefined) throw notFound('order', id);
      const { order: cancelled, events } = cancelByCustomer(order, this.clock.now());
      await tx.saveOrder(cancelled);
      await tx.record(events);
      return cancelled;
    });
  }
}

/** The order an earlier PlaceOrder with the same customer and requestId placed, if any. */
async function placedBefore(store: PlacedByRequest, order: NewOrder): Promise<Order | undefined> {
  if (order.requestId === undefined) return undefined;
  const earlier = await store.orderPlacedWith(order.customerId, order.requestId);
  return earlier === undefined ? undefined : answerRetry(earlier, order, order.requestId);
}

/** The order of the placement with the same key that committed while this one ran. */
async function placedConcurrently(tx: PlacedByRequest, order: NewOrder): Promise<Order> {
  const winner = await placedBefore(tx, order);
  if (winner === undefined) throw new Error(`order of customer ${order.customerId} with requestId ${order.requestId ?? ''} was refused but not found`);
  return winner;
}
