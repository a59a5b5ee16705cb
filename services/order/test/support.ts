import { credentials, Metadata } from '@grpc/grpc-js';
import { CatalogServiceClient, type CatalogServiceService } from '#contracts/catalog/v1/catalog.js';
import { CouponServiceClient, CouponServiceService, type Coupon, type CouponServiceServer, type GetCouponRequest } from '#contracts/coupon/v1/coupon.js';
import { OrderServiceClient, type Order, type OrderServiceService, type PlaceOrderRequest } from '#contracts/order/v1/order.js';
import { PaymentServiceClient } from '#contracts/payment/v1/payment.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { startGrpcServer, type ServedService } from '#kit/grpc/server.js';
import { unary } from '#kit/grpc/unary.js';
import { createLogger } from '#kit/log/log.js';
import { startServiceUnderTest, type ServiceUnderTest } from '#kit-testing/service-under-test.js';
import type { StoreKind } from '#kit-testing/stores.js';
import { catalog } from '../../catalog/src/main.js';
import { coupon } from '../../coupon/src/main.js';
import { order, type OrderConfig } from '../src/main.js';
import { payment } from '../../payment/src/main.js';
import { RunningProcessor } from '../../../mesh/card-processor/test/running-processor.js';
import type { CouponUsed, CouponUseRejected } from '#contracts/events/v1/coupon.js';
import { couponEvents } from '#contracts/events.js';
import type { NewEvent } from '#kit/events/event.js';

/** A real catalog in-process that can be paused and resumed on the same port and store. */
export interface CatalogUnderTest extends ServiceUnderTest<ServiceConfig, typeof CatalogServiceService> {
  newBook(stock: number): Promise<number>;
}

export async function startCatalogUnderTest(natsUrl: string): Promise<CatalogUnderTest> {
  const under = await startServiceUnderTest(catalog, CatalogServiceClient, { natsUrl });
  return Object.assign(under, {
    async newBook(stock: number): Promise<number> {
      const book = await under.client.call('createBook', { bookName: `Book with ${stock}`, stock, price: 1200, requestId: '' });
      return book.id;
    },
  });
}

export type CouponUnderTest = ServiceUnderTest<ServiceConfig, typeof CouponServiceService>;

export function startCouponUnderTest(natsUrl: string): Promise<CouponUnderTest> {
  return startServiceUnderTest(coupon, CouponServiceClient, { natsUrl });
}

/**
 * A CouponService whose GetCoupon does what the test says: for tests that play the coupon context's
 * part on the event stream themselves, or need a coupon service that is slow.
 */
export function startStandInCoupon(getCoupon: (request: GetCouponRequest) => Promise<Coupon>): Promise<StandIn> {
  const implementation: Pick<CouponServiceServer, 'getCoupon'> = { getCoupon: unary(getCoupon) };
  return startStandIn('coupon', { definition: CouponServiceService, implementation });
}

/** A stand-in service on a free port: only the methods a test needs, answering what it says. */
export interface StandIn {
  address: string;
  stop(): Promise<void>;
}

async function startStandIn(service: string, served: ServedService): Promise<StandIn> {
  const server = await startGrpcServer({ service, host: '127.0.0.1', port: 0, services: [served], log: createLogger('test', 'silent') });
  return { address: `127.0.0.1:${server.port}`, stop: () => server.shutdown(0) };
}

/** The real payment context in-process, charging a real card processor of its own. */
export interface PaymentUnderTest {
  address: string;
  processor: RunningProcessor;
  stop(): Promise<void>;
}

export async function startPaymentUnderTest(natsUrl: string): Promise<PaymentUnderTest> {
  const processor = await RunningProcessor.start();
  const under = await startServiceUnderTest(payment, PaymentServiceClient, { natsUrl, env: { PROCESSOR_URL: processor.url } });
  return {
    address: under.address,
    processor,
    async stop() {
      await under.stop();
      await processor.stop();
    },
  };
}

export type OrderUnderTest = ServiceUnderTest<OrderConfig, typeof OrderServiceService>;

export function startOrderUnderTest(options: { natsUrl: string; catalogAddress: string; couponAddress: string; paymentAddress: string; kind?: StoreKind }): Promise<OrderUnderTest> {
  return startServiceUnderTest(order, OrderServiceClient, {
    natsUrl: options.natsUrl,
    store: options.kind,
    env: { CATALOG_ADDR: options.catalogAddress, COUPON_ADDR: options.couponAddress, PAYMENT_ADDR: options.paymentAddress },
  });
}

/** A PlaceOrder request with sensible defaults. */
export const placeOrderRequest = (bookId: number, overrides: Partial<{ customerId: number; quantity: number; deliveryAddress: string; couponId: number; requestId: string }> = {}) => ({
  customerId: 3,
  bookId,
  quantity: 1,
  deliveryAddress: '221B Baker Street, London',
  couponId: 0,
  requestId: '',
  ...overrides,
});

/** PlaceOrder through a plain ts-proto client, to see exactly what the order service answers. */
export function placeOrderDirectly(address: string, request: PlaceOrderRequest): Promise<Order> {
  const client = new OrderServiceClient(address, credentials.createInsecure());
  return new Promise<Order>((resolve, reject) => {
    client.placeOrder(request, new Metadata(), { deadline: Date.now() + 10_000 }, (error, response) => {
      if (error === null) resolve(response);
      else reject(error);
    });
  }).finally(() => {
    client.close();
  });
}

/** What the coupon context says about one customer's coupon, as the tests play it on the stream. */
export function couponNews(couponId: number, customerId: number) {
  return {
    used: (orderId: number): NewEvent<CouponUsed> => ({
      type: couponEvents.CouponUsed,
      payload: { couponId, customerId, orderId, discount: 100 },
      correlationId: String(orderId),
    }),
    useRejected: (orderId: number): NewEvent<CouponUseRejected> => ({
      type: couponEvents.CouponUseRejected,
      payload: { couponId, customerId, orderId, discount: 100, usedByOrderId: 1 },
      correlationId: String(orderId),
    }),
  };
}
