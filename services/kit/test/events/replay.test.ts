import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { expect } from 'chai';
import { openDatabase, type Database, type Knex, type Migration } from '#kit/db/database.js';
import { isEvent, type ReceivedEvent } from '#kit/events/event.js';
import { DeadLetterHeader, EventHeader } from '#kit/events/headers.js';
import { OutboxRelay } from '#kit/events/relay.js';
import { routedName } from '#kit/events/routes.js';
import { forgetReplayPosition, replayMigrations, replayPosition, type ReplayOptions, type StreamReplay } from '#kit/events/replay.js';
import { deadLetterStream, eventStream } from '#kit/events/streams.js';
import { currentCallContext } from '#kit/context/call-context.js';
import type { TestDatabase } from '#kit-testing/postgres.js';
import { createTestStore, storeKinds } from '#kit-testing/stores.js';
import { cancelled, eventually, EventsWorld, log, metricValue, orderCancelled, orderPlaced, placed } from './support.js';

/** What a reader applied, one row per applied event, written in the reader's transaction. */
interface Applied {
  id: number;
  event_id: string;
  sequence: number;
  order_id: number;
  correlation_id: string;
}

const appliedTable = 'test_applied';
const readerMigrations: Migration[] = [
  ...replayMigrations,
  {
    name: 'test/applied',
    async up(db) {
      await db.schema.createTable(appliedTable, (table) => {
        table.increments('id').primary();
        table.string('event_id').notNullable();
        table.integer('sequence').notNullable();
        table.integer('order_id').notNullable();
        table.string('correlation_id').notNullable();
      });
    },
  },
];

async function recordApplied(event: ReceivedEvent, trx: Knex.Transaction): Promise<void> {
  const orderId = isEvent(event, orderPlaced) || isEvent(event, orderCancelled) ? event.payload.orderId : 0;
  await trx(appliedTable).insert({
    event_id: event.id,
    sequence: event.streamSequence,
    order_id: orderId,
    correlation_id: currentCallContext().correlationId ?? '',
  });
}

/** A replica's own store, read into by its own replays. */
class ReaderStore {
  readonly replays: StreamReplay[] = [];

  private constructor(
    private readonly test: TestDatabase,
    readonly database: Database,
  ) {}

  static async open(kind: (typeof storeKinds)[number]): Promise<ReaderStore> {
    const test = await createTestStore(kind, 'replay');
    return new ReaderStore(test, await openDatabase(test.url, readerMigrations));
  }

  get db(): Knex {
    return this.database.knex;
  }

  async replay(world: EventsWorld, options: Partial<ReplayOptions> = {}): Promise<StreamReplay> {
    const replay = await world.bus.replay({ name: 'view', events: [orderPlaced], db: this.db, apply: recordApplied, retryDelayMs: [20], ...options });
    this.replays.push(replay);
    return replay;
  }

  async applied(): Promise<Applied[]> {
    return this.db<Applied>(appliedTable).select('*').orderBy('id');
  }

  async close(): Promise<void> {
    await Promise.all(this.replays.splice(0).map((replay) => replay.stop()));
    await this.database.close();
    await this.test.drop();
  }
}

