import { AckPolicy, DeliverPolicy, type ConsumerMessages } from '@nats-io/jetstream';
import type { EventConsumer } from '#kit/events/consumer.js';
import { eventStream } from '#kit/events/streams.js';
import { natsUrlOf, type Benchmark } from '../benchmark.js';
import { asWhole, type Subject } from '../measure.js';
import { benchEventType, connectRawJetStream, openKitEvents, publishMany, type KitEvents, type RawJetStream } from '../support/bench-events.js';
import { withClosers } from '../support/closers.js';

/** Messages fetched ahead of the handler, as the kit's consumer does. */
const prefetch = 128;

/**
 * Each round publishes its events (untimed) on a subject of its own, then times a new durable
 * consumer from creation until it has handled them all.
 */
export const eventConsumer: Benchmark = {
  name: 'events: durable consumer',
  unit: 'event',
  maxOps: 5_000,
  async setUp(env) {
    const natsUrl = natsUrlOf(env);
    if (typeof natsUrl !== 'string') return natsUrl;
    return withClosers(async (closers) => {
      const kit = await openKitEvents(natsUrl, closers);
      const raw = await connectRawJetStream(natsUrl, closers);
      return { ours: kitConsumer(kit, raw), baseline: rawConsumer(raw), close: () => closers.close() };
    });
  },
};

function kitConsumer(kit: KitEvents, raw: RawJetStream): Subject {
  let round = 0;
  let type = benchEventType('KitConsumed0');
  let consumer: EventConsumer | undefined;
  return {
    label: `kit durable consumer on SQLite: the events fetched together claimed in the processed-events table and handled (no-op) in one transaction, commit, ack; prefetch ${prefetch}`,
    before: async (ops) => {
      round += 1;
      type = benchEventType(`KitConsumed${round}`, `bench-kit-${round}`);
      await publishMany(raw.js, type.routedSubject, ops);
    },
    run: asWhole(async (ops) => {
      let handled = 0;
      await new Promise<void>((resolve, reject) => {
        kit.bus
          .consume({
            durable: `bench-kit-${round}`,
            events: [type],
            db: kit.db.knex,
            handle: () => Promise.resolve(),
            afterCommit: () => {
              handled += 1;
              if (handled === ops) resolve();
            },
          })
          .then((started) => { consumer = started; }, reject);
      });
    }),
    after: async () => {
      await consumer?.stop();
      await kit.bus.deleteConsumer(`bench-kit-${round}`);
    },
  };
}

function rawConsumer(raw: RawJetStream): Subject {
  let round = 0;
  let subject = benchEventType('RawConsumed0').subject;
  let messages: ConsumerMessages | undefined;
  return {
    label: `raw JetStream durable pull consumer: consume and ack each message; prefetch ${prefetch}`,
    before: async (ops) => {
      round += 1;
      subject = benchEventType(`RawConsumed${round}`).subject;
      await publishMany(raw.js, subject, ops);
    },
    run: asWhole(async (ops) => {
      const durable = `bench-raw-${round}`;
      await raw.jsm.consumers.add(eventStream, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, filter_subject: subject });
      messages = await (await raw.js.consumers.get(eventStream, durable)).consume({ max_messages: prefetch });
      let acked = 0;
      for await (const msg of messages) {
        msg.ack();
        acked += 1;
        if (acked === ops) break;
      }
    }),
    after: async () => {
      await messages?.close();
      await raw.jsm.consumers.delete(eventStream, `bench-raw-${round}`);
    },
  };
}
