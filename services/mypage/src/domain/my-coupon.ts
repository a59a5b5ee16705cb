/** What happened to a coupon, as its customer's history shows it. */
export type MyCouponAction = 'ISSUED' | 'USED' | 'REFUNDED' | 'USE_REJECTED';

/** One entry of a customer's coupon history: one coupon event, complete on its own. */
export interface MyCouponEntry {
  /** The coupon event's id: an event seen twice is one entry. */
  eventId: string;
  /** Where the event is in the stream: breaks ties between entries of the same time. */
  streamSequence: number;
  couponId: number;
  customerId: number;
  action: MyCouponAction;
  /** The order involved; undefined for ISSUED. */
  orderId: number | undefined;
  /** Minor units. */
  discount: number;
  eventTime: Date;
}
