import { status } from '@grpc/grpc-js';
import { expect } from 'chai';
import { CancelReason } from '#contracts/events/v1/order.js';
import { PaymentServiceClient, PaymentState, type PaymentServiceService } from '#contracts/payment/v1/payment.js';
import { orderEvents, paymentEvents } from '#contracts/events.js';
import type { ReceivedEvent } from '#kit/events/event.js';
import { NatsServer } from '#kit/process/nats-server.js';
import { waitFor } from '#kit/process/ports.js';
import { EventTraffic } from '#kit-testing/event-traffic.js';
import { callError, reflect } from '#kit-testing/grpc-probes.js';
import { samplesOf, sampleSum, type Sample } from '#kit-testing/metrics.js';
import { startServiceUnderTest, type ServiceUnderTest } from '#kit-testing/service-under-test.js';
import { storeKinds } from '#kit-testing/stores.js';
import { RunningProcessor } from '../../../mesh/card-processor/test/running-processor.js';
import { payment, type PaymentConfig } from '../src/main.js';

for (const kind of storeKinds) {
  describe(`payment over gRPC and events, on ${kind}, with a real card processor`, function () {
    this.timeout(60_000);
    let nats: NatsServer;
    let processor: RunningProcessor;
    let service: ServiceUnderTest<PaymentConfig, typeof PaymentServiceService>;
    let traffic: EventTraffic;
    let published: ReceivedEvent[];

    before(async () => {
      nats = await NatsServer.start();
      processor = await RunningProcessor.start();
      service = await startServiceUnderTest(payment, PaymentServiceClient, {
        natsUrl: nats.url,
        store: kind,
        env: { PROCESSOR_URL: processor.url, SETTLE_INTERVAL_MS: '50' },
      });
      traffic = await EventTraffic.open(nats.url);
      published = await traffic.watch(Object.values(paymentEvents));
    });

    after(async () => {
      await traffic.close();
      await service.stop();
      await processor.stop();
      await nats.stop();
    });

    const paymentsOf = async (orderId: number) => (await service.client.call('listPayments', { orderId, pageSize: 10, pageToken: '' })).payments;

    it('lists bookstore.payment.v1.PaymentService through server reflection', async () => {
      const { services } = await reflect(service.address, 'bookstore.payment.v1.PaymentService');
      expect(services).to.include('bookstore.payment.v1.PaymentService');
    });

    it('shows on its admin /metrics its calls, its PENDING payments and its consumer\'s lag', async () => {
      await service.client.call('listPayments', { orderId: 1, pageSize: 1, pageToken: '' });
      const metrics = async (): Promise<Sample[]> => samplesOf(await (await fetch(`http://127.0.0.1:${service.service.adminPort}/metrics`)).text());
      const listPayments = { grpc_type: 'unary', grpc_service: 'bookstore.payment.v1.PaymentService', grpc_method: 'ListPayments', grpc_code: 'OK' };
      expect(sampleSum(await metrics(), 'grpc_server_handled_total', listPayments)).to.be.at.least(1);
      const names = new Set((await metrics()).map((sample) => sample.name));
      expect([...names]).to.include.members(['bookstore_payments_pending', 'bookstore_payments_pending_oldest_age_seconds', 'bookstore_outbox_pending', 'bookstore_outbox_oldest_age_seconds']);
      await waitFor(async () => (await metrics()).some((sample) => sample.name === 'bookstore_consumer_pending_messages' && sample.labels.consumer === 'payment'), 'the payment consumer\'s lag on /metrics');
    });

    it('pays, reads the payment back by id and by order, and publishes PaymentCompleted under the order id', async () => {
      const paid = await service.client.call('pay', { orderId: 501, customerId: 3, amount: 2500, currency: 'KRW' });
      expect(paid).to.include({ orderId: 501, amount: 2500, currency: 'KRW', state: PaymentState.PAID, attempts: 1 });
      expect(paid.paidTime).to.be.instanceOf(Date);
      expect(await service.client.call('getPayment', { id: paid.id })).to.deep.equal(paid);
      expect(await paymentsOf(501)).to.deep.equal([paid]);
      const event = await EventTraffic.next(published, paymentEvents.PaymentCompleted, (payload) => payload.orderId === 501);
      expect(event.payload).to.deep.include({ orderId: 501, paymentId: paid.id, amount: 2500, currency: 'KRW' });
      expect(event.correlationId).to.equal('501');
    });

    it('answers bad input with INVALID_ARGUMENT naming the field, and a missing payment with NOT_FOUND', async () => {
      const amount = await callError(service.client.call('pay', { orderId: 502, customerId: 3, amount: -5, currency: 'KRW' }));
      expect(amount.code).to.equal(status.INVALID_ARGUMENT);
      expect(amount.details).to.match(/^amount: /);
      const currency = await callError(service.client.call('pay', { orderId: 502, customerId: 3, amount: 5, currency: 'EURO' }));
      expect(currency.details).to.match(/^currency: /);
      expect((await callError(service.client.call('getPayment', { id: 987_654 }))).code).to.equal(status.NOT_FOUND);
      expect((await callError(service.client.call('listPayments', { orderId: -1, pageSize: 1, pageToken: '' }))).details).to.match(/^orderId: /);
      expect(await paymentsOf(502)).to.deep.equal([]);
    });

    it('pays an order it only heard of through OrderPlaced, and refunds it on OrderCancelled, once', async () => {
      const placed = { orderId: 503, customerId: 4, bookId: 1, quantity: 2, deliveryAddress: 'Seoul', couponId: 0, amount: 3000, currency: 'KRW' };
      await traffic.publish({ type: orderEvents.OrderPlaced, payload: placed, correlationId: '503' });
      await traffic.publish({ type: orderEvents.OrderPlaced, payload: placed, correlationId: '503' });
      await waitFor(async () => (await paymentsOf(503))[0]?.state === PaymentState.PAID, 'the payment of order 503 to be PAID', 20_000);
      const cancelled = { orderId: 503, couponId: 0, reason: CancelReason.CUSTOMER_REQUEST };
      await traffic.publish({ type: orderEvents.OrderCancelled, payload: cancelled, correlationId: '503' });
      await traffic.publish({ type: orderEvents.OrderCancelled, payload: cancelled, correlationId: '503' });
      await waitFor(async () => (await paymentsOf(503))[0]?.state === PaymentState.REFUNDED, 'the payment of order 503 to be REFUNDED', 20_000);
      await EventTraffic.next(published, paymentEvents.PaymentRefunded, (payload) => payload.orderId === 503);
      const ledger = await processor.ledgerEntries();
      const charges = ledger.charges.filter((charge) => charge.reference === 'order 503');
      expect(charges).to.have.length(1);
      expect(ledger.refunds.filter((refund) => refund.chargeId === charges[0]?.id)).to.have.length(1);
      expect(await paymentsOf(503)).to.have.length(1);
    });
  });
}
