import { pathToFileURL } from 'node:url';
import { CustomerServiceService } from '#contracts/customer/v1/customer.js';
import { readServiceConfig, type ServiceConfig } from '#kit/config/service-config.js';
import { startService, type RunningService, type ServiceBlueprint } from '#kit/host/service-host.js';
import { runService } from '#kit/host/run.js';
import { meshService } from '#mesh/policy/services.js';
import { CustomerCommands } from './app/customer-commands.js';
import { CustomerQueries } from './app/customer-queries.js';
import { systemClock } from './app/ports.js';
import { customerMigrations } from './adapters/db/migrations.js';
import { KnexCustomerStore } from './adapters/db/knex-customer-store.js';
import { customerService } from './adapters/grpc/customer-service.js';

/** Wiring only: config -> adapters -> use cases -> the kit's service host. The customer context consumes no events. */
export function customerBlueprint(): ServiceBlueprint<ServiceConfig> {
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

export function readCustomerConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const { localGrpcPort, localAdminPort } = meshService('customer');
  return readServiceConfig('customer', { grpcPort: localGrpcPort, adminPort: localAdminPort }, () => ({}), env);
}

export function startCustomer(config: ServiceConfig): Promise<RunningService<ServiceConfig>> {
  return startService(config, customerBlueprint());
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  void runService('customer', () => readCustomerConfig(), customerBlueprint);
}
