import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { catalogEvents, couponEvents, orderEvents } from '#contracts/events.js';
import { BookPrepared, StockInputted } from '#contracts/events/v1/catalog.js';
import { CouponUsed } from '#contracts/events/v1/coupon.js';
import { OrderCancelled, OrderPlaced, OrderStateChanged } from '#contracts/events/v1/order.js';
import type { Knex } from '#kit/db/database.js';
import { provisionConsumer } from '#kit/events/consumer-config.js';
import type { EventConsumer } from '#kit/events/consumer.js';
import type { NewEvent, ReceivedEvent } from '#kit/events/event.js';
import { lineageHeaders } from '#kit/events/headers.js';
import { OutboxRelay } from '#kit/events/relay.js';
import { replayMigrations, type StreamReplay } from '#kit/events/replay.js';
import { legacyLayout, routedName, routePosition } from '#kit/events/routes.js';
import { eventStream } from '#kit/events/streams.js';
import { eventually, EventsWorld, log, rejectionOf } from './support.js';

const handledTable = 'test_routed_handled';

/** What reached a handler: one row per event handled (or applied), in its transaction. */
async function recordHandled(trx: Knex.Transaction, reader: string, event: ReceivedEvent): Promise<void> {
  await trx(handledTable).insert({ reader, event_id: event.id, subject: event.subject });
}

const placed = (orderId: number): NewEvent => ({ type: orderEvents.OrderPlaced, payload: OrderPlaced.fromPartial({ orderId, couponId: 5 }), correlationId: String(orderId) });
const cancelled = (orderId: number): NewEvent => ({ type: orderEvents.OrderCancelled, payload: OrderCancelled.fromPartial({ orderId, couponId: 5 }), correlationId: String(orderId) });
/** Events of the shop the coupon context does not handle. */
const notForCoupon = (orderId: number): NewEvent[] => [
  { type: orderEvents.OrderStateChanged, payload: OrderStateChanged.fromPartial({ orderId }), correlationId: String(orderId) },
  { type: catalogEvents.BookPrepared, payload: BookPrepared.fromPartial({ orderId }), correlationId: String(orderId) },
  { type: catalogEvents.StockInputted, payload: StockInputted.fromPartial({ bookId: 3 }), correlationId: '3' },
  { type: couponEvents.CouponUsed, payload: CouponUsed.fromPartial({ orderId, couponId: 5 }), correlationId: String(orderId) },
];

