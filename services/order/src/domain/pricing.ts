import { invalid } from '#kit/domain/errors.js';
import type { NewOrder, PricedOrder } from './order.js';

/**
 * The order's money (DOMAIN.md, Money and payment): the book's current price from catalog, the
 * coupon's discount capped at the line total, and what is left to pay, in minor units of the shop's
 * currency. A line total that no longer adds up exactly (beyond 2^53) is refused, naming quantity.
 */
export function priceOrder(order: NewOrder, unitPrice: number, couponDiscount: number, currency: string): PricedOrder {
  if (!Number.isSafeInteger(unitPrice) || unitPrice < 0) throw invalid('price', `the book's price ${unitPrice} is not a whole number of minor units >= 0`);
  if (!Number.isSafeInteger(couponDiscount) || couponDiscount < 0) throw invalid('couponId', `the coupon's discount ${couponDiscount} is not a whole number of minor units >= 0`);
  const lineTotal = unitPrice * order.quantity;
  if (!Number.isSafeInteger(lineTotal)) throw invalid('quantity', `times the price ${unitPrice} is more money than the shop can count`);
  const discount = Math.min(couponDiscount, lineTotal);
  return { ...order, unitPrice, discount, amount: lineTotal - discount, currency };
}
