import { expect } from 'chai';
import { OrderCancelled, OrderPlaced } from '#contracts/events/v1/order.js';
import type { ReceivedEvent } from '#kit/events/event.js';
import { EventHeader } from '#kit/events/headers.js';
import { recordEvents } from '#kit/events/outbox.js';
import { OutboxRelay } from '#kit/events/relay.js';
import { inSpan } from '#kit/telemetry/spans.js';
import { recordSpans } from '#kit-testing/recorded-spans.js';
import { storeKinds } from '#kit-testing/stores.js';
import { cancelled, eventually, EventsWorld, log, metricValue, openTestDatabase, orderCancelled, orderPlaced, placed, rejectionOf } from './support.js';

for (const kind of storeKinds) {
  describe(`outbox relay on ${kind}`, () => {
    let world: EventsWorld;
    const relays: OutboxRelay[] = [];
    const relayFor = (world: EventsWorld, db = world.db, batchSize?: number): OutboxRelay => {
      const relay = new OutboxRelay({ db, bus: world.bus, log, pollIntervalMs: 20, batchSize });
      relays.push(relay);
      return relay;
    };

    beforeEach(async () => {
      world = await EventsWorld.start(kind, 'relay');
    });

    afterEach(async () => {
      await Promise.all(relays.splice(0).map((relay) => relay.stop()));
      await world.stop();
    });

    it('publishes events committed by a process that died before publishing, once each even when re-published', async () => {
      const crashed = await openTestDatabase(world.store.url);
      const ids = await crashed.knex.transaction((trx) => recordEvents(trx, [placed(1), placed(2), cancelled(1)]));
      await crashed.close();

      const rowsBeforePublish: unknown[] = await world.db('kit_outbox').select('*');
      expect(await relayFor(world).flush()).to.equal(3);
      expect(await world.outboxSize()).to.equal(0);

      // The relay dies after publishing, before its delete commits: the rows are back.
      await world.db('kit_outbox').insert(rowsBeforePublish);
      expect(await relayFor(world).flush()).to.equal(3);
      expect(await world.outboxSize()).to.equal(0);

      const stored = await world.streamEvents();
      expect(stored.map((event) => event.headers.get(EventHeader.id))).to.deep.equal(ids);
      expect(stored.map((event) => event.subject)).to.deep.equal([orderPlaced.routedSubject, orderPlaced.routedSubject, orderCancelled.routedSubject]);
      expect(OrderPlaced.decode(stored[1]?.data ?? new Uint8Array()).orderId).to.equal(2);
      expect(OrderCancelled.decode(stored[2]?.data ?? new Uint8Array()).orderId).to.equal(1);
    });

    it('keeps events in the outbox while the broker is down, its backlog and oldest age shown, and publishes them when it is back', async () => {
      const relay = relayFor(world);
      relay.start();
      await world.nats.pause();
      await eventually(() => Promise.resolve(!world.bus.isConnected()), 'the bus to notice the broker is gone');

      const published = await metricValue('bookstore_events_published_total', { event: orderPlaced.subject });
      const ids = await world.record([placed(1), placed(2)]);
      relay.nudge();
      const error = await rejectionOf(relay.flush());
      expect(error.message).to.match(/not connected/);
      expect(await world.outboxSize()).to.equal(2);
      expect(await metricValue('bookstore_outbox_pending', {})).to.equal(2);
      // As if the first of them had waited an hour for the broker.
      const first = await world.db<{ sequence: number; headers: string }>('kit_outbox').orderBy('sequence').first('sequence', 'headers');
      const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
      const headers = { ...(JSON.parse(first?.headers ?? '{}') as object), [EventHeader.occurredAt]: anHourAgo };
      await world.db('kit_outbox').where({ sequence: first?.sequence }).update({ headers: JSON.stringify(headers) });
      expect(await metricValue('bookstore_outbox_oldest_age_seconds', {})).to.be.at.least(3_600);

      await world.nats.resume();
      await eventually(async () => (await world.outboxSize()) === 0, 'the relay to publish after the broker is back');
      const stored = await world.streamEvents();
      expect(stored.map((event) => event.headers.get(EventHeader.id))).to.deep.equal(ids);
      expect(await metricValue('bookstore_outbox_pending', {})).to.equal(0);
      expect(await metricValue('bookstore_outbox_oldest_age_seconds', {})).to.equal(0);
      expect(await metricValue('bookstore_events_published_total', { event: orderPlaced.subject })).to.equal(published + 2);
    });

    it('publishes at stop what was recorded just before, started or not', async () => {
      const started = relayFor(world);
      started.start();
      const idle = relayFor(world);
      const ids = await world.record([placed(1), cancelled(1)]);
      await idle.stop();
      ids.push(...(await world.record([placed(2)])));
      await started.stop();

      expect(await world.outboxSize()).to.equal(0);
      expect((await world.streamEvents()).map((event) => event.headers.get(EventHeader.id))).to.deep.equal(ids);
    });

    it('stops when the flush at stop cannot finish, and leaves what it could not publish in the outbox', async () => {
      const ids = await world.record([placed(1), placed(2)]);
      // A broker that takes every publish and never answers, until the test lets the publishes fail.
      const unanswered: (() => void)[] = [];
      let answering = false;
      const publish = (): Promise<never> =>
        new Promise<never>((_, reject) => {
          const fail = (): void => { reject(new Error('publish timed out')); };
          if (answering) fail();
          else unanswered.push(fail);
        });
      await new OutboxRelay({ db: world.db, bus: { isConnected: () => true, publish }, log }).stop(50);
      expect(await world.outboxSize()).to.equal(2);
      answering = true;
      for (const fail of unanswered.splice(0)) fail();

      await world.nats.pause();
      await eventually(() => Promise.resolve(!world.bus.isConnected()), 'the bus to notice the broker is gone');
      await relayFor(world).stop();
      expect(await world.outboxSize()).to.equal(2);

      await world.nats.resume();
      await eventually(() => Promise.resolve(world.bus.isConnected()), 'the bus to reconnect');
      await relayFor(world).flush();
      expect((await world.streamEvents()).map((event) => event.headers.get(EventHeader.id))).to.deep.equal(ids);
    });

    it('two relays over one database publish every event once, in the order recorded', async () => {
      const ids: string[] = [];
      for (let order = 1; order <= 12; order++) ids.push(...(await world.record([placed(order), placed(order + 100), cancelled(order)])));
      const otherProcess = await openTestDatabase(world.store.url);
      try {
        const first = relayFor(world, world.db, 5);
        const second = relayFor(world, otherProcess.knex, 5);
        first.nudge();
        await Promise.all([first.flush(), second.flush(), second.flush()]);
      } finally {
        await Promise.all(relays.splice(0).map((relay) => relay.stop()));
        await otherProcess.close();
      }

      expect(await world.outboxSize()).to.equal(0);
      const stored = await world.streamEvents();
      expect(stored.map((event) => event.headers.get(EventHeader.id))).to.deep.equal(ids);
    });
  });
}

