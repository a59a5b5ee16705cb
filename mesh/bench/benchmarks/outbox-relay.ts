import { tracedTransaction } from '#kit/db/traced-transaction.js';
import { recordEvents } from '#kit/events/outbox.js';
import { OutboxRelay } from '#kit/events/relay.js';
import { natsUrlOf, type BenchEnv, type Benchmark, type Contest } from '../benchmark.js';
import { asWhole, inFlight, type Subject } from '../measure.js';
import { benchEvent, benchEventType, connectRawJetStream, openKitEvents, rawPublish, relayBatch, type KitEvents } from '../support/bench-events.js';
import { withClosers } from '../support/closers.js';

const relayed = benchEventType('Relayed');
const baselineLabel = `raw JetStream publish with msgID and the same headers; ${relayBatch} in flight`;

/** The relay alone: events already in the outbox, published and deleted by OutboxRelay.flush. */
export const outboxRelay: Benchmark = {
  name: 'events: relay flush',
  unit: 'event',
  maxOps: 10_000,
  setUp: (env) =>
    outboxContest(env, (kit, relay) => ({
      label: `OutboxRelay.flush on SQLite: read ${relayBatch}, publish them with msgID, delete them (recorded before the round, untimed)`,
      before: async (ops) => {
        for (let recorded = 0; recorded < ops; recorded += relayBatch) {
          const events = Array.from({ length: Math.min(relayBatch, ops - recorded) }, () => benchEvent(relayed));
          await kit.db.knex.transaction((trx) => recordEvents(trx, events));
        }
      },
      run: asWhole(async (ops) => { await flushed(relay, ops); }),
    })),
};

/** The whole outbox path as a service drives it: one transaction per event, a nudge after each commit, a final flush. */
export const outboxEndToEnd: Benchmark = {
  name: 'events: outbox end to end',
  unit: 'event',
  maxOps: 3_000,
  setUp: (env) =>
    outboxContest(env, (kit, relay) => ({
      label: 'recordEvents in its own kit store transaction on SQLite (as a use case records them), relay.nudge() after each commit, then flush',
      run: asWhole(async (ops) => {
        for (let index = 0; index < ops; index++) {
          await tracedTransaction(kit.db.knex, (trx) => recordEvents(trx, [benchEvent(relayed)]));
          relay.nudge();
        }
        await relay.flush();
      }),
    })),
};

async function outboxContest(env: BenchEnv, ours: (kit: KitEvents, relay: OutboxRelay) => Subject): Promise<Contest | { skipped: string }> {
  const natsUrl = natsUrlOf(env);
  if (typeof natsUrl !== 'string') return natsUrl;
  return withClosers(async (closers) => {
    const kit = await openKitEvents(natsUrl, closers);
    const relay = closers.add(new OutboxRelay({ db: kit.db.knex, bus: kit.bus, log: kit.log }), (opened) => opened.stop());
    const raw = await connectRawJetStream(natsUrl, closers);
    return {
      ours: ours(kit, relay),
      baseline: { label: baselineLabel, run: inFlight(() => rawPublish(raw.js, relayed.routedSubject), relayBatch) },
      close: () => closers.close(),
    };
  });
}

async function flushed(relay: OutboxRelay, expected: number): Promise<void> {
  const published = await relay.flush();
  if (published !== expected) throw new Error(`the relay published ${published} events, expected ${expected}`);
}
