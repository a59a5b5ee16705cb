import { Book, Deliverable, StockInput } from '#contracts/catalog/v1/catalog.js';
import { Coupon } from '#contracts/coupon/v1/coupon.js';
import { Delivery } from '#contracts/delivery/v1/delivery.js';
import { MyCouponEntry, MyPageRow } from '#contracts/mypage/v1/mypage.js';
import { Order } from '#contracts/order/v1/order.js';
import { Payment } from '#contracts/payment/v1/payment.js';
import type { CardProcessorClient, ProcessorLedger } from './card-processor-client.js';
import type { RestClient } from './rest-client.js';

/** Everything the invariants speak of, read through the public API (REST through the edge). */
export interface ShopSnapshot {
  books: Book[];
  stockInputs: StockInput[];
  deliverables: Deliverable[];
  orders: Order[];
  deliveries: Delivery[];
  coupons: Coupon[];
  myPageRows: MyPageRow[];
  myCoupons: MyCouponEntry[];
  payments: Payment[];
  /** What the card processor charged and refunded; undefined when the checker was not told where it is. */
  ledger: ProcessorLedger | undefined;
}

export async function takeSnapshot(rest: RestClient, processor?: CardProcessorClient): Promise<ShopSnapshot> {
  const [books, stockInputs, deliverables, orders, deliveries, coupons, myPageRows, payments, ledger] = await Promise.all([
    rest.all('/books', 'books'),
    rest.all('/stockInputs', 'stockInputs'),
    rest.all('/deliverables', 'deliverables'),
    rest.all('/orders', 'orders'),
    rest.all('/deliveries', 'deliveries'),
    rest.all('/coupons', 'coupons'),
    rest.all('/myPages', 'rows'),
    rest.all('/payments', 'payments'),
    processor?.ledger(),
  ]);
  const couponList = coupons.map((json) => Coupon.fromJSON(json));
  const customers = [...new Set(couponList.map((coupon) => coupon.customerId))];
  const myCoupons = (await Promise.all(customers.map((customerId) => rest.all(`/mycoupons/${customerId}`, 'entries')))).flat();
  return {
    books: books.map((json) => Book.fromJSON(json)),
    stockInputs: stockInputs.map((json) => StockInput.fromJSON(json)),
    deliverables: deliverables.map((json) => Deliverable.fromJSON(json)),
    orders: orders.map((json) => Order.fromJSON(json)),
    deliveries: deliveries.map((json) => Delivery.fromJSON(json)),
    coupons: couponList,
    myPageRows: myPageRows.map((json) => MyPageRow.fromJSON(json)),
    myCoupons: myCoupons.map((json) => MyCouponEntry.fromJSON(json)),
    payments: payments.map((json) => Payment.fromJSON(json)),
    ledger,
  };
}
