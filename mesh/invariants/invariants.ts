import { DeliverableState } from '#contracts/catalog/v1/catalog.js';
import { CouponState } from '#contracts/coupon/v1/coupon.js';
import { DeliveryState } from '#contracts/delivery/v1/delivery.js';
import { MyCouponAction } from '#contracts/mypage/v1/mypage.js';
import { CancelReason, OrderState, PaymentState } from '#contracts/order/v1/order.js';
import { paymentInvariants } from './payment-invariants.js';
import type { ShopSnapshot } from './snapshot.js';

/** One broken rule: which invariant of DOMAIN.md, and what exactly is wrong. */
export interface Violation {
  /** 1-9 as DOMAIN.md numbers them; 10: the contexts agree on each order's progress (this project's own). */
  invariant: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10;
  message: string;
}

export interface InvariantOptions {
  /** Orders the caller saw accepted; each must exist exactly once, and no other order may. */
  acceptedOrderIds?: readonly number[];
}

/**
 * DOMAIN.md's nine invariants (6-9, money and payment, in payment-invariants.ts), plus (10) the
 * contexts agreeing on each order's progress, over a snapshot taken once the shop is quiet. Pure:
 * give it any snapshot.
 */
export function checkInvariants(shop: ShopSnapshot, options: InvariantOptions = {}): Violation[] {
  return [
    ...everyOrderOnce(shop, options.acceptedOrderIds),
    ...stockConserved(shop),
    ...couponsUsedOnce(shop),
    ...cancellationsComplete(shop),
    ...myPagesMatch(shop),
    ...paymentInvariants(shop),
    ...contextsAgree(shop),
  ];
}

const byOrder = <T extends { orderId: number }>(items: readonly T[]): Map<number, T[]> => {
  const map = new Map<number, T[]>();
  for (const item of items) map.set(item.orderId, [...(map.get(item.orderId) ?? []), item]);
  return map;
};

function everyOrderOnce(shop: ShopSnapshot, accepted: readonly number[] | undefined): Violation[] {
  const violations: Violation[] = [];
  const say = (message: string): void => {
    violations.push({ invariant: 1, message });
  };
  const count = new Map<number, number>();
  for (const order of shop.orders) count.set(order.id, (count.get(order.id) ?? 0) + 1);
  for (const [id, times] of count) if (times > 1) say(`order ${id} exists ${times} times`);
  if (accepted !== undefined) {
    const acceptedSet = new Set(accepted);
    for (const id of acceptedSet) if (!count.has(id)) say(`accepted order ${id} does not exist`);
    for (const id of count.keys()) if (!acceptedSet.has(id)) say(`order ${id} exists but was never accepted`);
  }
  const deliveries = byOrder(shop.deliveries);
  const deliverables = byOrder(shop.deliverables);
  for (const order of shop.orders) {
    const d = deliveries.get(order.id)?.length ?? 0;
    const p = deliverables.get(order.id)?.length ?? 0;
    if (d !== 1) say(`order ${order.id} has ${d} deliveries`);
    if (p !== 1) say(`order ${order.id} has ${p} deliverables`);
  }
  for (const orderId of [...deliveries.keys(), ...deliverables.keys()]) {
    if (!count.has(orderId)) say(`a delivery or deliverable names order ${orderId}, which does not exist`);
  }
  return violations;
}

function stockConserved(shop: ShopSnapshot): Violation[] {
  return shop.books.flatMap((book) => {
    const inputs = shop.stockInputs.filter((input) => input.bookId === book.id).reduce((sum, input) => sum + input.quantity, 0);
    const prepared = shop.deliverables
      .filter((deliverable) => deliverable.bookId === book.id && deliverable.state === DeliverableState.PREPARED)
      .reduce((sum, deliverable) => sum + deliverable.quantity, 0);
    const supplied = book.initialStock + inputs;
    const accounted = book.stock + prepared;
    return supplied === accounted && book.stock >= 0
      ? []
      : [{ invariant: 2 as const, message: `book ${book.id}: initial ${book.initialStock} + inputs ${inputs} = ${supplied}, but stock ${book.stock} + prepared ${prepared} = ${accounted}` }];
  });
}

function couponsUsedOnce(shop: ShopSnapshot): Violation[] {
  const violations: Violation[] = [];
  const say = (message: string): void => {
    violations.push({ invariant: 3, message });
  };
  for (const coupon of shop.coupons) {
    const orders = shop.orders.filter((order) => order.couponId === coupon.id);
    const holding = orders.filter((order) => order.state !== OrderState.CANCELLED);
    if (holding.length > 1) say(`coupon ${coupon.id} is held by orders ${holding.map((order) => order.id).join(', ')}`);
    const [holder] = holding;
    if (holder !== undefined && (coupon.state !== CouponState.USED || coupon.orderId !== holder.id)) {
      say(`coupon ${coupon.id} is ${CouponState[coupon.state]} for order ${coupon.orderId}, but order ${holder.id} holds it`);
    }
    if (coupon.state === CouponState.USED && holder === undefined) {
      say(`coupon ${coupon.id} is USED by order ${coupon.orderId}, which does not hold it (cancelled or missing)`);
    }
    for (const order of orders) {
      if (order.cancelReason === CancelReason.COUPON_ALREADY_USED && coupon.orderId === order.id) {
        say(`coupon ${coupon.id} names order ${order.id}, which was cancelled because the coupon was taken`);
      }
    }
  }
  return violations;
}