describe('events routed to their consumers, on the real nats-server', () => {
  let world: EventsWorld;
  let relay: OutboxRelay;
  const running: (EventConsumer | StreamReplay)[] = [];

  const publish = async (...events: NewEvent[]): Promise<string[]> => {
    const ids = await world.record(events);
    await relay.flush();
    return ids;
  };
  /** Publishes as the release before routing did: on bookstore.<context>.<EventName>. */
  const publishLegacy = async (event: NewEvent): Promise<string> => {
    const id = randomUUID();
    const payload = event.type.codec.encode(event.payload).finish();
    const headers = lineageHeaders({ event: event.type.name, correlationId: event.correlationId, causationId: undefined, occurredAt: new Date() });
    await world.bus.publish({ id, subject: event.type.subject, payload, headers });
    return id;
  };
  const consumeAsCoupon = async (): Promise<void> => {
    running.push(
      await world.bus.consume({
        durable: 'coupon',
        events: [orderEvents.OrderPlaced, orderEvents.OrderCancelled],
        db: world.db,
        handle: (event, trx) => recordHandled(trx, 'coupon', event),
      }),
    );
  };
  const handled = async (reader: string): Promise<{ event_id: string; subject: string }[]> =>
    world.db(handledTable).where({ reader }).select('event_id', 'subject').orderBy('id');
  const durableInfo = async (durable: string): Promise<{ delivered: number; pending: number; ackPending: number; filter: string | undefined }> => {
    const nc = await connect({ servers: world.nats.url });
    try {
      const info = await (await jetstreamManager(nc)).consumers.info(eventStream, durable);
      return { delivered: info.delivered.consumer_seq, pending: info.num_pending, ackPending: info.num_ack_pending, filter: info.config.filter_subject };
    } finally {
      await nc.close();
    }
  };

  beforeEach(async () => {
    world = await EventsWorld.start('sqlite', 'routes');
    relay = new OutboxRelay({ db: world.db, bus: world.bus, log });
    await world.db.schema.createTable(handledTable, (table) => {
      table.increments('id').primary();
      table.string('reader').notNullable();
      table.string('event_id').notNullable();
      table.string('subject').notNullable();
    });
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((part) => part.stop()));
    await world.stop();
  });

  it('delivers to a consumer only the events its table handles: the broker sends it nothing else', async () => {
    await consumeAsCoupon();
    const ids = await publish(placed(1), ...notForCoupon(1), cancelled(1), ...notForCoupon(2), placed(2));

    await eventually(async () => (await handled('coupon')).length === 3, 'the coupon events');
    const coupon = await durableInfo(routedName('coupon'));
    expect(coupon).to.deep.include({ delivered: 3, pending: 0 });
    expect(coupon.filter).to.equal('bookstore.*.*.coupon.>');
    expect((await handled('coupon')).map((row) => row.event_id)).to.deep.equal([ids[0], ids[5], ids[10]]);
    expect((await handled('coupon')).map((row) => row.subject)).to.deep.equal([
      orderEvents.OrderPlaced.subject,
      orderEvents.OrderCancelled.subject,
      orderEvents.OrderPlaced.subject,
    ]);
  });

  it('refuses to start a consumer whose table handles an event not routed to it', async () => {
    const error = await rejectionOf(
      world.bus.consume({ durable: 'coupon', events: [orderEvents.OrderPlaced, orderEvents.OrderStateChanged], db: world.db, handle: () => Promise.resolve() }),
    );
    expect(error.message).to.match(/coupon handles bookstore\.order\.OrderStateChanged, which (is|are) not routed to it/);
    expect(() => routePosition('mypage', [orderEvents.OrderPlaced, catalogEvents.BookRegistered])).to.not.throw();
  });

  it('keeps every event of a deployment upgraded from the legacy layout, each handled once', async () => {
    // The release before routing: an unfiltered durable (nats-server 2.9) that handled the first event.
    const nc = await connect({ servers: world.nats.url });
    try {
      await provisionConsumer(await jetstreamManager(nc), 'coupon', { filter: undefined, ackWaitMs: 30_000 });
    } finally {
      await nc.close();
    }
    const first = await publishLegacy(placed(1));
    await publishLegacy(notForCoupon(1)[0] as NewEvent);
    const backlog = [await publishLegacy(cancelled(1)), await publishLegacy(placed(2))];
    await world.db.transaction(async (trx) => {
      await trx('kit_processed_events').insert({ consumer: 'coupon', event_id: first });
      await trx(handledTable).insert({ reader: 'coupon', event_id: first, subject: orderEvents.OrderPlaced.subject });
    });

    // The new release starts while publishers of the old one still run.
    await consumeAsCoupon();
    const routed = await publish(placed(3), ...notForCoupon(3), cancelled(3));
    const straggler = await publishLegacy(cancelled(2));

    const expected = [first, ...backlog, routed[0], routed[5], straggler];
    await eventually(async () => (await handled('coupon')).length >= expected.length, 'every coupon event');
    await eventually(async () => (await durableInfo('coupon')).pending === 0 && (await durableInfo(routedName('coupon'))).pending === 0, 'both durables to be answered');
    const ids = (await handled('coupon')).map((row) => row.event_id);
    expect([...ids].sort()).to.deep.equal([...expected].sort());
    expect((await durableInfo('coupon')).filter).to.equal(legacyLayout);
    expect((await durableInfo(routedName('coupon'))).delivered).to.equal(2);
  });

  it('rebuilds a read model from a stream of both layouts, and an upgraded store goes on from its legacy position', async () => {
    for (const migration of replayMigrations) await migration.up(world.db);
    const legacy = [await publishLegacy(placed(1)), await publishLegacy(notForCoupon(1)[0] as NewEvent), await publishLegacy(cancelled(1))];
    const routed = await publish(placed(2), ...notForCoupon(2), cancelled(2));
    const events = [orderEvents.OrderPlaced, orderEvents.OrderCancelled];
    const replayAs = async (name: string): Promise<void> => {
      const replay = await world.bus.replay({ name, events, db: world.db, apply: (event, trx) => recordHandled(trx, name, event) });
      running.push(replay);
      await replay.caughtUp();
    };

    await replayAs('view');
    expect((await handled('view')).map((row) => row.event_id).sort()).to.deep.equal([legacy[0], legacy[2], routed[0], routed[5]].sort());

    // A replica's store of the release before routing, which applied the stream up to its 2nd event.
    await world.db('kit_replay_positions').insert({ reader: 'upgraded', sequence: 2 });
    await replayAs('upgraded');
    expect((await handled('upgraded')).map((row) => row.event_id).sort()).to.deep.equal([legacy[2], routed[0], routed[5]].sort());
  });
});
