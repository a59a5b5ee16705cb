import { CatalogServiceClient } from '#contracts/catalog/v1/catalog.js';
import { CouponServiceClient } from '#contracts/coupon/v1/coupon.js';
import { OrderServiceService } from '#contracts/order/v1/order.js';
import { PaymentServiceClient } from '#contracts/payment/v1/payment.js';
import { currencyCodes } from '#kit/domain/money.js';
import { readPeerAddress } from '#kit/config/peer-address.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { createGrpcClient } from '#kit/grpc/client.js';
import { defineService } from '#kit/host/define-service.js';
import type { ServiceBlueprint } from '#kit/host/service-host.js';
import { OrderCommands } from './app/order-commands.js';
import { OrderPolicies } from './app/order-policies.js';
import { OrderQueries } from './app/order-queries.js';
import { systemClock } from './app/ports.js';
import { orderMigrations } from './adapters/db/migrations.js';
import { KnexOrderStore } from './adapters/db/knex-order-store.js';
import { orderEventHandlers } from './adapters/events/incoming.js';
import { CatalogBooks } from './adapters/grpc-clients/catalog-books.js';
import { CouponServiceLookup } from './adapters/grpc-clients/coupon-lookup.js';
import { PaymentServicePayments } from './adapters/grpc-clients/payment-client.js';
import { orderService } from './adapters/grpc/order-service.js';

export interface OrderConfig extends ServiceConfig {
  /** host:port of catalog (PlaceOrder asks it whether the book exists). */
  catalogAddress: string;
  /** host:port of coupon (PlaceOrder asks it about the coupon). */
  couponAddress: string;
  /** host:port of payment (PlaceOrder pays there). */
  paymentAddress: string;
  /** ISO 4217 code of the shop's one currency. */
  shopCurrency: string;
}

/** Wiring only: config -> adapters -> use cases -> the kit's service host. */
function orderBlueprint(): ServiceBlueprint<OrderConfig> {
  const clients: { close(): void }[] = [];
  return {
    migrations: orderMigrations,
    grpcServices: ({ config, db, log, eventsCommitted }) => {
      const resilience = { caller: 'order', inProcessResilience: config.inProcessResilience, log };
      const catalog = createGrpcClient(CatalogServiceClient, { ...resilience, callee: 'catalog', address: config.catalogAddress });
      const coupon = createGrpcClient(CouponServiceClient, { ...resilience, callee: 'coupon', address: config.couponAddress });
      const payment = createGrpcClient(PaymentServiceClient, { ...resilience, callee: 'payment', address: config.paymentAddress });
      clients.push(catalog, coupon, payment);
      const store = new KnexOrderStore(db, eventsCommitted);
      const payments = new PaymentServicePayments(payment, log);
      const commands = new OrderCommands(store, new CatalogBooks(catalog), new CouponServiceLookup(coupon), payments, systemClock, config.shopCurrency, log);
      return [{ definition: OrderServiceService, implementation: orderService(commands, new OrderQueries(store)) }];
    },
    consumers: ({ db }) => [
      { durable: 'order', ...orderEventHandlers(new KnexOrderStore(db), new OrderPolicies(systemClock)) },
    ],
    onShutdown: [
      {
        name: 'close the catalog, coupon and payment clients',
        run: () => {
          for (const client of clients) client.close();
        },
      },
    ],
  };
}

export const order = defineService('order', orderBlueprint, (read) => ({
  catalogAddress: readPeerAddress(read, 'catalog'),
  couponAddress: readPeerAddress(read, 'coupon'),
  paymentAddress: readPeerAddress(read, 'payment'),
  shopCurrency: read.oneOf('SHOP_CURRENCY', currencyCodes, 'KRW'),
}));

order.runIfEntry(import.meta.url);
