import { pathToFileURL } from 'node:url';
import { DeliveryServiceService } from '#contracts/delivery/v1/delivery.js';
import { readServiceConfig, type ServiceConfig } from '#kit/config/service-config.js';
import { startService, type RunningService, type ServiceBlueprint } from '#kit/host/service-host.js';
import { runService } from '#kit/host/run.js';
import { meshService } from '#mesh/policy/services.js';
import { CourierCommands } from './app/courier-commands.js';
import { DeliveryPolicies } from './app/delivery-policies.js';
import { DeliveryQueries } from './app/delivery-queries.js';
import { systemClock } from './app/ports.js';
import { deliveryMigrations } from './adapters/db/migrations.js';
import { KnexDeliveryStore } from './adapters/db/knex-delivery-store.js';
import { deliveryEventHandler, deliverySubscriptions } from './adapters/events/incoming.js';
import { deliveryService } from './adapters/grpc/delivery-service.js';

/** Wiring only: config -> adapters -> use cases -> the kit's service host. */
export function deliveryBlueprint(): ServiceBlueprint<ServiceConfig> {
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
        events: deliverySubscriptions,
        handle: deliveryEventHandler(new KnexDeliveryStore(db), new DeliveryPolicies(systemClock)),
      },
    ],
  };
}

export function readDeliveryConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const { localGrpcPort, localAdminPort } = meshService('delivery');
  return readServiceConfig('delivery', { grpcPort: localGrpcPort, adminPort: localAdminPort }, () => ({}), env);
}

export function startDelivery(config: ServiceConfig): Promise<RunningService<ServiceConfig>> {
  return startService(config, deliveryBlueprint());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  void runService('delivery', () => readDeliveryConfig(), deliveryBlueprint);
}
