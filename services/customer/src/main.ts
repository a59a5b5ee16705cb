import { CustomerServiceService } from '#contracts/customer/v1/customer.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { defineService } from '#kit/host/define-service.js';
import type { ServiceBlueprint } from '#kit/host/service-host.js';
import { CustomerCommands } from './app/customer-commands.js';
import { CustomerQueries } from './app/customer-queries.js';
import { systemClock } from './app/ports.js';
import { customerMigrations } from './adapters/db/migrations.js';
import { KnexCustomerStore } from './adapters/db/knex-customer-store.js';
import { customerService } from './adapters/grpc/customer-service.js';

/** Wiring only: config -> adapters -> use cases -> the kit's service host. The customer context consumes no events. */
function customerBlueprint(): ServiceBlueprint<ServiceConfig> {
  return {
    migrations: customerMigrations,
    grpcServices: ({ db, eventsCommitted }) => {
      const store = new KnexCustomerStore(db, eventsCommitted);
      return [
        { definition: CustomerServiceService, implementation: customerService(new CustomerCommands(store, systemClock), new CustomerQueries(store)) },
      ];
    },
  };
}

export const customer = defineService('customer', customerBlueprint);

customer.runIfEntry(import.meta.url);
