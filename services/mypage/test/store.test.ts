import { expect } from 'chai';
import { openDatabase, type Database } from '#kit/db/database.js';
import { DomainError } from '#kit/domain/errors.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { replayMigrations, replayPosition, replayPositionsTable } from '#kit/events/replay.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { createTestStore, storeKinds } from '#kit-testing/stores.js';
import { MyPageProjection } from '../src/app/my-page-projection.js';
import { MyPageQueries } from '../src/app/my-page-queries.js';
import type { MyPageTransaction } from '../src/app/ports.js';
import { KnexMyPageStore } from '../src/adapters/db/knex-mypage-store.js';
import { myPageMigrations } from '../src/adapters/db/migrations.js';
import type { OrderNews } from '../src/domain/events.js';
import type { MyCouponAction, MyCouponEntry } from '../src/domain/my-coupon.js';

const at = (second: number): Date => new Date(Date.UTC(2025, 0, 1, 12, 0, second));
const page = { pageSize: 0, pageToken: '' };

const placed = (orderId: number, customerId: number, bookId: number, second = 1): OrderNews => ({
  kind: 'OrderPlaced',
  amount: 3000,
  currency: 'KRW',
  orderId,
  customerId,
  bookId,
  quantity: 1,
  couponId: undefined,
  occurredAt: at(second),
});

