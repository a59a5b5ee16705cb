import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Trace, TracesAnswer, TraceSpan } from '../../local/traces/trace-api.js';
import { CardProcessorClient } from '../../invariants/card-processor-client.js';
import { RouteTokens } from '../../tokens/route-tokens.js';
import { id, shopForSuite, type Json } from './shop.js';

/** An event a consumer handled, as its log line says and as its span should. */
interface Handling {
  consumer: string;
  eventId: string;
}

/**
 * One order is one trace: from the edge's POST /orders through order, catalog and coupon to every
 * consumer that handled its events, each span under its parent; and a caller that did not sample
 * its trace gets none recorded anywhere, the decision travelling with the order's calls and events.
 */
describe('traces of an order through the whole mesh', function () {
  this.timeout(240_000);
  const shop = shopForSuite();

  const tracesOf = async (orderId: string): Promise<Trace[]> => ((await (await fetch(`${shop().mesh.tracesUrl}/api/traces?orderId=${orderId}`)).json()) as TracesAnswer).traces;

  /** The log lines of one order, as JSON, with the label of the process that wrote each. */
  const linesOf = (orderId: string): (Json & { label: string })[] =>
    shop().logs
      .filter((line) => line.includes(`"correlationId":"${orderId}"`))
      .map((line) => {
        const space = line.indexOf(' ');
        return { label: line.slice(0, space).replace(/-\d+$/, ''), ...(JSON.parse(line.slice(space + 1)) as Json) };
      });

  /** What the consumers (durable ones and mypage's replay) say they handled of the order's events. */
  const handledOf = (orderId: string): Handling[] =>
    linesOf(orderId)
      .filter((line) => line.msg === 'event handled' || line.msg === 'event applied')
      .map((line) => ({ consumer: String(line.consumer ?? line.reader), eventId: String(line.eventId) }));

  const placeOrder = async (couponId?: string): Promise<{ customerId: string; orderId: string }> => {
    const bookId = id(await shop().rest.post('/books', { bookName: 'Traced', stock: 5, price: 1500 }));
    const customerId = id(await shop().rest.post('/customers', { name: 'Kim', email: 'kim@example.com' }));
    const coupon = couponId ?? id(await shop().rest.post('/coupons', { customerId, discount: 300 }));
    const order = { customerId, bookId, couponId: coupon, quantity: 1, deliveryAddress: '1 Baker Street' };
    return { customerId, orderId: id(await shop().rest.post('/orders', order)) };
  };

  /** The trace whose root is the edge's POST /orders, once it holds a span for every handling the consumers logged. */
  const wholeTrace = async (orderId: string): Promise<Trace> => {
    const consumers = ['catalog', 'coupon', 'delivery', 'payment', 'order', 'mypage'];
    const found = await shop().eventually(
      `the trace of order ${orderId} to hold every consumer that handled its events`,
      async () => {
        const placed = (await tracesOf(orderId)).find((trace) => trace.spans.some((span) => span.name === 'POST /orders'));
        const handled = handledOf(orderId);
        const handledBy = new Set(handled.map((handling) => handling.consumer));
        // What is still missing, so a timeout says what never arrived.
        const missing = [
          ...(placed === undefined ? ['the trace of POST /orders'] : []),
          ...consumers.filter((consumer) => !handledBy.has(consumer)).map((consumer) => `a handling by ${consumer}`),
          ...handled.filter((handling) => placed === undefined || processSpanOf(placed, handling) === undefined).map((handling) => `the span of ${handling.consumer}'s ${handling.eventId}`),
        ];
        return { missing, placed };
      },
      ({ missing }) => missing.length === 0,
      60_000,
    );
    return found.placed as Trace;
  };

  it('makes one trace of an order placed through the edge, from the edge to every consumer of its events, parents intact', async () => {
    const { orderId } = await placeOrder();
    const placed = await wholeTrace(orderId);

    const [root, ...others] = placed.spans.filter((span) => span.parentSpanId === undefined);
    expect(others, 'one root').to.deep.equal([]);
    expect(root).to.deep.include({ service: 'edge', name: 'POST /orders', kind: 'SERVER', status: 'OK' });
    expect(root?.attributes).to.deep.include({ 'http.route': '/orders', 'http.response.status_code': 200 });
    const ids = new Set(placed.spans.map((span) => span.spanId));
    expect(placed.spans.filter((span) => span.parentSpanId !== undefined && !ids.has(span.parentSpanId)), 'spans whose parent is missing').to.deep.equal([]);
    expect(new Set(placed.spans.map((span) => span.service))).to.include.members(['edge', 'order', 'catalog', 'coupon', 'delivery', 'payment', 'mypage']);

    const server = (service: string, method: string): TraceSpan | undefined => placed.spans.find((span) => span.service === service && span.kind === 'SERVER' && span.name === method);
    const placing = server('order', 'bookstore.order.v1.OrderService/PlaceOrder');
    expect(placing?.attributes['bookstore.order_id']).to.equal(orderId);
    for (const [service, method] of [['catalog', 'bookstore.catalog.v1.CatalogService/GetBook'], ['coupon', 'bookstore.coupon.v1.CouponService/GetCoupon']] as const) {
      const callee = server(service, method);
      const caller = placed.spans.find((span) => span.spanId === callee?.parentSpanId);
      expect(caller, `the client span of ${method}`).to.deep.include({ service: 'order', kind: 'CLIENT', name: method, parentSpanId: placing?.spanId });
    }
    // Payment's charge at the card processor is a client span of Pay.
    const paying = server('payment', 'bookstore.payment.v1.PaymentService/Pay');
    expect(placed.spans.find((span) => span.name === 'POST /v1/charges'), 'the charge at the card processor').to.deep.include({
      service: 'payment',
      kind: 'CLIENT',
      parentSpanId: paying?.spanId,
    });
    // Every handling the consumers logged is a span of this trace, under the span that published its event.
    for (const handling of handledOf(orderId)) {
      const process = processSpanOf(placed, handling);
      const publish = placed.spans.find((span) => span.spanId === process?.parentSpanId);
      expect(publish, `the publish span of ${handling.consumer}'s ${handling.eventId}`).to.deep.include({ kind: 'PRODUCER', name: process?.name.replace(/^process/, 'publish') });
    }
  });

  it('keeps an order paid later by the settler in its trace: the settling and the events it raised are spans of the order\'s trace', async () => {
    const processor = new CardProcessorClient(shop().mesh.externalUrl('card-processor'));
    await processor.setFaults({ outage: true });
    let placed: { orderId: string };
    try {
      placed = await placeOrder();
      expect(await shop().rest.get(`/orders/${placed.orderId}`)).to.include({ paymentState: 'PENDING' });
    } finally {
      await processor.setFaults({});
    }
    await shop().eventually(`order ${placed.orderId} to be paid`, async () => ((await shop().rest.get(`/orders/${placed.orderId}`)) as Json).paymentState, (state) => state === 'PAID');
    const trace = await wholeTrace(placed.orderId);
    const settling = trace.spans.filter((span) => span.service === 'payment' && span.name === 'settle payment');
    expect(settling, 'the settler\'s spans').not.to.deep.equal([]);
    const completed = trace.spans.find((span) => span.name === 'publish bookstore.payment.PaymentCompleted');
    expect(completed, 'PaymentCompleted published in the order\'s trace').not.to.equal(undefined);
  });

  it('keeps a caller\'s decision not to sample: the trace id travels with the order, no span is recorded', async () => {
    const book = id(await shop().rest.post('/books', { bookName: 'Untraced', stock: 5, price: 1500 }));
    const customerId = id(await shop().rest.post('/customers', { name: 'Lee', email: 'lee@example.com' }));
    const couponId = id(await shop().rest.post('/coupons', { customerId, discount: 300 }));
    const order = { customerId, bookId: book, couponId, quantity: 1, deliveryAddress: '1 Baker Street' };
    const traceId = randomBytes(16).toString('hex');
    const token = await new RouteTokens(shop().tokens, shop().mesh.edgeUrl).tokenFor('POST', '/orders', order);
    const response = await fetch(`${shop().mesh.edgeUrl}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? ''}`, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-00` },
      body: JSON.stringify(order),
    });
    expect(response.status).to.equal(200);
    const unsampled = id(await response.json());

    // The decision travels: the consumers handle the order's events in the caller's trace.
    const handled = await shop().eventually(
      `the consumers to handle order ${unsampled}'s events`,
      () => Promise.resolve(linesOf(unsampled).filter((line) => line.msg === 'event handled' || line.msg === 'event applied')),
      (lines) => ['catalog', 'coupon', 'delivery', 'order', 'mypage'].every((consumer) => lines.some((line) => line.label === consumer)),
      60_000,
    );
    expect(new Set(handled.map((line) => line.traceId))).to.deep.equal(new Set([traceId]));
    const calls = linesOf(unsampled).filter((line) => line.msg === 'grpc call');
    expect(calls.map((line) => line.traceId)).to.include(traceId);

    // A sampled order placed after it shows the exporters sent what they had; the unsampled one left nothing.
    const { orderId: sampled } = await placeOrder();
    await wholeTrace(sampled);
    expect(await tracesOf(unsampled)).to.deep.equal([]);
  });
});

/** The span of `handling` in `trace`: its consumer's span of handling that event. */
function processSpanOf(trace: Trace, handling: Handling): TraceSpan | undefined {
  return trace.spans.find(
    (span) => span.kind === 'CONSUMER' && span.attributes['messaging.consumer.group.name'] === handling.consumer && span.attributes['messaging.message.id'] === handling.eventId,
  );
}
