import { expect } from 'chai';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { OrderPlaced } from '#contracts/events/v1/order.js';
import type { Knex } from '#kit/db/database.js';
import { provisionConsumer } from '#kit/events/consumer-config.js';
import { routedFilter, routedName } from '#kit/events/routes.js';
import { consumeDefaults, redeliveryDelayMs, type ConsumeOptions, type EventConsumer } from '#kit/events/consumer.js';
import { isEvent, NotYet, type ReceivedEvent } from '#kit/events/event.js';
import { DeadLetterHeader, EventHeader } from '#kit/events/headers.js';
import { OutboxRelay } from '#kit/events/relay.js';
import { deadLetterStream, eventStream } from '#kit/events/streams.js';
import { currentCallContext } from '#kit/context/call-context.js';
import { storeKinds } from '#kit-testing/stores.js';
import { cancelled, type Effect, effectsTable, eventually, EventsWorld, log, metricValue, orderCancelled, orderPlaced, placed } from './support.js';

/** Short waits, so redelivery in these tests takes milliseconds. */
const quick = { backoffMs: [10, 20, 40], ackWaitMs: 5_000 } as const;

/** The effect every test handler has: one row per handled event, in the handler's transaction. */
async function recordEffect(trx: Knex.Transaction, durable: string, event: ReceivedEvent): Promise<void> {
  const orderId = isEvent(event, orderPlaced) || isEvent(event, orderCancelled) ? event.payload.orderId : 0;
  await trx(effectsTable).insert({
    consumer: durable,
    event_id: event.id,
    subject: event.subject,
    order_id: orderId,
    correlation_id: currentCallContext().correlationId ?? '',
  });
}

describe('durable event consumer defaults', () => {
  it('redeliver soon after a NotYet, and give handler errors at least 30 s before dead-lettering', () => {
    const { backoffMs, maxDeliver } = consumeDefaults;
    const waitsBetweenErrorAttempts = Array.from({ length: maxDeliver - 1 }, (_, index) => redeliveryDelayMs(backoffMs, index + 1));
    expect(redeliveryDelayMs(backoffMs, 1)).to.be.below(1_000);
    expect(waitsBetweenErrorAttempts.reduce((sum, delay) => sum + delay, 0)).to.be.at.least(30_000);
  });
});