let sequence = 0;
const couponEvent = (customerId: number, action: MyCouponAction, second: number, orderId?: number): MyCouponEntry => {
  sequence += 1;
  return { eventId: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`, streamSequence: sequence, couponId: 5, customerId, action, orderId, discount: 300, eventTime: at(second) };
};

for (const kind of storeKinds) {
  describe(`my page store on ${kind}`, () => {
    let testStore: TestDatabase;
    let db: Database;
    let store: KnexMyPageStore;
    let queries: MyPageQueries;
    const projection = new MyPageProjection();

    before(async () => {
      testStore = await createTestStore(kind, 'mypage');
      db = await openDatabase(testStore.url, [...eventMigrations, ...replayMigrations, ...myPageMigrations]);
      store = new KnexMyPageStore(db);
      queries = new MyPageQueries(store);
    });

    after(async () => {
      await db.close();
      await testStore.drop();
    });

    const applying = (work: (tx: MyPageTransaction) => Promise<void>): Promise<void> => db.knex.transaction((trx) => work(store.within(trx)));
    const news = (item: OrderNews): Promise<void> => applying((tx) => projection.whenOrderNews(tx, item));
    const rowsOf = async (customerId: number) => (await queries.myPages(customerId, page)).items;

    it('shows a placed order with its book name, states and time, as the customer reads it', async () => {
      await applying((tx) => projection.whenBookNamed(tx, { bookId: 31, bookName: 'London Tour', revision: 1, occurredAt: at(0) }));
      await news(placed(101, 7, 31));
      await news({ kind: 'DeliveryStateChanged', orderId: 101, state: 'STARTED', occurredAt: at(2) });
      await news({ kind: 'OrderStateChanged', orderId: 101, state: 'DELIVERY_STARTED', occurredAt: at(3) });

      expect(await rowsOf(7)).to.deep.equal([
        {
          orderId: 101,
          customerId: 7,
          bookId: 31,
          quantity: 1,
          couponId: undefined,
          bookName: 'London Tour',
          orderState: 'DELIVERY_STARTED',
          deliveryState: 'STARTED',
          cancelReason: undefined,
          amount: 3000,
          currency: 'KRW',
          paymentState: 'PENDING',
          paidAt: undefined,
          refundedAt: undefined,
          updatedAt: at(3),
        },
      ]);
    });

    it('fills in a book name that arrives after the order, and renames every row of the book', async () => {
      await news(placed(201, 8, 32));
      await news(placed(202, 9, 32));
      expect((await rowsOf(8))[0]?.bookName).to.be.undefined;

      await applying((tx) => projection.whenBookNamed(tx, { bookId: 32, bookName: 'Paris Tour', revision: 1, occurredAt: at(5) }));
      expect((await rowsOf(8))[0]?.bookName).to.equal('Paris Tour');
      await applying((tx) => projection.whenBookNamed(tx, { bookId: 32, bookName: 'Paris Tour, 2nd ed.', revision: 2, occurredAt: at(9) }));
      // The registration, overtaken on its way, changes nothing.
      await applying((tx) => projection.whenBookNamed(tx, { bookId: 32, bookName: 'Paris Tour', revision: 1, occurredAt: at(5) }));

      for (const customerId of [8, 9]) {
        const [row] = await rowsOf(customerId);
        expect(row).to.include({ bookName: 'Paris Tour, 2nd ed.' });
        expect(row?.updatedAt).to.deep.equal(at(9));
      }
    });

    it('keeps a row hidden until its OrderPlaced arrives', async () => {
      await news({ kind: 'DeliveryStateChanged', orderId: 301, state: 'STARTED', occurredAt: at(2) });
      expect((await queries.myPages(0, { pageSize: 100, pageToken: '' })).items.map((row) => row.orderId)).not.to.include(301);

      await news(placed(301, 10, 31));
      expect(await rowsOf(10)).to.have.length(1);
      expect((await rowsOf(10))[0]).to.include({ orderState: 'ORDERED', deliveryState: 'STARTED', bookName: 'London Tour' });
    });

    it('pages through every customer by order id, and through one customer', async () => {
      for (let orderId = 401; orderId <= 405; orderId += 1) await news(placed(orderId, 11, 31));
      const seen: number[] = [];
      let pageToken = '';
      do {
        const next = await queries.myPages(11, { pageSize: 2, pageToken });
        expect(next.items.length).to.be.at.most(2);
        seen.push(...next.items.map((row) => row.orderId));
        pageToken = next.nextPageToken;
      } while (pageToken !== '');
      expect(seen).to.deep.equal([401, 402, 403, 404, 405]);

      const everyone = await queries.myPages(0, { pageSize: 100, pageToken: '' });
      expect(everyone.items.map((row) => row.orderId)).to.deep.equal([101, 201, 202, 301, 401, 402, 403, 404, 405]);
    });

    it("gives a customer's page with their name, and an empty page for a customer it has not seen", async () => {
      await applying((tx) => projection.whenCustomerRegistered(tx, { customerId: 7, customerName: 'Ann' }));
      const myPage = await queries.myPage(7, page);
      expect(myPage.customerName).to.equal('Ann');
      expect(myPage.rows.items.map((row) => row.orderId)).to.deep.equal([101]);

      const stranger = await queries.myPage(999, page);
      expect(stranger).to.deep.equal({ customerId: 999, customerName: undefined, rows: { items: [], nextPageToken: '' } });
    });

    it('keeps a coupon history in the order things happened, whatever order they arrive in, each event once', async () => {
      const issued = couponEvent(12, 'ISSUED', 1);
      const used = couponEvent(12, 'USED', 2, 501);
      const refunded = couponEvent(12, 'REFUNDED', 3, 501);
      const rejected = couponEvent(12, 'USE_REJECTED', 4, 502);
      for (const entry of [used, issued, rejected, refunded, used]) await applying((tx) => projection.whenCouponEvent(tx, entry));

      const history = await queries.myCoupons(12, page);
      expect(history.items.map((entry) => entry.action)).to.deep.equal(['ISSUED', 'USED', 'REFUNDED', 'USE_REJECTED']);
      expect(history.items[0]).to.deep.equal(issued);

      const firstPage = await queries.myCoupons(12, { pageSize: 3, pageToken: '' });
      const secondPage = await queries.myCoupons(12, { pageSize: 3, pageToken: firstPage.nextPageToken });
      expect(firstPage.items.map((entry) => entry.action)).to.deep.equal(['ISSUED', 'USED', 'REFUNDED']);
      expect(secondPage).to.deep.equal({ items: [rejected], nextPageToken: '' });
    });

    it('orders entries of the same time by their place in the stream', async () => {
      const first = couponEvent(13, 'ISSUED', 7);
      const second = couponEvent(13, 'USED', 7, 601);
      for (const entry of [second, first]) await applying((tx) => projection.whenCouponEvent(tx, entry));
      const one = await queries.myCoupons(13, { pageSize: 1, pageToken: '' });
      const two = await queries.myCoupons(13, { pageSize: 1, pageToken: one.nextPageToken });
      expect([...one.items, ...two.items]).to.deep.equal([first, second]);
      expect(two.nextPageToken).to.equal('');
    });

    it('refuses a bad customer id or page token, naming the field', async () => {
      const fieldOf = async (promise: Promise<unknown>): Promise<string | undefined> => {
        const error = await promise.then(() => undefined, (caught: unknown) => caught);
        expect(error).to.be.instanceOf(DomainError);
        return (error as DomainError).field;
      };
      expect(await fieldOf(queries.myPage(0, page))).to.equal('customerId');
      expect(await fieldOf(queries.myPages(-1, page))).to.equal('customerId');
      expect(await fieldOf(queries.myCoupons(0, page))).to.equal('customerId');
      expect(await fieldOf(queries.myCoupons(12, { pageSize: 1, pageToken: 'bogus' }))).to.equal('pageToken');
      expect(await fieldOf(queries.myPages(0, { pageSize: 101, pageToken: '' }))).to.equal('pageSize');
    });

    it('forgets the whole view and its stream position for a rebuild', async () => {
      await db.knex(replayPositionsTable).insert({ reader: 'mypage', sequence: 42 });
      await store.forget('mypage');
      expect(await replayPosition(db.knex, 'mypage')).to.equal(0);
      expect((await queries.myPages(0, page)).items).to.deep.equal([]);
      expect((await queries.myCoupons(12, page)).items).to.deep.equal([]);
      expect((await queries.myPage(7, page)).customerName).to.be.undefined;
    });
  });
}
