import { expect } from 'chai';
import { register } from 'prom-client';
import { CancelReason } from '#contracts/events/v1/order.js';
import { openDatabase } from '#kit/db/database.js';
import type { NewEvent } from '#kit/events/event.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { replayMigrations } from '#kit/events/replay.js';
import { EventTraffic } from '#kit-testing/event-traffic.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { waitFor } from '#kit/process/ports.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { createTestStore } from '#kit-testing/stores.js';
import { myPageMigrations } from '../src/adapters/db/migrations.js';
import { KnexMyPageStore } from '../src/adapters/db/knex-mypage-store.js';
import { myPageEventHandlers, myPageReader } from '../src/adapters/events/incoming.js';
import { MyPageProjection } from '../src/app/my-page-projection.js';
import { cancelledWithCouponStory, deliveredStory, shop, startReplica, viewSnapshot, waitForMarker, type MyPageReplica } from './support.js';

/** Events my page applies, summed over both replicas in this process. */
async function appliedByMyPage(): Promise<number> {
  const metric = register.getSingleMetric('bookstore_events_handled_total');
  if (metric === undefined) return 0;
  const { values } = await metric.get();
  return values.filter((value) => value.labels['consumer'] === myPageReader).reduce((sum, value) => sum + value.value, 0);
}

describe('my page replicas: each builds the whole view from the stream', function () {
  this.timeout(120_000);
  let nats: NatsServer;
  let traffic: EventTraffic;
  let firstStore: TestDatabase;
  let secondStore: TestDatabase;
  let first: MyPageReplica | undefined;
  let second: MyPageReplica | undefined;
  /** How many of the events published so far my page applies. */
  let forMyPage = 0;
  /** The subjects of my page's event table. */
  let subscribed = new Set<string>();

  const publish = async (...events: NewEvent[]): Promise<void> => {
    await traffic.publish(...events);
    forMyPage += events.filter((event) => subscribed.has(event.type.subject)).length;
  };
  const running = (replica: MyPageReplica | undefined): MyPageReplica => {
    if (replica === undefined) throw new Error('replica not running');
    return replica;
  };
  const snapshotOf = (replica: MyPageReplica | undefined) => viewSnapshot(running(replica).service.parts.db.knex);

  before(async () => {
    nats = await NatsServer.start();
    traffic = await EventTraffic.open(nats.url);
    firstStore = await createTestStore('sqlite', 'mypage-1');
    secondStore = await createTestStore('sqlite', 'mypage-2');
    first = await startReplica(nats.url, firstStore.url);
    const { db, log } = first.service.parts;
    subscribed = new Set(myPageEventHandlers(new KnexMyPageStore(db), new MyPageProjection(), log).events.map((type) => type.subject));
  });

  after(async () => {
    await first?.stop();
    await second?.stop();
    await traffic.close();
    await firstStore.drop();
    await secondStore.drop();
    await nats.stop();
  });

  it('rebuilds from the start of the stream into the same rows as the live view', async () => {
    await publish(shop.bookRegistered(1, 'London Tour'), shop.customerRegistered(7, 'Ann'));
    await publish(...deliveredStory(2001, 7, 1));
    await publish(...cancelledWithCouponStory(2002, 7, 1, 61));
    await publish(
      shop.couponIssued(62, 8, 300),
      shop.orderPlaced(2003, 8, 2, 1, 62),
      shop.orderPlaced(2004, 8, 2, 1, 62),
      shop.couponUsed(62, 8, 2003, 300),
      shop.couponUseRejected(62, 8, 2004, 300, 2003),
      shop.orderCancelled(2004, CancelReason.COUPON_ALREADY_USED, 62),
      shop.bookRegistered(2, 'Paris Tour'),
      shop.bookUpdated(1, 'London Tour, 2nd ed.', 2),
      shop.marker(900_001),
    );
    await waitForMarker(running(first), 900_001);
    const live = await snapshotOf(first);
    expect(live['my_pages']).to.have.length(4);
    expect(live['my_coupons']).to.have.length(6);

    await running(first).stop();
    first = undefined;
    // Spoil the store, so only a rebuild from the stream can give the rows back.
    const spoiled = await openDatabase(firstStore.url, [...eventMigrations, ...replayMigrations, ...myPageMigrations]);
    await spoiled.knex('my_pages').update({ book_name: 'spoiled', order_state: 'ORDERED' });
    await spoiled.knex('my_coupons').delete();
    await spoiled.close();

    first = await startReplica(nats.url, firstStore.url, { MYPAGE_REBUILD: 'true' });
    expect(await snapshotOf(first)).to.deep.equal(live);
  });

  it('a second replica with an empty store builds the whole view, and each replica applies every event once', async () => {
    const appliedBefore = await appliedByMyPage();
    const inStreamBefore = forMyPage;
    second = await startReplica(nats.url, secondStore.url);

    const afterStart = forMyPage;
    await publish(...deliveredStory(2005, 9, 2), shop.customerRegistered(9, 'Bo'), shop.marker(900_002));
    await waitForMarker(running(first), 900_002);
    await waitForMarker(running(second), 900_002);

    expect(await snapshotOf(second)).to.deep.equal(await snapshotOf(first));
    // The second replica read the whole stream; both read what came after it started.
    expect((await appliedByMyPage()) - appliedBefore).to.equal(inStreamBefore + 2 * (forMyPage - afterStart));
  });

  it('a replica stopped while events flow catches up when it comes back', async () => {
    let published = 0;
    const flow = (async () => {
      for (let order = 3001; order <= 3020; order += 1) {
        await publish(...deliveredStory(order, 10 + (order % 3), 1));
        published += 1;
      }
    })();
    await waitFor(() => Promise.resolve(published >= 5), 'events flowing', 20_000);
    await running(second).stop();
    second = undefined;
    await flow;
    await publish(shop.marker(900_003));

    second = await startReplica(nats.url, secondStore.url);
    // Serving means caught up with the stream as it was at start, marker included.
    expect((await running(second).client.call('getMyPage', { customerId: 900_003, pageSize: 0, pageToken: '' })).customerName).to.equal('marker 900003');
    await waitForMarker(running(first), 900_003);
    const view = await snapshotOf(second);
    expect(view).to.deep.equal(await snapshotOf(first));
    expect(view['my_pages']).to.have.length(25);
  });
});
