import { SpanKind, trace, type Context } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import { expect } from 'chai';
import type { EventConsumer } from '#kit/events/consumer.js';
import { OutboxRelay } from '#kit/events/relay.js';
import { contextFromHeaders, traceHeaders } from '#kit/telemetry/propagation.js';
import { inSpan } from '#kit/telemetry/spans.js';
import { recordSpans, type RecordedSpans } from '#kit-testing/recorded-spans.js';
import { eventually, EventsWorld, log, orderPlaced, placed } from '../events/support.js';

/**
 * Trace context through the outbox and NATS message headers: the publish span continues the trace
 * of the transaction that recorded the event, the consumer's span is its child, and a trace the
 * caller did not sample stays unsampled all the way.
 */
describe('trace context through the outbox and NATS headers', () => {
  let world: EventsWorld;
  let relay: OutboxRelay;
  let consumer: EventConsumer | undefined;
  let recorded: RecordedSpans;
  /** traceHeaders() inside the handler, by order id. */
  const seen = new Map<number, Record<string, string>>();

  before(async () => {
    recorded = recordSpans();
    world = await EventsWorld.start('sqlite', 'trace-nats');
    relay = new OutboxRelay({ db: world.db, bus: world.bus, log });
    consumer = await world.bus.consume({
      durable: 'traced',
      events: [orderPlaced],
      db: world.db,
      backoffMs: [10],
      handle: (event) => {
        if (event.subject === orderPlaced.subject) seen.set((event.payload as { orderId: number }).orderId, traceHeaders());
        return Promise.resolve();
      },
    });
  });

  after(async () => {
    await consumer?.stop();
    await relay.stop();
    await world.stop();
    recorded.stop();
  });

  /** Records OrderPlaced for `orderId` in `parent`, publishes it, and waits until the consumer handled it. */
  const placeIn = async (parent: Context, orderId: number): Promise<void> => {
    await inSpan('place the order', {}, () => world.record([placed(orderId)]), parent);
    await relay.flush();
    await eventually(() => Promise.resolve(seen.has(orderId)), `order ${orderId} to be handled`);
  };
  const ofTrace = (traceId: string): ReadableSpan[] => recorded.spans.filter((span) => span.spanContext().traceId === traceId);

  it('makes the consumer\'s handling a child of the publish span, which is a child of the recording transaction', async () => {
    const root = contextFromHeaders(() => undefined);
    await placeIn(root, 101);
    const story = recorded.spans.find((span) => span.name === 'place the order');
    const traceId = story?.spanContext().traceId ?? '';
    await eventually(() => Promise.resolve(ofTrace(traceId).some((span) => span.kind === SpanKind.CONSUMER)), 'the consumer span to end');

    const spans = ofTrace(traceId);
    const publish = spans.find((span) => span.kind === SpanKind.PRODUCER);
    const process = spans.find((span) => span.kind === SpanKind.CONSUMER);
    expect(publish?.name).to.equal('publish bookstore.order.OrderPlaced');
    expect(publish?.parentSpanContext?.spanId).to.equal(story?.spanContext().spanId);
    expect(process?.name).to.equal('process bookstore.order.OrderPlaced');
    expect(process?.parentSpanContext?.spanId).to.equal(publish?.spanContext().spanId);
    expect(process?.attributes).to.include({ 'messaging.consumer.group.name': 'traced', 'bookstore.order_id': '101' });
    const handling = spans.find((span) => span.name === 'transaction' && span.parentSpanContext?.spanId === process?.spanContext().spanId);
    expect(handling, 'the handling transaction, inside the consumer span').to.not.equal(undefined);
    expect(seen.get(101)?.traceparent).to.match(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('keeps a caller\'s decision not to sample: the flag travels, nothing is recorded', async () => {
    const traceId = 'a3ce929d0e0e47364bf92f3577b34da6';
    const unsampled = contextFromHeaders((name) => (name === 'traceparent' ? `00-${traceId}-00f067aa0ba902b7-00` : name === 'baggage' ? 'shop.channel=app' : undefined));
    expect(trace.getSpanContext(unsampled)?.traceFlags).to.equal(0);
    await placeIn(unsampled, 102);

    const stored = (await world.streamEvents()).find((event) => event.headers.get('Bookstore-Correlation-Id') === '102');
    expect(stored?.headers.get('traceparent')).to.match(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    expect(stored?.headers.get('baggage')).to.equal('shop.channel=app');
    expect(seen.get(102)?.traceparent).to.match(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    expect(seen.get(102)?.baggage).to.equal('shop.channel=app');
    expect(ofTrace(traceId)).to.deep.equal([]);
  });
});
