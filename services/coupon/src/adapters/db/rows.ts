import { asDate, asNumber } from '#kit/db/columns.js';
import type { Coupon, CouponState } from '../../domain/coupon.js';
import type { CouponUse, CouponUseState } from '../../domain/coupon-use.js';

export interface CouponRow {
  id: number;
  customer_id: number;
  discount: number;
  state: string;
  order_id: number | null;
  created_at: unknown;
  updated_at: unknown;
}

export interface CouponUseRow {
  order_id: number;
  coupon_id: number;
  state: string;
  created_at: unknown;
  updated_at: unknown;
}

const couponStates: readonly CouponState[] = ['ISSUED', 'USED', 'REFUNDED'];
const useStates: readonly CouponUseState[] = ['USED', 'REJECTED', 'REFUNDED', 'CANCELLED_BEFORE_PLACED'];

export const toCoupon = (row: CouponRow): Coupon => {
  const state = couponStates.find((candidate) => candidate === row.state);
  if (state === undefined) throw new Error(`coupon ${row.id} has unknown state "${row.state}"`);
  return {
    id: asNumber(row.id),
    customerId: asNumber(row.customer_id),
    discount: asNumber(row.discount),
    state,
    orderId: row.order_id === null ? undefined : asNumber(row.order_id),
    createdAt: asDate(row.created_at),
    updatedAt: asDate(row.updated_at),
  };
};

export const toCouponUse = (row: CouponUseRow): CouponUse => {
  const state = useStates.find((candidate) => candidate === row.state);
  if (state === undefined) throw new Error(`coupon use of order ${row.order_id} has unknown state "${row.state}"`);
  return { orderId: asNumber(row.order_id), couponId: asNumber(row.coupon_id), state };
};
