import { expect } from 'chai';
import { nanos } from '@nats-io/nats-core';
import { register } from 'prom-client';
import { connectEventBus } from '#kit/events/bus.js';
import { EventHeader } from '#kit/events/headers.js';
import { deadLetterStream, eventStream } from '#kit/events/streams.js';
import { freePort, waitFor } from '#kit/process/ports.js';
import { EventsWorld, log, metricValue, rejectionOf } from './support.js';

describe('event bus', () => {
  let world: EventsWorld;

  beforeEach(async () => {
    world = await EventsWorld.start('sqlite', 'bus');
  });

  afterEach(async () => {
    await world.stop();
  });

  it('stores an event published twice under one id once', async () => {
    const event = { id: 'e6f1c0de-0000-4000-8000-000000000001', subject: 'bookstore.order.OrderPlaced', payload: new Uint8Array([8, 1]), headers: {} };
    const first = await world.bus.publish(event);
    const second = await world.bus.publish(event);

    expect(first.duplicate).to.be.false;
    expect(second).to.deep.equal({ streamSequence: first.streamSequence, duplicate: true });
    const stored = await world.streamEvents();
    expect(stored.map((message) => message.headers.get(EventHeader.id))).to.deep.equal([event.id]);
  });

  it('provisions the event and dead-letter streams, and doing it again changes nothing', async () => {
    await world.bus.ensureStreams();

    const events = await world.streamConfig(eventStream);
    expect(events).to.deep.equal({ subjects: ['bookstore.>'], duplicateWindowNs: nanos(120_000), storage: 'file', retention: 'limits' });
    const deadLetters = await world.streamConfig(deadLetterStream);
    expect(deadLetters.subjects).to.deep.equal(['deadletter.>']);
    expect(deadLetters.storage).to.equal('file');
  });

  it('reports how much the event stream holds, and nothing while the broker is away', async () => {
    for (const id of ['e6f1c0de-0000-4000-8000-000000000002', 'e6f1c0de-0000-4000-8000-000000000003']) {
      await world.bus.publish({ id, subject: 'bookstore.order.OrderPlaced', payload: new Uint8Array([8, 1]), headers: {} });
    }
    const stream = { stream: eventStream };
    expect(await metricValue('bookstore_event_stream_messages', stream)).to.equal(2);
    expect(await metricValue('bookstore_event_stream_bytes', stream)).to.be.greaterThan(0);

    await world.nats.pause();
    await waitFor(() => Promise.resolve(!world.bus.isConnected()), 'the bus to notice the broker is gone');
    expect((await register.getSingleMetric('bookstore_event_stream_messages')?.get())?.values).to.deep.equal([]);
    await world.nats.resume();
  });

  it('fails to connect naming the URL when no broker answers', async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const error = await rejectionOf(connectEventBus({ url, name: 'nobody', log, connectTimeoutMs: 300, reconnectWaitMs: 50 }));
    expect(error.message).to.contain(url);
  });
});
