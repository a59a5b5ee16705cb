import { DeliveryServiceService } from '#contracts/delivery/v1/delivery.js';
import type { ServiceConfig } from '#kit/config/service-config.js';
import { defineService } from '#kit/host/define-service.js';
import type { ServiceBlueprint } from '#kit/host/service-host.js';
import { CourierCommands } from './app/courier-commands.js';
import { DeliveryPolicies } from './app/delivery-policies.js';
import { DeliveryQueries } from './app/delivery-queries.js';
import { systemClock } from './app/ports.js';
import { deliveryMigrations } from './adapters/db/migrations.js';
import { KnexDeliveryStore } from './adapters/db/knex-delivery-store.js';
import { deliveryEventHandlers } from './adapters/events/incoming.js';
import { deliveryService } from './adapters/grpc/delivery-service.js';

/** Wiring only: config -> adapters -> use cases -> the kit's service host. */
function deliveryBlueprint(): ServiceBlueprint<ServiceConfig> {
  return {
    migrations: deliveryMigrations,
    grpcServices: ({ db, eventsCommitted }) => {
      const store = new KnexDeliveryStore(db, eventsCommitted);
      return [
        { definition: DeliveryServiceService, implementation: deliveryService(new CourierCommands(store, systemClock), new DeliveryQueries(store)) },
      ];
    },
    consumers: ({ db }) => [
      {
        durable: 'delivery',
        ...deliveryEventHandlers(new KnexDeliveryStore(db), new DeliveryPolicies(systemClock)),
      },
    ],
  };
}

export const delivery = defineService('delivery', deliveryBlueprint);

delivery.runIfEntry(import.meta.url);