for (const kind of storeKinds) {
  describe(`stream replays on ${kind}`, () => {
    let world: EventsWorld;
    let relay: OutboxRelay;
    const stores: ReaderStore[] = [];

    const publish = async (...events: Parameters<EventsWorld['record']>[0]): Promise<string[]> => {
      const ids = await world.record(events);
      await relay.flush();
      return ids;
    };
    const openStore = async (): Promise<ReaderStore> => {
      const store = await ReaderStore.open(kind);
      stores.push(store);
      return store;
    };
    const orderIds = async (store: ReaderStore): Promise<number[]> => (await store.applied()).map((row) => row.order_id);

    beforeEach(async () => {
      // The publisher's store is SQLite either way: what varies is the reader's.
      world = await EventsWorld.start('sqlite', 'replay-publisher');
      relay = new OutboxRelay({ db: world.db, bus: world.bus, log });
    });

    afterEach(async () => {
      await Promise.all(stores.splice(0).map((store) => store.close()));
      await relay.stop();
      await world.stop();
    });

    it('builds an empty store from the start of the stream, in stream order, and is caught up once it holds it all', async () => {
      const ids = await publish(placed(1), cancelled(1), placed(2), placed(3));
      const store = await openStore();
      const replay = await store.replay(world);
      await replay.caughtUp();

      const applied = await store.applied();
      expect(applied.map((row) => row.event_id)).to.deep.equal([ids[0], ids[2], ids[3]]);
      expect(applied.map((row) => row.correlation_id)).to.deep.equal(['1', '2', '3']);
      expect(applied.map((row) => row.sequence)).to.deep.equal([1, 3, 4]);
      expect(await replayPosition(store.db, routedName('view'))).to.equal(4);
    });

    it('reads several event types, and no others (servers before 2.10 filter one subject only)', async () => {
      await world.bus.publish({ id: 'c0ffee00-0000-4000-8000-0000000000bb', subject: 'bookstore.catalog.StockInputted', payload: new Uint8Array(), headers: {} });
      const ids = await publish(placed(1), cancelled(1));
      const store = await openStore();
      await (await store.replay(world, { events: [orderPlaced, orderCancelled] })).caughtUp();

      expect((await store.applied()).map((row) => row.event_id)).to.deep.equal(ids);
      expect(await replayPosition(store.db, routedName('view'))).to.equal(3);
    });

    it('is caught up at once on a stream with nothing for it, and applies what comes later', async () => {
      await publish(cancelled(1));
      const store = await openStore();
      const replay = await store.replay(world);
      await replay.caughtUp();
      expect(await store.applied()).to.deep.equal([]);

      await publish(placed(7));
      await eventually(async () => (await orderIds(store)).length === 1, 'the later event');
      expect(await orderIds(store)).to.deep.equal([7]);
    });

    it('gives every replica every event, each applied once to its own store', async () => {
      const first = await openStore();
      const second = await openStore();
      await first.replay(world);
      await second.replay(world);
      const ids = await publish(...Array.from({ length: 120 }, (_, index) => placed(index + 1)));

      for (const store of [first, second]) {
        await eventually(async () => (await store.applied()).length === 120, 'all 120 events in each store');
        expect((await store.applied()).map((row) => row.event_id)).to.deep.equal(ids);
      }
    });

    it('applies a long stream in batches and catches up with all of it before saying so', async () => {
      const ids = await publish(...Array.from({ length: 250 }, (_, index) => placed(index + 1)));
      const store = await openStore();
      await (await store.replay(world, { batchSize: 40 })).caughtUp();

      expect((await store.applied()).map((row) => row.event_id)).to.deep.equal(ids);
    });

    it('resumes after the position its store holds: nothing missed, nothing applied twice', async () => {
      const store = await openStore();
      const replay = await store.replay(world);
      await publish(placed(1), placed(2));
      await eventually(async () => (await orderIds(store)).length === 2, 'the first two events');
      await replay.stop();

      await publish(placed(3), cancelled(2), placed(4));
      await (await store.replay(world)).caughtUp();

      expect(await orderIds(store)).to.deep.equal([1, 2, 3, 4]);
      await publish(placed(5));
      await eventually(async () => (await orderIds(store)).length === 5, 'the event after the restart');
      expect(await orderIds(store)).to.deep.equal([1, 2, 3, 4, 5]);
    });

    it('starts from the beginning again when its position is forgotten (a rebuild)', async () => {
      const store = await openStore();
      const replay = await store.replay(world);
      const ids = await publish(placed(1), placed(2));
      await replay.caughtUp();
      await eventually(async () => (await orderIds(store)).length === 2, 'the first build');
      await replay.stop();

      await store.db.transaction(async (trx) => {
        await trx(appliedTable).delete();
        await forgetReplayPosition(trx, 'view');
      });
      await (await store.replay(world)).caughtUp();

      expect((await store.applied()).map((row) => row.event_id)).to.deep.equal(ids);
    });

    it('keeps nothing of a batch that failed, and applies it again from the stored position', async () => {
      let failuresLeft = 2;
      const store = await openStore();
      await store.replay(world, {
        batchSize: 1,
        apply: async (event, trx) => {
          await recordApplied(event, trx);
          if (isEvent(event, orderPlaced) && event.payload.orderId === 2 && failuresLeft > 0) {
            failuresLeft -= 1;
            throw new Error('the store went away');
          }
        },
      });
      await publish(placed(1), placed(2), placed(3));

      await eventually(async () => (await orderIds(store)).length === 3, 'every event, the failed one again');
      expect(failuresLeft).to.equal(0);
      expect(await orderIds(store)).to.deep.equal([1, 2, 3]);
    });

    it('moves an event apply keeps failing on to the dead letters after poisonAfter attempts, and applies the later ones', async () => {
      const counted = { consumer: 'view', event: orderPlaced.subject };
      const deadLetteredBefore = await metricValue('bookstore_events_dead_lettered_total', counted);
      let attempts = 0;
      const store = await openStore();
      const ids = await publish(placed(1), placed(2), placed(3));
      const replay = await store.replay(world, {
        poisonAfter: 3,
        apply: async (event, trx) => {
          if (isEvent(event, orderPlaced) && event.payload.orderId === 2) {
            attempts += 1;
            throw new Error('book 3 has no name');
          }
          await recordApplied(event, trx);
        },
      });

      await replay.caughtUp();
      expect(await orderIds(store)).to.deep.equal([1, 3]);
      expect(attempts).to.equal(3);
      expect(await replayPosition(store.db, routedName('view'))).to.equal(3);
      const deadLetters = await world.streamEvents(deadLetterStream);
      expect(deadLetters.map((letter) => letter.subject)).to.deep.equal(['deadletter.view.bookstore.order.OrderPlaced']);
      const header = (name: string): string | undefined => deadLetters[0]?.headers.get(name);
      expect(header(DeadLetterHeader.eventId)).to.equal(ids[1]);
      expect(header(DeadLetterHeader.reason)).to.equal('book 3 has no name');
      expect(header(DeadLetterHeader.deliveries)).to.equal('3');
      expect(header(DeadLetterHeader.consumer)).to.equal('view');
      expect(await metricValue('bookstore_events_dead_lettered_total', counted)).to.equal(deadLetteredBefore + 1);

      await publish(placed(4));
      await eventually(async () => (await orderIds(store)).length === 3, 'the event after the dead letter');
      expect(await orderIds(store)).to.deep.equal([1, 3, 4]);
    });

    it('passes over a message that is no event, and goes on with the next', async () => {
      const store = await openStore();
      const replay = await store.replay(world);
      await world.bus.publish({
        id: 'c0ffee00-0000-4000-8000-0000000000aa',
        subject: orderPlaced.routedSubject,
        payload: new Uint8Array([0x0f, 0xff]),
        headers: { [EventHeader.correlationId]: '9', [EventHeader.occurredAt]: new Date().toISOString() },
      });
      await publish(placed(10));

      await eventually(async () => (await orderIds(store)).length === 1, 'the event after the malformed one');
      await replay.caughtUp();
      expect(await orderIds(store)).to.deep.equal([10]);
      expect(await replayPosition(store.db, routedName('view'))).to.equal(2);
    });

    it('stops when stopped before it has read anything, and resumes from its position later', async () => {
      await publish(placed(1));
      const store = await openStore();
      await (await store.replay(world)).stop();

      await (await store.replay(world)).caughtUp();
      expect(await orderIds(store)).to.deep.equal([1]);
    });

    it('reads on after the broker restarted (and forgot its ordered consumer), from its stored position', async () => {
      await publish(placed(1));
      const store = await openStore();
      await (await store.replay(world)).caughtUp();
      await world.nats.kill();
      await eventually(() => Promise.resolve(!world.bus.isConnected()), 'the broker connection to be lost');
      await world.nats.resume();
      await eventually(() => Promise.resolve(world.bus.isConnected()), 'the broker connection to be restored');

      await publish(placed(2));
      await eventually(async () => (await orderIds(store)).length === 2, 'the event published after the restart');
      expect(await orderIds(store)).to.deep.equal([1, 2]);
    });

    it('reads on at once from its stored position when the server loses its consumer under a live connection', async () => {
      await publish(placed(1));
      const store = await openStore();
      await (await store.replay(world)).caughtUp();
      // What a cluster does when the node holding the ordered consumer dies: it is gone, the connection is not.
      const admin = await connect({ servers: world.nats.url });
      try {
        const manager = await jetstreamManager(admin);
        for await (const consumer of manager.consumers.list(eventStream)) await manager.consumers.delete(eventStream, consumer.name);
      } finally {
        await admin.close();
      }
      await publish(placed(2));
      await eventually(async () => (await orderIds(store)).length === 2, 'the event published after the consumer was lost');
      expect(await orderIds(store)).to.deep.equal([1, 2]);
    });

    it('says it was stopped to whoever waits for it to catch up', async () => {
      await world.nats.pause();
      const store = await openStore();
      const replay = await store.replay(world);
      await replay.stop();
      await world.nats.resume();

      const outcome = await replay.caughtUp().then(
        () => 'caught up',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      expect(outcome).to.match(/stopped before it caught up/);
    });
  });
}
