import { notFound } from '#kit/domain/errors.js';
import { checkCouponUsable } from '../domain/coupon.js';
import { cancelByCustomer, checkNewOrder, orderPlaced, type NewOrder, type Order } from '../domain/order.js';
import { checkId } from '#kit/domain/ids.js';
import type { BookLookup, Clock, CouponLookup, OrderStore } from './ports.js';

/** What a customer does: place an order, cancel it while it is ORDERED. */
export class OrderCommands {
  constructor(
    private readonly store: OrderStore,
    private readonly books: BookLookup,
    private readonly coupons: CouponLookup,
    private readonly clock: Clock,
  ) {}

  /**
   * Asks catalog (and coupon, when one is given) first and writes only once both answered, so a
   * callee that is down or slow leaves nothing behind. Missing stock does not block the order.
   */
  async placeOrder(input: NewOrder): Promise<Order> {
    const valid = checkNewOrder(input);
    const [bookExists, coupon] = await Promise.all([
      this.books.bookExists(valid.bookId),
      valid.couponId === undefined ? undefined : this.coupons.coupon(valid.couponId),
    ]);
    if (!bookExists) throw notFound(`book ${valid.bookId}`);
    if (valid.couponId !== undefined) {
      if (coupon === undefined) throw notFound(`coupon ${valid.couponId}`);
      checkCouponUsable(coupon, valid.customerId);
    }
    return this.store.transaction(async (tx) => {
      const order = await tx.addOrder(valid, this.clock.now());
      await tx.record([orderPlaced(order)]);
      return order;
    });
  }

  async cancelOrder(id: number): Promise<Order> {
    checkId('id', id);
    return await this.store.transaction(async (tx) => {
      const order = await tx.orderForUpdate(id);
      if (order === undefined) throw notFound(`order ${id}`);
      const { order: cancelled, events } = cancelByCustomer(order, this.clock.now());
      await tx.saveOrder(cancelled);
      await tx.record(events);
      return cancelled;
    });
  }
}