describe('recorded event headers', () => {
  let world: EventsWorld;

  beforeEach(async () => {
    world = await EventsWorld.start('sqlite', 'headers');
  });

  afterEach(async () => {
    await world.stop();
  });

  it('carry the event, correlation id, cause, time and trace of the story that raised them', async () => {
    const recorded = recordSpans();
    const cause: ReceivedEvent = {
      id: 'cause-event-id',
      type: orderPlaced,
      subject: orderPlaced.subject,
      payload: {},
      correlationId: '42',
      causationId: undefined,
      occurredAt: new Date(),
      deliveryCount: 1,
      streamSequence: 1,
    };
    const before = new Date();
    const traceId = await inSpan('the story', {}, async (span) => {
      await world.db.transaction((trx) => recordEvents(trx, [cancelled(42)], cause));
      return span.spanContext().traceId;
    });
    await new OutboxRelay({ db: world.db, bus: world.bus, log }).flush();
    recorded.stop();

    const [stored] = await world.streamEvents();
    const header = (name: string): string | undefined => stored?.headers.get(name);
    expect(header(EventHeader.event)).to.equal('OrderCancelled');
    expect(header(EventHeader.correlationId)).to.equal('42');
    expect(header(EventHeader.causationId)).to.equal('cause-event-id');
    expect(new Date(header(EventHeader.occurredAt) ?? '').getTime()).to.be.at.least(before.getTime());
    // The publish span, a child of the span that recorded the event, travels in the headers.
    const publish = recorded.one('publish bookstore.order.OrderCancelled');
    expect(publish.parentSpanContext?.spanId).to.equal(recorded.one('the story').spanContext().spanId);
    expect(header('traceparent')).to.equal(`00-${traceId}-${publish.spanContext().spanId}-01`);
  });
});
