import { expect } from 'chai';
import { nameBook, type BookName } from '../src/domain/book-name.js';
import type { OrderNews } from '../src/domain/events.js';
import { applyOrderNews, withBookName, type MyPageRow } from '../src/domain/my-page-row.js';
import { deliveryStates, forward, orderStates } from '../src/domain/states.js';

const at = (second: number): Date => new Date(Date.UTC(2025, 0, 1, 12, 0, second));

const placed = (second: number, couponId?: number): OrderNews => ({
  kind: 'OrderPlaced',
  amount: 3000,
  currency: 'KRW',
  orderId: 1,
  customerId: 7,
  bookId: 3,
  quantity: 2,
  couponId,
  occurredAt: at(second),
});
const orderState = (state: 'DELIVERY_STARTED' | 'IN_TRANSIT' | 'DELIVERED', second: number): OrderNews => ({ kind: 'OrderStateChanged', orderId: 1, state, occurredAt: at(second) });
const delivery = (state: 'STARTED' | 'IN_TRANSIT' | 'DELIVERED' | 'CANCELLED', second: number): OrderNews => ({ kind: 'DeliveryStateChanged', orderId: 1, state, occurredAt: at(second) });
const cancelled = (second: number, reason: 'CUSTOMER_REQUEST' | 'COUPON_ALREADY_USED' = 'CUSTOMER_REQUEST'): OrderNews => ({
  kind: 'OrderCancelled',
  orderId: 1,
  couponId: undefined,
  reason,
  occurredAt: at(second),
});

/** Applies news in the order given, as the view would, keeping the row when nothing changes. */
function project(news: readonly OrderNews[]): MyPageRow | undefined {
  return news.reduce<MyPageRow | undefined>((row, item) => applyOrderNews(row, item) ?? row, undefined);
}

/** Every order of `items`, for "whatever order the events arrive in". */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

