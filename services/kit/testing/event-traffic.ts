import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '#kit/db/database.js';
import { connectEventBus, type EventBus } from '#kit/events/bus.js';
import type { EventConsumer } from '#kit/events/consumer.js';
import type { EventType, NewEvent, ReceivedEvent } from '#kit/events/event.js';
import { eventMigrations } from '#kit/events/migrations.js';
import { recordEvents } from '#kit/events/outbox.js';
import { OutboxRelay } from '#kit/events/relay.js';
import { createLogger } from '#kit/log/log.js';
import { waitFor } from '#kit/process/ports.js';

/**
 * Event traffic for tests, through the real path: `publish` records events in an outbox of its own
 * and relays them, exactly as another service would; `watch` collects what a service publishes.
 */
export class EventTraffic {
  private readonly consumers: EventConsumer[] = [];
  private watches = 0;

  private constructor(
    readonly bus: EventBus,
    private readonly db: Database,
    private readonly relay: OutboxRelay,
    private readonly dir: string,
  ) {}

  static async open(natsUrl: string): Promise<EventTraffic> {
    const dir = mkdtempSync(join(tmpdir(), 'bookstore-traffic-'));
    const log = createLogger('test-traffic', 'silent');
    const db = await openDatabase(`sqlite://${join(dir, 'traffic.sqlite')}`, eventMigrations);
    const bus = await connectEventBus({ url: natsUrl, name: 'test-traffic', log });
    await bus.ensureStreams();
    return new EventTraffic(bus, db, new OutboxRelay({ db: db.knex, bus, log }), dir);
  }

  /** Records the events as one transaction of a fictitious publisher and relays them to the stream. */
  async publish(...events: NewEvent[]): Promise<string[]> {
    const ids = await this.db.knex.transaction((trx) => recordEvents(trx, events));
    await this.relay.flush();
    return ids;
  }

  /** Everything published on these event types from the start of the stream, as it arrives. */
  async watch(types: readonly EventType<unknown>[]): Promise<ReceivedEvent[]> {
    const seen: ReceivedEvent[] = [];
    this.watches += 1;
    this.consumers.push(
      await this.bus.consume({
        durable: `test-watch-${String(process.pid)}-${String(this.watches)}-${String(Date.now())}`,
        events: types,
        db: this.db.knex,
        handle: (event) => {
          seen.push(event);
          return Promise.resolve();
        },
      }),
    );
    return seen;
  }

  /** Waits until `seen` holds an event matching `match`, and returns it. */
  static async next<T>(seen: readonly ReceivedEvent[], type: EventType<T>, match: (payload: T) => boolean = () => true): Promise<ReceivedEvent<T>> {
    let found: ReceivedEvent<T> | undefined;
    await waitFor(
      () => {
        found = seen.find((event): event is ReceivedEvent<T> => event.subject === type.subject && match(event.payload as T));
        return Promise.resolve(found !== undefined);
      },
      `a ${type.name} event`,
      20_000,
    );
    if (found === undefined) throw new Error(`no ${type.name} event`);
    return found;
  }

  async close(): Promise<void> {
    await Promise.all(this.consumers.map((consumer) => consumer.stop()));
    await this.relay.stop();
    await this.bus.close();
    await this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
