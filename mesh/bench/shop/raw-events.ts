import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import BetterSqlite3 from 'better-sqlite3';
import { percentile } from '../measure.js';

/** The baselines of the event rows, with the NATS client and better-sqlite3 alone. */

export interface LatencyOutcome {
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

export function latencyOf(latencies: readonly number[]): LatencyOutcome {
  const sorted = [...latencies].sort((a, b) => a - b);
  return { samples: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

/** One event at a time: JetStream publish (awaiting its ack) until a pull consumer has it in hand. */
export async function rawPublishToConsume(natsUrl: string, samples: number): Promise<LatencyOutcome> {
  const nc = await connect({ servers: natsUrl, name: 'bench-raw-visibility' });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: 'BENCH_VISIBILITY', subjects: ['benchvisibility.>'] });
    const js = jetstream(nc);
    await jsm.consumers.add('BENCH_VISIBILITY', { durable_name: 'visibility', ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New });
    const messages = await (await js.consumers.get('BENCH_VISIBILITY', 'visibility')).consume({ max_messages: 16 });
    const latencies: number[] = [];
    let arrived: (() => void) | undefined;
    const reading = (async () => {
      for await (const msg of messages) {
        msg.ack();
        arrived?.();
      }
    })();
    for (let index = 0; index < samples; index += 1) {
      const started = performance.now();
      const seen = new Promise<void>((resolve) => { arrived = resolve; });
      await js.publish('benchvisibility.event', new Uint8Array(64));
      await seen;
      latencies.push(performance.now() - started);
    }
    await messages.close();
    await reading;
    return latencyOf(latencies);
  } finally {
    await nc.drain();
  }
}

/**
 * A consumer catching up, written by hand: a new durable pull consumer from the start of `stream`,
 * each message claimed in its own better-sqlite3 transaction (WAL, synchronous NORMAL, as the kit
 * opens SQLite) and acked. Events a second over the `count` messages it reads.
 */
export async function rawCatchUp(natsUrl: string, stream: string, count: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bookstore-bench-raw-'));
  const db = new BetterSqlite3(join(dir, 'raw.sqlite'));
  const nc = await connect({ servers: natsUrl, name: 'bench-raw-catch-up' });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('create table processed (sequence integer primary key, subject text not null)');
    const insert = db.prepare('insert into processed (sequence, subject) values (?, ?)');
    const claim = db.transaction((sequence: number, subject: string) => insert.run(sequence, subject));
    const jsm = await jetstreamManager(nc);
    const durable = `bench-raw-catch-up-${process.pid}`;
    await jsm.consumers.add(stream, { durable_name: durable, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All });
    const started = performance.now();
    const messages = await (await jetstream(nc).consumers.get(stream, durable)).consume();
    let handled = 0;
    for await (const msg of messages) {
      claim.immediate(msg.info.streamSequence, msg.subject);
      msg.ack();
      handled += 1;
      if (handled >= count) break;
    }
    const seconds = (performance.now() - started) / 1000;
    await messages.close();
    await jsm.consumers.delete(stream, durable);
    return handled / seconds;
  } finally {
    await nc.drain();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