describe('my page projection', () => {
  describe('states', () => {
    it('move forward only', () => {
      expect(forward(orderStates, 'ORDERED', 'IN_TRANSIT')).to.equal('IN_TRANSIT');
      expect(forward(orderStates, 'IN_TRANSIT', 'DELIVERY_STARTED')).to.equal('IN_TRANSIT');
      expect(forward(deliveryStates, undefined, 'STARTED')).to.equal('STARTED');
    });

    it('never leave DELIVERED or CANCELLED', () => {
      expect(forward(orderStates, 'DELIVERED', 'CANCELLED')).to.equal('DELIVERED');
      expect(forward(deliveryStates, 'CANCELLED', 'DELIVERED')).to.equal('CANCELLED');
    });
  });

  describe('a row', () => {
    it('is ORDERED and READY when the order is placed, with what OrderPlaced says', () => {
      const row = applyOrderNews(undefined, placed(1, 55));
      expect(row).to.deep.equal({
        orderId: 1,
        customerId: 7,
        bookId: 3,
        quantity: 2,
        couponId: 55,
        bookName: undefined,
        orderState: 'ORDERED',
        deliveryState: 'READY',
        cancelReason: undefined,
        amount: 3000,
        currency: 'KRW',
        paymentState: 'PENDING',
        paidAt: undefined,
        refundedAt: undefined,
        updatedAt: at(1),
      });
    });

    it('shows the payment forward only, with when it was paid and refunded, whatever order its news arrive in', () => {
      const payment = (state: 'PAID' | 'REFUNDED', second: number): OrderNews =>
        state === 'PAID'
          ? { kind: 'PaymentChanged', orderId: 1, state, paidAt: at(second), occurredAt: at(second) }
          : { kind: 'PaymentChanged', orderId: 1, state, refundedAt: at(second), occurredAt: at(second) };
      const story = [placed(1), payment('PAID', 2), payment('REFUNDED', 4)];
      for (const arrival of permutations(story)) {
        expect(project(arrival)).to.include({ paymentState: 'REFUNDED', amount: 3000 }).and.deep.include({ paidAt: at(2), refundedAt: at(4) });
      }
    });

    it('follows the whole story to DELIVERED, its time the last change', () => {
      const row = project([
        placed(1),
        delivery('STARTED', 2),
        orderState('DELIVERY_STARTED', 3),
        delivery('IN_TRANSIT', 4),
        orderState('IN_TRANSIT', 5),
        delivery('DELIVERED', 6),
        orderState('DELIVERED', 7),
      ]);
      expect(row).to.include({ orderState: 'DELIVERED', deliveryState: 'DELIVERED', cancelReason: undefined });
      expect(row?.updatedAt).to.deep.equal(at(7));
    });

    it('keeps a newer state when an older one arrives late, and reports no change', () => {
      const inTransit = project([placed(1), orderState('IN_TRANSIT', 5), delivery('IN_TRANSIT', 4)]);
      expect(inTransit).to.include({ orderState: 'IN_TRANSIT', deliveryState: 'IN_TRANSIT' });
      expect(applyOrderNews(inTransit, orderState('DELIVERY_STARTED', 3))).to.be.undefined;
      expect(applyOrderNews(inTransit, delivery('STARTED', 2))).to.be.undefined;
    });

    it('reports no change for an event it has seen', () => {
      const row = project([placed(1), delivery('STARTED', 2)]);
      expect(applyOrderNews(row, placed(1))).to.be.undefined;
      expect(applyOrderNews(row, delivery('STARTED', 2))).to.be.undefined;
    });

    it('shows the cancellation and its reason; nothing moves a cancelled order on', () => {
      const row = project([placed(1), cancelled(2, 'COUPON_ALREADY_USED'), delivery('CANCELLED', 3)]);
      expect(row).to.include({ orderState: 'CANCELLED', deliveryState: 'CANCELLED', cancelReason: 'COUPON_ALREADY_USED' });
      expect(applyOrderNews(row, orderState('DELIVERY_STARTED', 4))).to.be.undefined;
      expect(applyOrderNews(row, delivery('IN_TRANSIT', 5))).to.be.undefined;
    });

    it('is cancelled from DELIVERY_STARTED when its coupon was taken first (compensation)', () => {
      const row = project([placed(1), orderState('DELIVERY_STARTED', 2), cancelled(3, 'COUPON_ALREADY_USED')]);
      expect(row).to.include({ orderState: 'CANCELLED', cancelReason: 'COUPON_ALREADY_USED' });
    });

    it('ends the same whatever order its events arrive in', () => {
      const story = [placed(1), delivery('STARTED', 2), orderState('DELIVERY_STARTED', 3), delivery('IN_TRANSIT', 4), orderState('IN_TRANSIT', 5)];
      const expected = project(story);
      for (const arrival of permutations(story)) expect(project(arrival), arrival.map((news) => news.kind).join(', ')).to.deep.equal(expected);

      const cancellation = [placed(1, 9), cancelled(2), delivery('CANCELLED', 3)];
      const cancelledRow = project(cancellation);
      expect(cancelledRow).to.include({ orderState: 'CANCELLED', deliveryState: 'CANCELLED', couponId: 9, cancelReason: 'CUSTOMER_REQUEST' });
      for (const arrival of permutations(cancellation)) expect(project(arrival)).to.deep.equal(cancelledRow);
    });

    it('exists before OrderPlaced arrives but is not shown until then', () => {
      const early = project([delivery('STARTED', 2), orderState('DELIVERY_STARTED', 3)]);
      expect(early).to.include({ customerId: undefined, bookId: undefined, orderState: 'DELIVERY_STARTED', deliveryState: 'STARTED' });

      const complete = applyOrderNews(early, placed(1));
      expect(complete).to.include({ customerId: 7, bookId: 3, quantity: 2, orderState: 'DELIVERY_STARTED', deliveryState: 'STARTED' });
      expect(complete?.updatedAt).to.deep.equal(at(3));
    });
  });

  describe('book names', () => {
    const named = (bookName: string, revision: number, second: number) => ({ bookId: 3, bookName, revision, occurredAt: at(second) });

    it('keep the name of the highest revision the catalog gave', () => {
      const registered = nameBook(undefined, named('London Tour', 1, 1));
      const updated = nameBook(registered, named('London Tour, 2nd ed.', 2, 5));
      expect(updated).to.deep.equal({ bookId: 3, bookName: 'London Tour, 2nd ed.', revision: 2, namedAt: at(5) });
      // BookRegistered overtaken by BookUpdated on its way.
      expect(nameBook(updated, named('London Tour', 1, 1))).to.be.undefined;
      expect(nameBook(updated, named('London Tour, 2nd ed.', 2, 5))).to.be.undefined;
    });

    it('trust revisions, not the clocks of the catalog replicas that made the changes', () => {
      // Revision 3 was made on a replica whose clock is behind the one that made revision 2.
      const second = nameBook(undefined, named('Second', 2, 50));
      expect(nameBook(second, named('Third', 3, 40))).to.include({ bookName: 'Third', revision: 3 });
    });

    it('fill in a row that arrived before them and rename it later', () => {
      const row = applyOrderNews(undefined, placed(10));
      if (row === undefined) throw new Error('no row');
      const book: BookName = { bookId: 3, bookName: 'London Tour', revision: 1, namedAt: at(1) };
      const filled = withBookName(row, book);
      expect(filled).to.include({ bookName: 'London Tour' });
      expect(filled?.updatedAt).to.deep.equal(at(10));

      const renamed = filled === undefined ? undefined : withBookName(filled, { ...book, bookName: 'Paris Tour', namedAt: at(20) });
      expect(renamed).to.include({ bookName: 'Paris Tour' });
      expect(renamed?.updatedAt).to.deep.equal(at(20));
      expect(renamed === undefined ? 'none' : withBookName(renamed, { ...book, bookName: 'Paris Tour', namedAt: at(20) })).to.be.undefined;
      expect(withBookName(row, { ...book, bookId: 4 })).to.be.undefined;
    });
  });
});
