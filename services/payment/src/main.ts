import { PaymentServiceService } from '#contracts/payment/v1/payment.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { defineService } from '#kit/host/define-service.js';
import type { ServiceBlueprint } from '#kit/host/service-host.js';
import { callPolicy } from '#mesh/policy/resilience.js';
import { externalSystem } from '#mesh/policy/services.js';
import { PaymentPolicies } from './app/payment-policies.js';
import { PaymentQueries } from './app/payment-queries.js';
import { PaymentSettlement } from './app/payment-settlement.js';
import { systemClock } from './app/ports.js';
import { Settler } from './app/settler.js';
import { HttpCardProcessor } from './adapters/card-processor/http-card-processor.js';
import { paymentMigrations } from './adapters/db/migrations.js';
import { KnexPaymentStore } from './adapters/db/knex-payment-store.js';
import { paymentEventHandlers } from './adapters/events/incoming.js';
import { paymentService } from './adapters/grpc/payment-service.js';
import { watchPendingPayments } from './adapters/metrics/pending-payments.js';

export interface PaymentConfig extends ServiceConfig {
  /** Base URL of the card processor's HTTP API. */
  processorUrl: string;
  /** How often the settler looks for PENDING payments and refunds due. */
  settleIntervalMs: number;
}

/** Wiring only: config -> adapters -> use cases -> the kit's service host, plus the background settler and the PENDING gauges. */
function paymentBlueprint(): ServiceBlueprint<PaymentConfig> {
  let settler: Settler | undefined;
  let unwatchPending: (() => void) | undefined;
  return {
    migrations: paymentMigrations,
    grpcServices: ({ config, db, log, eventsCommitted }) => {
      const store = new KnexPaymentStore(db, eventsCommitted);
      const processor = new HttpCardProcessor({
        baseUrl: config.processorUrl,
        policy: callPolicy('payment', 'card-processor'),
        inProcessResilience: config.inProcessResilience,
        log,
      });
      const settlement = new PaymentSettlement(store, processor, systemClock);
      settler = new Settler({ store, settlement, clock: systemClock, log, intervalMs: config.settleIntervalMs });
      settler.start();
      unwatchPending = watchPendingPayments(store);
      return [{ definition: PaymentServiceService, implementation: paymentService(settlement, new PaymentQueries(store)) }];
    },
    consumers: ({ db }) => [
      { durable: 'payment', ...paymentEventHandlers(new KnexPaymentStore(db), new PaymentPolicies(systemClock)) },
    ],
    onShutdown: [
      { name: 'stop the settler', run: () => settler?.stop() },
      { name: 'stop showing PENDING payments', run: () => { unwatchPending?.(); } },
    ],
  };
}

export const payment = defineService('payment', paymentBlueprint, (read) => ({
  processorUrl: read.url('PROCESSOR_URL', `http://127.0.0.1:${externalSystem('card-processor').localPort}`, ['http://', 'https://']),
  settleIntervalMs: read.int('SETTLE_INTERVAL_MS', 500, { min: 10 }),
}));

payment.runIfEntry(import.meta.url);