function cancellationsComplete(shop: ShopSnapshot): Violation[] {
  const deliveries = byOrder(shop.deliveries);
  const deliverables = byOrder(shop.deliverables);
  return shop.orders
    .filter((order) => order.state === OrderState.CANCELLED)
    .flatMap((order) => {
      const delivery = deliveries.get(order.id)?.[0];
      const deliverable = deliverables.get(order.id)?.[0];
      const wrong: Violation[] = [];
      if (delivery?.state !== DeliveryState.CANCELLED) {
        wrong.push({ invariant: 4, message: `cancelled order ${order.id} has delivery ${delivery === undefined ? 'missing' : DeliveryState[delivery.state]}` });
      }
      if (deliverable?.state !== DeliverableState.CANCELLED) {
        wrong.push({ invariant: 4, message: `cancelled order ${order.id} has deliverable ${deliverable === undefined ? 'missing' : DeliverableState[deliverable.state]}` });
      }
      return wrong;
    });
}

function myPagesMatch(shop: ShopSnapshot): Violation[] {
  const violations: Violation[] = [];
  const say = (message: string): void => {
    violations.push({ invariant: 5, message });
  };
  const rows = new Map(shop.myPageRows.map((row) => [row.orderId, row]));
  const deliveries = byOrder(shop.deliveries);
  const books = new Map(shop.books.map((book) => [book.id, book]));
  for (const order of shop.orders) {
    const row = rows.get(order.id);
    if (row === undefined) {
      say(`order ${order.id} has no my page row`);
      continue;
    }
    const delivery = deliveries.get(order.id)?.[0];
    const expected = {
      customerId: order.customerId,
      bookId: order.bookId,
      bookName: books.get(order.bookId)?.bookName ?? '',
      quantity: order.quantity,
      couponId: order.couponId,
      orderState: OrderState[order.state],
      deliveryState: delivery === undefined ? 'missing' : DeliveryState[delivery.state],
      amount: order.amount,
      paymentState: PaymentState[order.paymentState],
    };
    const actual = {
      customerId: row.customerId,
      bookId: row.bookId,
      bookName: row.bookName,
      quantity: row.quantity,
      couponId: row.couponId,
      orderState: OrderState[row.orderState],
      deliveryState: DeliveryState[row.deliveryState],
      amount: row.amount,
      paymentState: PaymentState[row.paymentState],
    };
    for (const key of Object.keys(expected) as (keyof typeof expected)[]) {
      if (expected[key] !== actual[key]) say(`my page row of order ${order.id}: ${key} is ${String(actual[key])}, the owner says ${String(expected[key])}`);
    }
  }
  const orderIds = new Set(shop.orders.map((order) => order.id));
  for (const row of shop.myPageRows) if (!orderIds.has(row.orderId)) say(`my page row for order ${row.orderId}, which does not exist`);

  for (const coupon of shop.coupons) {
    const history = shop.myCoupons.filter((entry) => entry.couponId === coupon.id);
    const has = (action: MyCouponAction, orderId?: number): boolean =>
      history.some((entry) => entry.action === action && (orderId === undefined || entry.orderId === orderId));
    if (!has(MyCouponAction.ISSUED)) say(`coupon ${coupon.id} has no ISSUED entry in its customer's history`);
    if (coupon.state === CouponState.USED && !has(MyCouponAction.USED, coupon.orderId)) say(`coupon ${coupon.id} is USED by order ${coupon.orderId}; the history does not say so`);
    if (coupon.state === CouponState.REFUNDED && !has(MyCouponAction.REFUNDED, coupon.orderId)) say(`coupon ${coupon.id} is REFUNDED from order ${coupon.orderId}; the history does not say so`);
    for (const order of shop.orders) {
      if (order.couponId === coupon.id && order.cancelReason === CancelReason.COUPON_ALREADY_USED && !has(MyCouponAction.USE_REJECTED, order.id)) {
        say(`order ${order.id} was refused coupon ${coupon.id}; the history does not say so`);
      }
    }
  }
  return violations;
}

const deliveryFor: Record<string, readonly string[]> = {
  ORDERED: ['READY'],
  DELIVERY_STARTED: ['STARTED'],
  IN_TRANSIT: ['IN_TRANSIT'],
  DELIVERED: ['DELIVERED'],
  CANCELLED: ['CANCELLED'],
};

/** Once quiet, the order, its delivery and its deliverable tell the same story. */
function contextsAgree(shop: ShopSnapshot): Violation[] {
  const deliveries = byOrder(shop.deliveries);
  const deliverables = byOrder(shop.deliverables);
  return shop.orders.flatMap((order) => {
    const delivery = deliveries.get(order.id)?.[0];
    const deliverable = deliverables.get(order.id)?.[0];
    if (delivery === undefined || deliverable === undefined) return [];
    const orderState = OrderState[order.state];
    const deliveryState = DeliveryState[delivery.state];
    const deliverableState = DeliverableState[deliverable.state];
    const preparedOrNot = deliveryState === 'READY' ? 'WAITING' : deliveryState === 'CANCELLED' ? 'CANCELLED' : 'PREPARED';
    const agree = (deliveryFor[orderState] ?? []).includes(deliveryState) && deliverableState === preparedOrNot;
    return agree ? [] : [{ invariant: 10 as const, message: `order ${order.id} is ${orderState}, its delivery ${deliveryState}, its deliverable ${deliverableState}` }];
  });
}
