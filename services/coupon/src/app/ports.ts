import type { Page, PageRequest } from '#kit/db/pagination.js';
import type { CreateOnce } from '#kit/db/request-keys.js';
import type { Coupon, NewCoupon } from '../domain/coupon.js';
import type { CouponUse } from '../domain/coupon-use.js';
import type { CouponEvent } from '../domain/events.js';

/** The coupon store as the use cases see it, inside one transaction. */
export interface CouponTransaction {
  /** The coupon, locked until the transaction ends: every decision about its uses waits its turn. */
  couponForUpdate(id: number): Promise<Coupon | undefined>;
  addCoupon(coupon: NewCoupon, now: Date): Promise<Coupon>;
  saveCoupon(coupon: Coupon): Promise<void>;
  /** What became of this order's coupon, if anything yet. Read after locking the coupon. */
  useOfOrder(orderId: number): Promise<CouponUse | undefined>;
  /** Fails if the order already has one, so two concurrent first decisions cannot both stand. */
  addUse(use: CouponUse, now: Date): Promise<void>;
  saveUse(use: CouponUse, now: Date): Promise<void>;
  /** Events leave with the transaction's commit (outbox). */
  record(events: readonly CouponEvent[]): Promise<void>;
}

export interface CouponStore {
  transaction<T>(work: (tx: CouponTransaction) => Promise<T>): Promise<T>;
  /** A create that runs once per requestId; a retry gets what the first one made. */
  createOnce: CreateOnce<CouponTransaction>;
  coupon(id: number): Promise<Coupon | undefined>;
  /** Oldest first; of one customer, or of every customer when undefined. */
  coupons(customerId: number | undefined, page: PageRequest): Promise<Page<Coupon>>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
