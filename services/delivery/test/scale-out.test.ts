import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { expect } from 'chai';
import { DeliveryState } from '#contracts/delivery/v1/delivery.js';
import type { DeliveryStarted } from '#contracts/events/v1/delivery.js';
import { deliveryEvents } from '#contracts/events.js';
import type { NewEvent, ReceivedEvent } from '#kit/events/event.js';
import { outboxTable, processedEventsTable } from '#kit/events/migrations.js';
import { routedName } from '#kit/events/routes.js';
import { eventStream } from '#kit/events/streams.js';
import { EventTraffic } from '#kit-testing/event-traffic.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { waitFor } from '#kit/process/ports.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { createTestStore } from '#kit-testing/stores.js';
import { bookPrepared, orderPlaced, startDeliveryUnderTest, type DeliveryUnderTest } from './support.js';

const orders = 120;
const customerId = 31;

describe('delivery scaled out: two replicas on one store share the durable consumer', function () {
  this.timeout(120_000);
  let nats: NatsServer;
  let store: TestDatabase;
  const replicas: DeliveryUnderTest[] = [];
  let traffic: EventTraffic;
  let started: ReceivedEvent[];

  /** Looks at the broker as an operator would, on a connection of its own. */
  const inspect = async <T>(look: (jsm: JetStreamManager) => Promise<T>): Promise<T> => {
    const nc = await connect({ servers: nats.url });
    try {
      return await look(await jetstreamManager(nc));
    } finally {
      await nc.close();
    }
  };
  const until = (what: string, check: () => Promise<boolean>): Promise<void> => waitFor(check, what, 60_000, 100);

  before(async () => {
    nats = await NatsServer.start();
    store = await createTestStore('postgres', 'delivery_scale');
    // One after the other: both would migrate the same fresh database.
    replicas.push(await startDeliveryUnderTest(nats.url, store.url));
    replicas.push(await startDeliveryUnderTest(nats.url, store.url));
    traffic = await EventTraffic.open(nats.url);
    started = await traffic.watch([deliveryEvents.DeliveryStarted]);
  });

  after(async () => {
    await traffic.close();
    await Promise.all(replicas.map((replica) => replica.stop()));
    await store.drop();
    await nats.stop();
  });

  it('handles every OrderPlaced and BookPrepared once: one delivery and one DeliveryStarted per order', async () => {
    await until('both replicas pulling from durable consumer "delivery"', () =>
      inspect(async (jsm) => (await jsm.consumers.info(eventStream, routedName('delivery'))).num_waiting >= 2),
    );

    // Every fourth order's BookPrepared overtakes its OrderPlaced, so replicas also wait (NotYet) for each other.
    const events: NewEvent[] = [];
    for (let orderId = 1; orderId <= orders; orderId += 1) {
      if (orderId % 4 === 0) events.push(bookPrepared(orderId), orderPlaced(orderId, customerId));
      else events.push(orderPlaced(orderId, customerId), bookPrepared(orderId));
    }
    const published: string[] = [];
    for (let batch = 0; batch < events.length; batch += 40) published.push(...(await traffic.publish(...events.slice(batch, batch + 40))));

    const [first] = replicas;
    if (first === undefined) throw new Error('no replica');
    const startedDeliveries = async (): Promise<{ id: number; orderId: number }[]> => {
      const found: { id: number; orderId: number }[] = [];
      let pageToken = '';
      do {
        const page = await first.client.call('listDeliveries', { orderId: 0, customerId, states: [], pageSize: 100, pageToken });
        found.push(...page.deliveries.filter((d) => d.state === DeliveryState.STARTED));
        pageToken = page.nextPageToken;
      } while (pageToken !== '');
      return found;
    };
    await until(`${orders} STARTED deliveries`, async () => (await startedDeliveries()).length === orders);
    const db = first.service.parts.db.knex;
    await until('the outbox published', async () => Number((await db(outboxTable).count({ n: '*' }).first())?.n) === 0);
    await until(`${orders} DeliveryStarted events watched`, () => Promise.resolve(started.length >= orders));
    await until('the durable consumer answered everything', () =>
      inspect(async (jsm) => {
        const info = await jsm.consumers.info(eventStream, routedName('delivery'));
        return info.num_pending === 0 && info.num_ack_pending === 0;
      }),
    );

    const deliveries = await startedDeliveries();
    expect(deliveries.map((d) => d.orderId).sort((a, b) => a - b)).to.deep.equal(Array.from({ length: orders }, (_, index) => index + 1));
    const rows = await db('deliveries').where({ customer_id: customerId }).count({ n: '*' }).first();
    expect(Number(rows?.n)).to.equal(orders);

    const processed = await db<{ consumer: string; event_id: string }>(processedEventsTable).where({ consumer: 'delivery' }).pluck('event_id');
    expect([...processed].sort()).to.deep.equal([...published].sort());

    const inStream = await inspect(async (jsm) => {
      const info = await jsm.streams.info(eventStream, { subjects_filter: deliveryEvents.DeliveryStarted.routedSubject });
      return info.state.subjects?.[deliveryEvents.DeliveryStarted.routedSubject] ?? 0;
    });
    expect(inStream).to.equal(orders);
    const startedOrders = started.map((event) => (event.payload as DeliveryStarted).orderId);
    expect(new Set(startedOrders).size).to.equal(orders);
    expect(startedOrders).to.have.length(orders);
  });
});