for (const kind of storeKinds) {
  describe(`durable event consumers on ${kind}`, () => {
    let world: EventsWorld;
    let relay: OutboxRelay;
    const consumers: EventConsumer[] = [];

    const publish = async (...events: Parameters<EventsWorld['record']>[0]): Promise<string[]> => {
      const ids = await world.record(events);
      await relay.flush();
      return ids;
    };
    const consume = async (options: Partial<ConsumeOptions> & Pick<ConsumeOptions, 'durable'>): Promise<EventConsumer> => {
      const { durable } = options;
      const consumer = await world.bus.consume({
        events: [orderPlaced],
        db: world.db,
        handle: (event, trx) => recordEffect(trx, durable, event),
        ...quick,
        ...options,
      });
      consumers.push(consumer);
      return consumer;
    };
    const effectCount = async (): Promise<number> => (await world.effects()).length;

    beforeEach(async () => {
      world = await EventsWorld.start(kind, 'consumer');
      relay = new OutboxRelay({ db: world.db, bus: world.bus, log });
    });

    afterEach(async () => {
      await Promise.all(consumers.splice(0).map((consumer) => consumer.stop()));
      await world.stop();
    });

    it('receives every event published while it was stopped, and only the events it asked for', async () => {
      const consumer = await consume({ durable: 'mypage' });
      const before = await publish(placed(1), placed(2), cancelled(1));
      await eventually(async () => (await effectCount()) === 2, 'the first two OrderPlaced');
      await consumer.stop();

      const whileDown = await publish(placed(3), cancelled(2), placed(4), placed(5));
      await consume({ durable: 'mypage' });
      await eventually(async () => (await effectCount()) === 5, 'the OrderPlaced events published while down');
      await eventually(() => world.caughtUp('mypage'), 'the consumer to answer everything');

      const effects = await world.effects();
      const placedIds = [before[0], before[1], whileDown[0], whileDown[2], whileDown[3]];
      expect(effects.map((effect) => effect.event_id)).to.deep.equal(placedIds);
      expect(effects.map((effect) => effect.order_id)).to.deep.equal([1, 2, 3, 4, 5]);
      expect(effects.every((effect) => effect.subject === orderPlaced.subject)).to.be.true;
      expect(effects.map((effect) => effect.correlation_id)).to.deep.equal(['1', '2', '3', '4', '5']);
    });

    it('shows its lag rising while it is stopped and falling when it returns', async () => {
      const durable = 'lagging';
      const lag = async (): Promise<{ pending: number; ackPending: number }> => ({
        pending: await metricValue('bookstore_consumer_pending_messages', { consumer: durable }),
        ackPending: await metricValue('bookstore_consumer_ack_pending_messages', { consumer: durable }),
      });
      const caughtUp = async (): Promise<boolean> => {
        const { pending, ackPending } = await lag();
        return pending === 0 && ackPending === 0;
      };
      const consumer = await consume({ durable });
      await publish(placed(1));
      await eventually(async () => (await effectCount()) === 1 && (await caughtUp()), 'the first event handled and the lag at 0');

      await consumer.stop();
      await publish(placed(2), placed(3), placed(4));
      // Delivered to no one or to a pull request the stopped replica left open: waiting either way.
      await eventually(async () => {
        const { pending, ackPending } = await lag();
        return pending + ackPending === 3;
      }, 'the lag to count the three events the stopped consumer has not handled');
      expect(await effectCount()).to.equal(1);

      await consume({ durable });
      await eventually(async () => (await effectCount()) === 4 && (await caughtUp()), 'the lag to fall back to 0 once the consumer returns');
    });

    it('stops when stopped before it has read anything, and a later replica reads what came meanwhile', async () => {
      await (await consume({ durable: 'mypage' })).stop();
      const [id] = await publish(placed(1));

      await consume({ durable: 'mypage' });
      await eventually(async () => (await effectCount()) === 1, 'the event published after the stop');
      expect((await world.effects()).map((effect) => effect.event_id)).to.deep.equal([id]);
    });

    it('goes on consuming when the broker comes back after a loss', async () => {
      await consume({ durable: 'mypage' });
      await publish(placed(1));
      await eventually(async () => (await effectCount()) === 1, 'the event before the loss');

      await world.nats.pause();
      await world.nats.resume();
      await eventually(() => Promise.resolve(world.bus.isConnected()), 'the bus to reconnect');
      await publish(placed(2));

      await eventually(async () => (await effectCount()) === 2, 'the event after the loss');
      expect((await world.effects()).map((effect) => effect.order_id)).to.deep.equal([1, 2]);
    });

    it('two replicas on one durable consumer handle each event exactly once', async () => {
      await consume({ durable: 'delivery' });
      await consume({ durable: 'delivery' });
      const ids = await publish(...Array.from({ length: 150 }, (_, i) => placed(i + 1)));

      await eventually(() => world.caughtUp('delivery'), 'the replicas to answer all 150 events');
      const handled = new Map<string, number>();
      for (const effect of await world.effects()) handled.set(effect.event_id, (handled.get(effect.event_id) ?? 0) + 1);
      expect([...handled.keys()].sort()).to.deep.equal([...ids].sort());
      expect([...handled.values()].every((count) => count === 1)).to.be.true;
    });

    it('changes state once for an event it sees twice', async () => {
      const handlerRuns: string[] = [];
      const handle = async (event: ReceivedEvent, trx: Knex.Transaction): Promise<void> => {
        handlerRuns.push(event.id);
        await recordEffect(trx, 'coupon', event);
      };
      const first = await consume({ durable: 'coupon', handle });
      const ids = await publish(placed(1), placed(2), placed(3));
      await eventually(async () => (await effectCount()) === 3, 'the first deliveries');
      await first.stop();

      // A new consumer under the same name reads the stream from its start: every event comes again.
      await world.bus.deleteConsumer('coupon');
      await consume({ durable: 'coupon', handle });
      await eventually(() => world.caughtUp('coupon'), 'the second deliveries to be answered');

      expect((await world.effects()).map((effect) => effect.event_id)).to.deep.equal(ids);
      expect(handlerRuns).to.deep.equal(ids);
    });

    it('dead-letters an event whose handler keeps failing after maxDeliver tries, and goes on with later events', async () => {
      const tries = new Map<number, number>();
      const counted = { consumer: 'catalog', event: orderPlaced.subject };
      const before = {
        handled: await metricValue('bookstore_events_handled_total', counted),
        failed: await metricValue('bookstore_events_failed_total', { ...counted, reason: 'error' }),
        deadLettered: await metricValue('bookstore_events_dead_lettered_total', counted),
      };
      await consume({
        durable: 'catalog',
        maxDeliver: 3,
        handle: async (event, trx) => {
          if (!isEvent(event, orderPlaced)) throw new Error('unexpected event');
          const { orderId } = event.payload;
          tries.set(orderId, (tries.get(orderId) ?? 0) + 1);
          if (orderId === 13) throw new Error('book 3 is not in the catalog\nsecond line');
          await recordEffect(trx, 'catalog', event);
        },
      });
      const [poisonId, laterId] = await publish(placed(13), placed(14));

      await eventually(async () => (await world.streamEvents(deadLetterStream)).length === 1, 'the dead letter');
      await eventually(() => world.caughtUp('catalog'), 'the consumer to answer everything');

      expect(tries.get(13)).to.equal(3);
      expect((await world.effects()).map((effect) => effect.event_id)).to.deep.equal([laterId]);
      const [deadLetter] = await world.streamEvents(deadLetterStream);
      expect(deadLetter?.subject).to.equal('deadletter.catalog.bookstore.order.OrderPlaced');
      expect(OrderPlaced.decode(deadLetter?.data ?? new Uint8Array())).to.deep.include({ orderId: 13, deliveryAddress: 'Seoul' });
      const header = (name: string): string | undefined => deadLetter?.headers.get(name);
      expect(header(DeadLetterHeader.eventId)).to.equal(poisonId);
      expect(header(DeadLetterHeader.reason)).to.equal('book 3 is not in the catalog second line');
      expect(header(DeadLetterHeader.deliveries)).to.equal('3');
      expect(header(DeadLetterHeader.consumer)).to.equal('catalog');
      expect(header(EventHeader.correlationId)).to.equal('13');
      expect(header(EventHeader.event)).to.equal('OrderPlaced');
      expect(await metricValue('bookstore_events_handled_total', counted)).to.equal(before.handled + 1);
      expect(await metricValue('bookstore_events_failed_total', { ...counted, reason: 'error' })).to.equal(before.failed + 3);
      expect(await metricValue('bookstore_events_dead_lettered_total', counted)).to.equal(before.deadLettered + 1);
    });

    it('dead-letters an event whose payload does not decode at its first delivery', async () => {
      let handlerRuns = 0;
      const handle = (): Promise<void> => {
        handlerRuns++;
        return Promise.resolve();
      };
      await consume({ durable: 'order', handle });
      await world.bus.publish({
        id: 'c0ffee00-0000-4000-8000-000000000001',
        subject: orderPlaced.routedSubject,
        payload: new Uint8Array([0x0f, 0xff]),
        headers: { [EventHeader.correlationId]: '9', [EventHeader.occurredAt]: new Date().toISOString() },
      });

      await eventually(async () => (await world.streamEvents(deadLetterStream)).length === 1, 'the dead letter');
      const [deadLetter] = await world.streamEvents(deadLetterStream);
      expect(deadLetter?.headers.get(DeadLetterHeader.deliveries)).to.equal('1');
      expect(deadLetter?.headers.get(DeadLetterHeader.reason)).to.match(/does not decode as OrderPlaced/);
      expect(deadLetter?.data).to.deep.equal(new Uint8Array([0x0f, 0xff]));
      expect(handlerRuns).to.equal(0);
    });

    it('handles an event whose prerequisite arrives later once it has arrived', async () => {
      const waited: number[] = [];
      await consume({
        durable: 'delivery',
        events: [orderPlaced, orderCancelled],
        handle: async (event, trx) => {
          if (isEvent(event, orderCancelled)) {
            const known = await trx<Effect>(effectsTable).where({ subject: orderPlaced.subject, order_id: event.payload.orderId }).first();
            if (known === undefined) {
              waited.push(event.deliveryCount);
              throw new NotYet(`order ${event.payload.orderId} has not been placed yet`);
            }
          }
          await recordEffect(trx, 'delivery', event);
        },
      });
      const [cancelId] = await publish(cancelled(8));
      await eventually(() => Promise.resolve(waited.length >= 2), 'the cancellation to wait for its order');
      const [placeId] = await publish(placed(8));

      await eventually(() => world.caughtUp('delivery'), 'both events to be handled');
      expect((await world.effects()).map((effect) => effect.event_id)).to.deep.equal([placeId, cancelId]);
      expect(await world.streamEvents(deadLetterStream)).to.be.empty;
    });

    /** A handler that waits for its prerequisite for the first `waits` deliveries, then fails `failures` times (all of them if undefined), then handles. */
    const waitThenFail = (durable: string, waits: number, failures?: number): { errors: () => number; handle: ConsumeOptions['handle'] } => {
      let errors = 0;
      return {
        errors: () => errors,
        handle: async (event, trx) => {
          if (event.deliveryCount <= waits) throw new NotYet('the order is not known yet');
          if (failures === undefined || errors < failures) {
            errors++;
            throw new Error('Connection terminated unexpectedly');
          }
          await recordEffect(trx, durable, event);
        },
      };
    };

    it('gives an event that waited for its prerequisite every error attempt of maxDeliver', async () => {
      const handler = waitThenFail('coupon', 4, 2);
      await consume({ durable: 'coupon', maxDeliver: 3, notYetLimit: 10, handle: handler.handle });
      const [id] = await publish(placed(21));

      await eventually(() => world.caughtUp('coupon'), 'the event to be handled');
      expect((await world.effects()).map((effect) => effect.event_id)).to.deep.equal([id]);
      expect(handler.errors()).to.equal(2);
      expect(await world.streamEvents(deadLetterStream)).to.be.empty;
    });

    it('dead-letters an event that waited for its prerequisite after maxDeliver handler errors, not at its first', async () => {
      const handler = waitThenFail('coupon', 4);
      await consume({ durable: 'coupon', maxDeliver: 3, notYetLimit: 10, handle: handler.handle });
      await publish(placed(22));

      await eventually(async () => (await world.streamEvents(deadLetterStream)).length === 1, 'the dead letter');
      const [deadLetter] = await world.streamEvents(deadLetterStream);
      expect(handler.errors()).to.equal(3);
      expect(deadLetter?.headers.get(DeadLetterHeader.deliveries)).to.equal('7');
      expect(deadLetter?.headers.get(DeadLetterHeader.reason)).to.equal('Connection terminated unexpectedly');
    });

    it('dead-letters unhandled an event whose deliveries went unanswered past notYetLimit + maxDeliver (a crashing handler)', async () => {
      let handlerRuns = 0;
      const handle = (): Promise<void> => {
        handlerRuns++;
        return Promise.resolve();
      };
      // Four deliveries nobody answers, as a replica that dies in the handler leaves them.
      const nc = await connect({ servers: world.nats.url });
      try {
        await provisionConsumer(await jetstreamManager(nc), routedName('order'), { filter: routedFilter('order', [orderPlaced], false), ackWaitMs: quick.ackWaitMs });
        await publish(placed(23));
        const durable = await jetstream(nc).consumers.get(eventStream, routedName('order'));
        for (let delivery = 1; delivery <= 4; delivery++) (await durable.next({ expires: 5_000 }))?.nak();
        await nc.flush();
      } finally {
        await nc.close();
      }
      await consume({ durable: 'order', maxDeliver: 2, notYetLimit: 2, handle });

      await eventually(async () => (await world.streamEvents(deadLetterStream)).length === 1, 'the dead letter');
      const [deadLetter] = await world.streamEvents(deadLetterStream);
      expect(deadLetter?.headers.get(DeadLetterHeader.reason)).to.equal('not handled in 4 deliveries');
      expect(deadLetter?.headers.get(DeadLetterHeader.deliveries)).to.equal('5');
      expect(handlerRuns).to.equal(0);
    });

    it('forgets the events it processed longer ago than its retention, and only those', async () => {
      const daysAgo = (days: number): Knex.Raw =>
        kind === 'postgres' ? world.db.raw(`now() - interval '${String(days)} days'`) : world.db.raw(`datetime('now', '-${String(days)} days')`);
      await world.db('kit_processed_events').insert([
        { consumer: 'coupon', event_id: 'handled-8-days-ago', processed_at: daysAgo(8) },
        { consumer: 'coupon', event_id: 'handled-6-days-ago', processed_at: daysAgo(6) },
        { consumer: 'order', event_id: 'another-consumers-8-days-ago', processed_at: daysAgo(8) },
      ]);
      const processed = async (): Promise<string[]> =>
        (await world.db<{ consumer: string; event_id: string }>('kit_processed_events').select('consumer', 'event_id'))
          .map((row) => `${row.consumer}/${row.event_id}`)
          .sort();

      await consume({ durable: 'coupon', processedRetentionMs: 7 * 24 * 60 * 60_000 });
      const [id] = await publish(placed(1));
      const handled = `coupon/${String(id)}`;
      await eventually(async () => {
        const rows = await processed();
        return rows.includes(handled) && !rows.includes('coupon/handled-8-days-ago');
      }, 'the old row pruned and the new event handled');

      expect(await processed()).to.deep.equal(['coupon/handled-6-days-ago', handled, 'order/another-consumers-8-days-ago'].sort());
    });

    it('dead-letters an event whose prerequisite never arrives after notYetLimit deliveries', async () => {
      await consume({
        durable: 'mypage',
        notYetLimit: 4,
        handle: (event) => Promise.reject(new NotYet(`book of order ${event.correlationId} unknown`)),
      });
      await publish(placed(5));

      await eventually(async () => (await world.streamEvents(deadLetterStream)).length === 1, 'the dead letter');
      const [deadLetter] = await world.streamEvents(deadLetterStream);
      expect(deadLetter?.headers.get(DeadLetterHeader.deliveries)).to.equal('4');
      expect(deadLetter?.headers.get(DeadLetterHeader.reason)).to.equal('prerequisite never arrived: book of order 5 unknown');
    });
  });
}
